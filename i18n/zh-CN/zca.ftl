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
arg-verbose = 显示更多过程信息 (可重复)
arg-module = 使用此 PKCS#11 模块, 不再自动查找 (可重复; 环境变量中用冒号分隔)
arg-platform = 平台地址, 例如 https://platform.example.gov.cn
arg-ca-file = 额外信任的 CA 证书 (PEM), 用于验证平台的 TLS 证书
arg-help = 显示帮助
arg-version = 显示版本
arg-token = 只看 CA锁ID (序列号) 或标签为此值的 CA 锁
arg-fail-if-expiring = 若所列证书在 DAYS 天内到期, 以退出码 7 结束 (用于 cron)
arg-long = 显示每张证书的全部字段
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
pin-ok = 正常
pin-count-low = 曾输错 PIN 码
pin-final-try = 仅剩最后一次
pin-locked = 已锁定
value-yes = 是
value-no = 否
value-unknown = 未知
value-unset = (未设置)
private-key-unknown = 未知 (输入 PIN 码前不可见)
modules-discovered = (自动查找: p11-kit、已知厂商)
config-not-present = { $path } (不存在)

load-file-missing = 文件不存在
load-not-pkcs11 = 不是 PKCS#11 库 ({ $detail })
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
err-driver-missing = CA 客户端驱动未安装, 请下载 (没有找到任何 PKCS#11 模块)
err-driver-unusable = 没有能加载的 CA 驱动: { $list }
err-token-missing = 没有插入 CA 锁 (CA 驱动已加载, 但没有已初始化的 CA 锁)
err-token-not-found = 已插入的 CA 锁中没有 CA锁ID 或标签为 "{ $selector }" 的
err-cert-not-found = 没有与 { $selector } 相符的证书
err-cert-ambiguous = 有 { $count } 张证书与 { $selector } 相符
err-cert-expiring = { $count } 张证书将在 { $days } 天内到期
err-pkcs11 = CA 驱动 { $module } 出错: { $function } 返回 { $rv }
err-io = 无法写入 { $path }: { $detail }
err-cancelled = 已取消
err-internal = zca 内部错误: { $detail }
err-der-json = --der 的内容不能放进 JSON 文档: 请加 -o FILE, 或去掉 --der
err-der-terminal = 不向终端输出二进制 DER: 请加 -o FILE 或重定向标准输出
err-sha256-prefix = --sha256 至少需要 8 位十六进制数字
err-export-selector = 请用 --sha256, 或用 --token 加 --id 指定证书

hint-usage = 加 --help 查看该命令的选项
hint-missing-input = 请用 { $sources } 提供
hint-config = 请修改该文件, 或用 --config 指定另一个
hint-unknown-profile = 用 `zca config show` 查看配置档, 或在配置文件中添加 [profiles.NAME]
hint-driver-missing = 请安装 CA 锁厂商的驱动 (`zca drivers` 列出平台提供的驱动), 或安装 OpenSC: sudo apt-get install opensc pcscd; 驱动装在特殊位置时可用 --module PATH 指定
hint-token-missing = 请插入 CA 锁, 确认指示灯亮起; 若驱动需要 pcscd, 请确认它在运行 (sudo systemctl start pcscd), 然后再运行 `zca detect`
hint-token-not-found = 运行 `zca detect` 查看已插入 CA 锁的 CA锁ID 和标签
hint-cert-not-found = 运行 `zca certs` 查看证书及其 SHA-256 指纹
hint-cert-expiring = 请在到期前向 CA 机构更新证书; `zca certs` 显示到期时间
hint-pkcs11 = 请拔出并重新插入 CA 锁后重试; 若仍失败, 运行 `zca detect -v` 并联系客服
hint-internal = 这是 zca 的缺陷: 请附上所运行的命令报告给我们
