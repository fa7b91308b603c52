## zca — English messages. Every id here must exist in zh-CN/zca.ftl too (tests/i18n.rs).

about = Log in to the procurement platform with a CA USB key (CA 锁): detect keys, list certificates, bind and log in.
long-about = zca finds the CA drivers (PKCS#11 modules) and the keys inserted, lists their certificates, binds a certificate to a platform account and logs in with it.
    The key's serial number is its CA lock ID (CA锁ID).
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
arg-verbose = Say more about what zca does (repeat for more)
arg-module = PKCS#11 module to use instead of discovery (repeatable; colon-separated in the variable)
arg-platform = Platform base URL, e.g. https://platform.example.gov.cn
arg-ca-file = Extra CA certificate (PEM) to trust for the platform's TLS certificate
arg-help = Print help
arg-version = Print version
arg-token = Only the key with this CA lock ID (serial number) or label
arg-fail-if-expiring = Exit with code 7 when a listed certificate expires within DAYS days (for cron)
arg-long = Show every field of each certificate
arg-sha256 = The certificate's SHA-256 fingerprint (or its first 8 or more hex digits)
arg-export-token = The key holding the certificate (with --id)
arg-id = The certificate object's CKA_ID in hex (with --token)
arg-der = Write DER instead of PEM
arg-output = Write to FILE instead of stdout

detect-about = Find CA drivers (PKCS#11 modules), readers and inserted keys
detect-long-about = Find CA drivers (PKCS#11 modules), readers and inserted keys.

    Modules named with --module, ZCA_PKCS11_MODULE or the profile are used alone. Otherwise zca looks at the modules registered with p11-kit and at the well-known library files of OpenSC, SoftHSM and the USB-key vendors (Longmai, Feitian, Watchdata, HaiTai, ...). Each key is shown once, with its CA lock ID (the token serial number).
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
title-slots = Readers and slots
title-keys = Keys

col-module = Module
col-source = Source
col-vendor = Vendor
col-status = Status
col-slot = Slot
col-reader = Reader
col-ca-lock-id = CA lock ID
col-label = Label
col-manufacturer = Manufacturer
col-model = Model
col-versions = HW / FW
col-pin = PIN
col-pin-pad = PIN pad
col-certificates = Certificates
col-slots = Slots
col-object = Object
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
pin-ok = ok
pin-count-low = wrong PIN entered before
pin-final-try = final try
pin-locked = locked
value-yes = yes
value-no = no
value-unknown = unknown
value-unset = (not set)
private-key-unknown = unknown (hidden until PIN)
modules-discovered = (discovered: p11-kit, known vendors)
config-not-present = { $path } (not present)

load-file-missing = file not found
load-not-pkcs11 = not a PKCS#11 library ({ $detail })
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
err-driver-missing = CA client driver is not installed (CA 客户端驱动未安装, 请下载): no PKCS#11 module was found
err-driver-unusable = no CA driver could be loaded: { $list }
err-token-missing = no CA key is inserted (the CA drivers loaded, but no initialized key is present)
err-token-not-found = no inserted key has the CA lock ID or label "{ $selector }"
err-cert-not-found = no certificate matches { $selector }
err-cert-ambiguous = { $count } certificates match { $selector }
err-cert-expiring = { $count ->
    [one] one certificate expires
   *[other] { $count } certificates expire
} within { $days } days
err-pkcs11 = the CA driver { $module } failed: { $function } returned { $rv }
err-io = cannot write { $path }: { $detail }
err-cancelled = cancelled
err-internal = internal error in zca: { $detail }
err-der-json = --der cannot go into a JSON document: add -o FILE, or leave out --der
err-der-terminal = refusing to write binary DER to the terminal: add -o FILE or redirect stdout
err-sha256-prefix = --sha256 needs at least 8 hex digits
err-export-selector = name the certificate with --sha256, or with --token and --id

hint-usage = run the command with --help for its options
hint-missing-input = give it with { $sources }
hint-config = fix the file, or point --config at another one
hint-unknown-profile = list the profiles with `zca config show`, or add [profiles.NAME] to the config file
hint-driver-missing = install your key vendor's driver (`zca drivers` lists the platform's), or OpenSC: sudo apt-get install opensc pcscd; a driver in an unusual place can be named with --module PATH
hint-token-missing = insert the CA key, check that its light is on and that `pcscd` runs (sudo systemctl start pcscd) if your driver needs it, then run `zca detect` again
hint-token-not-found = run `zca detect` to see the CA lock IDs and labels of the inserted keys
hint-cert-not-found = run `zca certs` to see the certificates and their SHA-256 fingerprints
hint-cert-expiring = renew the certificate with your CA before it expires; `zca certs` shows the dates
hint-pkcs11 = remove and insert the key, then try again; if it persists, run `zca detect -v` and contact the helpdesk
hint-internal = this is a bug in zca: please report it with the command you ran
