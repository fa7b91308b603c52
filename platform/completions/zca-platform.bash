_zca__platform() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="zca__platform"
                ;;
            zca__platform,audit)
                cmd="zca__platform__subcmd__audit"
                ;;
            zca__platform,backup)
                cmd="zca__platform__subcmd__backup"
                ;;
            zca__platform,driver)
                cmd="zca__platform__subcmd__driver"
                ;;
            zca__platform,migrate)
                cmd="zca__platform__subcmd__migrate"
                ;;
            zca__platform,restore)
                cmd="zca__platform__subcmd__restore"
                ;;
            zca__platform,revoke)
                cmd="zca__platform__subcmd__revoke"
                ;;
            zca__platform,revoked)
                cmd="zca__platform__subcmd__revoked"
                ;;
            zca__platform,serve)
                cmd="zca__platform__subcmd__serve"
                ;;
            zca__platform,trust)
                cmd="zca__platform__subcmd__trust"
                ;;
            zca__platform,user)
                cmd="zca__platform__subcmd__user"
                ;;
            zca__platform__subcmd__driver,add)
                cmd="zca__platform__subcmd__driver__subcmd__add"
                ;;
            zca__platform__subcmd__driver,list)
                cmd="zca__platform__subcmd__driver__subcmd__list"
                ;;
            zca__platform__subcmd__trust,add)
                cmd="zca__platform__subcmd__trust__subcmd__add"
                ;;
            zca__platform__subcmd__trust,list)
                cmd="zca__platform__subcmd__trust__subcmd__list"
                ;;
            zca__platform__subcmd__trust,remove)
                cmd="zca__platform__subcmd__trust__subcmd__remove"
                ;;
            zca__platform__subcmd__user,add)
                cmd="zca__platform__subcmd__user__subcmd__add"
                ;;
            zca__platform__subcmd__user,disable)
                cmd="zca__platform__subcmd__user__subcmd__disable"
                ;;
            zca__platform__subcmd__user,list)
                cmd="zca__platform__subcmd__user__subcmd__list"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        zca__platform)
            opts="-h -V --data --database --database-ca --database-pool --database-wait --help --version serve user trust driver revoke revoked audit backup restore migrate"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__audit)
            opts="-h --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__backup)
            opts="-h --to --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --to)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__driver)
            opts="-h --data --database --database-ca --database-pool --database-wait --help add list"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__driver__subcmd__add)
            opts="-h --name --vendor --version --os --arch --issuer --module-name --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --vendor)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --os)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --arch)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --module-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__driver__subcmd__list)
            opts="-h --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__migrate)
            opts="-h --from --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__restore)
            opts="-h --from --replace --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__revoke)
            opts="-h --sha256 --serial --issuer --reason --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --sha256)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --serial)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --issuer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --reason)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__revoked)
            opts="-h --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__serve)
            opts="-h --listen --tls-cert --tls-key --origin --session-ttl --challenge-ttl --bridge --metrics-listen --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-cert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tls-key)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --session-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --challenge-ttl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bridge)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metrics-listen)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__trust)
            opts="-h --data --database --database-ca --database-pool --database-wait --help add remove list"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__trust__subcmd__add)
            opts="-h --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__trust__subcmd__list)
            opts="-h --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__trust__subcmd__remove)
            opts="-h --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__user)
            opts="-h --data --database --database-ca --database-pool --database-wait --help add list disable"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__user__subcmd__add)
            opts="-h --name --org --password-stdin --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --org)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__user__subcmd__disable)
            opts="-h --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        zca__subcmd__platform__subcmd__user__subcmd__list)
            opts="-h --json --data --database --database-ca --database-pool --database-wait --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --data)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-ca)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-pool)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --database-wait)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _zca__platform -o nosort -o bashdefault -o default zca-platform
else
    complete -F _zca__platform -o bashdefault -o default zca-platform
fi
