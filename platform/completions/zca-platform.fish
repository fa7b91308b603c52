# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_zca_platform_global_optspecs
    string join \n data= database= database-ca= database-pool= database-wait= h/help V/version
end

function __fish_zca_platform_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_zca_platform_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_zca_platform_using_subcommand
    set -l cmd (__fish_zca_platform_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c zca-platform -n "__fish_zca_platform_needs_command" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_needs_command" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_needs_command" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_needs_command" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_needs_command" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_needs_command" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -s V -l version -d 'Print version'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "serve" -d 'Serve the API over HTTPS until SIGTERM or Ctrl-C'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "user" -d 'Platform accounts'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "trust" -d 'CA certificates that client certificates must chain to'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "driver" -d 'The driver catalogue served at /api/v1/ca/drivers'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "revoke" -d 'Revoke a client certificate: it can no longer bind or log in, and the sessions its CA logins opened end at once'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "revoked" -d 'List revoked certificates'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "audit" -d 'Print the audit log: binds, unbinds, logins and failed attempts'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "backup" -d 'Copy a live SQLite platform into FILE while it serves: a consistent snapshot (SQLite\'s online backup), checked, readable by its owner alone. PostgreSQL: use pg_dump'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "restore" -d 'Bring back a backup as this platform\'s SQLite database, its schema brought up to date. Stop the service first'
complete -c zca-platform -n "__fish_zca_platform_needs_command" -f -a "migrate" -d 'Bring the database\'s schema up to date (every command does so on its own too), or copy a whole platform into it from another database (--from), to move from SQLite to PostgreSQL'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l listen -d 'The address and port to serve HTTPS on' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l tls-cert -d 'Server certificate chain (PEM); without it a local CA and certificate are made in DIR/tls' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l tls-key -d 'The private key of --tls-cert (PEM)' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l origin -d 'The origin clients use (part of every signed challenge) [default: https://ADDR]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l session-ttl -d 'Session lifetime in seconds' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l challenge-ttl -d 'Challenge lifetime in seconds (at most 120)' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l bridge -d 'An address of the CA client service the web pages try for CA login and binding, in order (repeatable) [default: wss://127.0.0.1:21061/xtxapp/, ws://127.0.0.1:21051/xtxapp/]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l metrics-listen -d 'Serve GET /metrics (Prometheus text format, plain HTTP) on this address, e.g. 127.0.0.1:9464; off unless given, and never on the public listener' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand serve" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -f -a "add" -d 'Add an account; the password comes from a hidden prompt or --password-stdin'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -f -a "list" -d 'List accounts'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and not __fish_seen_subcommand_from add list disable" -f -a "disable" -d 'Disable an account and end its sessions'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l name -d 'The person\'s name, as the pages show it' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l org -d 'The person\'s organization (单位)' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand user; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -f -a "add" -d 'Trust the CA certificate(s) in a PEM or DER file'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -f -a "remove" -d 'Stop trusting a CA: its certificates can no longer bind or log in, and the sessions their CA logins opened end at once'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and not __fish_seen_subcommand_from add remove list" -f -a "list" -d 'List trusted CA certificates'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand trust; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -f -a "add" -d 'Add a driver package to the catalogue; the file is stored in the database'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and not __fish_seen_subcommand_from add list" -f -a "list" -d 'List the catalogue'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l name -d 'The driver\'s name, as the download page shows it' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l vendor -d 'Who makes it' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l version -d 'Its version' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l os -d 'The operating system it is for' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l arch -d 'The processor architecture it is for' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l issuer -d 'Text matched against certificate issuers (repeatable)' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l module-name -d 'PKCS#11 library file name the driver installs (repeatable)' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand driver; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l sha256 -d 'The certificate\'s SHA-256 (64 hex digits, as `zca certs` shows it)' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l serial -d 'The certificate\'s serial number (hex), as the CA\'s revocation list names it' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l issuer -d 'With --serial: only certificates issued by this trusted CA (its SHA-256 or the first 8+ hex digits, as `trust list` shows it); without it, the serial from any issuer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l reason -d 'Why, for the record' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand revoked" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand audit" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l to -d 'The new backup file (must not exist)' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand backup" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l from -d 'The backup file (from `zca-platform backup`)' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l replace -d 'Replace a database that holds accounts or bindings'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -l json -d 'Print JSON instead of lines of text'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand restore" -s h -l help -d 'Print help'
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l from -d 'The database to copy from (sqlite:PATH or postgres://…); the target (--database) must hold no accounts, bindings or other rows yet' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l data -d 'Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform; the system service\'s is /var/lib/zca-platform]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l database -d 'The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [default: sqlite:DIR/platform.db]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l database-ca -d 'CA certificate(s) (PEM) that vouch for PostgreSQL\'s TLS certificate with sslmode=require [default: the system\'s CAs]' -r -F
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l database-pool -d 'Connections to the database, and requests using it at once, per instance [default: 2 × cores + 2]' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -l database-wait -d 'How long start-up waits for the database to answer' -r
complete -c zca-platform -n "__fish_zca_platform_using_subcommand migrate" -s h -l help -d 'Print help'
