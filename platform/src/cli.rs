//! zca-platform's command line: the options and subcommands, apart from what they run, so
//! that the man pages and shell completions are generated from the same definitions.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};

use crate::db::Database;

/// The reference platform of the zca API contract: HTTPS, SQLite or PostgreSQL, real
/// certificate and signature checks. Run it on 127.0.0.1 to use, test and demonstrate zca with
/// no outside service, or as several instances on one PostgreSQL database.
#[derive(Parser)]
#[command(name = "zca-platform", version, disable_help_subcommand = true)]
pub struct Cli {
    /// Data folder: database, TLS identity, driver files [default: $XDG_DATA_HOME/zca-platform;
    /// the system service's is /var/lib/zca-platform].
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATA", value_name = "DIR", default_value_os_t = default_data(), hide_default_value = true)]
    pub data: PathBuf,
    /// The database: sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=require]
    /// [default: sqlite:DIR/platform.db].
    #[arg(
        long,
        global = true,
        env = "ZCA_PLATFORM_DATABASE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// CA certificate(s) (PEM) that vouch for PostgreSQL's TLS certificate with sslmode=require
    /// [default: the system's CAs].
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATABASE_CA", value_name = "PEM")]
    pub database_ca: Option<PathBuf>,
    /// Connections to the database, and requests using it at once, per instance
    /// [default: 2 × cores + 2].
    #[arg(long, global = true, env = "ZCA_PLATFORM_DATABASE_POOL", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub database_pool: Option<u16>,
    /// How long start-up waits for the database to answer.
    #[arg(
        long,
        global = true,
        env = "ZCA_PLATFORM_DATABASE_WAIT",
        value_name = "SECS",
        default_value_t = 30
    )]
    pub database_wait: u64,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn database(&self) -> Result<Database> {
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
pub enum Command {
    /// Serve the API over HTTPS until SIGTERM or Ctrl-C.
    Serve {
        /// The address and port to serve HTTPS on.
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
        /// Print JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the audit log: binds, unbinds, logins and failed attempts.
    Audit {
        /// Print JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Copy a live SQLite platform into FILE while it serves: a consistent snapshot (SQLite's
    /// online backup), checked, readable by its owner alone. PostgreSQL: use pg_dump.
    Backup {
        /// The new backup file (must not exist).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        /// Print JSON instead of lines of text.
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
        /// Print JSON instead of lines of text.
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
pub enum UserCommand {
    /// Add an account; the password comes from a hidden prompt or --password-stdin.
    Add {
        /// The login name.
        account: String,
        /// The person's name, as the pages show it.
        #[arg(long)]
        name: String,
        /// The person's organization (单位).
        #[arg(long)]
        org: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List {
        /// Print JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// The login name.
        account: String,
    },
}

#[derive(Subcommand)]
pub enum TrustCommand {
    /// Trust the CA certificate(s) in a PEM or DER file.
    Add {
        /// The CA certificate file.
        file: PathBuf,
    },
    /// Stop trusting a CA: its certificates can no longer bind or log in, and the sessions
    /// their CA logins opened end at once.
    Remove {
        /// The CA's SHA-256, or its first 8+ hex digits, as `trust list` shows it.
        #[arg(value_name = "SHA256")]
        sha256: String,
    },
    /// List trusted CA certificates.
    List {
        /// Print JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum DriverCommand {
    /// Add a driver package to the catalogue; the file is stored in the database.
    Add {
        /// The driver package (a .deb, .rpm, .tar.gz, ...), offered for download as it is.
        file: PathBuf,
        /// The driver's name, as the download page shows it.
        #[arg(long)]
        name: String,
        /// Who makes it.
        #[arg(long)]
        vendor: String,
        /// Its version.
        #[arg(long)]
        version: String,
        /// The operating system it is for.
        #[arg(long, default_value = "linux")]
        os: String,
        /// The processor architecture it is for.
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
        /// Print JSON instead of lines of text.
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

/// The whole command tree, as parsed, documented and completed.
pub fn command() -> clap::Command {
    Cli::command()
}
