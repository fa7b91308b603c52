//! Backups of a SQLite platform while it serves, and bringing one back. Copying the live file is
//! no backup: what the write-ahead log holds is missing, and a copy taken during a checkpoint
//! is torn. SQLite's online backup copies every page under one read transaction, a snapshot
//! the serving process keeps writing beside. PostgreSQL has its own tools (`pg_dump`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{schema, Database, Location};

/// What a backup or a restore copied.
#[derive(Debug, serde::Serialize)]
pub struct Copied {
    pub file: PathBuf,
    pub schema_version: i64,
    pub bytes: u64,
    /// Rows per table, in the schema's order.
    pub tables: Vec<TableRows>,
}

#[derive(Debug, serde::Serialize)]
pub struct TableRows {
    pub table: &'static str,
    pub rows: i64,
}

/// Copies the live database of `database` into `to`, which must not exist yet: written beside
/// it, checked, synced and renamed into place, readable by its owner alone (it holds password
/// hashes and the key that seals challenges).
pub fn backup(database: &Database, to: &Path) -> anyhow::Result<Copied> {
    let source = sqlite_file(database, "backup")?;
    if !source.exists() {
        bail!("{} does not exist: there is nothing to back up", source.display());
    }
    if to.exists() {
        bail!("{} exists already: name a new file", to.display());
    }
    let from = Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let partial = partial_name(to);
    let result = copy_into(&from, &partial).and_then(|()| {
        let copied = check(&partial)?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, to)?;
        sync_folder_of(to)?;
        Ok(copied)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    Ok(Copied { file: to.to_path_buf(), ..result? })
}

/// Brings back the backup `from` as the database of `database`. A database that holds accounts
/// or bindings is replaced only when `replace` says so; the service must be stopped first, as
/// its connections would go on with the pages they have read.
pub fn restore(database: &Database, from: &Path, replace: bool) -> anyhow::Result<Copied> {
    let target = sqlite_file(database, "restore")?;
    let copied =
        check(from).with_context(|| format!("{} is no zca-platform backup", from.display()))?;
    if copied.schema_version > schema::SCHEMA_VERSION as i64 {
        bail!(
            "{} has schema version {}, newer than this zca-platform knows ({}): restore it with \
             the zca-platform that made it",
            from.display(),
            copied.schema_version,
            schema::SCHEMA_VERSION
        );
    }
    if target.exists() && !replace {
        let held = rows(&Connection::open(&target)?)?;
        if let Some(t) = held.iter().find(|t| t.rows > 0 && t.table != "server_keys") {
            bail!(
                "{} is not empty ({}: {} row(s)): stop the service and run restore again with \
                 --replace to replace it",
                target.display(),
                t.table,
                t.rows
            );
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut into = Connection::open(&target)?;
    step_to_end(&mut Backup::new(&source, &mut into)?)?;
    drop(into);
    // An older backup's schema is brought up to date now, not by the first request.
    database.open()?;
    Ok(Copied { file: target, ..copied })
}

/// The SQLite file of `database`; PostgreSQL is told its own tools, with the tables to name.
fn sqlite_file(database: &Database, what: &str) -> anyhow::Result<PathBuf> {
    match &database.location {
        Location::Sqlite(path) => Ok(path.clone()),
        Location::Postgres(_) => {
            let tables: Vec<&str> = schema::TABLES.iter().map(|(t, ..)| *t).collect();
            bail!(
                "{what} copies a SQLite platform; this one is on PostgreSQL ({}): use its own \
                 tools, `pg_dump --format=custom --file=FILE DBNAME` and `pg_restore`, which \
                 keep every instance serving. The platform's tables: {}, schema_version",
                database.shown(),
                tables.join(", ")
            )
        }
    }
}

fn partial_name(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    to.with_file_name(name)
}

/// Every page of `from` into a new file `to`, in one step: one read transaction, so one
/// snapshot, however long the copy takes.
fn copy_into(from: &Connection, to: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .with_context(|| format!("creating {}", to.display()))?;
    drop(file);
    let mut into = Connection::open(to)?;
    step_to_end(&mut Backup::new(from, &mut into)?)?;
    // A backup is one file: no write-ahead log beside it.
    into.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

fn step_to_end(backup: &mut Backup<'_, '_>) -> anyhow::Result<()> {
    for _ in 0..2_000 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            // A writer of another process holds the lock a moment; the serving process's
            // writers never block a reader in WAL mode.
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => {}
        }
    }
    bail!("the database stayed locked for 10 s; try again")
}

/// Opens `file` read-only and checks it is a whole zca-platform database.
fn check(file: &Path) -> anyhow::Result<Copied> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        bail!("{}: damaged ({verdict})", file.display());
    }
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if schema_version == 0 {
        bail!("{}: no zca-platform schema in it", file.display());
    }
    Ok(Copied {
        file: file.to_path_buf(),
        schema_version,
        bytes: std::fs::metadata(file)?.len(),
        tables: rows(&conn)?,
    })
}

/// Rows per table of this version's schema; a table an older backup does not have yet holds
/// none (restoring brings its schema up to date).
fn rows(conn: &Connection) -> anyhow::Result<Vec<TableRows>> {
    let exists = |table: &str| {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    let count = |table: &str| -> rusqlite::Result<i64> {
        if !exists(table)? {
            return Ok(0);
        }
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
    };
    schema::TABLES.iter().map(|(table, ..)| Ok(TableRows { table, rows: count(table)? })).collect()
}

/// The file's name on disk before the backup is reported done.
fn sync_folder_of(file: &Path) -> anyhow::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backup made by an older zca-platform (schema 1, without the tables added since) is
    /// restored, its rows kept and its schema brought up to date.
    #[test]
    fn an_older_backup_is_restored_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.backup");
        {
            let conn = Connection::open(&old).unwrap();
            conn.execute_batch(schema::SQLITE[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO users (account, name, organization, password_hash, created_at)
                 VALUES ('a', 'A', 'O', 'h', 1)",
                [],
            )
            .unwrap();
        }
        let database = Database::sqlite_in(&dir.path().join("data"));
        let restored = restore(&database, &old, false).unwrap();
        assert_eq!(restored.schema_version, 1, "the report says what the file held");
        let mut db = database.open().unwrap();
        let users: i64 = db.query_one("SELECT count(*) FROM users", &[]).unwrap().get(0).unwrap();
        assert_eq!(users, 1);
        let version: i64 = db.query_one("PRAGMA user_version", &[]).unwrap().get(0).unwrap();
        assert_eq!(version, schema::SCHEMA_VERSION as i64);
        // And a database with an account is not replaced unasked.
        let again = restore(&database, &old, false).unwrap_err().to_string();
        assert!(again.contains("--replace"), "{again}");
    }
}
