//! `zca drivers`: the platform's driver catalogue, matched against the inserted certificates
//! and the installed modules; `zca drivers download ID`, verified by size and SHA-256.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};
use zca_contract::Driver;

use super::{CmdResult, Context};
use crate::cli::drivers::{DownloadArgs, DriversAction, DriversArgs};
use crate::error::Error;
use crate::output::{yes_no, Column, Human, Report};
use crate::t;
use crate::token::list_certificates;

#[derive(Serialize)]
struct DriversReport {
    drivers: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    driver: Driver,
    /// An inserted certificate's issuer contains one of `issuers`.
    matches_inserted: bool,
    /// One of `module_names` is a module zca found on this computer.
    installed: bool,
}

pub fn run(ctx: &Context, args: &DriversArgs) -> CmdResult {
    if let Some(DriversAction::Download(d)) = &args.action {
        return download(ctx, d);
    }
    let client = ctx.client()?;
    let catalogue = client.drivers()?;
    let inv = ctx.inventory();
    let installed: HashSet<String> = inv
        .modules
        .iter()
        .filter_map(|m| m.path.file_name().map(|f| f.to_string_lossy().into_owned()))
        .collect();
    let now = crate::output::now_local();
    let issuers: Vec<String> = inv
        .keys
        .iter()
        .flat_map(|k| list_certificates(&inv, k, now).unwrap_or_default())
        .filter_map(|c| c.facts.map(|f| f.issuer))
        .collect();
    let drivers = catalogue
        .drivers
        .into_iter()
        .map(|driver| Row {
            matches_inserted: driver
                .issuers
                .iter()
                .any(|i| !i.is_empty() && issuers.iter().any(|ci| ci.contains(i.as_str()))),
            installed: driver.module_names.iter().any(|m| installed.contains(m)),
            driver,
        })
        .collect();
    ctx.emit(&DriversReport { drivers })
}

impl Report for DriversReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        if self.drivers.is_empty() {
            return out.note(&t!("note-no-drivers"));
        }
        let mut table = out.grid(vec![
            Column::whole("ID"),
            Column::text(t!("col-vendor")),
            Column::text(t!("col-driver")),
            Column::whole(t!("col-version")),
            Column::whole(t!("col-system")).optional(2),
            Column::whole(t!("col-size")).optional(1),
            Column::whole(t!("col-for-your-key")),
            Column::whole(t!("col-installed")),
        ]);
        for r in &self.drivers {
            let d = &r.driver;
            table.add_row(vec![
                d.id.to_string(),
                d.vendor.clone(),
                d.name.clone(),
                d.version.clone(),
                format!("{}/{}", d.os, d.arch),
                human_size(d.size),
                if r.matches_inserted { "★".into() } else { String::new() },
                yes_no(Some(r.installed)),
            ]);
        }
        out.print_table(&table)?;
        if self.drivers.iter().any(|r| r.matches_inserted && !r.installed) {
            out.note(&t!("note-driver-download"))?;
        }
        Ok(())
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[derive(Serialize)]
struct DownloadReport {
    id: i64,
    path: String,
    size: u64,
    sha256: String,
}

impl Report for DownloadReport {
    fn render(&self, out: &mut Human<'_>) -> io::Result<()> {
        out.note(&t!("driver-downloaded", path = self.path.as_str(), sha256 = self.sha256.as_str()))
    }
}

/// Downloads to a `.part` file, checks size and SHA-256 against the catalogue, and only then
/// gives it its name; a file that does not match is removed.
fn download(ctx: &Context, args: &DownloadArgs) -> CmdResult {
    let client = ctx.client()?;
    let catalogue = client.drivers()?;
    let driver =
        catalogue.drivers.into_iter().find(|d| d.id == args.id).ok_or_else(|| Error::Platform {
            code: zca_contract::code::NOT_FOUND.into(),
            message: format!("driver {}", args.id),
        })?;
    let file_name = driver
        .url
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty() && !n.starts_with('.') && !n.contains(['\\', '%']))
        .unwrap_or("driver.bin")
        .to_string();
    std::fs::create_dir_all(&args.output).map_err(|e| Error::io(&args.output, &e))?;
    let target = args.output.join(&file_name);
    let partial = args.output.join(format!("{file_name}.part"));
    let mut response = client.download(&driver.url)?;
    let result =
        save(&mut response, &partial, driver.size, !ctx.out.json && io::stderr().is_terminal());
    let (size, sha256) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    if size != driver.size || sha256 != driver.sha256 {
        let _ = std::fs::remove_file(&partial);
        let detail = t!(
            "err-driver-mismatch",
            size = size,
            want_size = driver.size,
            sha256 = sha256.as_str(),
            want_sha256 = driver.sha256.as_str()
        );
        return Err(Error::BadResponse { url: driver.url, detail }.into());
    }
    std::fs::rename(&partial, &target).map_err(|e| Error::io(&target, &e))?;
    ctx.emit(&DownloadReport { id: driver.id, path: target.display().to_string(), size, sha256 })
}

/// Streams the body into `path`, hashing as it goes; a progress bar on a terminal. Stops
/// reading once more than `expected` bytes arrived: the size check fails anyway.
fn save(
    body: &mut dyn Read,
    path: &Path,
    expected: u64,
    progress: bool,
) -> Result<(u64, String), Error> {
    let mut file = std::fs::File::create(path).map_err(|e| Error::io(path, &e))?;
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(expected);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = body.read(&mut buf).map_err(|e| Error::Network {
            url: path.display().to_string(),
            detail: e.to_string(),
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(|e| Error::io(path, &e))?;
        total += n as u64;
        if let Some(b) = &bar {
            b.set_position(total);
        }
        if total > expected {
            break;
        }
    }
    file.sync_all().map_err(|e| Error::io(path, &e))?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok((total, hex::encode(hasher.finalize())))
}
