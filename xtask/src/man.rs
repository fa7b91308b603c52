//! The sections of a man page that clap_mangen writes in English only: NAME, SYNOPSIS,
//! DESCRIPTION, EXAMPLES, VERSION, and the headings of the rest.

use clap::{Arg, ArgAction, Command};

use crate::Words;

pub fn name_section(cmd: &Command, name: &str, words: &Words) -> String {
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    format!(".SH {}\n{} \\- {}\n", words.name, escape(name), escape(&about))
}

/// `zca certs export [--sha256 HEX] [--der] [-o|--output FILE] [GLOBAL OPTIONS]`: the command's
/// own options with their values, then the global ones as one group, then its subcommand.
pub fn synopsis_section(cmd: &Command, words: &Words) -> String {
    let bin = cmd.get_bin_name().unwrap_or(cmd.get_name());
    let mut parts = vec![format!("\\fB{}\\fR", escape(bin))];
    let shown = |a: &&Arg| !a.is_hide_set() && !is_help_or_version(a);
    let (global, local): (Vec<&Arg>, Vec<&Arg>) =
        cmd.get_arguments().filter(shown).partition(|a| a.is_global_set());
    parts.extend(local.iter().filter(|a| !a.is_positional()).map(|a| option(a)));
    if !global.is_empty() {
        parts.push(format!("[\\fI{}\\fR]", words.global_options));
    }
    parts.extend(local.iter().filter(|a| a.is_positional()).map(|a| positional(a)));
    if cmd.has_subcommands() {
        parts.push(format!("\\fI<{}>\\fR", words.command));
    }
    format!(".SH {}\n{}\n", words.synopsis, parts.join(" "))
}

pub fn description_section(cmd: &Command, words: &Words) -> String {
    let text = cmd.get_long_about().or(cmd.get_about()).map(|a| a.to_string());
    let Some(text) = text else { return String::new() };
    let paragraphs: Vec<String> =
        text.split("\n\n").map(|p| escape(p.trim())).filter(|p| !p.is_empty()).collect();
    format!(".SH {}\n{}\n", words.description, paragraphs.join("\n.PP\n"))
}

/// The command's examples (its after-help without the "Examples:" line), kept as typed.
pub fn examples_section(cmd: &Command, words: &Words) -> String {
    let text = cmd.get_after_long_help().or(cmd.get_after_help()).map(|a| a.to_string());
    let Some(text) = text else { return String::new() };
    let lines: Vec<String> = text
        .lines()
        .skip_while(|l| l.trim_end().ends_with(':') || l.trim().is_empty())
        .map(|l| escape(l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    format!(".SH {}\n.nf\n{}\n.fi\n", words.examples, lines.join("\n"))
}

pub fn version_section(words: &Words) -> String {
    format!(".SH {}\nv{}\n", words.version, env!("CARGO_PKG_VERSION"))
}

/// clap_mangen's headings in the page's language: its own OPTIONS for options without a
/// heading, and the help headings as the help shows them ("Commands", "Global options").
pub fn localize_headings(roff: &str, words: &Words) -> String {
    roff.lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(heading) => {
                let heading = heading.trim_matches('"');
                let to = match heading.to_uppercase().as_str() {
                    "OPTIONS" | "选项" => words.options,
                    "GLOBAL OPTIONS" | "全局选项" => words.global_options,
                    "COMMANDS" | "SUBCOMMANDS" | "命令" => words.commands,
                    _ => heading,
                };
                format!(".SH \"{to}\"\n")
            }
            None => format!("{line}\n"),
        })
        .collect()
}

fn is_help_or_version(a: &Arg) -> bool {
    matches!(a.get_action(), ArgAction::Help | ArgAction::HelpLong | ArgAction::Version)
}

fn option(a: &Arg) -> String {
    let mut names = Vec::new();
    if let Some(s) = a.get_short() {
        names.push(format!("\\fB\\-{s}\\fR"));
    }
    if let Some(l) = a.get_long() {
        names.push(format!("\\fB\\-\\-{}\\fR", escape(l)));
    }
    let mut text = names.join("|");
    if a.get_action().takes_values() {
        text.push_str(&format!(" \\fI{}\\fR", value_name(a)));
    }
    let repeated = matches!(a.get_action(), ArgAction::Count | ArgAction::Append);
    let text = if a.is_required_set() { text } else { format!("[{text}]") };
    if repeated {
        format!("{text}...")
    } else {
        text
    }
}

fn positional(a: &Arg) -> String {
    let name = format!("\\fI{}\\fR", value_name(a));
    if a.is_required_set() {
        name
    } else {
        format!("[{name}]")
    }
}

fn value_name(a: &Arg) -> String {
    let names: Vec<String> = match a.get_value_names() {
        Some(names) => names.iter().map(ToString::to_string).collect(),
        None => vec![a.get_id().as_str().to_uppercase()],
    };
    escape(&names.join(" "))
}

/// Text as roff shows it literally.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-").replace('\'', "\\(aq");
    text.lines()
        .map(|l| if l.starts_with('.') { format!("\\&{l}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}
