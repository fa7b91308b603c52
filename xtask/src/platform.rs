//! zca-platform's completions and man pages (in platform/, which its package takes them from),
//! from its clap definitions. Its `--help` is English
//! (an operator's tool); the Chinese pages take every text from the table below, and generating
//! fails when an option or command has none, so that no page mixes the two languages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Command;
use clap_complete::Shell;
use zca::i18n::Lang;

use crate::{definition_list, man_pages, Program};

const PLATFORM: Program = Program { top: "zca-platform", environment, exit_status };

pub fn generate(files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for (shell, name) in [
        (Shell::Bash, "zca-platform.bash"),
        (Shell::Zsh, "_zca-platform"),
        (Shell::Fish, "zca-platform.fish"),
    ] {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut zca_platform::cli::command(), "zca-platform", &mut out);
        files.insert(Path::new("platform/completions").join(name), out);
    }
    let mut en = zca_platform::cli::command();
    en.build();
    man_pages(&en, "zca-platform", "platform/man/man1", Lang::En, &PLATFORM, files);
    let zh = in_chinese(en, "");
    let mut pages = BTreeMap::new();
    man_pages(&zh, "zca-platform", "platform/man/zh_CN/man1", Lang::Zh, &PLATFORM, &mut pages);
    for (path, page) in pages {
        let page = String::from_utf8(page).expect("UTF-8");
        files.insert(path, clap_words_in_chinese(&page).into_bytes());
    }
}

/// `cmd` (built) with every text from the table; `path` is its place under the top command
/// ("" for the top, "user add" for a subcommand's subcommand).
fn in_chinese(mut cmd: Command, path: &str) -> Command {
    let about = lookup(ABOUT, path, "").unwrap_or_else(|| panic!("no Chinese text for `{path}`"));
    cmd = cmd.about(about).long_about(None::<&str>);
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let text = lookup(ARGS, path, &id)
            .or_else(|| lookup(ARGS, "*", &id))
            .unwrap_or_else(|| panic!("no Chinese text for `{path}` --{id}"));
        cmd = cmd.mut_arg(&id, |a| a.help(text).long_help(None::<&str>));
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for sub in subs {
        let sub_path = if path.is_empty() { sub.clone() } else { format!("{path} {sub}") };
        cmd = cmd.mut_subcommand(&sub, |s| in_chinese(s, &sub_path));
    }
    cmd
}

fn lookup(table: &[(&str, &str, &'static str)], path: &str, id: &str) -> Option<&'static str> {
    table.iter().find(|(p, i, _)| *p == path && *i == id).map(|(.., text)| *text)
}

/// What clap_mangen writes in English around the texts: defaults and variables.
fn clap_words_in_chinese(page: &str) -> String {
    page.replace("[default: ", "[默认: ")
        .replace("May also be specified with the ", "也可用环境变量 ")
        .replace(" environment variable. ", " 指定。")
        .replace("[possible values: ", "[可选值: ")
}

const ABOUT: &[(&str, &str, &str)] = &[
    ("", "", "zca 平台 API 约定的参考实现: HTTPS, SQLite 或 PostgreSQL, 真实的证书与签名校验。在 127.0.0.1 上运行, 无需外部服务即可使用、测试和演示 zca; 也可在一个 PostgreSQL 数据库上运行多个实例"),
    ("serve", "", "通过 HTTPS 提供 API 和网页, 直到收到 SIGTERM 或 Ctrl-C (处理中的请求先完成)"),
    ("user", "", "平台账号"),
    ("user add", "", "添加账号; 密码来自隐藏的提示输入或 --password-stdin"),
    ("user list", "", "列出账号"),
    ("user disable", "", "停用账号并结束其会话"),
    ("trust", "", "客户端证书必须链接到的 CA 证书"),
    ("trust add", "", "信任 PEM 或 DER 文件中的 CA 证书"),
    ("trust remove", "", "不再信任某个 CA: 其证书不能再绑定或登录, 其 CA 登录打开的会话立即结束"),
    ("trust list", "", "列出受信任的 CA 证书"),
    ("driver", "", "在 /api/v1/ca/drivers 提供的驱动目录"),
    ("driver add", "", "向目录添加驱动程序包; 文件存入数据库"),
    ("driver list", "", "列出驱动目录"),
    ("revoke", "", "吊销客户端证书: 它不能再绑定或登录, 其 CA 登录打开的会话立即结束"),
    ("revoked", "", "列出已吊销的证书"),
    ("audit", "", "打印审计日志: 绑定、解绑、登录和失败的尝试"),
    ("backup", "", "在平台运行时将 SQLite 数据库复制到 FILE: 一致的快照 (SQLite 在线备份), 经过校验, 仅属主可读。PostgreSQL 请用 pg_dump"),
    ("restore", "", "将备份恢复为本平台的 SQLite 数据库, 并将其结构升级到当前版本。请先停止服务"),
    ("migrate", "", "将数据库结构升级到当前版本 (每个命令也会自动升级), 或从另一个数据库复制整个平台 (--from), 用于从 SQLite 迁移到 PostgreSQL"),
];

const ARGS: &[(&str, &str, &str)] = &[
    ("*", "data", "数据目录: 数据库、TLS 身份、驱动文件 [默认: $XDG_DATA_HOME/zca-platform; 系统服务使用 /var/lib/zca-platform]"),
    ("*", "database", "数据库: sqlite:PATH 或 postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require] [默认: sqlite:DIR/platform.db]"),
    ("*", "database_ca", "使用 sslmode=require 时, 用于验证 PostgreSQL TLS 证书的 CA 证书 (PEM) [默认: 系统的 CA]"),
    ("*", "database_pool", "每个实例连接数据库的连接数, 也是同时使用数据库的请求数 [默认: 2 × 核数 + 2]"),
    ("*", "database_wait", "启动时等待数据库响应的最长秒数"),
    ("*", "help", "打印帮助"),
    ("*", "version", "打印版本"),
    ("*", "json", "以 JSON 输出, 而不是文本行"),
    ("serve", "listen", "提供 HTTPS 服务的地址和端口"),
    ("serve", "tls_cert", "服务器证书链 (PEM); 不指定时在 DIR/tls 中生成本地 CA 和证书"),
    ("serve", "tls_key", "--tls-cert 的私钥 (PEM)"),
    ("serve", "origin", "客户端使用的源 (每个签名挑战的一部分) [默认: https://ADDR]"),
    ("serve", "session_ttl", "会话有效期, 以秒计"),
    ("serve", "challenge_ttl", "挑战有效期, 以秒计 (最多 120)"),
    ("serve", "bridge", "网页进行 CA 登录和绑定时依次尝试的 CA 客户端服务地址 (可重复) [默认: wss://127.0.0.1:21061/xtxapp/, ws://127.0.0.1:21051/xtxapp/]"),
    ("serve", "metrics_listen", "在此地址提供 GET /metrics (Prometheus 文本格式, 明文 HTTP), 例如 127.0.0.1:9464; 不指定则关闭, 且从不在公共监听地址上提供"),
    ("user add", "account", "登录名"),
    ("user add", "name", "姓名, 显示在网页上"),
    ("user add", "org", "所在单位"),
    ("user add", "password_stdin", "从标准输入的第一行读取密码"),
    ("user disable", "account", "登录名"),
    ("trust add", "file", "CA 证书文件"),
    ("trust remove", "sha256", "CA 的 SHA-256 或其前 8 位以上十六进制数字, 与 trust list 显示的一致"),
    ("driver add", "file", "驱动程序包 (.deb、.rpm、.tar.gz 等), 按原样提供下载"),
    ("driver add", "name", "驱动名称, 显示在下载页面上"),
    ("driver add", "vendor", "厂商"),
    ("driver add", "version", "版本"),
    ("driver add", "os", "适用的操作系统"),
    ("driver add", "arch", "适用的处理器架构"),
    ("driver add", "issuers", "与证书颁发者匹配的文字 (可重复)"),
    ("driver add", "module_names", "驱动安装的 PKCS#11 库文件名 (可重复)"),
    ("revoke", "sha256", "证书的 SHA-256 (64 位十六进制, 与 zca certs 显示的一致)"),
    ("revoke", "serial", "证书序列号 (十六进制), 与 CA 吊销列表中的一致"),
    ("revoke", "issuer", "与 --serial 一起使用: 只吊销此受信任 CA 颁发的证书 (其 SHA-256 或前 8 位以上十六进制数字, 与 trust list 显示的一致); 不指定则吊销任何颁发者的此序列号"),
    ("revoke", "reason", "吊销原因, 记入记录"),
    ("backup", "to", "新的备份文件 (不得已存在)"),
    ("restore", "from", "备份文件 (来自 zca-platform backup)"),
    ("restore", "replace", "替换已有账号或绑定的数据库"),
    ("migrate", "from", "复制来源数据库 (sqlite:PATH 或 postgres://…); 目标数据库 (--database) 中还不能有账号、绑定或其他数据"),
];

/// Each option's variable, and where the service reads them.
fn environment(cmd: &Command, lang: Lang) -> String {
    let mut rows: Vec<String> = Vec::new();
    let mut options = |c: &Command| {
        for a in c.get_arguments() {
            let (Some(var), Some(long)) = (a.get_env(), a.get_long()) else { continue };
            let row = format!("{}\t\\-\\-{}", var.to_string_lossy(), long.replace('-', "\\-"));
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
    };
    options(cmd);
    cmd.get_subcommands().for_each(&mut options);
    rows.push(match lang {
        Lang::En => "RUST_LOG\twhat the log shows (default info)".into(),
        Lang::Zh => "RUST_LOG\t日志显示的内容 (默认 info)".into(),
    });
    let service = match lang {
        Lang::En => ".PP\nThe system service reads these from /etc/zca\\-platform/zca\\-platform.env; its log is the journal.\n",
        Lang::Zh => ".PP\n系统服务从 /etc/zca\\-platform/zca\\-platform.env 读取这些变量; 其日志在 journal 中。\n",
    };
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    definition_list(if lang == Lang::Zh { "环境变量" } else { "ENVIRONMENT" }, &rows) + service
}

fn exit_status(lang: Lang) -> String {
    let rows: [&str; 3] = match lang {
        Lang::En => ["0\tsuccess", "1\tfailure (the message says what happened)", "2\tusage error"],
        Lang::Zh => ["0\t成功", "1\t失败 (消息说明原因)", "2\t用法错误"],
    };
    definition_list(if lang == Lang::Zh { "退出状态" } else { "EXIT STATUS" }, &rows)
}
