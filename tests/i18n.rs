//! The English and Chinese catalogues have the same message ids, and each message takes the
//! same arguments in both: a missing or misspelt translation fails here, not in front of a user.

use std::collections::{BTreeMap, BTreeSet};

/// Message id → the `$variables` it uses, from Fluent source (ids at column 0, continuation
/// lines indented).
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') && !line.starts_with('}') {
            let (id, _) = line.split_once('=').unwrap_or_else(|| panic!("not a message: {line}"));
            let id = id.trim().to_string();
            assert!(out.insert(id.clone(), BTreeSet::new()).is_none(), "{id} defined twice");
            current = Some(id);
        }
        let id = current.as_ref().expect("a message before its continuation");
        let vars = out.get_mut(id).unwrap();
        let mut rest = line;
        while let Some(at) = rest.find('$') {
            rest = &rest[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !name.is_empty() && !name.starts_with("XDG") {
                vars.insert(name);
            }
        }
    }
    out
}

#[test]
fn both_catalogues_have_the_same_ids_and_arguments() {
    let sources = zca::i18n::catalogue_sources();
    let en = sources.iter().find(|(n, _)| n.starts_with("en/")).expect("en catalogue");
    let zh = sources.iter().find(|(n, _)| n.starts_with("zh-CN/")).expect("zh-CN catalogue");
    let (en, zh) = (messages(&en.1), messages(&zh.1));
    let en_ids: BTreeSet<_> = en.keys().collect();
    let zh_ids: BTreeSet<_> = zh.keys().collect();
    assert_eq!(
        en_ids.difference(&zh_ids).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "missing in zh-CN"
    );
    assert_eq!(
        zh_ids.difference(&en_ids).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "missing in en"
    );
    for (id, vars) in &en {
        assert_eq!(vars, &zh[id], "{id} takes other arguments in zh-CN");
    }
    assert!(en.len() > 100, "the scan found the messages: {}", en.len());
}

#[test]
fn messages_render_in_both_languages() {
    use zca::i18n::{set_lang, Lang};
    set_lang(Lang::Zh);
    let zh = zca::Error::DriverMissing.message();
    set_lang(Lang::En);
    let en = zca::Error::DriverMissing.message();
    assert!(zh.starts_with("CA 客户端驱动未安装, 请下载"), "{zh}");
    assert!(
        en.contains("CA 客户端驱动未安装, 请下载") && en.starts_with("CA client driver"),
        "{en}"
    );
    let expiring = zca::Error::CertificatesExpiring { count: 2, days: 30 }.message();
    assert_eq!(expiring, "2 certificates expire within 30 days");
}
