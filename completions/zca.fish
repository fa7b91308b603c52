# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_zca_global_optspecs
    string join \n profile= config= lang= json no-input v/verbose module= platform= ca-file= h/help V/version
end

function __fish_zca_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_zca_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_zca_using_subcommand
    set -l cmd (__fish_zca_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c zca -n "__fish_zca_needs_command" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_needs_command" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_needs_command" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_needs_command" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_needs_command" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_needs_command" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_needs_command" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_needs_command" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_needs_command" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_needs_command" -s V -l version -d 'Print version'
complete -c zca -n "__fish_zca_needs_command" -f -a "detect" -d 'Find CA drivers (PKCS#11 modules), readers and inserted keys'
complete -c zca -n "__fish_zca_needs_command" -f -a "certs" -d 'List the certificates on the inserted keys, or export one'
complete -c zca -n "__fish_zca_needs_command" -f -a "config" -d 'Show the configuration'
complete -c zca -n "__fish_zca_using_subcommand detect" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand detect" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_using_subcommand detect" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand detect" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l token -d 'Only the key with this CA lock ID (serial number) or label' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l fail-if-expiring -d 'Exit with code 7 when a listed certificate expires within DAYS days (for cron)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s l -l long -d 'Show every field of each certificate'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -f -a "export" -d 'Export one certificate as PEM or DER'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l sha256 -d 'The certificate\'s SHA-256 fingerprint (or its first 8 or more hex digits)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l token -d 'The key holding the certificate (with --id)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l id -d 'The certificate object\'s CKA_ID in hex (with --token)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l der -d 'Write DER instead of PEM'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -f -a "show" -d 'Show the effective settings and where each came from'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages: zh or en [default: from the locale]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what zca does (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
