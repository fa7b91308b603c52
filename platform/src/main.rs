use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use zca_platform::db::{self, Database};
use zca_platform::{admin, server};

/// The reference platform of the zca API contract: HTTPS, SQLite or PostgreSQL, real
/// certificate and signature checks. Run it on 127.0.0.1 to use, test and demonstrate zca with
/// no outside service, or as several instances on one PostgreSQL database.
#[derive(Parser)]
#[command(name = "zca-platform", version)]
struct Cli {
    /// Data folder: database, TLS identity, driver files.
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATA", value_name = "DIR", default_value_os_t = default_data())]
    data: PathBuf,
    /// The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require]
    /// [default: sqlite:DIR/platform.db].
    #[arg(
        long,
        global = true,
        env = "ZCA_PLATFORM_DATABASE",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// CA certificate(s) (PEM) that vouch for PostgreSQL's TLS certificate with sslmode=require
    /// [default: the system's CAs].
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATABASE_CA", value_name = "PEM")]
    database_ca: Option<PathBuf>,
    /// Connections to the database, and requests using it at once, per instance
    /// [default: 2 × cores + 2].
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATABASE_POOL", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    database_pool: Option<u16>,
    /// How long start-up waits for the database to answer.
    #[arg(
        long,
        global = true,
        env = "ZCA_PLATFORM_DATABASE_WAIT",
        value_name = "SECS",
        default_value_t = 30
    )]
    database_wait: u64,
    #[command(subcommand)]
    command: Command,
}

impl Cli {
    fn database(&self) -> Result<Database> {
        let mut database = match &self.database {
            Some(url) => Database::parse(url, self.database_ca.as_deref())?,
            None => Database::sqlite_in(&self.data),
        };
        if let Some(n) = self.database_pool {
            database.pool_size = usize::from(n);
        }
        database.wait = std::time::Duration::from_secs(self.database_wait);
        Ok(database)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API over HTTPS until SIGTERM or Ctrl-C.
    Serve {
        #[arg(
            long,
            env = "ZCA_PLATFORM_LISTEN",
            default_value = "127.0.0.1:8443",
            value_name = "ADDR"
        )]
        listen: SocketAddr,
        /// Server certificate chain (PEM); without it a local CA and certificate are made in DIR/tls.
        #[arg(long, env = "ZCA_PLATFORM_TLS_CERT", value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key of --tls-cert (PEM).
        #[arg(long, env = "ZCA_PLATFORM_TLS_KEY", value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The origin clients use (part of every signed challenge) [default: https://ADDR].
        #[arg(long, env = "ZCA_PLATFORM_ORIGIN", value_name = "URL")]
        origin: Option<String>,
        /// Session lifetime in seconds.
        #[arg(long, env = "ZCA_PLATFORM_SESSION_TTL", default_value_t = 8 * 3600, value_name = "SECS")]
        session_ttl: i64,
        /// Challenge lifetime in seconds (at most 120).
        #[arg(long, env = "ZCA_PLATFORM_CHALLENGE_TTL", default_value_t = 120, value_name = "SECS", value_parser = clap::value_parser!(i64).range(1..=120))]
        challenge_ttl: i64,
        /// An address of the CA client service the web pages try for CA login and binding, in
        /// order (repeatable) [default: wss://127.0.0.1:21061/xtxapp/, ws://127.0.0.1:21051/xtxapp/].
        #[arg(long = "bridge", value_name = "URL")]
        bridge: Vec<String>,
        /// Serve GET /metrics (Prometheus text format, plain HTTP) on this address, e.g.
        /// 127.0.0.1:9464; off unless given, and never on the public listener.
        #[arg(long, env = "ZCA_PLATFORM_METRICS_LISTEN", value_name = "ADDR")]
        metrics_listen: Option<SocketAddr>,
    },
    /// Platform accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// CA certificates that client certificates must chain to.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// The driver catalogue served at /api/v1/ca/drivers.
    #[command(subcommand)]
    Driver(DriverCommand),
    /// Revoke a client certificate: it can no longer bind or log in, and the sessions its CA
    /// logins opened end at once.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["sha256", "serial"])))]
    Revoke {
        /// The certificate's SHA-256 (64 hex digits, as `zca certs` shows it).
        #[arg(long, value_name = "HEX")]
        sha256: Option<String>,
        /// The certificate's serial number (hex), as the CA's revocation list names it.
        #[arg(long, value_name = "HEX")]
        serial: Option<String>,
        /// With --serial: only certificates issued by this trusted CA (its SHA-256 or the first
        /// 8+ hex digits, as `trust list` shows it); without it, the serial from any issuer.
        #[arg(long, value_name = "CA_SHA256", requires = "serial")]
        issuer: Option<String>,
        /// Why, for the record.
        #[arg(long, default_value = "revoked by the operator")]
        reason: String,
    },
    /// List revoked certificates.
    Revoked {
        #[arg(long)]
        json: bool,
    },
    /// Print the audit log: binds, unbinds, logins and failed attempts.
    Audit {
        #[arg(long)]
        json: bool,
    },
    /// Copy a live SQLite platform into FILE while it serves: a consistent snapshot (SQLite's
    /// online backup), checked, readable by its owner alone. PostgreSQL: use pg_dump.
    Backup {
        /// The new backup file (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Bring back a backup as this platform's SQLite database, its schema brought up to date.
    /// Stop the service first.
    Restore {
        /// The backup file (from `zca-platform backup`).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Replace a database that holds accounts or bindings.
        #[arg(long)]
        replace: bool,
        #[arg(long)]
        json: bool,
    },
    /// Bring the database's schema up to date (every command does so on its own too), or copy
    /// a whole platform into it from another database (--from), to move from SQLite to
    /// PostgreSQL.
    Migrate {
        /// The database to copy from (sqlite:PATH or postgres://…); the target (--database) must
        /// hold no accounts, bindings or other rows yet.
        #[arg(long, value_name = "URL")]
        from: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account; the password comes from a hidden prompt or --password-stdin.
    Add {
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        org: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account and end its sessions.
    Disable { account: String },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Trust the CA certificate(s) in a PEM or DER file.
    Add { file: PathBuf },
    /// Stop trusting a CA: its certificates can no longer bind or log in, and the sessions
    /// their CA logins opened end at once.
    Remove {
        /// The CA's SHA-256, or its first 8+ hex digits, as `trust list` shows it.
        #[arg(value_name = "SHA256")]
        sha256: String,
    },
    /// List trusted CA certificates.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DriverCommand {
    /// Add a driver package to the catalogue; the file is stored in the database.
    Add {
        file: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long)]
        vendor: String,
        #[arg(long)]
        version: String,
        #[arg(long, default_value = "linux")]
        os: String,
        #[arg(long, default_value = "x86_64")]
        arch: String,
        /// Text matched against certificate issuers (repeatable).
        #[arg(long = "issuer", value_name = "TEXT")]
        issuers: Vec<String>,
        /// PKCS#11 library file name the driver installs (repeatable).
        #[arg(long = "module-name", value_name = "NAME")]
        module_names: Vec<String>,
    },
    /// List the catalogue.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn default_data() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("zca-platform")
}

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
