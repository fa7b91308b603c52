//! Generated files: shell completions and man pages, made from zca's clap definitions so that
//! they never drift from `--help`. `cargo xtask gen` writes them; a test checks they are current.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap_complete::Shell;
use zca::i18n::{set_lang, Lang};

pub mod house;
mod man;
mod platform;

pub const UPDATE_COMMAND: &str = "cargo xtask gen";

/// Every generated file, by path relative to the repository root.
pub fn generate() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    set_lang(Lang::En);
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
        let mut cmd = zca::cli::command();
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut cmd, "zca", &mut out);
        let name = match shell {
            Shell::Bash => "zca.bash",
            Shell::Zsh => "_zca",
            Shell::Fish => "zca.fish",
            Shell::PowerShell => "_zca.ps1",
            _ => "zca.elv",
        };
        files.insert(Path::new("completions").join(name), out);
    }
    for (lang, dir) in [(Lang::En, "man/man1"), (Lang::Zh, "man/zh_CN/man1")] {
        set_lang(lang);
        let mut cmd = zca::cli::command();
        // Propagates the global options and settings into every subcommand's page.
        cmd.build();
        man_pages(&cmd, "zca", dir, lang, &ZCA, &mut files);
    }
    set_lang(Lang::En);
    platform::generate(&mut files);
    files
}

/// What the pages of one program share beyond clap's definitions.
pub(crate) struct Program {
    /// The page's manual (the centre of its header) and the name of its top page.
    top: &'static str,
    /// Sections every page ends with, before VERSION: the exit status and, on the top page,
    /// the environment.
    environment: fn(&clap::Command, Lang) -> String,
    exit_status: fn(Lang) -> String,
}

const ZCA: Program = Program { top: "zca", environment, exit_status };

/// One page per command and subcommand: `zca.1`, `zca-certs.1`, `zca-certs-export.1`, ...
/// clap_mangen renders the options and the subcommands; the rest is written here, so that
/// every heading is in the page's language and the synopsis shows each option's value.
pub(crate) fn man_pages(
    cmd: &clap::Command,
    name: &str,
    dir: &str,
    lang: Lang,
    program: &Program,
    files: &mut BTreeMap<PathBuf, Vec<u8>>,
) {
    let cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(format!("{}{}", program.top, name[program.top.len()..].replace('-', " ")))
        .version(env!("CARGO_PKG_VERSION"))
        .long_version(env!("CARGO_PKG_VERSION"));
    let words = Words::of(lang);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .section("1")
        .manual(program.top);
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    let mut page = String::from_utf8(out).unwrap();
    page.push_str(&man::name_section(&cmd, name, &words));
    page.push_str(&man::synopsis_section(&cmd, &words));
    page.push_str(&man::description_section(&cmd, &words));
    let mut rest = Vec::new();
    man.render_options_section(&mut rest).unwrap();
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut rest).unwrap();
    }
    page.push_str(&man::localize_headings(&String::from_utf8(rest).unwrap(), &words));
    // The top page's after-help is the exit codes, which EXIT STATUS lists in full.
    if name != program.top {
        page.push_str(&man::examples_section(&cmd, &words));
    }
    if name == program.top {
        page.push_str(&(program.environment)(&cmd, lang));
    }
    page.push_str(&(program.exit_status)(lang));
    page.push_str(&man::version_section(&words));
    files.insert(Path::new(dir).join(format!("{name}.1")), page.into_bytes());
    for sub in cmd.get_subcommands() {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), dir, lang, program, files);
    }
}

/// The words of a man page's frame in one language.
pub struct Words {
    pub name: &'static str,
    pub synopsis: &'static str,
    pub description: &'static str,
    pub options: &'static str,
    pub global_options: &'static str,
    pub commands: &'static str,
    pub command: &'static str,
    pub examples: &'static str,
    pub version: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::En => Words {
                name: "NAME",
                synopsis: "SYNOPSIS",
                description: "DESCRIPTION",
                options: "OPTIONS",
                global_options: "GLOBAL OPTIONS",
                commands: "COMMANDS",
                command: "COMMAND",
                examples: "EXAMPLES",
                version: "VERSION",
            },
            Lang::Zh => Words {
                name: "名称",
                synopsis: "概要",
                description: "描述",
                options: "选项",
                global_options: "全局选项",
                commands: "命令",
                command: "命令",
                examples: "示例",
                version: "版本",
            },
        }
    }
}

/// The variables that have no flag (secrets never go on the command line).
fn environment(_: &clap::Command, lang: Lang) -> String {
    let (title, rows): (&str, [&str; 7]) = match lang {
        Lang::En => (
            "ENVIRONMENT",
            [
                "ZCA_PIN\tthe key's PIN, for scripts (or \\-\\-pin\\-stdin, \\-\\-pin\\-file)",
                "ZCA_NEW_PIN\tthe new PIN for zca pin change and zca pin unlock (or \\-\\-new\\-pin\\-file)",
                "ZCA_SO_PIN\tthe SO (admin) PIN for zca pin unlock (or \\-\\-so\\-pin\\-stdin, \\-\\-so\\-pin\\-file)",
                "ZCA_PASSWORD\tthe account's password (or \\-\\-password\\-stdin, \\-\\-password\\-file)",
                "ZCA_TOKEN\ta session token from \\-\\-print\\-token, used instead of the session file",
                "ZCA_TOKEN_TIMEOUT\tseconds one operation of the CA driver may take before zca gives up (default 30)",
                "ZCA_*\teach global option's variable is named in OPTIONS",
            ],
        ),
        Lang::Zh => (
            "环境变量",
            [
                "ZCA_PIN\tCA 锁的 PIN 码, 供脚本使用 (或 \\-\\-pin\\-stdin, \\-\\-pin\\-file)",
                "ZCA_NEW_PIN\tzca pin change 和 zca pin unlock 的新 PIN 码 (或 \\-\\-new\\-pin\\-file)",
                "ZCA_SO_PIN\tzca pin unlock 的 SO (管理员) PIN (或 \\-\\-so\\-pin\\-stdin, \\-\\-so\\-pin\\-file)",
                "ZCA_PASSWORD\t账号密码 (或 \\-\\-password\\-stdin, \\-\\-password\\-file)",
                "ZCA_TOKEN\t\\-\\-print\\-token 给出的会话令牌, 代替会话文件",
                "ZCA_TOKEN_TIMEOUT\tCA 驱动的一次操作最多等待的秒数, 超时 zca 即放弃 (默认 30)",
                "ZCA_*\t各全局选项对应的环境变量见 OPTIONS",
            ],
        ),
    };
    definition_list(title, &rows)
}

fn exit_status(lang: Lang) -> String {
    let (title, rows): (&str, [&str; 9]) = match lang {
        Lang::En => (
            "EXIT STATUS",
            [
                "0\tsuccess",
                "1\tother failure",
                "2\tusage error, or input missing under \\-\\-no\\-input",
                "3\tno CA driver (PKCS#11 module) or no key inserted; the key removed, failing, or not answering in time",
                "4\tPIN incorrect, locked, or final try refused",
                "5\trefused by the platform",
                "6\tnetwork or TLS failure",
                "7\ta certificate expires within the \\-\\-fail\\-if\\-expiring window",
                "130\tcancelled at a prompt",
            ],
        ),
        Lang::Zh => (
            "退出状态",
            [
                "0\t成功",
                "1\t其他失败",
                "2\t用法错误, 或在 \\-\\-no\\-input 下缺少输入",
                "3\t没有 CA 驱动 (PKCS#11 模块) 或没有插入 CA 锁; CA 锁被拔出、出错或未按时响应",
                "4\tPIN 码错误、已锁定, 或拒绝使用最后一次机会",
                "5\t被平台拒绝",
                "6\t网络或 TLS 失败",
                "7\t有证书在 \\-\\-fail\\-if\\-expiring 期限内到期",
                "130\t在提示处取消",
            ],
        ),
    };
    definition_list(title, &rows)
}

pub(crate) fn definition_list(title: &str, rows: &[&str]) -> String {
    let mut s = format!(".SH \"{title}\"\n");
    for row in rows {
        let (term, text) = row.split_once('\t').unwrap();
        s.push_str(&format!(".TP\n\\fB{term}\\fR\n{text}\n"));
    }
    s
}

/// Files under `root` that differ from what would be generated now, or are missing.
pub fn stale(root: &Path) -> Vec<PathBuf> {
    generate()
        .into_iter()
        .filter(|(path, content)| std::fs::read(root.join(path)).ok().as_ref() != Some(content))
        .map(|(path, _)| path)
        .collect()
}

pub fn write_all(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let files = generate();
    for (path, content) in &files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap())?;
        std::fs::write(full, content)?;
    }
    Ok(files.into_keys().collect())
}
