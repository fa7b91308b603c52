//! The user's language and the message catalogues (Fluent, one file per language in `i18n/`).
//!
//! The language is chosen once, before the command line is parsed (help text is localized too),
//! and read by every message lookup through [`t!`](crate::t).

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
use i18n_embed::LanguageLoader;
use rust_embed::RustEmbed;
use serde::Serialize;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Catalogues;

/// The two languages zca speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// Parses `zh`, `zh_CN.UTF-8`, `en_US`, `C`…; `None` when the value names neither language.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") || tag == "c" || tag == "posix" || tag.starts_with("c.") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The locale's language, read the way the C library does: the first of LC_ALL,
    /// LC_MESSAGES, LANG that is set and non-empty decides.
    pub fn from_locale(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| get(name).filter(|v| !v.is_empty()))
            .map(|v| if v.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En })
            .next()
            .unwrap_or(Lang::En)
    }

    /// The value for an HTTP `Accept-Language` header.
    pub fn accept_language(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN,zh;q=0.9,en;q=0.5",
        }
    }

    fn langid(self) -> unic_langid::LanguageIdentifier {
        match self {
            Lang::En => "en".parse().expect("valid tag"),
            Lang::Zh => "zh-CN".parse().expect("valid tag"),
        }
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// One loader per language, each parsing its catalogue when first used: a run speaks one
/// language, and parsing the other would cost every start-up (`--version`, `--help`).
static LOADERS: [OnceLock<FluentLanguageLoader>; 2] = [OnceLock::new(), OnceLock::new()];

fn load(lang: Lang) -> FluentLanguageLoader {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    loader
        .load_languages(&Catalogues, &[lang.langid()])
        .expect("the embedded catalogues are valid Fluent");
    // Unicode isolation marks around arguments would end up inside tables and JSON messages.
    loader.set_use_isolating(false);
    loader
}

/// Makes every later message come out in `lang`.
pub fn set_lang(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

pub fn lang() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

#[doc(hidden)]
pub fn loader() -> &'static FluentLanguageLoader {
    let lang = lang();
    LOADERS[lang as usize].get_or_init(|| load(lang))
}

/// The raw text of each embedded catalogue, for the test that compares their message ids.
pub fn catalogue_sources() -> Vec<(String, String)> {
    Catalogues::iter()
        .filter_map(|name| {
            let file = Catalogues::get(&name)?;
            Some((name.to_string(), String::from_utf8_lossy(&file.data).into_owned()))
        })
        .collect()
}

/// A localized message: `t!("id")` or `t!("id", name = value)`. Ids are checked at compile time.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id)
    };
    ($id:literal, $($args:tt)*) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id, $($args)*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_order_is_lc_all_then_lc_messages_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_locale(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW")])), Lang::Zh);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
    }

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
