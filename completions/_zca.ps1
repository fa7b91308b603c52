
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
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the configuration')
            break
        }
        'zca;detect' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/zca/config.toml]')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages: zh or en [default: from the locale]')
            [CompletionResult]::new('--module', '--module', [CompletionResultType]::ParameterName, 'PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform base URL, e.g. https://platform.example.gov.cn')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust for the platform''s TLS certificate')
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
            [CompletionResult]::new('--der', '--der', [CompletionResultType]::ParameterName, 'Write DER instead of PEM')
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
