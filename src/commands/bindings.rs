use std::collections::HashSet;
use std::io;

use serde::Serialize;
use zca_contract::{Binding, BindingStatus};

use super::bind::cert_info;
use super::{local_rfc3339, CmdResult, Context};
use crate::cli::bindings::BindingsArgs;
use crate::output::{Column, Human, Report};
use crate::t;

#[derive(Serialize)]
struct BindingsReport {
    bindings: Vec<Row>,
    #[serde(skip)]
    csv: bool,
}

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    binding: Binding,
    /// Whether the key with this CA锁ID is inserted right now.
    inserted: bool,
}

pub fn run(ctx: &Context, args: &BindingsArgs) -> CmdResult {
    let client = ctx.client()?;
    let (token, _) = ctx.session_token(&client)?;
    let bindings = client.bindings(&token)?;
    let inserted = inserted_keys(ctx);
    let rows = bindings
        .into_iter()
        .map(|binding| Row { inserted: inserted.contains(&binding.ca_lock_id), binding })
        .collect();
    ctx.emit(&BindingsReport { bindings: rows, csv: args.csv })
}

/// The CA锁IDs of the keys inserted now; none when there is no driver (the table still shows).
fn inserted_keys(ctx: &Context) -> HashSet<String> {
    ctx.inventory().keys.iter().map(|k| k.ca_lock_id.clone()).collect()
}

fn status_label(s: BindingStatus) -> String {
    match s {
        BindingStatus::Active => t!("binding-active"),
        BindingStatus::Expired => t!("binding-expired"),
    }
}

fn header() -> Vec<String> {
    columns().into_iter().map(|c| c.header().to_string()).collect()
}

/// The platform's table; on a narrow terminal the creator and the creation time give way.
fn columns() -> Vec<Column> {
    vec![
        Column::whole(t!("col-seq")),
        Column::whole(t!("col-binding-status")),
        Column::text(t!("col-cert-info")),
        Column::whole(t!("col-ca-lock-id")),
        Column::whole(t!("col-expires")),
        Column::text(t!("col-created-by")).optional(2),
        Column::whole(t!("col-created-at")).optional(1),
    ]
}

impl Row {
    fn cells(&self, mark: bool) -> Vec<String> {
        let b = &self.binding;
        let lock = if mark && self.inserted {
            format!("{} ●", b.ca_lock_id)
        } else {
            b.ca_lock_id.clone()
        };
        vec![
            b.id.to_string(),
            status_label(b.status),
            cert_info(b),
            lock,
            local_rfc3339(&b.certificate.not_after),
            b.created_by.clone(),
            local_rfc3339(&b.created_at),
        ]
    }
}

impl Report for BindingsReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if self.csv {
            let mut w = |cells: Vec<String>| {
                let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
                writeln!(out.stdout, "{}", line.join(","))
            };
            w(header())?;
            for row in &self.bindings {
                w(row.cells(false))?;
            }
            return Ok(());
        }
        if self.bindings.is_empty() {
            return out.note(&t!("note-no-bindings"));
        }
        let mut table = out.grid(columns());
        for row in &self.bindings {
            table.add_row(row.cells(true));
        }
        out.print_table(&table)?;
        if self.bindings.iter().any(|r| r.inserted) {
            out.note(&t!("note-inserted-mark"))?;
        }
        Ok(())
    }
}

/// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_quoting() {
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_field("张三"), "张三");
    }
}
