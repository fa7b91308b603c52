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
    // 2: challenges are sealed by the server's key instead of stored (see `challenge`); the
    // used ones are recorded until they expire. Sessions are swept by expiry.
    "
    DROP TABLE challenges;
    CREATE TABLE spent_challenges (
        id BLOB PRIMARY KEY,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX spent_challenges_expiry ON spent_challenges(expires_at);
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        key BLOB NOT NULL
    );
    ",
    // 3: certificates the operator revoked, by SHA-256 or by serial (from any issuer, or from
    // the issuer whose DER name is given); sessions are found by binding when one ends.
    "
    CREATE TABLE revoked (
        id INTEGER PRIMARY KEY,
        sha256 TEXT,
        serial TEXT,
        issuer BLOB,
        reason TEXT NOT NULL,
        revoked_at INTEGER NOT NULL,
        CHECK (sha256 IS NOT NULL OR serial IS NOT NULL)
    );
    CREATE INDEX revoked_sha256 ON revoked(sha256);
    CREATE INDEX revoked_serial ON revoked(serial);
    CREATE INDEX sessions_binding ON sessions(binding_id);
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

/// The key that seals challenges, made on first use and kept, so that challenges stay valid
/// across a restart and for every server on this database.
pub fn challenge_key(conn: &Connection) -> anyhow::Result<Vec<u8>> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| anyhow::anyhow!("the OS random source: {e}"))?;
    conn.execute(
        "INSERT INTO server_keys (name, key) VALUES ('challenge', ?1) ON CONFLICT DO NOTHING",
        [&fresh[..]],
    )?;
    Ok(conn.query_row("SELECT key FROM server_keys WHERE name = 'challenge'", [], |r| r.get(0))?)
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
    // A log that was started over is cut back to this size.
    conn.pragma_update(None, "journal_size_limit", 64 << 20)?;
    Ok(())
}

/// The writers of this process, one at a time: SQLite allows one writer per database anyway,
/// and a mutex wakes the next in line at once where SQLite's busy handler would nap.
static WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Held while writing. Writers in other processes (the admin commands) still meet the busy
/// handler.
pub fn writer_turn() -> std::sync::MutexGuard<'static, ()> {
    WRITER.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` with every commit synced to disk (synchronous = FULL), for what a user must find
/// again even after a power cut: bindings made and removed. Under NORMAL, the rest (used
/// challenges, sessions, audit rows) survives a crash of the process and loses at most its last
/// commits to a crash of the machine, which costs a login, never a binding.
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

/// A request connection commits under NORMAL (see `durably`) and leaves checkpoints to the
/// server's upkeep task (`checkpoint`): a request that happened to fill the log would otherwise
/// wait for the copy and its fsync, which makes the slow tail of requests under load.
fn for_requests(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)
}

/// Copies the write-ahead log into the database. A passive checkpoint waits for no one, but
/// under steady load some reader always holds a snapshot in the log, which then is never reset
/// and grows without end (by ~40 MB/s in `scripts/bench --load`). So once it holds
/// `WAL_RESTART_FRAMES`, this process's writers wait their turn while a restarting checkpoint,
/// which has little left to copy, waits for readers to move on and starts the log over. It
/// waits 50 ms at most (a long read in another process): the next round tries again.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    let wal_checkpoint = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| r.get::<_, i64>(1))
    };
    if wal_checkpoint("PASSIVE")? >= WAL_RESTART_FRAMES {
        let _turn = writer_turn();
        conn.busy_handler(Some(wait_briefly))?;
        let restarted = wal_checkpoint("RESTART");
        conn.busy_handler(Some(wait_for_lock))?;
        restarted?;
    }
    Ok(())
}

fn wait_briefly(attempt: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_micros(200));
    attempt < 250
}

/// 16 MiB of 4 KiB pages.
const WAL_RESTART_FRAMES: i64 = 4096;

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
        for_requests(&first)?;
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
                    for_requests(&c)?;
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

    /// A database of schema 1 keeps its accounts; its stored challenges go (challenges are
    /// sealed now, not stored) and the server gets a challenge key.
    #[test]
    fn version_1_database_migrates_to_the_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(db_path(dir.path())).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO challenges (id, purpose, nonce, origin, expires_at, used_at)
                     VALUES ('spent', 'login', 'n', 'o', 9999999999, 1);
                 INSERT INTO users (account, name, organization, password_hash, created_at)
                     VALUES ('a', 'A', 'O', 'h', 1);",
            )
            .unwrap();
        }
        let conn = open(dir.path()).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version as usize, SCHEMA_VERSION);
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM users"), 1);
        assert_eq!(count("SELECT count(*) FROM spent_challenges"), 0);
        assert_eq!(count("SELECT count(*) FROM sqlite_schema WHERE name = 'challenges'"), 0);
        let key = challenge_key(&conn).unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(challenge_key(&conn).unwrap(), key, "made once, then kept");
        // Opening again changes nothing.
        drop(conn);
        let conn = open(dir.path()).unwrap();
        assert_eq!(challenge_key(&conn).unwrap(), key);
    }

    /// The sweep finds expired rows by index, not by reading the tables.
    #[test]
    fn expired_rows_are_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        for (table, index) in
            [("spent_challenges", "spent_challenges_expiry"), ("sessions", "sessions_expiry")]
        {
            let plan: String = conn
                .query_row(
                    &format!("EXPLAIN QUERY PLAN DELETE FROM {table} WHERE expires_at < 1"),
                    [],
                    |r| r.get(3),
                )
                .unwrap();
            assert!(plan.contains(index), "{plan}");
        }
    }

    /// Two readers that take turns always hold a snapshot in the log, as under load: passive
    /// checkpoints alone would let it grow; `checkpoint` starts it over.
    #[test]
    fn a_log_that_readers_never_leave_is_started_over() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let mut writer = open(dir.path()).unwrap();
        for_requests(&writer).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (path, stop) = (dir.path().to_path_buf(), stop.clone());
                std::thread::spawn(move || {
                    let mut conn = open(&path).unwrap();
                    while !stop.load(Ordering::Relaxed) {
                        let tx = conn.transaction().unwrap();
                        let _: i64 =
                            tx.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                })
            })
            .collect();
        let log_frames = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1)).unwrap()
        };
        let mut write = |n: usize| {
            for _ in 0..n {
                let _turn = writer_turn();
                let tx = writer.transaction().unwrap();
                tx.execute("INSERT INTO audit (time, event, result) VALUES (1, 'test', 'ok')", [])
                    .unwrap();
                tx.commit().unwrap();
            }
        };
        write(WAL_RESTART_FRAMES as usize + 100);
        let before = log_frames(&open(dir.path()).unwrap());
        checkpoint(&open(dir.path()).unwrap()).unwrap();
        write(1);
        let after = log_frames(&open(dir.path()).unwrap());
        stop.store(true, Ordering::Relaxed);
        readers.into_iter().for_each(|r| r.join().unwrap());
        assert!(before >= WAL_RESTART_FRAMES, "{before} frames before");
        assert!(after < 10, "{after} frames after the restart and one write");
    }
}
