//! Configuration: the TOML file with named profiles, and the effective settings of one run with
//! where each value came from (flag > environment > profile > default).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::t;

/// Where an effective value came from; shown by `zca config show`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Source {
    Flag(String),
    Env(String),
    Profile(String),
    Locale,
    Default,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// The config file: `default_profile` and `[profiles.NAME]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// `[[module]]` tables: what a PKCS#11 module does its own way (SM2 mechanisms, ...).
    #[serde(default)]
    pub module: Vec<crate::token::quirks::ModuleQuirks>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Platform base URL, e.g. `https://zcy.example.gov.cn`.
    pub platform: Option<String>,
    /// Extra CA certificate (PEM) trusted for the platform's TLS certificate.
    pub ca_file: Option<PathBuf>,
    /// PKCS#11 modules to use instead of discovery.
    pub modules: Option<Vec<PathBuf>>,
    /// SKF (GM/T 0016) libraries to use instead of discovery.
    pub skf_libraries: Option<Vec<PathBuf>>,
}

/// What the command line and the environment said, before the config file is read.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub config: Option<Sourced<PathBuf>>,
    pub profile: Option<Sourced<String>>,
    pub platform: Option<Sourced<String>>,
    pub ca_file: Option<Sourced<PathBuf>>,
    pub modules: Option<Sourced<Vec<PathBuf>>>,
    pub skf_libraries: Option<Sourced<Vec<PathBuf>>>,
}

/// The effective settings of this run.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub config: Sourced<PathBuf>,
    pub config_exists: bool,
    pub profile: Sourced<String>,
    pub lang: Sourced<Lang>,
    pub platform: Option<Sourced<String>>,
    pub ca_file: Option<Sourced<PathBuf>>,
    /// `None`: no module is named anywhere, so discovery decides.
    pub modules: Option<Sourced<Vec<PathBuf>>>,
    /// Likewise for SKF libraries; naming either kind turns discovery of both off.
    pub skf_libraries: Option<Sourced<Vec<PathBuf>>>,
    /// The config file's `[[module]]` entries.
    pub module_quirks: Vec<crate::token::quirks::ModuleQuirks>,
}

pub const DEFAULT_PROFILE: &str = "default";

/// `$XDG_CONFIG_HOME/zca/config.toml` (or `~/.config/zca/config.toml`).
pub fn default_config_path() -> PathBuf {
    dirs::config_dir().unwrap_or_else(|| PathBuf::from(".config")).join("zca").join("config.toml")
}

impl Settings {
    pub fn resolve(overrides: Overrides, lang: Sourced<Lang>) -> Result<Settings> {
        let config = overrides
            .config
            .unwrap_or_else(|| Sourced::new(default_config_path(), Source::Default));
        let file = read_config(&config.value, config.source != Source::Default)?;
        let config_exists = file.is_some();
        let file = file.unwrap_or_default();

        let profile = overrides.profile.unwrap_or_else(|| match &file.default_profile {
            Some(name) => Sourced::new(name.clone(), Source::Profile("default_profile".into())),
            None => Sourced::new(DEFAULT_PROFILE.to_string(), Source::Default),
        });
        let named = file.profiles.get(&profile.value);
        if named.is_none() && profile.source != Source::Default {
            return Err(Error::UnknownProfile {
                name: profile.value.clone(),
                path: config.value.clone(),
            });
        }
        let p = named.cloned().unwrap_or_default();
        let from_profile = || Source::Profile(profile.value.clone());
        let module_quirks = file.module;

        Ok(Settings {
            platform: overrides
                .platform
                .or_else(|| p.platform.map(|v| Sourced::new(v, from_profile()))),
            ca_file: overrides
                .ca_file
                .or_else(|| p.ca_file.map(|v| Sourced::new(v, from_profile()))),
            modules: overrides.modules.or_else(|| {
                p.modules.filter(|m| !m.is_empty()).map(|v| Sourced::new(v, from_profile()))
            }),
            skf_libraries: overrides.skf_libraries.or_else(|| {
                p.skf_libraries.filter(|m| !m.is_empty()).map(|v| Sourced::new(v, from_profile()))
            }),
            config,
            config_exists,
            profile,
            lang,
            module_quirks,
        })
    }
}

/// Reads the config file; a missing file is fine unless the user named it.
fn read_config(path: &Path, named: bool) -> Result<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => return Ok(None),
        Err(e) => return Err(Error::Config { path: path.into(), detail: e.to_string() }),
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| Error::Config { path: path.into(), detail: describe_toml_error(&e, &text) })
}

/// What is wrong with the file, in the user's language and with its line: serde's messages
/// ("unknown field `platfrom`, expected one of …") are English only, so their usual shapes are
/// told again.
fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().trim();
    let backticked =
        |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let problem = if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let field = backticked(field).into_iter().next().unwrap_or_default();
        t!("config-unknown-field", field = field, expected = backticked(expected).join(", "))
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        t!("config-bad-type", found = type_words(found), expected = type_words(expected))
    } else {
        t!("config-syntax", detail = message)
    };
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            t!("config-at-line", line = line, problem = problem)
        }
        None => problem,
    }
}

/// serde's names of TOML's types (`integer \`1\``, `a string`) in the user's language.
fn type_words(text: &str) -> String {
    let (words, literal) = match text.split_once(" `") {
        Some((w, l)) => (w, format!(" `{l}")),
        None => (text, String::new()),
    };
    let name = match words.trim().trim_start_matches("a ").trim_start_matches("an ") {
        "string" => t!("toml-string"),
        "integer" | "i64" | "u64" => t!("toml-integer"),
        "float" => t!("toml-float"),
        "boolean" | "bool" => t!("toml-boolean"),
        "sequence" | "array" => t!("toml-array"),
        "map" | "table" => t!("toml-table"),
        _ => return text.to_string(),
    };
    format!("{name}{literal}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn lang() -> Sourced<Lang> {
        Sourced::new(Lang::En, Source::Default)
    }

    #[test]
    fn flag_beats_profile_and_profile_beats_default() {
        let (_d, path) = write(
            "default_profile = \"work\"\n[profiles.work]\nplatform = \"https://a\"\nmodules = [\"/m.so\"]\n",
        );
        let mut o = Overrides {
            config: Some(Sourced::new(path, Source::Flag("--config".into()))),
            ..Default::default()
        };
        let s = Settings::resolve(o.clone(), lang()).unwrap();
        assert_eq!(s.profile.value, "work");
        assert_eq!(s.platform.as_ref().unwrap().value, "https://a");
        assert_eq!(s.platform.unwrap().source, Source::Profile("work".into()));
        assert_eq!(s.modules.unwrap().value, vec![PathBuf::from("/m.so")]);

        o.platform = Some(Sourced::new("https://b".into(), Source::Env("ZCA_PLATFORM".into())));
        let s = Settings::resolve(o, lang()).unwrap();
        assert_eq!(s.platform.unwrap().source, Source::Env("ZCA_PLATFORM".into()));
    }

    #[test]
    fn unknown_profile_and_bad_file_are_errors() {
        let (_d, path) = write("[profiles.a]\n");
        let o = Overrides {
            config: Some(Sourced::new(path.clone(), Source::Flag("--config".into()))),
            profile: Some(Sourced::new("b".into(), Source::Flag("--profile".into()))),
            ..Default::default()
        };
        assert_eq!(Settings::resolve(o, lang()).unwrap_err().code(), "unknown_profile");

        let (_d, path) = write("[profiles.a]\nplatfrom = 1\n");
        let o = Overrides {
            config: Some(Sourced::new(path, Source::Flag("--config".into()))),
            ..Default::default()
        };
        assert_eq!(Settings::resolve(o, lang()).unwrap_err().code(), "config_invalid");
    }
}
