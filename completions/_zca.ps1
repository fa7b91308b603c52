
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'zca' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'zca'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'zca' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Find CA drivers (PKCS#11 modules), readers and inserted keys')
            [CompletionResult]::new('certs', 'certs', [CompletionResultType]::ParameterValue, 'List the certificates on the inserted keys, or export one')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'The platform account: log in with account and password')
            [CompletionResult]::new('bind', 'bind', [CompletionResultType]::ParameterValue, 'Bind a certificate on an inserted key to your platform account')
            [CompletionResult]::new('unbind', 'unbind', [CompletionResultType]::ParameterValue, 'Remove one of your bindings')
            [CompletionResult]::new('bindings', 'bindings', [CompletionResultType]::ParameterValue, 'List your bindings (the platform''s CA lock table)')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to the platform with the CA key (CA 登录)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Log out: end the session on the platform and forget it here')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the profile, the platform and the session')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the whole chain, driver to binding, and say what to fix')
            [CompletionResult]::new('drivers', 'drivers', [CompletionResultType]::ParameterValue, 'The platform''s CA driver catalogue; download a driver')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration')
            break
        }
        'zca;detect' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --watch: stop after SECS seconds (with --until-present: exit 3 when no key came)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching: print each key inserted or removed (one JSON object per line with --json)')
            [CompletionResult]::new('--until-present', '--until-present', [CompletionResultType]::ParameterName, 'With --watch: exit 0 as soon as a key is present')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;certs' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Only the key with this CA lock ID (serial number) or label')
            [CompletionResult]::new('--fail-if-expiring', '--fail-if-expiring', [CompletionResultType]::ParameterName, 'Exit with code 7 when a listed certificate expires within DAYS days (for cron)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Show every field of each certificate')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'Show every field of each certificate')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export one certificate as PEM or DER')
            break
        }
        'zca;certs;export' {
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'The certificate''s SHA-256 fingerprint (or its first 8 or more hex digits)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The key holding the certificate (with --id)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The certificate object''s CKA_ID in hex (with --token)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--der', '--der', [CompletionResultType]::ParameterName, 'Write DER instead of PEM')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;account' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to the platform with account and password')
            break
        }
        'zca;account;login' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Platform account name')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE (keep it mode 0600)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('--print-token', '--print-token', [CompletionResultType]::ParameterName, 'Print the session token on stdout instead of storing it (for scripts: ZCA_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;bind' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The key to use: its CA lock ID (serial) or label')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The certificate to use: its SHA-256 (or its first 8+ hex digits)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read the key''s PIN from the first line of FILE (keep it mode 0600)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--pin-stdin', '--pin-stdin', [CompletionResultType]::ParameterName, 'Read the key''s PIN from the first line of stdin')
            [CompletionResult]::new('--allow-final-try', '--allow-final-try', [CompletionResultType]::ParameterName, 'Allow zca to spend the key''s final PIN try')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;unbind' {
            [CompletionResult]::new('--ca-lock', '--ca-lock', [CompletionResultType]::ParameterName, 'The binding of this CA lock ID')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The binding of this certificate SHA-256 (or its first 8+ hex digits)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;bindings' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print the table as CSV (UTF-8, RFC 4180)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;login' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The key to use: its CA lock ID (serial) or label')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The certificate to use: its SHA-256 (or its first 8+ hex digits)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'Read the key''s PIN from the first line of FILE (keep it mode 0600)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--pin-stdin', '--pin-stdin', [CompletionResultType]::ParameterName, 'Read the key''s PIN from the first line of stdin')
            [CompletionResult]::new('--allow-final-try', '--allow-final-try', [CompletionResultType]::ParameterName, 'Allow zca to spend the key''s final PIN try')
            [CompletionResult]::new('--print-token', '--print-token', [CompletionResultType]::ParameterName, 'Print the session token on stdout instead of storing it (for scripts: ZCA_TOKEN)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;status' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;doctor' {
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a text report for a helpdesk ticket to FILE (mode 0600)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--include-dn', '--include-dn', [CompletionResultType]::ParameterName, 'Put certificates'' full subject and issuer names into the report (default: common names only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;drivers' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download a driver, checking its size and SHA-256')
            break
        }
        'zca;drivers;download' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Folder to save the driver in')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Folder to save the driver in')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'zca;config' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the effective settings and where each came from')
            break
        }
        'zca;config;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection to the platform')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds a whole request to the platform may take')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document (schema_version 1) instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with exit code 2 naming what is missing')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more about what zca does (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
