//! One report value per command, rendered either for people (tables on stdout, notes on stderr)
//! or as one JSON document with a `schema_version`.

mod grid;

use std::io::{self, IsTerminal, Write};

use console::Style;
use serde::Serialize;

use crate::error::{Error, ErrorJson};
use crate::t;

/// The version of every `--json` document; bumped only when a key changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// A command's result, renderable both ways from the same data.
pub trait Report: Serialize {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()>;
}

pub use grid::{Column, Grid};

/// Where human output goes, whether it may be coloured, and how wide the terminal is.
pub struct Human<'a> {
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    pub color: bool,
    /// The terminal's width in cells; `None` when stdout is not a terminal.
    pub width: Option<u16>,
}

impl Human<'_> {
    /// A table of these columns.
    pub fn grid(&self, columns: Vec<Column>) -> Grid {
        Grid::new(columns)
    }

    /// The table laid out for this terminal (see `Grid`).
    pub fn print_table(&mut self, grid: &Grid) -> io::Result<()> {
        writeln!(self.stdout, "{}", grid.layout(self.width, self.color))
    }

    /// `name  value` lines with the names aligned, values never wrapped: for long values
    /// (fingerprints, URIs) that a table would break.
    pub fn fields(&mut self, fields: &[(String, String)]) -> io::Result<()> {
        let name_width =
            fields.iter().map(|(k, _)| console::measure_text_width(k)).max().unwrap_or(0);
        for (name, value) in fields {
            let pad = name_width - console::measure_text_width(name);
            let name = self.paint(name, Style::new().bold());
            writeln!(self.stdout, "{name}{}  {value}", " ".repeat(pad))?;
        }
        Ok(())
    }

    /// A remark for people that is not part of the result: goes to stderr.
    pub fn note(&mut self, text: &str) -> io::Result<()> {
        let label = t!("label-note");
        writeln!(self.stderr, "{}", self.paint(&format!("{label}: {text}"), Style::new().dim()))
    }

    /// A warning line on stderr.
    pub fn warn(&mut self, text: &str) -> io::Result<()> {
        let label = t!("label-warning");
        writeln!(self.stderr, "{}: {text}", self.paint(&label, Style::new().yellow().bold()))
    }

    /// `text` in `style` when this output is coloured, else as it is.
    pub fn paint(&self, text: &str, style: Style) -> String {
        paint(self.color, text, style)
    }
}

#[derive(Serialize)]
struct Envelope<'a, R: Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a R,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

/// How this run prints: chosen once from `--json`, the terminal and NO_COLOR.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub json: bool,
    pub color: bool,
    /// The terminal's width when stdout is one.
    pub width: Option<u16>,
}

impl Output {
    pub fn detect(json: bool) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let terminal = io::stdout().is_terminal();
        Output { json, color: !json && !no_color && terminal, width: terminal_width() }
    }

    /// Prints a report; with an error as well when the command failed after gathering it
    /// (`detect` with no key still shows the modules it looked at).
    pub fn emit<R: Report>(&self, report: &R, error: Option<&Error>) -> io::Result<()> {
        let stdout = io::stdout();
        let stderr = io::stderr();
        let (mut out, mut err) = (stdout.lock(), stderr.lock());
        if self.json {
            let doc = Envelope {
                schema_version: SCHEMA_VERSION,
                report,
                error: error.map(Error::to_json),
            };
            write_json(&mut out, &doc)
        } else {
            let mut human =
                Human { stdout: &mut out, stderr: &mut err, color: self.color, width: self.width };
            report.render(&mut human)?;
            match error {
                Some(e) => self.write_error_human(&mut err, e),
                None => Ok(()),
            }
        }
    }

    /// Prints an error with no report: JSON on stdout under `--json`, else message and hint on
    /// stderr.
    /// A warning on stderr while a command runs, outside its report (also under --json).
    pub fn warning(&self, text: &str) {
        let mut err = io::stderr().lock();
        let mut human =
            Human { stdout: &mut io::sink(), stderr: &mut err, color: self.color, width: None };
        let _ = human.warn(text);
    }

    /// A note on stderr while a command runs, outside its report (also under --json).
    pub fn notice(&self, text: &str) {
        let mut err = io::stderr().lock();
        let mut human =
            Human { stdout: &mut io::sink(), stderr: &mut err, color: self.color, width: None };
        let _ = human.note(text);
    }

    pub fn error(&self, error: &Error) -> io::Result<()> {
        if self.json {
            #[derive(Serialize)]
            struct Empty {}
            let doc = Envelope {
                schema_version: SCHEMA_VERSION,
                report: &Empty {},
                error: Some(error.to_json()),
            };
            write_json(&mut io::stdout().lock(), &doc)
        } else {
            self.write_error_human(&mut io::stderr().lock(), error)
        }
    }

    fn write_error_human(&self, w: &mut dyn Write, error: &Error) -> io::Result<()> {
        self.write_error_with(w, error, None)
    }

    /// The error's message, then `usage` (the usage line of a usage error) if any, then its
    /// hint.
    pub fn write_error_with(
        &self,
        w: &mut dyn Write,
        error: &Error,
        usage: Option<&str>,
    ) -> io::Result<()> {
        let label = paint(self.color, &t!("label-error"), Style::new().red().bold());
        writeln!(w, "{label}: {}", error.message())?;
        if let Some(usage) = usage {
            writeln!(w, "\n{usage}\n")?;
        }
        if let Some(hint) = error.hint() {
            let label = paint(self.color, &t!("label-hint"), Style::new().cyan().bold());
            writeln!(w, "{label}: {hint}")?;
        }
        Ok(())
    }
}

/// `text` in `style` when `color`, else as it is.
fn paint(color: bool, text: &str, style: Style) -> String {
    style.force_styling(color).apply_to(text).to_string()
}

fn write_json(w: &mut dyn Write, doc: &impl Serialize) -> io::Result<()> {
    // Serialized first, so that a write error keeps its kind (a closed pipe stays quiet).
    let mut text = serde_json::to_vec_pretty(doc).map_err(io::Error::other)?;
    text.push(b'\n');
    w.write_all(&text)
}

/// The width of the terminal stdout is, as the terminal says it (TIOCGWINSZ); `COLUMNS` when it
/// says nothing; `None` off a terminal, where tables keep their natural width.
fn terminal_width() -> Option<u16> {
    let term = console::Term::stdout();
    if !term.is_term() {
        return None;
    }
    let asked = term.size_checked().map(|(_, cols)| cols).filter(|c| *c > 0);
    asked.or_else(|| std::env::var("COLUMNS").ok()?.parse().ok()).or(Some(80))
}

static LOCAL_OFFSET: std::sync::OnceLock<time::UtcOffset> = std::sync::OnceLock::new();

/// Reads the local UTC offset. Call it first thing in `main`: the `time` crate refuses to read it
/// once a second thread exists, and PKCS#11 modules may start threads.
pub fn init_local_offset() {
    LOCAL_OFFSET
        .get_or_init(|| time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC));
}

/// Now, in the local time zone (whose calendar days people count).
pub fn now_local() -> time::OffsetDateTime {
    let offset = *LOCAL_OFFSET.get_or_init(|| time::UtcOffset::UTC);
    time::OffsetDateTime::now_utc().to_offset(offset)
}

/// Local time `YYYY-MM-DD HH:MM:SS`, as the platform's tables show it.
pub fn local_time(t: time::OffsetDateTime) -> String {
    let offset = *LOCAL_OFFSET.get_or_init(|| time::UtcOffset::UTC);
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.to_offset(offset).format(&fmt).unwrap_or_default()
}

/// A localized yes/no/unknown.
pub fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => t!("value-yes"),
        Some(false) => t!("value-no"),
        None => t!("value-unknown"),
    }
}
