use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use zca_platform::cli::{Cli, Command, DriverCommand, TrustCommand, UserCommand};
use zca_platform::db::{self, Database};
use zca_platform::{admin, server};

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zca-platform: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let data = cli.data.clone();
    let database = cli.database()?;
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            origin,
            session_ttl,
            challenge_ttl,
            bridge,
            metrics_listen,
        } => {
            let opts = server::ServeOptions {
                listen,
                data_dir: data.clone(),
                database,
                tls_cert,
                tls_key,
                origin,
                session_ttl,
                challenge_ttl,
                bridge_urls: server::bridge_urls(bridge)?,
                metrics_listen,
            };
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(server::serve(opts, announce, server::shutdown_signal()))
        }
        Command::User(ref cmd) => {
            let mut conn = database.open()?;
            match cmd {
                UserCommand::Add { account, name, org, password_stdin } => {
                    let password = zeroize::Zeroizing::new(read_password(*password_stdin)?);
                    admin::user_add(&mut conn, account, name, org, &password)?;
                    eprintln!("added account {account}");
                }
                UserCommand::List { json } => {
                    let users = admin::user_list(&mut conn)?;
                    print_rows(*json, &users, |u| {
                        let state = if u.disabled { "disabled" } else { "active" };
                        format!(
                            "{}\t{}\t{}\t{state}\t{} binding(s)",
                            u.account, u.name, u.organization, u.bindings
                        )
                    })?;
                }
                UserCommand::Disable { account } => {
                    admin::user_disable(&mut conn, account)?;
                    eprintln!("disabled account {account}; its sessions are ended");
                }
            }
            Ok(())
        }
        Command::Trust(ref cmd) => {
            let mut conn = database.open()?;
            match cmd {
                TrustCommand::Add { file } => {
                    for subject in admin::trust_add(&mut conn, file)? {
                        eprintln!("trusted {subject}");
                    }
                }
                TrustCommand::Remove { sha256 } => {
                    let (subject, ended) = admin::trust_remove(&mut conn, sha256)?;
                    eprintln!("no longer trusted: {subject}; {ended} CA session(s) ended");
                }
                TrustCommand::List { json } => {
                    let rows = admin::trust_list(&mut conn)?;
                    print_rows(*json, &rows, |t| {
                        format!("{}\t{}\tuntil {}", t.sha256, t.subject, t.not_after)
                    })?;
                }
            }
            Ok(())
        }
        Command::Driver(ref cmd) => {
            let mut conn = database.open()?;
            match cmd {
                DriverCommand::Add {
                    file,
                    name,
                    vendor,
                    version,
                    os,
                    arch,
                    issuers,
                    module_names,
                } => {
                    let d = admin::NewDriver {
                        file,
                        name,
                        vendor,
                        version,
                        os,
                        arch,
                        issuers,
                        module_names,
                    };
                    let id = admin::driver_add(&mut conn, &d)?;
                    eprintln!("added driver {id}: {name} {version}");
                }
                DriverCommand::List { json } => {
                    // The URL depends on the serving origin; list what is stored.
                    let drivers = zca_platform::service::drivers(&mut conn, "")
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    print_rows(*json, &drivers, |d| {
                        format!(
                            "{}\t{}\t{}\t{}\t{}/{}\t{} bytes\t{}",
                            d.id, d.vendor, d.name, d.version, d.os, d.arch, d.size, d.sha256
                        )
                    })?;
                }
            }
            Ok(())
        }
        Command::Revoke { ref sha256, ref serial, ref issuer, ref reason } => {
            let mut conn = database.open()?;
            let what = match (sha256, serial) {
                (Some(sha), _) => admin::Revocation::Sha256(sha),
                (None, Some(serial)) => {
                    admin::Revocation::Serial { serial, issuer_sha256: issuer.as_deref() }
                }
                (None, None) => unreachable!("clap requires one of them"),
            };
            let ended = admin::revoke(&mut conn, &what, reason)?;
            eprintln!("revoked; {ended} CA session(s) ended");
            Ok(())
        }
        Command::Revoked { json } => {
            let rows = admin::revoked_list(&mut database.open()?)?;
            print_rows(json, &rows, |r| {
                let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                let scope = if r.issuer_limited { "one issuer" } else { "any issuer" };
                format!(
                    "{}\tsha256 {}\tserial {} ({scope})\t{}",
                    r.revoked_at,
                    o(&r.sha256),
                    o(&r.serial),
                    r.reason
                )
            })
        }
        Command::Audit { json } => {
            let rows = admin::audit_list(&mut database.open()?)?;
            print_rows(json, &rows, |a| {
                let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    a.time,
                    a.event,
                    o(&a.account),
                    o(&a.ca_lock_id),
                    o(&a.cert_sha256),
                    a.result,
                    o(&a.remote)
                )
            })
        }
        Command::Backup { ref to, json } => {
            let copied = db::backup::backup(&database, to)?;
            report_copy(json, "backed up", &database, &copied)
        }
        Command::Restore { ref from, replace, json } => {
            let copied = db::backup::restore(&database, from, replace)?;
            report_copy(json, "restored", &database, &copied)
        }
        Command::Migrate { ref from } => {
            let mut to = database.open()?;
            match from {
                None => eprintln!(
                    "{}: schema version {} is up to date",
                    database.shown(),
                    db::SCHEMA_VERSION
                ),
                Some(url) => {
                    let source = Database::parse(url, cli.database_ca.as_deref())?;
                    let mut from = source.open()?;
                    for (table, rows) in db::copy(&mut from, &mut to)? {
                        eprintln!("{table}: {rows} row(s)");
                    }
                    eprintln!("copied {} into {}", source.shown(), database.shown());
                }
            }
            Ok(())
        }
    }
}

fn report_copy(
    json: bool,
    done: &str,
    database: &Database,
    copied: &db::backup::Copied,
) -> Result<()> {
    if json {
        serde_json::to_writer_pretty(std::io::stdout().lock(), copied)?;
        println!();
        return Ok(());
    }
    let rows: Vec<String> =
        copied.tables.iter().map(|t| format!("{} {}", t.table, t.rows)).collect();
    eprintln!(
        "{done} {} ({} bytes, schema version {}): {}",
        database.shown(),
        copied.bytes,
        copied.schema_version,
        rows.join(", ")
    );
    eprintln!("file: {}", copied.file.display());
    Ok(())
}

/// Tells the operator (and tests) where the server is and what clients need to trust.
fn announce(r: &server::Running) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "zca-platform listening on {} (origin {})", r.addr, r.origin);
    if let Some(at) = &r.metrics_addr {
        let _ = writeln!(out, "metrics: http://{at}/metrics");
    }
    if let Some(ca) = &r.ca_file {
        let _ = writeln!(out, "clients trust this server with: --ca-file {}", ca.display());
    }
    let _ = out.flush();
}

fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        line.clear();
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: use --password-stdin");
    }
    dialoguer::Password::new()
        .with_prompt("Password")
        .with_confirmation("Repeat password", "the passwords differ")
        .interact()
        .context("reading the password")
}

fn print_rows<T: serde::Serialize>(
    json: bool,
    rows: &[T],
    line: impl Fn(&T) -> String,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, rows)?;
        writeln!(out)?;
    } else {
        for row in rows {
            writeln!(out, "{}", line(row))?;
        }
    }
    Ok(())
}
