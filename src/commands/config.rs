use std::io;

use serde::Serialize;

use super::{CmdResult, Context};
use crate::cli::config::{ConfigAction, ConfigArgs};
use crate::config::{Settings, Source};
use crate::output::{Column, Human, Report};
use crate::t;

#[derive(Serialize)]
struct ShowReport<'a> {
    #[serde(flatten)]
    settings: &'a Settings,
}

pub fn run(ctx: &Context, args: &ConfigArgs) -> CmdResult {
    match args.action {
        ConfigAction::Show => ctx.emit(&ShowReport { settings: &ctx.settings }),
    }
}

pub fn source_label(source: &Source) -> String {
    match source {
        Source::Flag(flag) => t!("source-flag", flag = flag.as_str()),
        Source::Env(var) => t!("source-env", var = var.as_str()),
        Source::Profile(name) => t!("source-profile", name = name.as_str()),
        Source::Locale => t!("source-locale"),
        Source::Default => t!("source-default"),
    }
}

impl Report for ShowReport<'_> {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        let s = self.settings;
        let mut table = out.grid(vec![
            Column::whole(t!("col-setting")),
            Column::whole(t!("col-value")),
            Column::text(t!("col-source")).optional(1),
        ]);
        let config = if s.config_exists {
            s.config.value.display().to_string()
        } else {
            t!("config-not-present", path = s.config.value.display().to_string())
        };
        table.add_row(vec!["config".into(), config, source_label(&s.config.source)]);
        table.add_row(vec![
            "profile".into(),
            s.profile.value.clone(),
            source_label(&s.profile.source),
        ]);
        table.add_row(vec![
            "lang".into(),
            s.lang.value.code().into(),
            source_label(&s.lang.source),
        ]);
        let unset = || (t!("value-unset"), String::new());
        let (platform, source) = s
            .platform
            .as_ref()
            .map(|p| (p.value.clone(), source_label(&p.source)))
            .unwrap_or_else(unset);
        table.add_row(vec!["platform".into(), platform, source]);
        let (ca_file, source) = s
            .ca_file
            .as_ref()
            .map(|p| (p.value.display().to_string(), source_label(&p.source)))
            .unwrap_or_else(unset);
        table.add_row(vec!["ca_file".into(), ca_file, source]);
        let discovered = [t!("modules-discovered"), t!("skf-libraries-discovered")];
        let rows = [("modules", &s.modules), ("skf_libraries", &s.skf_libraries)];
        for ((name, libraries), discovered) in rows.into_iter().zip(discovered) {
            let (paths, source) = match libraries {
                Some(m) => (
                    m.value.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n"),
                    source_label(&m.source),
                ),
                None => (discovered, String::new()),
            };
            table.add_row(vec![name.into(), paths, source]);
        }
        out.print_table(&table)
    }
}
