## zca — English messages. Every id here must exist in zh-CN/zca.ftl too (tests/i18n.rs).

about = Log in to the procurement platform with a CA USB key (CA 锁): detect keys, list certificates, bind and log in.
long-about = zca finds the CA drivers (PKCS#11 modules) and the keys inserted, lists their certificates, binds a certificate to a platform account and logs in with it.
    The key's serial number is its CA key ID (CA锁ID).
after-help = Exit codes: 0 ok, 1 other failure, 2 usage or missing input, 3 no driver or no key, 4 PIN, 5 refused by the platform, 6 network or TLS, 7 certificate expiring, 130 cancelled.

heading-usage = Usage:
heading-commands = Commands
heading-options = Options
heading-global = Global options

arg-profile = Profile of the config file to use
arg-config = Config file [default: $XDG_CONFIG_HOME/zca/config.toml]
arg-lang = Language of messages: zh or en [default: from the locale]
arg-json = Print one JSON document (schema_version 1) instead of tables
arg-no-input = Never prompt; fail with exit code 2 naming what is missing
arg-verbose = Say more about what zca does, and at the end where its time went (repeat for more)
arg-module = PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)
arg-skf = SKF (GM/T 0016) library to use instead of discovery (repeatable; colon-separated in the variable)
arg-platform = Platform base URL, e.g. https://platform.example.gov.cn
arg-ca-file = Extra CA certificate (PEM) to trust for the platform's TLS certificate
arg-help = Print help
arg-version = Print version
arg-token = Only the key with this CA key ID (serial number) or label
arg-fail-if-expiring = Exit with code 7 when a listed certificate has DAYS days left or fewer, as the table counts them (for cron)
arg-long = Show every field of each certificate, one per line (the whole SHA-256 and pkcs11: URI)
arg-sha256 = The certificate's SHA-256 fingerprint (or its first 8 or more hex digits)
arg-export-token = The key holding the certificate (with --id)
arg-id = The certificate object's CKA_ID in hex (with --token)
arg-der = Write DER instead of PEM
arg-output = Write to FILE instead of stdout

detect-about = Find CA drivers (PKCS#11 modules), readers and inserted keys
detect-long-about = Find CA drivers (PKCS#11 modules), readers and inserted keys.

    Modules named with --module, ZCA_PKCS11_MODULE or the profile are used alone. Otherwise zca looks at the modules registered with p11-kit and at the well-known library files of OpenSC, SoftHSM and the USB-key vendors (Longmai, Feitian, Watchdata, HaiTai, ...). Each key is shown once, with its CA key ID (the token serial number).
detect-examples = Examples:
    {"  "}zca detect
    {"  "}zca detect --module /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so
    {"  "}zca detect --json | jq '.keys[].ca_lock_id'

certs-about = List the certificates on the inserted keys, or export one
certs-long-about = List the certificates on the inserted keys: subject, issuer, serial, validity, key type (RSA, EC, SM2) and whether the private key is on the key.
certs-examples = Examples:
    {"  "}zca certs
    {"  "}zca certs --token 3301000045102205 --long
    {"  "}zca certs --fail-if-expiring 30    # for cron: exit code 7 when one expires within 30 days
    {"  "}zca certs export --sha256 3f2a9c01 -o mycert.pem
export-about = Export one certificate as PEM or DER
export-examples = Examples:
    {"  "}zca certs export --sha256 3f2a9c01 > cert.pem
    {"  "}zca certs export --token 3301000045102205 --id 01 --der -o cert.der

config-about = Show the configuration
config-show-about = Show the effective settings and where each came from
config-show-long-about = Show the effective settings and where each came from: a flag, an environment variable, the profile, the locale or the default.

title-modules = CA drivers (PKCS#11 modules)
title-skf-libraries = CA drivers (SKF libraries)
col-library = Library
title-slots = Readers and slots
title-keys = Keys

col-module = Module
col-source = Source
col-vendor = Vendor
col-status = Status
col-slot = Slot
col-reader = Reader
col-ca-lock-id = CA key ID
col-label = Label
col-manufacturer = Manufacturer
col-model = Model
col-versions = HW / FW
col-pin = PIN
col-pin-pad = PIN pad
col-certificates = Certificates
col-slots = Slots
col-object = Object
col-usage = Use
usage-signing = signing
usage-encryption = encryption
col-subject = Subject
col-issuer = Issuer
col-serial = Serial
col-not-before = Valid from
col-not-after = Expires
col-days-left = Days left
col-key = Key
col-private-key = Private key
col-signature-algorithm = Signature algorithm
col-key-usage = Key usage
col-field = Field
col-value = Value
col-setting = Setting

source-module-flag = --module
source-module-env = ZCA_PKCS11_MODULE
source-module-profile = profile
source-module-p11kit = p11-kit
source-module-table = known vendors
source-flag = flag { $flag }
source-env = environment { $var }
source-profile = profile { $name }
source-locale = locale
source-default = default

slot-empty = (empty)
slot-uninitialized = (not initialized)
slot-unreadable = (key unreadable)
pin-ok = ok
pin-tries-left = { $left } of { $max } tries left
pin-state-tries = { $state } ({ $left } of { $max } tries left)
pin-count-low = wrong PIN entered before
pin-final-try = final try
pin-locked = locked
value-yes = yes
value-no = no
value-unknown = unknown
value-unset = (not set)
private-key-unknown = unknown (hidden until PIN)
modules-discovered = (discovered: p11-kit, known vendors)
skf-libraries-discovered = (discovered: known vendors' folders)
config-not-present = { $path } (not present)

load-file-missing = file not found
load-not-pkcs11 = not a PKCS#11 library ({ $detail })
load-not-skf = not an SKF (GM/T 0016) library ({ $detail })
load-device-list-failed = could not list its devices: { $detail }
load-init-failed = C_Initialize failed with { $rv }
load-slot-list-failed = C_GetSlotList failed with { $rv }

cert-unreadable = not a readable certificate: { $detail }
note-no-certificates = no certificate on the selected keys
note-exported = certificate written to { $path }
warn-expired = { $count ->
    [one] one certificate has expired
   *[other] { $count } certificates have expired
}

label-error = error
label-hint = hint
label-note = note
label-warning = warning

err-usage = { $detail }
err-bad-lang = unknown language "{ $value }": use zh or en
err-missing-input = { $what } is needed, but zca may not prompt (--no-input, or stdin is not a terminal)
err-config = config file { $path } is not valid: { $detail }
err-unknown-profile = profile "{ $name }" is not in { $path }
err-driver-missing = CA client driver is not installed (CA 客户端驱动未安装, 请下载): no PKCS#11 module or SKF library was found
err-driver-unusable = no CA driver could be loaded: { $list }
err-token-missing = no CA key is inserted (the CA drivers loaded, but no initialized key is present)
err-token-not-found = no inserted key has the CA key ID or label "{ $selector }"
err-cert-not-found = no certificate matches { $selector }
err-cert-ambiguous = { $count } certificates match { $selector }
err-cert-expiring = { $count ->
    [one] one certificate expires
   *[other] { $count } certificates expire
} within { $days } days
err-pkcs11 = the CA driver { $module } failed: { $function } returned { $rv }
err-token-removed = the CA key was removed during { $function } (or its connection was lost)
err-token-device = the CA key reported a hardware error: { $function } returned { $rv } ({ $module })
err-token-timeout = the CA driver did not answer within { $seconds } s ({ $operation })
err-io = cannot write { $path }: { $detail }
err-cancelled = cancelled
err-internal = internal error in zca: { $detail }
err-der-json = --der cannot go into a JSON document: add -o FILE, or leave out --der
err-der-terminal = refusing to write binary DER to the terminal: add -o FILE or redirect stdout
err-sha256-prefix = --sha256 needs at least 8 hex digits
err-export-selector = name the certificate with --sha256, or with --token and --id

hint-usage = run the command with --help for its options
hint-command-help = `{ $command } --help` lists its options
hint-unknown-command = `{ $command } --help` lists the commands
hint-env-value = correct or unset the environment variable { $env }
usage-unknown-command = unknown command '{ $name }'
usage-unknown-argument = unknown option or argument '{ $name }'
usage-did-you-mean = did you mean '{ $suggestion }'?
usage-invalid-value = '{ $value }' is not a value { $arg } takes
usage-possible-values = it takes: { $values }
usage-bad-value = '{ $value }' is not a valid value of { $arg }: { $reason }
usage-bad-env-value = { $env }='{ $value }' is not a valid value (it stands for { $arg }): { $reason }
usage-missing-required = missing: { $args }
usage-conflict = { $arg } cannot be used together with { $other }
usage-missing-value = { $arg } needs a value
usage-value-count = { $arg } got the wrong number of values
usage-once = { $arg } may be given once only
usage-other = the command line is not valid: { $detail }
usage-missing-command = `{ $command }` needs a command; `{ $command } --help` lists them
help-default = default
help-env = env
usage-word-options = [OPTIONS]
usage-word-command = <COMMAND>
config-unknown-field = unknown setting `{ $field }` (the settings here: { $expected })
config-bad-type = { $found } where { $expected } belongs
config-syntax = not valid TOML: { $detail }
config-at-line = line { $line }: { $problem }
toml-string = a string
toml-integer = an integer
toml-float = a number
toml-boolean = true or false
toml-array = a list [ … ]
toml-table = a table
err-seconds = a whole number of seconds from 1 to { $max }
hint-missing-input = give it with { $sources }
hint-config = fix the file, or point --config at another one
hint-unknown-profile = list the profiles with `zca config show`, or add [profiles.NAME] to the config file
hint-driver-missing = install your key vendor's driver (`zca drivers` lists the platform's), or OpenSC: sudo apt-get install opensc pcscd; a driver in an unusual place can be named with --module PATH
hint-token-missing = insert the CA key, check that its light is on and that `pcscd` runs (sudo systemctl start pcscd) if your driver needs it, then run `zca detect` again
hint-token-not-found = run `zca detect` to see the CA key IDs and labels of the inserted keys
hint-cert-not-found = run `zca certs` to see the certificates and their SHA-256 fingerprints
hint-cert-expiring = renew the certificate with your CA before it expires; `zca certs` shows the dates
hint-pkcs11 = remove and insert the key, then try again; if it persists, run `zca detect -v` and contact the helpdesk
err-encryption-certificate = certificate { $sha256 } is the encryption certificate of its container: its key decrypts, it does not sign
hint-encryption-certificate = choose the signing certificate of the same container (`zca certs` shows each one's use)
hint-token-removed = insert the key again, wait until its light is steady, and repeat the command
hint-token-device = remove the key, insert it again and repeat; if the error stays, run `zca doctor` and contact the helpdesk with its report
hint-token-timeout = remove and insert the key; check that pcscd runs (sudo systemctl restart pcscd); set ZCA_TOKEN_TIMEOUT=SECONDS for a slower key
hint-internal = this is a bug in zca: please report it with the command you ran

## Platform client
err-no-platform = no platform URL is set
err-bad-platform-url = the platform URL "{ $url }" is not an https:// URL
hint-bad-platform-url = zca talks to a platform over HTTPS only: give its https:// address (--platform { $https }, ZCA_PLATFORM, or the profile's platform)
err-network = cannot reach the platform at { $url }: { $detail }
err-tls = the TLS connection to { $url } failed: { $detail }
err-bad-response = the platform at { $url } answered something zca does not understand: { $detail }
err-origin-mismatch = the platform's challenge is for { $got }, not for { $expected }: zca does not sign it
err-not-logged-in = not logged in to the platform (or the session has ended)
err-session-other-platform = the saved session belongs to { $session }, not to { $configured }: zca sends a session only to the platform that issued it
err-empty-secret = { $what } from { $source } is empty: nothing was sent to the key or the platform
err-pin-incorrect = the PIN is incorrect
err-pin-incorrect-tries = the PIN is incorrect; the key has { $left } tries left
err-pin-incorrect-final = the PIN is incorrect; the key has ONE try left
err-pin-incorrect-locked = the PIN is incorrect, and the key is now locked
err-pin-maybe-incorrect = the key refused the login with a general error: the PIN may be wrong (this key may not show how many tries are left)
err-pin-locked = the key's PIN is locked
err-pin-wait = a wrong PIN was given to this key a moment ago: it takes the next one in { $seconds } s (nothing was sent)
hint-pin-wait = wait, then try again; each wrong PIN in a row doubles the pause, up to 32 s
err-login-kept = the driver kept a login it was asked to end ({ $module }): the PIN could not be checked, so it is not taken
hint-login-kept = remove and insert the key (or restart the program that holds it), then try again
note-pin-on-pad = key { $ca_lock_id } takes its PIN on its own PIN pad: type it there now
err-pin-final-try = the key is at its final PIN try; zca does not spend it without your yes
err-private-key-missing = the private key of certificate { $sha256 } is not on the key
err-unsupported-key = zca cannot sign with this key yet: { $what }
hint-no-platform = give it with --platform URL, ZCA_PLATFORM, or `platform = "https://…"` in the profile
hint-network = check the network and the URL; `zca status` and `zca doctor` check the connection
hint-tls = if the platform uses its own CA, pass its certificate with --ca-file PEM (or `ca_file` in the profile)
hint-bad-response = check that --platform points at the platform's API, not a web page or proxy
hint-origin-mismatch = check --platform: it must be the address the platform calls itself by
hint-not-logged-in = log in with `zca account login` (password) or `zca login` (CA key)
hint-session-other-platform = log in to this platform with `zca account login` or `zca login`, or use that session with --platform { $session }
hint-empty-secret = give the value itself (a file with the secret on its first line, a non-empty variable), or type it at the prompt
source-stdin = standard input
source-terminal = the terminal
hint-pin-incorrect = type the PIN again carefully: zca never retries it by itself
hint-pin-locked = unlock it with the SO (admin) PIN, or ask your CA's service desk to unlock it
hint-pin-final-try = if you are sure of the PIN, run again and confirm at the prompt, or add --allow-final-try
hint-private-key-missing = use the certificate whose private key is on this key (`zca certs` shows it after login)
hint-unsupported-key = SM2 keys are supported from a later zca; RSA and EC P-256 keys work now

plat-invalid-request = the platform refused the request as malformed
plat-payload-too-large = the request was too large for the platform
plat-invalid-credentials = wrong account or password
plat-too-many-attempts = too many failed logins for this account: the platform blocks it for a while
plat-unauthenticated = the platform session has ended
plat-challenge-invalid = the platform's challenge was used or has expired
plat-signature-invalid = the platform could not verify the key's signature
plat-unsupported-algorithm = the platform does not accept this key's signature algorithm
plat-certificate-untrusted = the platform does not trust the CA that issued this certificate
plat-certificate-expired = the certificate has expired
plat-certificate-not-yet-valid = the certificate is not valid yet
plat-certificate-key-usage = the certificate is not allowed to sign
plat-ca-lock-bound-to-other-user = this CA key is already bound to another user (one CA key can be bound to one user only)
plat-certificate-not-bound = this certificate is not bound to any account
plat-not-found = no such binding in your account
plat-internal = the platform failed while answering (an error on its side, not yours)
plat-other = the platform refused: { $message } ({ $code })
plat-hint-invalid-credentials = check the account name and password; after 5 failures the account is blocked for 15 minutes
plat-hint-too-many-attempts = wait and try again later, or ask the platform's helpdesk
plat-hint-challenge-invalid = run the command again
plat-hint-certificate = use a certificate from a CA the platform accepts; `zca certs` shows the issuer
plat-hint-bound-to-other-user = unbind it in the other account first, or ask the platform's helpdesk
plat-hint-certificate-not-bound = bind it first: `zca account login`, then `zca bind`
plat-hint-not-found = `zca bindings` lists your bindings and their numbers
plat-hint-internal = try again in a few minutes; if it persists, tell the platform's operator (zca doctor --report FILE helps)

## Platform commands
arg-connect-timeout = Seconds to wait for a connection to the platform
arg-timeout = Seconds a whole request to the platform may take
arg-account = Platform account name
arg-password-stdin = Read the password from the first line of stdin
arg-password-file = Read the password from the first line of FILE (keep it mode 0600)
arg-print-token = Print the session token on stdout instead of storing it (for scripts: ZCA_TOKEN)
arg-choose-token = The key to use: its CA key ID (serial) or label
arg-choose-cert = The certificate to use: its SHA-256 (or its first 8+ hex digits)
arg-pin-stdin = Read the key's PIN from the first line of stdin
arg-pin-file = Read the key's PIN from the first line of FILE (keep it mode 0600)
arg-allow-final-try = Allow zca to spend the key's final PIN try
arg-yes = Do not ask for confirmation
arg-binding-id = The binding's number (序号) as `zca bindings` shows it
arg-unbind-ca-lock = The binding of this CA key ID
arg-unbind-cert = The binding of this certificate SHA-256 (or its first 8+ hex digits)
arg-csv = Print the table as CSV (UTF-8, RFC 4180)

account-about = The platform account: log in with account and password
account-login-about = Log in to the platform with account and password
account-login-long-about = Log in to the platform with account and password. The session is kept for this profile in $XDG_STATE_HOME/zca/sessions (mode 0600) for the next commands, or printed with --print-token.

    The password comes from a hidden prompt, --password-stdin, --password-file or ZCA_PASSWORD; never from the command line.
account-login-examples = Examples:
    {"  "}zca account login --account alice
    {"  "}zca account login --account alice --password-file ~/.config/zca/password --no-input
    {"  "}export ZCA_TOKEN=$(zca account login --account alice --password-stdin --print-token < pw.txt)
bind-about = Bind a certificate on an inserted key to your platform account
bind-long-about = Bind a certificate on an inserted key to the account you logged in to with `zca account login`. zca shows what it will bind and asks; it logs in to the key with the PIN first, then signs the platform's challenge with the certificate's private key.

    One account may bind several CA keys; one CA key can be bound to one account only.
bind-examples = Examples:
    {"  "}zca bind
    {"  "}zca bind --token 3301000045102205 --yes --pin-file ~/.config/zca/pin --no-input
login-about = Log in to the platform with the CA key (CA 登录)
login-long-about = Log in to the platform with a bound certificate: zca logs in to the key with its PIN, asks the platform for a challenge, signs it with the key and stores the session for this profile.
login-examples = Examples:
    {"  "}zca login
    {"  "}zca login --token 3301000045102205 --pin-file ~/.config/zca/pin --no-input
unbind-about = Remove one of your bindings
unbind-long-about = Remove one of your bindings, named by its number (序号), its CA key ID or its certificate. The certificate can no longer log in afterwards.
unbind-examples = Examples:
    {"  "}zca unbind 3
    {"  "}zca unbind --ca-lock 3301000045102205 --yes
bindings-about = List your bindings (the platform's CA key table)
bindings-long-about = List your bindings as the platform's table shows them: 序号, 状态, 证书信息, CA锁ID, 到期时间, 创建人, 创建时间. Rows whose key is inserted now are marked with ●.
logout-about = Log out: end the session on the platform and forget it here
logout-long-about = End the platform session and remove this profile's session file. Without a network the file is removed all the same.
status-about = Show the profile, the platform and the session
status-long-about = Show the profile, the platform and who is logged in, checked with the platform. Exit code 5 when not logged in.

account-logged-in = Logged in as { $name } ({ $account }, { $organization }) until { $expires }
ca-logged-in = Logged in with CA key { $ca_lock_id } as { $name } ({ $account }, { $organization }) until { $expires }
bind-summary = Certificate: { $cert }
    CA key ID:  { $ca_lock_id }
    Expires:     { $expires }
bind-done = bound (binding { $id })
bind-already = this binding exists already (binding { $id }); nothing changed
unbind-summary = Unbinding: { $cert }, CA key ID { $ca_lock_id }, expires { $expires }
unbind-done = binding { $id } (CA key ID { $ca_lock_id }) removed
unbind-ended-session = you were logged in with this CA key: that session has ended with the binding (log in again with `zca account login`)
logout-done = logged out
logout-nothing = not logged in; nothing to do
logout-offline = the session file is removed, but the platform could not be told ({ $reason }); the session ends by itself when it expires
note-no-bindings = no binding in this account yet: `zca bind` adds one
note-inserted-mark = ● the key is inserted now
binding-active = active
binding-expired = expired
col-seq = No.
col-binding-status = Status
col-cert-info = Certificate
col-expires = Expires
col-created-by = Created by
col-created-at = Created at
status-profile = Profile
status-platform = Platform
status-account = Account
status-organization = Organization
status-session = Session
status-expires = Session expires
status-not-logged-in = (not logged in)
status-kind-ca = CA key login
status-kind-password = password login

prompt-account = Account
prompt-password = Password for { $account }
prompt-pin = PIN of key { $label } ({ $ca_lock_id })
prompt-choose-certificate = Which certificate?
prompt-final-try = Key { $ca_lock_id } has ONE PIN try left: a wrong PIN locks it. Try anyway?
prompt-bind-confirm = Bind this certificate to your account?
prompt-unbind-confirm = Remove this binding?
what-account = the account name
what-password = the password
what-pin = the PIN
what-confirmation = a confirmation
what-certificate = a choice between { $count } certificates
selector-any = (any)
err-empty-account = the account name is empty

## doctor
doctor-about = Check the whole chain, driver to binding, and say what to fix
doctor-long-about = Check, in order: CA drivers, pcscd, readers, key, PIN state, certificates (readable, valid, not expiring within 30 days, private key), the platform's driver catalogue, the platform (reachable, TLS, clock), the session and the binding. Each line is ✓, ⚠, ✗ or - (skipped, with why) with one fix.

    Exit code: 0 all fine, 1 a warning, else the failing check's own exit code.
doctor-examples = Examples:
    {"  "}zca doctor
    {"  "}zca doctor --report zca-report.txt      # attach it to your ticket: no PIN, password or token in it
arg-report = Also write a text report for a helpdesk ticket to FILE (mode 0600)
arg-include-dn = Put certificates' full subject and issuer names into the report (default: common names only)
doctor-report-written = report written to { $path }
check-modules = CA drivers
check-pcscd = pcscd
check-readers = readers
check-key = CA key
check-pin = PIN
check-certificates = certificates
check-validity = validity
check-private-key = private key
check-driver-catalogue = driver catalogue
check-platform = platform
check-tls = TLS
check-clock = clock
check-session = session
check-binding = binding
check-bridge = CA client service for web pages (zca bridge)
doctor-bridge-not-set-up = not set up; web pages that log in with the key need it: zca bridge install
doctor-bridge-stopped = installed as a service but not running
doctor-bridge-start = systemctl --user start zca-bridge.service (or run zca bridge)
doctor-bridge-no-origins = listening on { $listening }, but no web origin is allowed
doctor-bridge-untrusted = listening on { $listening }; the browser does not trust its CA, so wss pages cannot reach it
doctor-bridge-ok = listening on { $listening } for { $origins } allowed origin(s)
doctor-modules-ok = { $count } driver(s) loaded
doctor-modules-some = { $count } driver(s) loaded; these did not: { $failed }
doctor-pcscd-not-needed = no loaded driver needs pcscd
doctor-pcscd-ok = pcscd is running ({ $socket })
doctor-pcscd-missing = pcscd is not running ({ $socket } is missing), and { $modules } needs it
doctor-pcscd-fix = sudo apt-get install pcscd && sudo systemctl enable --now pcscd.socket
doctor-pcscd-start = pcscd is installed but not running: sudo systemctl enable --now pcscd.socket
doctor-skip-no-driver = no driver loaded
doctor-skip-no-key = no key inserted
doctor-skip-no-cert = no readable certificate
doctor-skip-no-platform = the platform is not reachable
doctor-skip-no-session = not logged in
doctor-readers-none = no reader or slot
doctor-readers-fix = plug the key in directly (no hub), then run `zca detect`
doctor-readers-ok = { $count } slot(s)
doctor-readers-skf = no PKCS#11 slot; the keys are reached through their SKF library
doctor-key-ok = { $keys }
doctor-pin-ok = no wrong PIN reported
doctor-pin-count-low = a wrong PIN was typed before
doctor-pin-final = ONE PIN try left: a wrong PIN locks the key
doctor-certs-none = the key holds no certificate
doctor-certs-unreadable = { $count } certificate object(s), none readable
doctor-certs-some-unreadable = { $count } readable certificate(s), { $unreadable } unreadable object(s)
doctor-certs-ok = { $count } certificate(s)
doctor-certs-fix = ask your CA to write the certificate to the key again
doctor-validity-expired = every certificate has expired
doctor-validity-soon = a certificate expires in { $days } day(s)
doctor-validity-ok = valid; the first expires in { $days } days
doctor-private-key-ok = the private key is on the key
doctor-private-key-hidden = the key shows private keys only after the PIN; `zca login` checks it
doctor-private-key-none = no certificate has its private key on the key
doctor-catalogue-unavailable = the platform's driver catalogue could not be read
doctor-catalogue-none = the platform lists no driver for the issuer of these certificates
doctor-catalogue-fix = `zca drivers` lists the platform's drivers; ask the platform's helpdesk which fits your CA
doctor-catalogue-ok = matching driver(s): { $drivers }
doctor-platform-ok = { $url } answers (platform { $version })
doctor-platform-reached = { $url } is reachable
doctor-tls-ok = the platform's certificate is valid and trusted
doctor-clock-no-date = the platform sent no Date header
doctor-clock-skew = this computer's clock is { $seconds } s off the platform's
doctor-clock-fix = sudo timedatectl set-ntp true
doctor-clock-ok = { $seconds } s from the platform's clock
doctor-session-ok = logged in as { $account }
doctor-session-ended = the saved session has ended on the platform (expired, logged out, or its binding removed)
doctor-binding-ok = an inserted certificate is bound to this account
doctor-binding-none = no inserted certificate is bound to this account

## drivers
drivers-about = The platform's CA driver catalogue; download a driver
drivers-long-about = List the drivers the platform offers (GET /api/v1/ca/drivers). ★ marks drivers whose issuers match an inserted certificate; "installed" says whether one of their PKCS#11 libraries is already found on this computer.
drivers-examples = Examples:
    {"  "}zca drivers
    {"  "}zca drivers download 3 -o ~/Downloads
drivers-download-about = Download a driver, checking its size and SHA-256
arg-driver-id = The driver's ID as `zca drivers` shows it
arg-download-dir = Folder to save the driver in
col-driver = Driver
col-version = Version
col-system = System
col-size = Size
col-for-your-key = For your key
col-installed = Installed
note-no-drivers = the platform lists no driver
note-driver-download = a driver for your key is not installed: `zca drivers download ID`
driver-downloaded = saved { $path } (SHA-256 { $sha256 }, verified)
err-driver-mismatch = the download does not match the catalogue ({ $size } bytes, SHA-256 { $sha256 }; expected { $want_size } bytes, { $want_sha256 }); the file was removed
arg-watch = Keep watching: print each key inserted or removed (one JSON object per line with --json)
arg-until-present = With --watch: exit 0 as soon as a key is present
arg-watch-timeout = With --watch: stop after SECS seconds (with --until-present: exit 3 when no key came); without it the watch runs until Ctrl-C
watch-present = present
watch-inserted = inserted
watch-removed = removed

## zca pin
pin-about = See, change or unlock the key's PIN
pin-long-about = See, change or unlock the key's PIN. zca never spends a key's final PIN try without your yes, and never sends a PIN it has not checked against the key's limits.
pin-status-about = The PIN state of each key: ok, count low, final try, locked, must be changed; length limits; PIN pad
pin-status-long-about = The PIN state of each key as its flags tell it: ok, count low (a wrong PIN was typed), final try, locked, must be changed; the SO (admin) PIN's state; the PIN's length limits; whether the key has a PIN pad.

    PKCS#11 does not tell how many tries are left, only these flags.
pin-change-about = Change the key's PIN (修改密码)
pin-change-long-about = Change the key's PIN: the current PIN, then the new one twice. The new PIN is checked against the key's length limits before anything is sent, and refused when it equals the old one or is a well-known default (123456, 12345678, 000000, 111111, 88888888, ...). Refused at the key's final try unless you confirm or give --allow-final-try.
pin-change-examples = Examples:
    {"  "}zca pin change
    {"  "}printf '%s\n%s\n' "$OLD" "$NEW" | zca pin change --pin-stdin --token 3301000045102205
    {"  "}zca pin change --pin-file old.pin --new-pin-file new.pin      # files mode 0600
pin-unlock-about = Set a new user PIN with the SO (admin) PIN, also on a locked key
pin-unlock-long-about = Set a new user PIN with the SO (admin) PIN (C_Login as SO, C_InitPIN), which also unlocks a locked key. Many keys do not allow this through their driver; zca then says so and what your CA's service can do. The SO PIN's final try is not spent without your yes either.
pin-unlock-examples = Examples:
    {"  "}zca pin unlock
    {"  "}printf '%s\n%s\n' "$SO_PIN" "$NEW" | zca pin unlock --so-pin-stdin
arg-pin-token = The key with this CA key ID (serial number) or label (needed when several are inserted)
arg-pin-change-stdin = Read the current PIN and the new PIN from the first two lines of stdin
arg-new-pin-file = Read the new PIN from the first line of FILE (keep it mode 0600)
arg-so-pin-stdin = Read the SO (admin) PIN and the new user PIN from the first two lines of stdin
arg-so-pin-file = Read the SO (admin) PIN from the first line of FILE (keep it mode 0600)
arg-allow-so-final-try = Allow zca to spend the SO PIN's final try
col-user-pin = User PIN
col-so-pin = SO PIN
col-pin-length = Length
pin-must-change = must be changed
note-no-tries-count = PKCS#11 does not tell how many tries are left, only these flags
pin-changed = the PIN of key { $ca_lock_id } was changed
pin-unlocked = key { $ca_lock_id } has a new user PIN and is unlocked
prompt-current-pin = Current PIN of key { $ca_lock_id }
prompt-new-pin = New PIN ({ $min }–{ $max } characters)
prompt-new-pin-again = New PIN again
prompt-so-pin = SO (admin) PIN of key { $ca_lock_id }
prompt-so-final-try = Key { $ca_lock_id } has ONE SO PIN try left: a wrong SO PIN locks it for good. Try anyway?
prompt-choose-key = Which key?
what-key = the key to use ({ $count } are inserted)
what-new-pin = the new PIN
what-so-pin = the SO (admin) PIN
what-pin-and-new-pin = the current PIN and the new PIN (two lines)
what-so-pin-and-new-pin = the SO PIN and the new PIN (two lines)
pin-rule-mismatch = the two entries of the new PIN differ
pin-rule-length = it has { $len } characters; this key takes { $min } to { $max }
pin-rule-same = it is the current PIN
pin-rule-well-known = it is a well-known PIN that anyone would try first
err-pin-rejected = new PIN not accepted: { $reason }
pin-reason-nul = it contains a NUL character
err-new-pin-refused = the key refused the new PIN ({ $rv })
err-so-pin-incorrect = the SO (admin) PIN is incorrect (SO PIN now: { $state })
err-so-pin-locked = the key's SO (admin) PIN is locked
err-so-pin-final-try = the key is at its final SO PIN try; zca does not spend it without your yes
err-unlock-unsupported = this key's driver cannot set a new user PIN with the SO PIN ({ $module })
err-pin-change-unsupported = this key's driver cannot change the PIN ({ $module })
hint-pin-rejected = choose another PIN: not a well-known one, not the current one, within the key's length limits (`zca pin status` shows them)
hint-so-pin-incorrect = the SO PIN is often on the key's envelope or held by your CA; each wrong one costs a try
hint-unlock-unsupported = your CA's service (客服) can unlock the key remotely or replace it; `zca doctor --report FILE` gives them what they need
hint-so-pin-final-try = if you are sure of the SO PIN, run again and confirm, or add --allow-final-try
hint-pin-change-unsupported = change it with your key vendor's tool, or ask your CA's service
warn-pin-must-change = key { $ca_lock_id } asks for its PIN to be changed: run `zca pin change`
warn-pin-well-known = key { $ca_lock_id } uses a well-known PIN that anyone would try first: run `zca pin change`

## SM2
err-sm2-mechanism-missing = the CA driver { $module } offers none of the SM2 signing mechanisms zca knows for it (entry "{ $entry }", tried: { $tried })
hint-sm2-mechanism-missing = ask the key's vendor for its SM2 numbers and add them to the config file (zca config show names it): [[module]] name = "...", file_names = ["{ $file }"], sm2_sm3_mechanism = 0x…, or sm2_digest_mechanism = 0x… with sm2_signature = "raw" or "der"

## zca bridge
bridge-about = The CA client service web pages call on 127.0.0.1 (ws 21051, wss 21061; mToken 51235, 51245)
bridge-long-about = The CA client service that procurement web pages call on 127.0.0.1: the GM/T 0020 SOF functions over WebSocket (ws://127.0.0.1:21051/xtxapp/ and wss://127.0.0.1:21061/xtxapp/), and Longmai's mToken service (http://127.0.0.1:51235/alpha and https://127.0.0.1:51245/alpha), for every key zca can use. Without a subcommand it serves in the foreground until stopped. It guards the key: it serves only this computer's own user and the origins you allow (zca bridge allow), only requests that name this computer's loopback as Host; it signs only after SOF_Login on the same connection and never another platform's login; every PIN goes through the PIN guard (a pause after a wrong PIN, the final try only with your yes: zca bridge allow-final-try), or is asked by the desktop's PIN dialog (zca bridge allow ORIGIN --pin-from-desktop); it keeps no PIN, and bounds frames, connections, handshakes and work.
bridge-examples = Examples:
      zca bridge allow https://zcy.example.gov.cn     # the platform's pages may use your keys
      zca bridge trust                               # the local CA for wss, into the browsers
      zca bridge                                     # serve in the foreground (Ctrl-C stops)
      zca bridge install                             # or: a systemd user service at login
      zca bridge status --json
arg-bridge-ws-port = Port of ws://127.0.0.1:PORT/xtxapp/ (0: any free port)
arg-bridge-wss-port = Port of wss://127.0.0.1:PORT/xtxapp/ (0: any free port)
arg-bridge-no-wss = Serve neither wss nor https (no local CA is made)
arg-bridge-mtoken-port = Port of the mToken service for Longmai pages (http://127.0.0.1:PORT/alpha)
arg-bridge-mtoken-https-port = Port of the mToken service over https (for pages served over https)
arg-bridge-idle = A page's login to a key ends after this many seconds without a call
arg-bridge-max-connections = At most this many pages connected at once; more are refused
arg-bridge-origin = A web origin: https://host[:port] (or http://)
arg-bridge-final-try-key = The key's CA key ID (zca detect shows it)
arg-bridge-final-try-minutes = The consent holds for this many minutes, for one attempt
bridge-allow-about = Allow the pages of a web origin to use the bridge
bridge-deny-about = Take a web origin off the allow-list
bridge-origins-about = List the allowed origins
bridge-trust-about = Put the bridge's local CA into the browsers' certificate stores (for wss)
bridge-trust-long-about = Adds the bridge's local CA (made on first use; it can vouch only for 127.0.0.1, ::1 and localhost, and its private key is not kept) to the certificate stores of Chromium and the UOS browser (~/.pki/nssdb) and of each Firefox profile, with NSS's certutil (package libnss3-tools). Restart the browser afterwards.
bridge-untrust-about = Take the bridge's local CA out of the browsers' certificate stores
bridge-install-about = Run the bridge as a systemd user service, started at login
bridge-install-long-about = Enables and starts the zca package's unit (/usr/lib/systemd/user/zca-bridge.service) with systemctl --user. With options other than the defaults (the ones below), or without the package's unit, writes your own ~/.config/systemd/user/zca-bridge.service (zca bridge with those options, restarted when it fails), which systemd prefers. `zca bridge status` tells which is in use.
bridge-uninstall-about = Stop and disable the systemd user service (and remove your own unit)
bridge-status-about = Whether the bridge runs and listens, whether its CA is trusted, which origins it serves
bridge-allow-final-try-about = Allow one login at a key's final PIN try through the bridge
bridge-allow-final-try-long-about = A key at its final PIN try is locked by one more wrong PIN. The bridge does not try it for a page unless you allow it here: one attempt, within the next minutes.
bridge-listening = listening on { $url }
bridge-allowed = { $origin } may use the bridge now
bridge-denied = { $origin } is no longer allowed
bridge-no-origins = no origin is allowed yet: zca bridge allow https://your-platform.example
bridge-store = { $store }: { $result }
bridge-store-added = the local CA is trusted
bridge-store-removed = the local CA is removed
bridge-store-absent = no local CA there
bridge-store-failed = certutil failed
bridge-trust-failed = some certificate stores could not be changed (see above)
bridge-status-running = running
bridge-status-listening = listening on
bridge-status-ca = local CA trusted (Chromium)
bridge-status-origins = allowed origins
bridge-status-service = systemd user service
bridge-service-package = the zca package's unit
bridge-service-user = your own unit (options of your own)
bridge-status-start = start it with `zca bridge`, or at every login with `zca bridge install`
bridge-installed = started at every login: { $unit }
bridge-uninstalled = stopped and disabled: { $unit }
bridge-systemd-failed = systemd did not take it ({ $detail }); in your desktop session run: { $command }
bridge-final-try-allowed = one login at the final PIN try of key { $ca_lock_id } is allowed until { $until }
err-bad-origin = '{ $origin }' is not a web origin (https://host[:port] or http://host[:port], no path)
err-bridge-port = cannot listen on 127.0.0.1:{ $port }: { $detail }
hint-bridge-port = another CA client service (perhaps your key vendor's) may hold the port: stop it, or use --ws-port / --wss-port
err-tool-missing = { $tool } is not installed
hint-tool-missing = install it: sudo apt-get install { $package }
err-origin-not-normal = '{ $origin }' is not written as browsers send it: { $normal }
err-insecure-origin = '{ $origin }' is an http:// page of another computer: anyone on the way can change it; allow it knowingly with `zca bridge allow { $origin } --insecure-origin`
err-desktop-origin = '{ $origin }' is set to have its PINs asked on the desktop but is not an allowed origin
pinentry-title = zca: CA key PIN
pinentry-description = The page { $origin } asks to log in with the certificate “{ $certificate }” on the CA key { $ca_lock_id } ({ $label }). Type the PIN only if you opened that page yourself.
pinentry-prompt = PIN:
pinentry-final-try = The CA key { $ca_lock_id } has ONE PIN try left: a wrong PIN locks it. The page { $origin } asks for a login. Try anyway?
arg-bridge-pinentry = The desktop's PIN dialog to ask PINs with (default: pinentry-gnome3, -qt, -gtk-2 or pinentry, where there is a desktop)
arg-bridge-insecure-origin = Allow an http:// origin of another computer (its pages can be changed on the way)
arg-bridge-pin-from-desktop = Ask this origin's PINs in the desktop's PIN dialog, never take them from the page
arg-bridge-close-idle = A page's connection without a login and without a call is closed after this many seconds
