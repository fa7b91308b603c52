## zca — 中文消息。每个 id 必须在 en/zca.ftl 中同样存在 (tests/i18n.rs)。

about = 用 CA 锁登录政府采购平台: 检测 CA 锁、列出证书、绑定和 CA 登录。
long-about = zca 查找 CA 驱动 (PKCS#11 模块) 和已插入的 CA 锁, 列出其中的证书, 把证书绑定到平台账号, 并用它登录。
    CA 锁的序列号就是它的 CA锁ID。
after-help = 退出码: 0 成功, 1 其他失败, 2 用法错误或缺少输入, 3 没有驱动或没有 CA 锁, 4 PIN 码, 5 平台拒绝, 6 网络或 TLS, 7 证书即将到期, 130 已取消。

heading-usage = 用法:
heading-commands = 命令
heading-options = 选项
heading-global = 全局选项

arg-profile = 使用配置文件中的哪个配置档
arg-config = 配置文件 [默认: $XDG_CONFIG_HOME/zca/config.toml]
arg-lang = 消息语言: zh 或 en [默认: 取自区域设置]
arg-json = 输出一个 JSON 文档 (schema_version 1), 而不是表格
arg-no-input = 从不提示输入; 缺少输入时以退出码 2 失败并指出缺少什么
arg-verbose = 显示更多过程信息, 并在结束时列出各阶段耗时 (可重复)
arg-module = 使用此 PKCS#11 模块, 不再自动查找 (可重复; 环境变量中用冒号分隔)
arg-skf = 使用此 SKF (GM/T 0016) 库, 不再自动查找 (可重复; 环境变量中用冒号分隔)
arg-platform = 平台地址, 例如 https://platform.example.gov.cn
arg-ca-file = 额外信任的 CA 证书 (PEM), 用于验证平台的 TLS 证书
arg-help = 显示帮助
arg-version = 显示版本
arg-token = 只看 CA锁ID (序列号) 或标签为此值的 CA 锁
arg-fail-if-expiring = 若所列证书的剩余天数 (与表中算法相同) 不超过 DAYS, 以退出码 7 结束 (用于 cron)
arg-long = 每行一项显示每张证书的全部字段 (完整的 SHA-256 和 pkcs11: URI)
arg-sha256 = 证书的 SHA-256 指纹 (或其前 8 位以上十六进制数字)
arg-export-token = 证书所在的 CA 锁 (与 --id 一起用)
arg-id = 证书对象的 CKA_ID, 十六进制 (与 --token 一起用)
arg-der = 输出 DER 而不是 PEM
arg-output = 写入文件 FILE 而不是标准输出

detect-about = 查找 CA 驱动 (PKCS#11 模块)、读卡器和已插入的 CA 锁
detect-long-about = 查找 CA 驱动 (PKCS#11 模块)、读卡器和已插入的 CA 锁。

    用 --module、ZCA_PKCS11_MODULE 或配置档指定的模块会被单独使用。否则 zca 查看在 p11-kit 中登记的模块, 以及 OpenSC、SoftHSM 和各 CA 锁厂商 (龙脉、飞天、握奇、海泰……) 的常见库文件。每个 CA 锁只显示一次, 并给出它的 CA锁ID (令牌序列号)。
detect-examples = 示例:
    {"  "}zca detect
    {"  "}zca detect --module /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so
    {"  "}zca detect --json | jq '.keys[].ca_lock_id'

certs-about = 列出已插入 CA 锁中的证书, 或导出一张
certs-long-about = 列出已插入 CA 锁中的证书: 使用者、颁发者、序列号、有效期、密钥类型 (RSA、EC、SM2) 以及私钥是否在锁中。
certs-examples = 示例:
    {"  "}zca certs
    {"  "}zca certs --token 3301000045102205 --long
    {"  "}zca certs --fail-if-expiring 30    # 用于 cron: 有证书在 30 天内到期时退出码为 7
    {"  "}zca certs export --sha256 3f2a9c01 -o mycert.pem
export-about = 以 PEM 或 DER 格式导出一张证书
export-examples = 示例:
    {"  "}zca certs export --sha256 3f2a9c01 > cert.pem
    {"  "}zca certs export --token 3301000045102205 --id 01 --der -o cert.der

config-about = 查看配置
config-show-about = 显示生效的设置及每项的来源
config-show-long-about = 显示生效的设置及每项的来源: 命令行选项、环境变量、配置档、区域设置或默认值。

title-modules = CA 驱动 (PKCS#11 模块)
title-skf-libraries = CA 驱动 (SKF 库)
col-library = 库
title-slots = 读卡器和插槽
title-keys = CA 锁

col-module = 模块
col-source = 来源
col-vendor = 厂商
col-status = 状态
col-slot = 插槽
col-reader = 读卡器
col-ca-lock-id = CA锁ID
col-label = 标签
col-manufacturer = 制造商
col-model = 型号
col-versions = 硬件 / 固件
col-pin = PIN 码
col-pin-pad = PIN 键盘
col-certificates = 证书数
col-slots = 插槽
col-object = 对象
col-usage = 用途
usage-signing = 签名
usage-encryption = 加密
col-subject = 使用者
col-issuer = 颁发者
col-serial = 序列号
col-not-before = 生效时间
col-not-after = 到期时间
col-days-left = 剩余天数
col-key = 密钥
col-private-key = 私钥
col-signature-algorithm = 签名算法
col-key-usage = 密钥用法
col-field = 字段
col-value = 值
col-setting = 设置

source-module-flag = --module
source-module-env = ZCA_PKCS11_MODULE
source-module-profile = 配置档
source-module-p11kit = p11-kit
source-module-table = 已知厂商
source-flag = 命令行 { $flag }
source-env = 环境变量 { $var }
source-profile = 配置档 { $name }
source-locale = 区域设置
source-default = 默认

slot-empty = (空)
slot-uninitialized = (未初始化)
slot-unreadable = (无法读取 CA 锁)
pin-ok = 正常
pin-tries-left = 还剩 { $left }/{ $max } 次机会
pin-state-tries = { $state } (剩 { $left }/{ $max } 次)
pin-count-low = 曾输错 PIN 码
pin-final-try = 仅剩最后一次
pin-locked = 已锁定
value-yes = 是
value-no = 否
value-unknown = 未知
value-unset = (未设置)
private-key-unknown = 未知 (输入 PIN 码前不可见)
modules-discovered = (自动查找: p11-kit、已知厂商)
skf-libraries-discovered = (自动查找: 已知厂商的目录)
config-not-present = { $path } (不存在)

load-file-missing = 文件不存在
load-not-pkcs11 = 不是 PKCS#11 库 ({ $detail })
load-not-skf = 不是 SKF (GM/T 0016) 库 ({ $detail })
load-device-list-failed = 无法列出其设备: { $detail }
load-init-failed = C_Initialize 失败: { $rv }
load-slot-list-failed = C_GetSlotList 失败: { $rv }

cert-unreadable = 无法解析的证书: { $detail }
note-no-certificates = 所选 CA 锁中没有证书
note-exported = 证书已写入 { $path }
warn-expired = { $count } 张证书已过期

label-error = 错误
label-hint = 提示
label-note = 说明
label-warning = 警告

err-usage = { $detail }
err-bad-lang = 未知语言 "{ $value }": 请用 zh 或 en
err-missing-input = 需要{ $what }, 但 zca 不能提示输入 (--no-input, 或标准输入不是终端)
err-config = 配置文件 { $path } 无效: { $detail }
err-unknown-profile = { $path } 中没有配置档 "{ $name }"
err-driver-missing = CA 客户端驱动未安装, 请下载 (没有找到任何 PKCS#11 模块或 SKF 库)
err-driver-unusable = 没有能加载的 CA 驱动: { $list }
err-token-missing = 没有插入 CA 锁 (CA 驱动已加载, 但没有已初始化的 CA 锁)
err-token-not-found = 已插入的 CA 锁中没有 CA锁ID 或标签为 "{ $selector }" 的
err-cert-not-found = 没有与 { $selector } 相符的证书
err-cert-ambiguous = 有 { $count } 张证书与 { $selector } 相符
err-cert-expiring = { $count } 张证书将在 { $days } 天内到期
err-pkcs11 = CA 驱动 { $module } 出错: { $function } 返回 { $rv }
err-token-removed = 在 { $function } 过程中 CA 锁被拔出 (或连接中断)
err-token-device = CA 锁报告硬件错误: { $function } 返回 { $rv } ({ $module })
err-token-timeout = CA 驱动在 { $seconds } 秒内没有响应 ({ $operation })
err-io = 无法写入 { $path }: { $detail }
err-cancelled = 已取消
err-internal = zca 内部错误: { $detail }
err-der-json = --der 的内容不能放进 JSON 文档: 请加 -o FILE, 或去掉 --der
err-der-terminal = 不向终端输出二进制 DER: 请加 -o FILE 或重定向标准输出
err-sha256-prefix = --sha256 至少需要 8 位十六进制数字
err-export-selector = 请用 --sha256, 或用 --token 加 --id 指定证书

hint-usage = 加 --help 查看该命令的选项
hint-command-help = `{ $command } --help` 列出它的选项
hint-unknown-command = `{ $command } --help` 列出可用的命令
hint-env-value = 请改正或取消环境变量 { $env }
usage-unknown-command = 未知的命令 '{ $name }'
usage-unknown-argument = 未知的选项或参数 '{ $name }'
usage-did-you-mean = 您是否想用 '{ $suggestion }'?
usage-invalid-value = '{ $value }' 不是 { $arg } 可接受的值
usage-possible-values = 可用的值: { $values }
usage-bad-value = '{ $value }' 不是 { $arg } 的有效值: { $reason }
usage-bad-env-value = 环境变量 { $env }='{ $value }' (即 { $arg }) 的值无效: { $reason }
usage-missing-required = 缺少: { $args }
usage-conflict = { $arg } 不能与 { $other } 一起使用
usage-missing-value = { $arg } 需要一个值
usage-value-count = { $arg } 的值的个数不对
usage-once = { $arg } 只能给出一次
usage-other = 命令行有误: { $detail }
usage-missing-command = `{ $command }` 后面需要一个命令; `{ $command } --help` 列出可用的命令
help-default = 默认
help-env = 环境变量
usage-word-options = [选项]
usage-word-command = <命令>
config-unknown-field = 未知的设置项 `{ $field }` (此处可用的设置项: { $expected })
config-bad-type = 此处应为{ $expected }, 实际是{ $found }
config-syntax = 不是有效的 TOML: { $detail }
config-at-line = 第 { $line } 行: { $problem }
toml-string = 字符串
toml-integer = 整数
toml-float = 数字
toml-boolean = true 或 false
toml-array = 列表 [ … ]
toml-table = 表
err-seconds = 须为 1 到 { $max } 的整数秒
hint-missing-input = 请用 { $sources } 提供
hint-config = 请修改该文件, 或用 --config 指定另一个
hint-unknown-profile = 用 `zca config show` 查看配置档, 或在配置文件中添加 [profiles.NAME]
hint-driver-missing = 请安装 CA 锁厂商的驱动 (`zca drivers` 列出平台提供的驱动), 或安装 OpenSC: sudo apt-get install opensc pcscd; 驱动装在特殊位置时可用 --module PATH 指定
hint-token-missing = 请插入 CA 锁, 确认指示灯亮起; 若驱动需要 pcscd, 请确认它在运行 (sudo systemctl start pcscd), 然后再运行 `zca detect`
hint-token-not-found = 运行 `zca detect` 查看已插入 CA 锁的 CA锁ID 和标签
hint-cert-not-found = 运行 `zca certs` 查看证书及其 SHA-256 指纹
hint-cert-expiring = 请在到期前向 CA 机构更新证书; `zca certs` 显示到期时间
hint-pkcs11 = 请拔出并重新插入 CA 锁后重试; 若仍失败, 运行 `zca detect -v` 并联系客服
err-encryption-certificate = 证书 { $sha256 } 是其容器的加密证书: 其密钥只用于解密, 不能签名
hint-encryption-certificate = 请选择同一容器中的签名证书 (`zca certs` 显示每张证书的用途)
hint-token-removed = 请重新插入 CA 锁, 等指示灯稳定后再执行一次命令
hint-token-device = 请拔出并重新插入 CA 锁后重试; 如果仍然出错, 请运行 `zca doctor` 并把报告发给客服
hint-token-timeout = 请拔出并重新插入 CA 锁; 检查 pcscd 是否在运行 (sudo systemctl restart pcscd); 较慢的 CA 锁可设置 ZCA_TOKEN_TIMEOUT=秒数
hint-internal = 这是 zca 的缺陷: 请附上所运行的命令报告给我们

## 平台客户端
err-no-platform = 没有设置平台地址
err-bad-platform-url = 平台地址 "{ $url }" 不是 https:// 地址
hint-bad-platform-url = zca 只通过 HTTPS 访问平台: 请给出它的 https:// 地址 (--platform { $https }、ZCA_PLATFORM 或配置档中的 platform)
err-network = 无法连接平台 { $url }: { $detail }
err-tls = 与 { $url } 的 TLS 连接失败: { $detail }
err-bad-response = 平台 { $url } 的应答 zca 无法理解: { $detail }
err-origin-mismatch = 平台的挑战码属于 { $got }, 而不是 { $expected }: zca 不签名
err-not-logged-in = 尚未登录平台 (或会话已失效)
err-session-other-platform = 已保存的会话属于 { $session }, 不属于 { $configured }: zca 只把会话发给签发它的平台
err-empty-secret = 来自 { $source } 的{ $what }为空: 没有向 CA 锁或平台发送任何内容
err-pin-incorrect = PIN 码错误
err-pin-incorrect-tries = PIN 码错误; 该 CA 锁还剩 { $left } 次机会
err-pin-incorrect-final = PIN 码错误; 该 CA 锁只剩最后一次机会
err-pin-incorrect-locked = PIN 码错误, CA 锁现已锁定
err-pin-maybe-incorrect = CA 锁以一般错误拒绝登录: PIN 码可能错误 (该锁可能不显示剩余次数)
err-pin-locked = CA 锁的 PIN 码已锁定
err-pin-wait = 刚才向这把 CA 锁输入了错误的 PIN 码: 它在 { $seconds } 秒后才接受下一次输入 (本次未发送)
hint-pin-wait = 请稍候再试; 连续输错时, 每次等待时间加倍, 最长 32 秒
err-login-kept = 驱动没有结束要求结束的登录 ({ $module }): 无法核对 PIN 码, 因此不予接受
hint-login-kept = 请拔出并重新插入 CA 锁 (或重启占用它的程序), 然后再试
note-pin-on-pad = CA 锁 { $ca_lock_id } 在它自带的密码键盘上输入 PIN 码: 请现在在键盘上输入
err-pin-final-try = CA 锁的 PIN 码只剩最后一次机会; 未经您确认 zca 不会使用它
err-private-key-missing = 证书 { $sha256 } 的私钥不在该 CA 锁中
err-unsupported-key = zca 暂时不能用该密钥签名: { $what }
hint-no-platform = 请用 --platform URL、ZCA_PLATFORM 或配置档中的 `platform = "https://…"` 指定
hint-network = 请检查网络和地址; `zca status` 和 `zca doctor` 可检查连接
hint-tls = 若平台使用自己的 CA, 请用 --ca-file PEM (或配置档中的 `ca_file`) 指定其证书
hint-bad-response = 请确认 --platform 指向平台的接口, 而不是网页或代理
hint-origin-mismatch = 请检查 --platform: 它必须是平台自称的地址
hint-not-logged-in = 请用 `zca account login` (密码) 或 `zca login` (CA 锁) 登录
hint-session-other-platform = 请用 `zca account login` 或 `zca login` 登录这个平台, 或用 --platform { $session } 使用那个会话
hint-empty-secret = 请提供实际的值 (第一行写有密码的文件、非空的环境变量), 或在提示时输入
source-stdin = 标准输入
source-terminal = 终端
hint-pin-incorrect = 请仔细重新输入 PIN 码: zca 从不自动重试
hint-pin-locked = 请用 SO (管理员) PIN 码解锁, 或联系 CA 机构的服务台解锁
hint-pin-final-try = 如确定 PIN 码无误, 请重新运行并在提示处确认, 或加 --allow-final-try
hint-private-key-missing = 请使用私钥在该 CA 锁中的证书 (登录后 `zca certs` 可显示)
hint-unsupported-key = SM2 密钥将在后续版本支持; 现在可用 RSA 和 EC P-256 密钥

plat-invalid-request = 平台认为请求格式不正确
plat-payload-too-large = 请求内容超过平台的限制
plat-invalid-credentials = 账号或密码错误
plat-too-many-attempts = 该账号登录失败次数过多: 平台暂时禁止登录
plat-unauthenticated = 平台会话已失效
plat-challenge-invalid = 平台的挑战码已使用或已过期
plat-signature-invalid = 平台无法验证 CA 锁的签名
plat-unsupported-algorithm = 平台不接受该密钥的签名算法
plat-certificate-untrusted = 平台不信任签发该证书的 CA
plat-certificate-expired = 证书已过期
plat-certificate-not-yet-valid = 证书尚未生效
plat-certificate-key-usage = 该证书不允许用于签名
plat-ca-lock-bound-to-other-user = 该 CA 锁已绑定到其他用户 (一把 CA 锁只能绑定一个用户)
plat-certificate-not-bound = 该证书未绑定任何账号
plat-not-found = 您的账号中没有该绑定
plat-internal = 平台处理请求时出错 (是平台一方的问题, 不是您的)
plat-other = 平台拒绝: { $message } ({ $code })
plat-hint-invalid-credentials = 请检查账号和密码; 连续失败 5 次后账号将被锁定 15 分钟
plat-hint-too-many-attempts = 请稍后再试, 或联系平台客服
plat-hint-challenge-invalid = 请重新运行命令
plat-hint-certificate = 请使用平台认可的 CA 签发的证书; `zca certs` 可查看颁发者
plat-hint-bound-to-other-user = 请先在另一个账号中解绑, 或联系平台客服
plat-hint-certificate-not-bound = 请先绑定: `zca account login`, 然后 `zca bind`
plat-hint-not-found = `zca bindings` 列出您的绑定及其序号
plat-hint-internal = 请几分钟后重试; 如仍失败, 请联系平台运维 (zca doctor --report FILE 可提供帮助)

## 平台命令
arg-connect-timeout = 连接平台的等待秒数
arg-timeout = 对平台的一次请求最多的秒数
arg-account = 平台账号
arg-password-stdin = 从标准输入的第一行读取密码
arg-password-file = 从文件 FILE 的第一行读取密码 (文件权限请设为 0600)
arg-print-token = 把会话令牌输出到标准输出而不保存 (用于脚本: ZCA_TOKEN)
arg-choose-token = 使用的 CA 锁: CA锁ID (序列号) 或标签
arg-choose-cert = 使用的证书: SHA-256 指纹 (或前 8 位以上)
arg-pin-stdin = 从标准输入的第一行读取 CA 锁的 PIN 码
arg-pin-file = 从文件 FILE 的第一行读取 PIN 码 (文件权限请设为 0600)
arg-allow-final-try = 允许 zca 使用 CA 锁最后一次 PIN 码机会
arg-yes = 不询问确认
arg-binding-id = 绑定的序号 (见 `zca bindings`)
arg-unbind-ca-lock = 该 CA锁ID 的绑定
arg-unbind-cert = 该证书 SHA-256 (或前 8 位以上) 的绑定
arg-csv = 以 CSV 输出表格 (UTF-8, RFC 4180)

account-about = 平台账号: 用账号和密码登录
account-login-about = 用账号和密码登录平台
account-login-long-about = 用账号和密码登录平台。会话按配置档保存在 $XDG_STATE_HOME/zca/sessions (权限 0600) 供后续命令使用, 或用 --print-token 输出。

    密码来自隐藏输入提示、--password-stdin、--password-file 或 ZCA_PASSWORD; 绝不来自命令行。
account-login-examples = 示例:
    {"  "}zca account login --account alice
    {"  "}zca account login --account alice --password-file ~/.config/zca/password --no-input
    {"  "}export ZCA_TOKEN=$(zca account login --account alice --password-stdin --print-token < pw.txt)
bind-about = 把已插入 CA 锁中的证书绑定到您的平台账号
bind-long-about = 把已插入 CA 锁中的证书绑定到用 `zca account login` 登录的账号。zca 先显示将要绑定的内容并询问; 先用 PIN 码登录 CA 锁, 再用证书的私钥签署平台的挑战码。

    一个账号可以绑定多把 CA 锁; 一把 CA 锁只能绑定一个账号。
bind-examples = 示例:
    {"  "}zca bind
    {"  "}zca bind --token 3301000045102205 --yes --pin-file ~/.config/zca/pin --no-input
login-about = 用 CA 锁登录平台 (CA 登录)
login-long-about = 用已绑定的证书登录平台: zca 用 PIN 码登录 CA 锁, 向平台获取挑战码, 用 CA 锁签名, 并按配置档保存会话。
login-examples = 示例:
    {"  "}zca login
    {"  "}zca login --token 3301000045102205 --pin-file ~/.config/zca/pin --no-input
unbind-about = 解除您的一个绑定
unbind-long-about = 解除您的一个绑定, 用序号、CA锁ID 或证书指定。解绑后该证书不能再登录。
unbind-examples = 示例:
    {"  "}zca unbind 3
    {"  "}zca unbind --ca-lock 3301000045102205 --yes
bindings-about = 列出您的绑定 (平台的 CA 锁列表)
bindings-long-about = 按平台的表格列出您的绑定: 序号、状态、证书信息、CA锁ID、到期时间、创建人、创建时间。当前已插入的 CA 锁所在行以 ● 标出。
logout-about = 退出: 结束平台会话并在本机删除
logout-long-about = 结束平台会话并删除该配置档的会话文件。没有网络时也会删除该文件。
status-about = 显示配置档、平台和会话
status-long-about = 显示配置档、平台以及经平台核实的登录用户。未登录时退出码为 5。

account-logged-in = 已登录: { $name } ({ $account }, { $organization }), 有效至 { $expires }
ca-logged-in = 已用 CA 锁 { $ca_lock_id } 登录: { $name } ({ $account }, { $organization }), 有效至 { $expires }
bind-summary = 证书信息: { $cert }
    CA锁ID:   { $ca_lock_id }
    到期时间: { $expires }
bind-done = 已绑定 (序号 { $id })
bind-already = 该绑定已存在 (序号 { $id }); 未作更改
unbind-summary = 将解绑: { $cert }, CA锁ID { $ca_lock_id }, 到期时间 { $expires }
unbind-done = 已解除绑定 { $id } (CA锁ID { $ca_lock_id })
unbind-ended-session = 您正是用这把 CA 锁登录的: 该会话已随绑定一起结束 (请用 `zca account login` 重新登录)
logout-done = 已退出
logout-nothing = 尚未登录; 无需操作
logout-offline = 已删除会话文件, 但无法通知平台 ({ $reason }); 会话到期后自动失效
note-no-bindings = 该账号尚无绑定: 用 `zca bind` 添加
note-inserted-mark = ● 表示该 CA 锁当前已插入
binding-active = 正常
binding-expired = 已过期
col-seq = 序号
col-binding-status = 状态
col-cert-info = 证书信息
col-expires = 到期时间
col-created-by = 创建人
col-created-at = 创建时间
status-profile = 配置档
status-platform = 平台
status-account = 账号
status-organization = 单位
status-session = 会话
status-expires = 会话有效至
status-not-logged-in = (未登录)
status-kind-ca = CA 锁登录
status-kind-password = 密码登录

prompt-account = 账号
prompt-password = { $account } 的密码
prompt-pin = CA 锁 { $label } ({ $ca_lock_id }) 的 PIN 码
prompt-choose-certificate = 使用哪张证书?
prompt-final-try = CA 锁 { $ca_lock_id } 只剩最后一次 PIN 码机会: 输错将锁定。仍要尝试吗?
prompt-bind-confirm = 把这张证书绑定到您的账号?
prompt-unbind-confirm = 解除这个绑定?
what-account = 账号
what-password = 密码
what-pin = PIN 码
what-confirmation = 确认
what-certificate = 在 { $count } 张证书中选择
selector-any = (任意)
err-empty-account = 账号为空

## doctor
doctor-about = 从驱动到绑定逐项检查整个链路, 并说明如何修复
doctor-long-about = 依次检查: CA 驱动、pcscd、读卡器、CA 锁、PIN 状态、证书 (可读、有效、30 天内是否到期、私钥)、平台的驱动目录、平台 (可达、TLS、时钟)、会话和绑定。每行为 ✓、⚠、✗ 或 - (跳过并说明原因), 并给出一条修复办法。

    退出码: 全部正常为 0, 有警告为 1, 否则为失败检查项自身的退出码。
doctor-examples = 示例:
    {"  "}zca doctor
    {"  "}zca doctor --report zca-report.txt      # 附在工单中: 其中没有 PIN 码、密码或令牌
arg-report = 另把用于客服工单的文本报告写入 FILE (权限 0600)
arg-include-dn = 在报告中写入证书完整的使用者和颁发者名称 (默认只写通用名)
doctor-report-written = 报告已写入 { $path }
check-modules = CA 驱动
check-pcscd = pcscd
check-readers = 读卡器
check-key = CA 锁
check-pin = PIN 码
check-certificates = 证书
check-validity = 有效期
check-private-key = 私钥
check-driver-catalogue = 驱动目录
check-platform = 平台
check-tls = TLS
check-clock = 时钟
check-session = 会话
check-binding = 绑定
check-bridge = 网页用的 CA 客户端服务 (zca bridge)
doctor-bridge-not-set-up = 未设置; 用 CA 锁登录的网页需要它: zca bridge install
doctor-bridge-stopped = 已安装为服务, 但没有运行
doctor-bridge-start = systemctl --user start zca-bridge.service (或运行 zca bridge)
doctor-bridge-no-origins = 正在监听 { $listening }, 但没有允许任何网页来源
doctor-bridge-untrusted = 正在监听 { $listening }; 浏览器不信任它的 CA, wss 网页无法连接
doctor-bridge-ok = 正在监听 { $listening }, 允许 { $origins } 个来源
doctor-modules-ok = 已加载 { $count } 个驱动
doctor-modules-some = 已加载 { $count } 个驱动; 以下未能加载: { $failed }
doctor-pcscd-not-needed = 已加载的驱动都不需要 pcscd
doctor-pcscd-ok = pcscd 正在运行 ({ $socket })
doctor-pcscd-missing = pcscd 未运行 ({ $socket } 不存在), 而 { $modules } 需要它
doctor-pcscd-fix = sudo apt-get install pcscd && sudo systemctl enable --now pcscd.socket
doctor-pcscd-start = pcscd 已安装但未运行: sudo systemctl enable --now pcscd.socket
doctor-skip-no-driver = 没有已加载的驱动
doctor-skip-no-key = 没有插入 CA 锁
doctor-skip-no-cert = 没有可读的证书
doctor-skip-no-platform = 无法连接平台
doctor-skip-no-session = 尚未登录
doctor-readers-none = 没有读卡器或插槽
doctor-readers-fix = 请把 CA 锁直接插在电脑上 (不经过集线器), 然后运行 `zca detect`
doctor-readers-ok = { $count } 个插槽
doctor-readers-skf = 没有 PKCS#11 插槽; CA 锁经其 SKF 库访问
doctor-key-ok = { $keys }
doctor-pin-ok = 没有输错 PIN 码的记录
doctor-pin-count-low = 曾输错 PIN 码
doctor-pin-final = 只剩最后一次 PIN 码机会: 输错将锁定 CA 锁
doctor-certs-none = CA 锁中没有证书
doctor-certs-unreadable = 有 { $count } 个证书对象, 但都无法读取
doctor-certs-some-unreadable = { $count } 张可读证书, { $unreadable } 个无法读取的对象
doctor-certs-ok = { $count } 张证书
doctor-certs-fix = 请联系 CA 机构重新写入证书
doctor-validity-expired = 所有证书都已过期
doctor-validity-soon = 有证书将在 { $days } 天后到期
doctor-validity-ok = 有效; 最早的在 { $days } 天后到期
doctor-private-key-ok = 私钥在 CA 锁中
doctor-private-key-hidden = 该 CA 锁要在输入 PIN 码后才显示私钥; `zca login` 会检查
doctor-private-key-none = 没有证书的私钥在 CA 锁中
doctor-catalogue-unavailable = 无法读取平台的驱动目录
doctor-catalogue-none = 平台没有列出适用于这些证书颁发者的驱动
doctor-catalogue-fix = `zca drivers` 列出平台的驱动; 请向平台客服确认哪个适用于您的 CA
doctor-catalogue-ok = 匹配的驱动: { $drivers }
doctor-platform-ok = { $url } 有应答 (平台 { $version })
doctor-platform-reached = 可以连接 { $url }
doctor-tls-ok = 平台的证书有效且受信任
doctor-clock-no-date = 平台没有发送 Date 头
doctor-clock-skew = 本机时钟与平台相差 { $seconds } 秒
doctor-clock-fix = sudo timedatectl set-ntp true
doctor-clock-ok = 与平台时钟相差 { $seconds } 秒
doctor-session-ok = 已登录: { $account }
doctor-session-ended = 已保存的会话在平台上已失效 (过期、已退出, 或其绑定已解除)
doctor-binding-ok = 已插入的证书已绑定到该账号
doctor-binding-none = 已插入的证书都未绑定到该账号

## drivers
drivers-about = 平台的 CA 驱动目录; 下载驱动
drivers-long-about = 列出平台提供的驱动 (GET /api/v1/ca/drivers)。★ 表示其颁发者与已插入证书相符的驱动; "已安装" 表示本机是否已有其 PKCS#11 库。
drivers-examples = 示例:
    {"  "}zca drivers
    {"  "}zca drivers download 3 -o ~/Downloads
drivers-download-about = 下载驱动, 并核对大小和 SHA-256
arg-driver-id = 驱动的 ID (见 `zca drivers`)
arg-download-dir = 保存驱动的文件夹
col-driver = 驱动
col-version = 版本
col-system = 系统
col-size = 大小
col-for-your-key = 适用于您的锁
col-installed = 已安装
note-no-drivers = 平台没有列出驱动
note-driver-download = 适用于您的 CA 锁的驱动尚未安装: `zca drivers download ID`
driver-downloaded = 已保存 { $path } (SHA-256 { $sha256 }, 已核对)
err-driver-mismatch = 下载的文件与目录不符 ({ $size } 字节, SHA-256 { $sha256 }; 应为 { $want_size } 字节, { $want_sha256 }); 文件已删除
arg-watch = 持续监视: 每插入或拔出一把 CA 锁输出一行 (--json 时每行一个 JSON 对象)
arg-until-present = 与 --watch 一起用: 一旦有 CA 锁即以 0 退出
arg-watch-timeout = 与 --watch 一起用: SECS 秒后停止 (加 --until-present 时, 没有 CA 锁插入则退出码为 3); 不给时一直监视到按 Ctrl-C
watch-present = 已插入
watch-inserted = 插入
watch-removed = 拔出

## zca pin
pin-about = 查看、修改或解锁 CA 锁的 PIN 码
pin-long-about = 查看、修改或解锁 CA 锁的 PIN 码。没有您的确认, zca 绝不使用 CA 锁的最后一次 PIN 机会; 新 PIN 码在发送前先按 CA 锁的长度限制检查。
pin-status-about = 各 CA 锁的 PIN 状态: 正常、曾输错、最后一次机会、已锁定、须修改; 长度限制; PIN 键盘
pin-status-long-about = 按 CA 锁标志显示各 CA 锁的 PIN 状态: 正常、曾输错、最后一次机会、已锁定、须修改; SO (管理员) PIN 的状态; PIN 码长度限制; CA 锁是否带 PIN 键盘。

    PKCS#11 不提供剩余次数, 只有这些标志。
pin-change-about = 修改 CA 锁的 PIN 码 (修改密码)
pin-change-long-about = 修改 CA 锁的 PIN 码: 先输入当前 PIN 码, 再输入两次新 PIN 码。发送前先按 CA 锁的长度限制检查新 PIN 码; 与旧 PIN 码相同或属于常见默认值 (123456、12345678、000000、111111、88888888 等) 时拒绝。CA 锁只剩最后一次机会时, 除非您确认或加 --allow-final-try, 否则拒绝。
pin-change-examples = 示例:
    {"  "}zca pin change
    {"  "}printf '%s\n%s\n' "$OLD" "$NEW" | zca pin change --pin-stdin --token 3301000045102205
    {"  "}zca pin change --pin-file old.pin --new-pin-file new.pin      # 文件权限 0600
pin-unlock-about = 用 SO (管理员) PIN 设置新的用户 PIN, 已锁定的 CA 锁也可以
pin-unlock-long-about = 用 SO (管理员) PIN 设置新的用户 PIN 码 (以 SO 身份 C_Login, 再 C_InitPIN), 同时解除锁定。很多 CA 锁的驱动不支持这样做; 此时 zca 会说明, 并告诉您 CA 客服能做什么。没有您的确认, SO PIN 的最后一次机会同样不会被使用。
pin-unlock-examples = 示例:
    {"  "}zca pin unlock
    {"  "}printf '%s\n%s\n' "$SO_PIN" "$NEW" | zca pin unlock --so-pin-stdin
arg-pin-token = 使用 CA锁ID (序列号) 或标签为此值的 CA 锁 (插入多把时需要)
arg-pin-change-stdin = 从标准输入的前两行读取当前 PIN 码和新 PIN 码
arg-new-pin-file = 从文件 FILE 的第一行读取新 PIN 码 (文件权限请设为 0600)
arg-so-pin-stdin = 从标准输入的前两行读取 SO (管理员) PIN 和新的用户 PIN 码
arg-so-pin-file = 从文件 FILE 的第一行读取 SO (管理员) PIN (文件权限请设为 0600)
arg-allow-so-final-try = 允许 zca 使用 SO PIN 的最后一次机会
col-user-pin = 用户 PIN
col-so-pin = SO PIN
col-pin-length = 长度
pin-must-change = 须修改
note-no-tries-count = PKCS#11 不提供剩余次数, 只有这些标志
pin-changed = CA 锁 { $ca_lock_id } 的 PIN 码已修改
pin-unlocked = CA 锁 { $ca_lock_id } 已设置新的用户 PIN 码并解除锁定
prompt-current-pin = CA 锁 { $ca_lock_id } 的当前 PIN 码
prompt-new-pin = 新 PIN 码 ({ $min }–{ $max } 个字符)
prompt-new-pin-again = 再次输入新 PIN 码
prompt-so-pin = CA 锁 { $ca_lock_id } 的 SO (管理员) PIN
prompt-so-final-try = CA 锁 { $ca_lock_id } 的 SO PIN 只剩一次机会: 输错将永久锁定。仍要尝试吗?
prompt-choose-key = 使用哪把 CA 锁?
what-key = 要使用的 CA 锁 (插入了 { $count } 把)
what-new-pin = 新 PIN 码
what-so-pin = SO (管理员) PIN
what-pin-and-new-pin = 当前 PIN 码和新 PIN 码 (两行)
what-so-pin-and-new-pin = SO PIN 和新 PIN 码 (两行)
pin-rule-mismatch = 两次输入的新 PIN 码不一致
pin-rule-length = 长度为 { $len } 个字符; 此 CA 锁要求 { $min } 到 { $max } 个
pin-rule-same = 与当前 PIN 码相同
pin-rule-well-known = 这是人人都会先试的常见 PIN 码
err-pin-rejected = 新 PIN 码不可用: { $reason }
pin-reason-nul = 含有 NUL 字符
err-new-pin-refused = CA 锁拒绝了新 PIN 码 ({ $rv })
err-so-pin-incorrect = SO (管理员) PIN 错误 (SO PIN 现在: { $state })
err-so-pin-locked = CA 锁的 SO (管理员) PIN 已锁定
err-so-pin-final-try = CA 锁的 SO PIN 只剩最后一次机会; 没有您的确认, zca 不会使用
err-unlock-unsupported = 此 CA 锁的驱动不支持用 SO PIN 设置新的用户 PIN ({ $module })
err-pin-change-unsupported = 此 CA 锁的驱动不支持修改 PIN 码 ({ $module })
hint-pin-rejected = 请换一个 PIN 码: 不要用常见 PIN 码或当前 PIN 码, 长度在 CA 锁的限制之内 (`zca pin status` 可查看)
hint-so-pin-incorrect = SO PIN 通常印在 CA 锁的信封上或由 CA 机构保管; 每输错一次都会消耗一次机会
hint-unlock-unsupported = CA 客服可以远程解锁或为您更换 CA 锁; 用 `zca doctor --report FILE` 生成报告发给他们
hint-so-pin-final-try = 如果确定 SO PIN 正确, 请再次执行并确认, 或加上 --allow-final-try
hint-pin-change-unsupported = 请用 CA 锁厂商的工具修改, 或联系 CA 客服
warn-pin-must-change = CA 锁 { $ca_lock_id } 要求修改 PIN 码: 请运行 `zca pin change`
warn-pin-well-known = CA 锁 { $ca_lock_id } 使用的是人人都会先试的常见 PIN 码: 请运行 `zca pin change`

## SM2
err-sm2-mechanism-missing = CA 驱动 { $module } 不提供 zca 已知的任何 SM2 签名机制 (配置项 "{ $entry }", 已尝试: { $tried })
hint-sm2-mechanism-missing = 请向 CA 锁厂商索取 SM2 机制编号, 并写入配置文件 (zca config show 显示其位置): [[module]] name = "...", file_names = ["{ $file }"], sm2_sm3_mechanism = 0x…, 或 sm2_digest_mechanism = 0x… 并设置 sm2_signature = "raw" 或 "der"

## zca bridge
bridge-about = 网页在 127.0.0.1 上调用的 CA 客户端服务 (ws 21051, wss 21061; mToken 51235, 51245)
bridge-long-about = 政府采购网页在 127.0.0.1 上调用的 CA 客户端服务: 通过 WebSocket (ws://127.0.0.1:21051/xtxapp/ 和 wss://127.0.0.1:21061/xtxapp/) 提供 GM/T 0020 SOF 接口, 并提供龙脉 mToken 服务 (http://127.0.0.1:51235/alpha 和 https://127.0.0.1:51245/alpha), 支持 zca 能用的所有 CA 锁。不带子命令时在前台运行直到停止。它守护 CA 锁: 只为本机当前用户和您允许的来源服务 (zca bridge allow), 只接受 Host 为本机回环地址的请求; 只在同一连接 SOF_Login 之后签名, 绝不为其他平台的登录签名; 每个 PIN 码都经过 PIN 码守卫 (输错后暂停, 最后一次机会须经您同意: zca bridge allow-final-try), 或由桌面 PIN 对话框询问 (zca bridge allow ORIGIN --pin-from-desktop); 不保存 PIN 码, 并限制帧大小、连接数、握手时间和工作量。
bridge-examples = 示例:
      zca bridge allow https://zcy.example.gov.cn     # 允许平台网页使用您的 CA 锁
      zca bridge trust                               # 把 wss 用的本地 CA 加入浏览器
      zca bridge                                     # 在前台运行 (Ctrl-C 停止)
      zca bridge install                             # 或: 作为登录时启动的 systemd 用户服务
      zca bridge status --json
arg-bridge-ws-port = ws://127.0.0.1:PORT/xtxapp/ 的端口 (0: 任意空闲端口)
arg-bridge-wss-port = wss://127.0.0.1:PORT/xtxapp/ 的端口 (0: 任意空闲端口)
arg-bridge-no-wss = 不提供 wss 和 https (不生成本地 CA)
arg-bridge-mtoken-port = 为龙脉 (mToken) 网页提供服务的端口 (http://127.0.0.1:PORT/alpha)
arg-bridge-mtoken-https-port = mToken 服务的 https 端口 (供通过 https 打开的网页使用)
arg-bridge-idle = 网页对 CA 锁的登录在这么多秒没有调用后结束
arg-bridge-max-connections = 同时最多连接这么多网页; 更多的会被拒绝
arg-bridge-origin = 网页来源: https://主机[:端口] (或 http://)
arg-bridge-final-try-key = CA 锁的 CA锁ID (zca detect 可显示)
arg-bridge-final-try-minutes = 允许在这么多分钟内有效, 仅限一次尝试
bridge-allow-about = 允许某个网页来源使用本服务
bridge-deny-about = 把某个网页来源从允许列表中去掉
bridge-origins-about = 列出允许的来源
bridge-trust-about = 把本服务的本地 CA 加入浏览器的证书库 (用于 wss)
bridge-trust-long-about = 用 NSS 的 certutil (软件包 libnss3-tools) 把本服务的本地 CA (首次使用时生成; 只能为 127.0.0.1、::1 和 localhost 签发, 私钥不保留) 加入 Chromium 和统信浏览器 (~/.pki/nssdb) 以及每个 Firefox 配置的证书库。之后请重启浏览器。
bridge-untrust-about = 把本服务的本地 CA 从浏览器证书库中删除
bridge-install-about = 作为 systemd 用户服务运行本服务, 登录时启动
bridge-install-long-about = 用 systemctl --user 启用并启动 zca 软件包提供的单元 (/usr/lib/systemd/user/zca-bridge.service)。若选项 (见下) 不是默认值, 或没有软件包的单元, 则写入您自己的 ~/.config/systemd/user/zca-bridge.service (使用这些选项运行 zca bridge, 失败时重启), systemd 优先使用它。`zca bridge status` 会说明使用的是哪一个。
bridge-uninstall-about = 停止并停用 systemd 用户服务 (并删除您自己的单元)
bridge-status-about = 本服务是否在运行和监听, 其 CA 是否受信任, 为哪些来源服务
bridge-allow-final-try-about = 允许通过本服务在 CA 锁最后一次 PIN 机会时登录一次
bridge-allow-final-try-long-about = 处于最后一次 PIN 机会的 CA 锁, 再输错一次就会锁死。除非您在这里允许, 本服务不会替网页尝试: 允许一次, 在接下来几分钟内有效。
bridge-listening = 正在监听 { $url }
bridge-allowed = { $origin } 现在可以使用本服务
bridge-denied = { $origin } 已不再允许
bridge-no-origins = 还没有允许任何来源: zca bridge allow https://您的平台.example
bridge-store = { $store }: { $result }
bridge-store-added = 已信任本地 CA
bridge-store-removed = 已删除本地 CA
bridge-store-absent = 其中没有本地 CA
bridge-store-failed = certutil 失败
bridge-trust-failed = 有些证书库无法修改 (见上)
bridge-status-running = 运行中
bridge-status-listening = 监听
bridge-status-ca = 本地 CA 受信任 (Chromium)
bridge-status-origins = 允许的来源
bridge-status-service = systemd 用户服务
bridge-service-package = zca 软件包提供的单元
bridge-service-user = 您自己的单元 (自定义选项)
bridge-status-start = 用 `zca bridge` 启动, 或用 `zca bridge install` 在每次登录时启动
bridge-installed = 每次登录时启动: { $unit }
bridge-uninstalled = 已停止并停用: { $unit }
bridge-systemd-failed = systemd 未接受 ({ $detail }); 请在您的桌面会话中运行: { $command }
bridge-final-try-allowed = 已允许在 { $until } 前以 CA 锁 { $ca_lock_id } 的最后一次 PIN 机会登录一次
err-bad-origin = '{ $origin }' 不是网页来源 (https://主机[:端口] 或 http://主机[:端口], 不带路径)
err-bridge-port = 无法在 127.0.0.1:{ $port } 上监听: { $detail }
hint-bridge-port = 可能有另一个 CA 客户端服务 (例如 CA 锁厂商的) 占用了该端口: 请停止它, 或使用 --ws-port / --wss-port
err-tool-missing = 未安装 { $tool }
hint-tool-missing = 请安装: sudo apt-get install { $package }
err-origin-not-normal = '{ $origin }' 不是浏览器发送的写法: { $normal }
err-insecure-origin = '{ $origin }' 是另一台计算机的 http:// 网页: 传输途中任何人都能篡改它; 如确需允许, 请用 `zca bridge allow { $origin } --insecure-origin`
err-desktop-origin = '{ $origin }' 被设为在桌面输入 PIN 码, 但它不是允许的来源
pinentry-title = zca: CA 锁 PIN 码
pinentry-description = 网页 { $origin } 请求用 CA 锁 { $ca_lock_id } ({ $label }) 中的证书“{ $certificate }”登录。只有当这个网页是您自己打开的, 才输入 PIN 码。
pinentry-prompt = PIN 码:
pinentry-final-try = CA 锁 { $ca_lock_id } 只剩最后一次 PIN 码机会: 再错即被锁定。网页 { $origin } 请求登录。仍要尝试吗?
arg-bridge-pinentry = 用于询问 PIN 码的桌面 PIN 对话框程序 (默认: 有桌面时依次找 pinentry-gnome3、-qt、-gtk-2 或 pinentry)
arg-bridge-insecure-origin = 允许另一台计算机的 http:// 来源 (它的网页在传输途中可被篡改)
arg-bridge-pin-from-desktop = 这个来源的 PIN 码在桌面 PIN 对话框中询问, 从不取自网页
arg-bridge-close-idle = 网页的连接没有登录且没有调用达到这么多秒后即被关闭
