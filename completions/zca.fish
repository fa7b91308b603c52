# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_zca_global_optspecs
    string join \n profile= config= lang= json no-input v/verbose module= skf= platform= ca-file= connect-timeout= timeout= h/help V/version
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

complete -c zca -n "__fish_zca_needs_command" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_needs_command" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_needs_command" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_needs_command" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_needs_command" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_needs_command" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_needs_command" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_needs_command" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_needs_command" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_needs_command" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_needs_command" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_needs_command" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_needs_command" -s V -l version -d 'Print version'
complete -c zca -n "__fish_zca_needs_command" -f -a "detect" -d 'Find CA drivers (PKCS#11 modules), readers and inserted keys'
complete -c zca -n "__fish_zca_needs_command" -f -a "certs" -d 'List the certificates on the inserted keys, or export one'
complete -c zca -n "__fish_zca_needs_command" -f -a "account" -d 'The platform account: log in with account and password'
complete -c zca -n "__fish_zca_needs_command" -f -a "bind" -d 'Bind a certificate on an inserted key to your platform account'
complete -c zca -n "__fish_zca_needs_command" -f -a "unbind" -d 'Remove one of your bindings'
complete -c zca -n "__fish_zca_needs_command" -f -a "bindings" -d 'List your bindings (the platform\'s CA key table)'
complete -c zca -n "__fish_zca_needs_command" -f -a "login" -d 'Log in to the platform with the CA key (CA 登录)'
complete -c zca -n "__fish_zca_needs_command" -f -a "logout" -d 'Log out: end the session on the platform and forget it here'
complete -c zca -n "__fish_zca_needs_command" -f -a "status" -d 'Show the profile, the platform and the session'
complete -c zca -n "__fish_zca_needs_command" -f -a "doctor" -d 'Check the whole chain, driver to binding, and say what to fix'
complete -c zca -n "__fish_zca_needs_command" -f -a "drivers" -d 'The platform\'s CA driver catalogue; download a driver'
complete -c zca -n "__fish_zca_needs_command" -f -a "pin" -d 'See, change or unlock the key\'s PIN'
complete -c zca -n "__fish_zca_needs_command" -f -a "bridge" -d 'The CA client service web pages call on 127.0.0.1 (ws 21051, wss 21061; mToken 51235, 51245)'
complete -c zca -n "__fish_zca_needs_command" -f -a "config" -d 'Show the configuration'
complete -c zca -n "__fish_zca_using_subcommand detect" -l timeout -d 'With --watch: stop after SECS seconds (with --until-present: exit 3 when no key came); without it the watch runs until Ctrl-C' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand detect" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand detect" -l watch -d 'Keep watching: print each key inserted or removed (one JSON object per line with --json)'
complete -c zca -n "__fish_zca_using_subcommand detect" -l until-present -d 'With --watch: exit 0 as soon as a key is present'
complete -c zca -n "__fish_zca_using_subcommand detect" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand detect" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand detect" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand detect" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l token -d 'Only the key with this CA key ID (serial number) or label' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l fail-if-expiring -d 'Exit with code 7 when a listed certificate has DAYS days left or fewer, as the table counts them (for cron)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s l -l long -d 'Show every field of each certificate, one per line (the whole SHA-256 and pkcs11: URI)'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand certs; and not __fish_seen_subcommand_from export" -f -a "export" -d 'Export one certificate as PEM or DER'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l sha256 -d 'The certificate\'s SHA-256 fingerprint (or its first 8 or more hex digits)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l token -d 'The key holding the certificate (with --id)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l id -d 'The certificate object\'s CKA_ID in hex (with --token)' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l der -d 'Write DER instead of PEM'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand certs; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand account; and not __fish_seen_subcommand_from login" -f -a "login" -d 'Log in to the platform with account and password'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l account -d 'Platform account name [env: ZCA_ACCOUNT]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l password-file -d 'Read the password from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l print-token -d 'Print the session token on stdout instead of storing it (for scripts: ZCA_TOKEN)'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand account; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bind" -l token -d 'The key to use: its CA key ID (serial) or label' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l cert -d 'The certificate to use: its SHA-256 (or its first 8+ hex digits)' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l pin-file -d 'Read the key\'s PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand bind" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bind" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bind" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bind" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bind" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bind" -l pin-stdin -d 'Read the key\'s PIN from the first line of stdin'
complete -c zca -n "__fish_zca_using_subcommand bind" -l allow-final-try -d 'Allow zca to spend the key\'s final PIN try'
complete -c zca -n "__fish_zca_using_subcommand bind" -s y -l yes -d 'Do not ask for confirmation'
complete -c zca -n "__fish_zca_using_subcommand bind" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bind" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bind" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bind" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand unbind" -l ca-lock -d 'The binding of this CA key ID' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l cert -d 'The binding of this certificate SHA-256 (or its first 8+ hex digits)' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand unbind" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand unbind" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand unbind" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand unbind" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand unbind" -s y -l yes -d 'Do not ask for confirmation'
complete -c zca -n "__fish_zca_using_subcommand unbind" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand unbind" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand unbind" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand unbind" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bindings" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bindings" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bindings" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bindings" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bindings" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bindings" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bindings" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bindings" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bindings" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bindings" -l csv -d 'Print the table as CSV (UTF-8, RFC 4180)'
complete -c zca -n "__fish_zca_using_subcommand bindings" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bindings" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bindings" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bindings" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand login" -l token -d 'The key to use: its CA key ID (serial) or label' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l cert -d 'The certificate to use: its SHA-256 (or its first 8+ hex digits)' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l pin-file -d 'Read the key\'s PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand login" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand login" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand login" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand login" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand login" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand login" -l pin-stdin -d 'Read the key\'s PIN from the first line of stdin'
complete -c zca -n "__fish_zca_using_subcommand login" -l allow-final-try -d 'Allow zca to spend the key\'s final PIN try'
complete -c zca -n "__fish_zca_using_subcommand login" -l print-token -d 'Print the session token on stdout instead of storing it (for scripts: ZCA_TOKEN)'
complete -c zca -n "__fish_zca_using_subcommand login" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand login" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand login" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand login" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand logout" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand logout" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand logout" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand logout" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand logout" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand logout" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand logout" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand logout" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand logout" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand logout" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand logout" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand logout" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand logout" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand status" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand status" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand status" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand status" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand status" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand status" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand status" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand status" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand status" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand status" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand status" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand status" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand doctor" -l report -d 'Also write a text report for a helpdesk ticket to FILE (mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand doctor" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand doctor" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand doctor" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand doctor" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand doctor" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand doctor" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand doctor" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand doctor" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand doctor" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand doctor" -l include-dn -d 'Put certificates\' full subject and issuer names into the report (default: common names only)'
complete -c zca -n "__fish_zca_using_subcommand doctor" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand doctor" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand doctor" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand drivers; and not __fish_seen_subcommand_from download" -f -a "download" -d 'Download a driver, checking its size and SHA-256'
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -s o -l output -d 'Folder to save the driver in [default: .]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand drivers; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -f -a "status" -d 'The PIN state of each key: ok, count low, final try, locked, must be changed; length limits; PIN pad'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -f -a "change" -d 'Change the key\'s PIN (修改密码)'
complete -c zca -n "__fish_zca_using_subcommand pin; and not __fish_seen_subcommand_from status change unlock" -f -a "unlock" -d 'Set a new user PIN with the SO (admin) PIN, also on a locked key'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l token -d 'Only the key with this CA key ID (serial number) or label' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l token -d 'The key with this CA key ID (serial number) or label (needed when several are inserted)' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l pin-file -d 'Read the key\'s PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l new-pin-file -d 'Read the new PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l pin-stdin -d 'Read the current PIN and the new PIN from the first two lines of stdin'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l allow-final-try -d 'Allow zca to spend the key\'s final PIN try'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from change" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l token -d 'The key with this CA key ID (serial number) or label (needed when several are inserted)' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l so-pin-file -d 'Read the SO (admin) PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l new-pin-file -d 'Read the new PIN from the first line of FILE (keep it mode 0600)' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l so-pin-stdin -d 'Read the SO (admin) PIN and the new user PIN from the first two lines of stdin'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l allow-final-try -d 'Allow zca to spend the SO PIN\'s final try'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand pin; and __fish_seen_subcommand_from unlock" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l ws-port -d 'Port of ws://127.0.0.1:PORT/xtxapp/ (0: any free port) [default: 21051]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l wss-port -d 'Port of wss://127.0.0.1:PORT/xtxapp/ (0: any free port) [default: 21061]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l mtoken-port -d 'Port of the mToken service for Longmai pages (http://127.0.0.1:PORT/alpha) [default: 51235]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l mtoken-https-port -d 'Port of the mToken service over https (for pages served over https) [default: 51245]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l idle -d 'A page\'s login to a key ends after this many seconds without a call [default: 600]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l max-connections -d 'At most this many pages connected at once; more are refused [default: 64]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l close-idle -d 'A page\'s connection without a login and without a call is closed after this many seconds [default: 60]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l pinentry -d 'The desktop\'s PIN dialog to ask PINs with (default: pinentry-gnome3, -qt, -gtk-2 or pinentry, where there is a desktop)' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l no-wss -d 'Serve neither wss nor https (no local CA is made)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "allow" -d 'Allow the pages of a web origin to use the bridge'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "deny" -d 'Take a web origin off the allow-list'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "origins" -d 'List the allowed origins'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "trust" -d 'Put the bridge\'s local CA into the browsers\' certificate stores (for wss)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "untrust" -d 'Take the bridge\'s local CA out of the browsers\' certificate stores'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "install" -d 'Run the bridge as a systemd user service, started at login'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "uninstall" -d 'Stop and disable the systemd user service (and remove your own unit)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "status" -d 'Whether the bridge runs and listens, whether its CA is trusted, which origins it serves'
complete -c zca -n "__fish_zca_using_subcommand bridge; and not __fish_seen_subcommand_from allow deny origins trust untrust install uninstall status allow-final-try" -f -a "allow-final-try" -d 'Allow one login at a key\'s final PIN try through the bridge'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l insecure-origin -d 'Allow an http:// origin of another computer (its pages can be changed on the way)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l pin-from-desktop -d 'Ask this origin\'s PINs in the desktop\'s PIN dialog, never take them from the page'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from origins" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from trust" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from untrust" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l ws-port -d 'Port of ws://127.0.0.1:PORT/xtxapp/ (0: any free port) [default: 21051]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l wss-port -d 'Port of wss://127.0.0.1:PORT/xtxapp/ (0: any free port) [default: 21061]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l mtoken-port -d 'Port of the mToken service for Longmai pages (http://127.0.0.1:PORT/alpha) [default: 51235]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l mtoken-https-port -d 'Port of the mToken service over https (for pages served over https) [default: 51245]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l idle -d 'A page\'s login to a key ends after this many seconds without a call [default: 600]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l max-connections -d 'At most this many pages connected at once; more are refused [default: 64]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l close-idle -d 'A page\'s connection without a login and without a call is closed after this many seconds [default: 60]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l pinentry -d 'The desktop\'s PIN dialog to ask PINs with (default: pinentry-gnome3, -qt, -gtk-2 or pinentry, where there is a desktop)' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l no-wss -d 'Serve neither wss nor https (no local CA is made)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l minutes -d 'The consent holds for this many minutes, for one attempt [default: 5]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand bridge; and __fish_seen_subcommand_from allow-final-try" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c zca -n "__fish_zca_using_subcommand config; and not __fish_seen_subcommand_from show" -f -a "show" -d 'Show the effective settings and where each came from'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use [env: ZCA_PROFILE]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml] [env: ZCA_CONFIG]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages: zh or en [default: from the locale] [env: ZCA_LANG]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l module -d 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_PKCS11_MODULE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l skf -d 'SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable) [env: ZCA_SKF_LIBRARY]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l platform -d 'Platform base URL, e.g. https://platform.example.gov.cn [env: ZCA_PLATFORM]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l ca-file -d 'Extra CA certificate (PEM) to trust for the platform\'s TLS certificate [env: ZCA_CA_FILE]' -r -F
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l connect-timeout -d 'Seconds to wait for a connection to the platform [default: 10] [env: ZCA_CONNECT_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds a whole request to the platform may take [default: 30] [env: ZCA_TIMEOUT]' -r
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document (schema_version 1) instead of tables'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with exit code 2 naming what is missing [env: ZCA_NO_INPUT]'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more about what zca does, and at the end where its time went (repeat for more)'
complete -c zca -n "__fish_zca_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
