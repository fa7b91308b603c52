//! SQLite, the embedded default: WAL, a process-wide writer turn, commits synced to disk only
//! for what must survive a power cut, and the log's upkeep off the path of requests.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;

use super::{Backend, DbError, Engine, Param, Row, Value};

pub(super) struct Sqlite {
    conn: Connection,
    /// Whether `synchronous` is FULL now (else NORMAL).
    full_sync: bool,
}

impl Sqlite {
    pub(super) fn open(path: &Path) -> anyhow::Result<Sqlite> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path)?;
        configure(&conn)?;
        Ok(Sqlite { conn, full_sync: true })
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Text(t) => ValueRef::Text(t.as_bytes()),
            Param::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn value_of(v: ValueRef<'_>) -> Result<Value, DbError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => Value::Text(
            String::from_utf8(t.to_vec()).map_err(|_| DbError::Type("text not in UTF-8".into()))?,
        ),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Real(_) => return Err(DbError::Type("a real number".into())),
    })
}

impl Backend for Sqlite {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let values =
                (0..columns).map(|i| value_of(r.get_ref(i)?)).collect::<Result<_, DbError>>()?;
            out.push(Row(values));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    /// IMMEDIATE: the write lock is taken at once, so that a transaction that reads and then
    /// writes never meets another writer half-way.
    fn begin(&mut self, durable: bool) -> Result<(), DbError> {
        if durable != self.full_sync {
            let mode = if durable { "FULL" } else { "NORMAL" };
            self.conn.pragma_update(None, "synchronous", mode)?;
            self.full_sync = durable;
        }
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn finish(&mut self, commit: bool) -> Result<(), DbError> {
        Ok(self.conn.execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })?)
    }

    /// SQLite has one writer at a time: every write transaction already runs alone.
    fn lock(&mut self, _key: &str, _shared: bool) -> Result<(), DbError> {
        Ok(())
    }

    fn writer_turn(&self) -> Option<std::sync::MutexGuard<'static, ()>> {
        Some(writer_turn())
    }

    fn upkeep(&mut self) -> Result<(), DbError> {
        Ok(checkpoint(&self.conn)?)
    }

    fn ids_copied(&mut self, _table: &str) -> Result<(), DbError> {
        Ok(())
    }

    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
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
    // against power loss; request connections lower it to NORMAL (see `Db::durably`).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A log that was started over is cut back to this size.
    conn.pragma_update(None, "journal_size_limit", 64 << 20)?;
    // Checkpoints are the server's upkeep task's (`checkpoint`): a request that happened to
    // fill the log would otherwise wait for the copy and its fsync, which makes the slow tail
    // of requests under load. The last connection to close checkpoints what is left.
    conn.pragma_update(None, "wal_autocheckpoint", 0)
}

/// The writers of this process, one at a time: SQLite allows one writer per database anyway,
/// and a mutex wakes the next in line at once where SQLite's busy handler would nap.
static WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Held while writing. Writers in other processes (the admin commands) still meet the busy
/// handler.
fn writer_turn() -> std::sync::MutexGuard<'static, ()> {
    WRITER.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Copies the write-ahead log into the database. A passive checkpoint waits for no one, but
/// under steady load some reader always holds a snapshot in the log, which then is never reset
/// and grows without end (by ~80 MB/s in `scripts/bench --load`). So once it holds
/// `WAL_RESTART_FRAMES`, this process's writers wait their turn while a restarting checkpoint
/// waits for readers to move on and starts the log over. Passive rounds first copy what the
/// writers added meanwhile, until a round is quick, so that the writers wait only for the last
/// few pages and their sync. The restart waits 50 ms at most (a long read in another process):
/// the next round tries again.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    let wal_checkpoint = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| r.get::<_, i64>(1))
    };
    if wal_checkpoint("PASSIVE")? < WAL_RESTART_FRAMES {
        return Ok(());
    }
    for _ in 0..4 {
        let round = std::time::Instant::now();
        wal_checkpoint("PASSIVE")?;
        if round.elapsed() < std::time::Duration::from_millis(2) {
            break;
        }
    }
    let _turn = writer_turn();
    conn.busy_handler(Some(wait_briefly))?;
    let restarted = wal_checkpoint("RESTART");
    conn.busy_handler(Some(wait_for_lock))?;
    restarted.map(drop)
}

fn wait_briefly(attempt: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_micros(200));
    attempt < 250
}

/// 16 MiB of 4 KiB pages.
const WAL_RESTART_FRAMES: i64 = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// A connection of the server's kind on a database with the current schema.
    fn connection(dir: &Path) -> Connection {
        let path = dir.join("platform.db");
        super::super::Database::sqlite_in(dir).open().unwrap();
        let conn = Connection::open(path).unwrap();
        configure(&conn).unwrap();
        conn
    }

    /// The sweep finds expired rows by index (spent challenges are stored in expiry order),
    /// not by reading the tables.
    #[test]
    fn expired_rows_are_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = connection(dir.path());
        for (table, index) in
            [("spent_challenges", "PRIMARY KEY (expires_at<?)"), ("sessions", "sessions_expiry")]
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
        let dir = tempfile::tempdir().unwrap();
        let mut writer = connection(dir.path());
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (path, stop) = (dir.path().to_path_buf(), stop.clone());
                std::thread::spawn(move || {
                    let mut conn = connection(&path);
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
        let before = log_frames(&connection(dir.path()));
        checkpoint(&connection(dir.path())).unwrap();
        write(1);
        let after = log_frames(&connection(dir.path()));
        stop.store(true, Ordering::Relaxed);
        readers.into_iter().for_each(|r| r.join().unwrap());
        assert!(before >= WAL_RESTART_FRAMES, "{before} frames before");
        assert!(after < 10, "{after} frames after the restart and one write");
    }
}
