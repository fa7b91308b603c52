
use builtin;
use str;

set edit:completion:arg-completer[zca] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'zca'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'zca'= {
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand detect 'Find CA drivers (PKCS#11 modules), readers and inserted keys'
            cand certs 'List the certificates on the inserted keys, or export one'
            cand config 'Show the configuration'
        }
        &'zca;detect'= {
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'zca;certs'= {
            cand --token 'Only the key with this CA lock ID (serial number) or label'
            cand --fail-if-expiring 'Exit with code 7 when a listed certificate expires within DAYS days (for cron)'
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand -l 'Show every field of each certificate'
            cand --long 'Show every field of each certificate'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand export 'Export one certificate as PEM or DER'
        }
        &'zca;certs;export'= {
            cand --sha256 'The certificate''s SHA-256 fingerprint (or its first 8 or more hex digits)'
            cand --token 'The key holding the certificate (with --id)'
            cand --id 'The certificate object''s CKA_ID in hex (with --token)'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand --der 'Write DER instead of PEM'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'zca;config'= {
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand show 'Show the effective settings and where each came from'
        }
        &'zca;config;show'= {
            cand --profile 'Profile of the config file to use'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]'
            cand --lang 'Language of messages: zh or en [default: from the locale]'
            cand --module 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)'
            cand --platform 'Platform base URL, e.g. https://platform.example.gov.cn'
            cand --ca-file 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate'
            cand --json 'Print one JSON document (schema_version 1) instead of tables'
            cand --no-input 'Never prompt; fail with exit code 2 naming what is missing'
            cand -v 'Say more about what zca does (repeat for more)'
            cand --verbose 'Say more about what zca does (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
    ]
    $completions[$command]
}
