//! The platform's SQLite database: WAL, synchronous writes, a versioned schema with migrations,
//! and a small pool of connections used from blocking threads.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// Each entry moves the schema one version up; applied in order, each in its own transaction.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, challenges, bindings, trust, drivers, audit.
    "
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        organization TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL,
        binding_id INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE TABLE challenges (
        id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL,
        nonce TEXT NOT NULL,
        origin TEXT NOT NULL,
        session_hash BLOB,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
    );
    -- One CA lock, and one certificate, belong to one user: enforced here, so that two
    -- concurrent binds can never both succeed.
    CREATE TABLE bindings (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        ca_lock_id TEXT NOT NULL UNIQUE,
        cert_sha256 TEXT NOT NULL UNIQUE,
        certificate BLOB NOT NULL,
        subject TEXT NOT NULL,
        common_name TEXT NOT NULL,
        organization TEXT NOT NULL,
        issuer TEXT NOT NULL,
        serial TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        not_after_unix INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX bindings_user ON bindings(user_id);
    CREATE TABLE trust (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        not_after TEXT NOT NULL,
        der BLOB NOT NULL,
        added_at INTEGER NOT NULL
    );
    CREATE TABLE drivers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        vendor TEXT NOT NULL,
        version TEXT NOT NULL,
        os TEXT NOT NULL,
        arch TEXT NOT NULL,
        issuers TEXT NOT NULL,
        module_names TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        added_at INTEGER NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        event TEXT NOT NULL,
        account TEXT,
        ca_lock_id TEXT,
        cert_sha256 TEXT,
        result TEXT NOT NULL,
        remote TEXT
    );
    CREATE TABLE login_failures (
        account TEXT NOT NULL,
        time INTEGER NOT NULL
    );
    CREATE INDEX login_failures_account ON login_failures(account, time);
    ",
    // 2: challenges are deleted when spent; expired rows are swept by index.
    "
    DELETE FROM challenges WHERE used_at IS NOT NULL;
    ALTER TABLE challenges DROP COLUMN used_at;
    CREATE INDEX challenges_expiry ON challenges(expires_at);
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    ",
];

pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Opens (creating if needed) `DIR/platform.db` and brings its schema up to date.
pub fn open(dir: &Path) -> anyhow::Result<Connection> {
    std::fs::create_dir_all(dir)?;
    let conn = Connection::open(db_path(dir))?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("platform.db")
}

/// Waits for another connection's write: short naps, up to 10 s in all. SQLite's own busy
/// timeout naps up to 100 ms at a time, which under load makes a slow tail of requests.
fn wait_for_lock(attempt: i32) -> bool {
    let nap = std::time::Duration::from_micros(200 * u64::from(attempt.clamp(1, 10) as u32));
    std::thread::sleep(nap);
    attempt < 10_000
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(wait_for_lock))?;
    // WAL lets readers run beside the writer. FULL makes every acknowledged write durable
    // against power loss; request handlers lower it to NORMAL (see `Pool`) and raise it again
    // for what must survive one (`durably`).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Runs `f` with every commit synced to disk (synchronous = FULL), for what a user must find
/// again even after a power cut: bindings made and removed. Under NORMAL, the rest (challenges,
/// sessions, audit rows) survives a crash of the process and loses at most its last commits to
/// a crash of the machine, which costs a login, never a binding.
pub fn durably<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> T,
) -> rusqlite::Result<T> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let result = f(conn);
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(result)
}

fn migrate(conn: &Connection) -> anyhow::Result<()> {
    let current: usize =
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if current > SCHEMA_VERSION {
        anyhow::bail!(
            "the database has schema version {current}, newer than this zca-platform knows ({SCHEMA_VERSION})"
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// Connections for request handlers. SQLite connections are not shared between threads at
/// once; each request takes one, uses it on a blocking thread and gives it back.
#[derive(Clone)]
pub struct Pool {
    dir: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Connection>>>,
    /// At most this many handlers use the database at once: more only wait on its write lock.
    permits: Arc<tokio::sync::Semaphore>,
}

impl Pool {
    pub fn new(dir: &Path) -> anyhow::Result<Pool> {
        let first = open(dir)?;
        first.pragma_update(None, "synchronous", "NORMAL")?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Pool {
            dir: Arc::new(dir.to_path_buf()),
            idle: Arc::new(Mutex::new(vec![first])),
            permits: Arc::new(tokio::sync::Semaphore::new(2 * cores + 2)),
        })
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let pool = self.clone();
        let permit = self.permits.clone().acquire_owned().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = pool.idle.lock().expect("pool lock").pop();
            let mut conn = match conn {
                Some(c) => c,
                None => {
                    let c = Connection::open(db_path(&pool.dir))?;
                    configure(&c)?;
                    c.pragma_update(None, "synchronous", "NORMAL")?;
                    c
                }
            };
            let result = f(&mut conn);
            pool.idle.lock().expect("pool lock").push(conn);
            result
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made by the first release keeps its rows; its spent challenges go.
    #[test]
    fn version_1_database_migrates_to_the_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(db_path(dir.path())).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO challenges (id, purpose, nonce, origin, expires_at, used_at)
                     VALUES ('spent', 'login', 'n', 'o', 9999999999, 1),
                            ('live', 'login', 'n', 'o', 9999999999, NULL);
                 INSERT INTO users (account, name, organization, password_hash, created_at)
                     VALUES ('a', 'A', 'O', 'h', 1);",
            )
            .unwrap();
        }
        let conn = open(dir.path()).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version as usize, SCHEMA_VERSION);
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM challenges")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(ids, ["live"]);
        let users: i64 = conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).unwrap();
        assert_eq!(users, 1);
        // Opening again changes nothing.
        drop(conn);
        open(dir.path()).unwrap();
    }

    /// The sweep finds expired challenges by index, not by reading the table.
    #[test]
    fn expired_challenges_are_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        let plan: String = conn
            .query_row("EXPLAIN QUERY PLAN DELETE FROM challenges WHERE expires_at < 1", [], |r| {
                r.get(3)
            })
            .unwrap();
        assert!(plan.contains("challenges_expiry"), "{plan}");
    }
}
