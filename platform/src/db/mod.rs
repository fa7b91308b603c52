//! The platform's storage: one interface over two databases. SQLite, in the data folder, is the
//! embedded default; PostgreSQL carries several zca-platform instances on one database.
//!
//! The service layer writes each rule once, as SQL both engines run, on a `Db`: statements with
//! `?N` parameters, transactions, and `lock` for the few read-then-write rules that must not
//! interleave. What differs between the engines (placeholders, column types, how writers take
//! turns, what "durable" costs) stays in `sqlite.rs` and `postgres.rs`.

mod postgres;
mod schema;
mod sqlite;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};

pub use schema::SCHEMA_VERSION;

pub mod backup;
mod values;

pub use crate::params;
pub use values::{DbError, FromValue, Param, Row, ToParam, Value};

/// What each engine does for `Db`.
trait Backend: Send {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError>;
    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError>;
    /// Statements without parameters, separated by semicolons (the schema's steps).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// Starts a write transaction; `durable` says whether its commit must survive a power cut.
    fn begin(&mut self, durable: bool) -> Result<(), DbError>;
    fn finish(&mut self, commit: bool) -> Result<(), DbError>;
    /// Makes the transactions that name `key` take turns (see `Db::lock`, `Db::lock_shared`).
    fn lock(&mut self, key: &str, shared: bool) -> Result<(), DbError>;
    /// The turn this process's writers take before `begin`, where the engine needs one.
    fn writer_turn(&self) -> Option<std::sync::MutexGuard<'static, ()>>;
    /// Periodic upkeep off the path of requests.
    fn upkeep(&mut self) -> Result<(), DbError>;
    /// After rows were copied in with their ids: the next id follows them.
    fn ids_copied(&mut self, table: &str) -> Result<(), DbError>;
    fn engine(&self) -> Engine;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection to the platform's database.
pub struct Db {
    backend: Box<dyn Backend>,
    /// Whether commits must survive a power cut. Request connections commit most things
    /// without waiting for the disk and raise this for bindings (`durably`).
    durable: bool,
}

impl Db {
    pub fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        self.backend.execute(sql, params)
    }

    pub fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        self.backend.query(sql, params)
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.backend.batch(sql)
    }

    pub fn query_opt(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row, which the statement always gives (a count, an aggregate, `RETURNING`).
    pub fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row, DbError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| DbError::Type(format!("no row from: {}", first_words(sql))))
    }

    /// Runs `f` in one write transaction, committed when it returns `Ok`, rolled back otherwise.
    pub fn transaction<T, E: From<DbError>>(
        &mut self,
        f: impl FnOnce(&mut Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let _turn = self.backend.writer_turn();
        self.backend.begin(self.durable)?;
        match f(self) {
            Ok(value) => match self.backend.finish(true) {
                Ok(()) => Ok(value),
                Err(e) => {
                    // A commit that failed may leave the transaction open: end it before the
                    // connection is used again.
                    let _ = self.backend.finish(false);
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = self.backend.finish(false);
                Err(e)
            }
        }
    }

    /// Inside a transaction: transactions that lock the same `key` run one after the other,
    /// across every instance on the database, until they end. For a rule that reads and then
    /// writes (a lockout count, a lock's owner); SQLite's writers take turns anyway.
    pub fn lock(&mut self, key: &str) -> Result<(), DbError> {
        self.backend.lock(key, false)
    }

    /// Inside a transaction: like `lock`, except that transactions locking `key` shared run
    /// side by side, and wait only for (and are waited for by) those that lock it exclusively.
    pub fn lock_shared(&mut self, key: &str) -> Result<(), DbError> {
        self.backend.lock(key, true)
    }

    /// Runs `f` with every commit waiting for the disk, for what a user must find again even
    /// after a power cut: bindings made and removed. Otherwise (sessions, used challenges,
    /// audit rows) a crash of the machine may lose the last commits, which costs a login,
    /// never a binding; a crash of the process loses nothing.
    pub fn durably<T>(&mut self, f: impl FnOnce(&mut Db) -> T) -> T {
        let before = std::mem::replace(&mut self.durable, true);
        let result = f(self);
        self.durable = before;
        result
    }

    pub fn engine(&self) -> Engine {
        self.backend.engine()
    }

    pub fn upkeep(&mut self) -> Result<(), DbError> {
        self.backend.upkeep()
    }
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
}

/// Where the database is and how to reach it: `--database` and the flags beside it.
#[derive(Clone, Debug)]
pub struct Database {
    location: Location,
    /// At most this many connections (and requests on the database) at once, per process.
    pub pool_size: usize,
    /// How long start-up waits for the database to answer.
    pub wait: Duration,
}

#[derive(Clone)]
enum Location {
    Sqlite(PathBuf),
    Postgres(Arc<postgres::Target>),
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Location::Postgres(t) => write!(f, "{}", t.shown),
        }
    }
}

impl Database {
    /// `DIR/platform.db`, the default.
    pub fn sqlite_in(data_dir: &Path) -> Database {
        Database::at(Location::Sqlite(data_dir.join("platform.db")))
    }

    fn at(location: Location) -> Database {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Database { location, pool_size: 2 * cores + 2, wait: Duration::from_secs(30) }
    }

    /// `sqlite:PATH` or `postgres://…` (`postgresql://…`). `ca_file` is the CA that vouches for
    /// PostgreSQL's TLS certificate when the URL asks for TLS (`sslmode=require`).
    pub fn parse(url: &str, ca_file: Option<&Path>) -> anyhow::Result<Database> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                bail!("--database sqlite:PATH names the database file");
            }
            return Ok(Database::at(Location::Sqlite(PathBuf::from(path))));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let target = postgres::Target::parse(url, ca_file)?;
            return Ok(Database::at(Location::Postgres(Arc::new(target))));
        }
        bail!("--database: {} is neither sqlite:PATH nor postgres://…", shown_url(url))
    }

    pub fn engine(&self) -> Engine {
        match self.location {
            Location::Sqlite(_) => Engine::Sqlite,
            Location::Postgres(_) => Engine::Postgres,
        }
    }

    /// The location without a password, for messages.
    pub fn shown(&self) -> String {
        format!("{:?}", self.location)
    }

    /// Connects (waiting up to `wait` for PostgreSQL) and brings the schema up to date.
    pub fn open(&self) -> anyhow::Result<Db> {
        let mut db = self.connect(true)?;
        schema::migrate(&mut db)
            .with_context(|| format!("bringing the schema of {} up to date", self.shown()))?;
        Ok(db)
    }

    fn connect(&self, first: bool) -> anyhow::Result<Db> {
        let backend: Box<dyn Backend> = match &self.location {
            Location::Sqlite(path) => Box::new(sqlite::Sqlite::open(path)?),
            Location::Postgres(target) => {
                let wait = if first { self.wait } else { Duration::ZERO };
                Box::new(postgres::Postgres::connect(target, wait)?)
            }
        };
        Ok(Db { backend, durable: true })
    }
}

/// A URL with its password hidden.
fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// The key that seals challenges, made on first use and kept, so that challenges stay valid
/// across a restart and for every instance on this database.
pub fn challenge_key(db: &mut Db) -> anyhow::Result<Vec<u8>> {
    let fresh = zca_crypto::random::bytes::<32>();
    db.execute(
        "INSERT INTO server_keys (name, key) VALUES ('challenge', ?1) ON CONFLICT DO NOTHING",
        params![fresh[..]],
    )?;
    Ok(db.query_one("SELECT key FROM server_keys WHERE name = 'challenge'", &[])?.get(0)?)
}

/// Connections for request handlers: each request takes one, uses it on a blocking thread and
/// gives it back.
#[derive(Clone)]
pub struct Pool {
    database: Arc<Database>,
    idle: Arc<Mutex<Vec<Db>>>,
    /// At most this many handlers use the database at once: more would only wait on its locks.
    permits: Arc<tokio::sync::Semaphore>,
}

impl Pool {
    /// Opens the first connection (waiting for the database, migrating it) on a blocking thread.
    pub async fn new(database: Database) -> anyhow::Result<Pool> {
        let db = database.clone();
        let first = tokio::task::spawn_blocking(move || db.open()).await??;
        let permits = database.pool_size.max(1);
        let pool = Pool {
            database: Arc::new(database),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(tokio::sync::Semaphore::new(permits)),
        };
        pool.give_back(first);
        Ok(pool)
    }

    fn give_back(&self, mut db: Db) {
        db.durable = false;
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(db);
    }

    /// Whether the engine needs the server's periodic `Db::upkeep`: SQLite's write-ahead log
    /// does; PostgreSQL looks after its own, and a tick would only take a connection.
    pub fn has_upkeep(&self) -> bool {
        self.database.engine() == Engine::Sqlite
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db) -> anyhow::Result<T> + Send + 'static,
    {
        let pool = self.clone();
        let asked = std::time::Instant::now();
        let permit = self.permits.clone().acquire_owned().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let idle = pool.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
            let mut db = match idle {
                Some(db) => db,
                None => {
                    let mut db = pool.database.connect(false)?;
                    db.durable = false;
                    db
                }
            };
            crate::metrics::pool_wait(asked.elapsed());
            let result = f(&mut db);
            // A connection whose last statement failed for a network reason is not kept.
            if !matches!(&result, Err(e) if e.downcast_ref::<DbError>().is_some_and(is_broken)) {
                pool.give_back(db);
            }
            result
        })
        .await?
    }
}

fn is_broken(e: &DbError) -> bool {
    matches!(e, DbError::Postgres(e) if e.is_closed())
}

/// Copies every row of `from` into `to`, whose tables must be empty: how a deployment moves
/// from SQLite to PostgreSQL (or back). One transaction: all of it, or nothing.
pub fn copy(from: &mut Db, to: &mut Db) -> anyhow::Result<Vec<(&'static str, usize)>> {
    for (table, ..) in schema::TABLES {
        let n: i64 = to.query_one(&format!("SELECT count(*) FROM {table}"), &[])?.get(0)?;
        // The challenge key is made when a database is opened: the copied one replaces it.
        if n > 0 && *table != "server_keys" {
            bail!("the target database is not empty: {table} has {n} row(s)");
        }
    }
    to.durably(|to| {
        to.transaction(|to| {
            let mut copied = Vec::new();
            to.execute("DELETE FROM server_keys", &[])?;
            for (table, columns, numbered) in schema::TABLES {
                let rows = from.query(&format!("SELECT {columns} FROM {table}"), &[])?;
                let n = columns.split(',').count();
                let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
                let insert =
                    format!("INSERT INTO {table} ({columns}) VALUES ({})", marks.join(", "));
                let count = rows.len();
                for row in rows {
                    let values = row.into_values();
                    let params: Vec<Param<'_>> = values.iter().map(ToParam::to_param).collect();
                    to.execute(&insert, &params)?;
                }
                if *numbered {
                    to.backend.ids_copied(table)?;
                }
                copied.push((*table, count));
            }
            Ok::<_, anyhow::Error>(copied)
        })
    })
}
