//! The schema, versioned for both engines. A database records its version (SQLite's
//! `user_version`, PostgreSQL's `schema_version` table); opening one applies what it lacks, in
//! order, each step in its own transaction. PostgreSQL support came with version 4: its first
//! step makes that version whole.

use anyhow::bail;

use super::{Db, DbError, Engine};

/// SQLite: each entry moves the schema one version up.
pub(super) const SQLITE: &[&str] = &[
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
    -- One CA key, and one certificate, belong to one user: enforced here, so that two
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
    // 4: driver files live in the database, where every instance reads them (older rows keep
    // theirs in the data folder).
    "
    ALTER TABLE drivers ADD COLUMN content BLOB;
    ",
    // 5: what a CA login writes, in fewer pages. Spent challenges are kept in expiry order, so
    // that each lands on the last page (a challenge's expiry is sealed with it: (expiry, id) is
    // as unique as its id), and sessions by their token's hash, with no row number beside it.
    "
    CREATE TABLE spent_challenges_5 (
        id BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (expires_at, id)
    ) WITHOUT ROWID;
    INSERT INTO spent_challenges_5 (id, expires_at) SELECT id, expires_at FROM spent_challenges;
    DROP TABLE spent_challenges;
    ALTER TABLE spent_challenges_5 RENAME TO spent_challenges;
    CREATE TABLE sessions_5 (
        token_hash BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL,
        binding_id INTEGER,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
    ) WITHOUT ROWID;
    INSERT INTO sessions_5 (token_hash, user_id, kind, binding_id, created_at, expires_at,
                            revoked_at)
        SELECT token_hash, user_id, kind, binding_id, created_at, expires_at, revoked_at
        FROM sessions;
    DROP TABLE sessions;
    ALTER TABLE sessions_5 RENAME TO sessions;
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE INDEX sessions_binding ON sessions(binding_id);
    ",
    // 6: password failures counted per account and source (a spray locks out its source, not
    // the account); audit rows that stand for several failures (a spray's summary).
    "
    ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
    DROP INDEX login_failures_account;
    CREATE INDEX login_failures_account ON login_failures(account, source, time);
    ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
    ",
];

/// PostgreSQL: version 4 whole, then each entry one version up from there.
const POSTGRES_FIRST: usize = 4;
const POSTGRES: &[&str] = &[
    "
    CREATE TABLE users (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        account TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        organization TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash BYTEA PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL,
        binding_id BIGINT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT
    );
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE INDEX sessions_binding ON sessions(binding_id);
    -- One CA key, and one certificate, belong to one user: enforced here, so that two
    -- concurrent binds on any instances can never both succeed.
    CREATE TABLE bindings (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        user_id BIGINT NOT NULL REFERENCES users(id),
        ca_lock_id TEXT NOT NULL UNIQUE,
        cert_sha256 TEXT NOT NULL UNIQUE,
        certificate BYTEA NOT NULL,
        subject TEXT NOT NULL,
        common_name TEXT NOT NULL,
        organization TEXT NOT NULL,
        issuer TEXT NOT NULL,
        serial TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        not_after_unix BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE INDEX bindings_user ON bindings(user_id);
    CREATE TABLE trust (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        not_after TEXT NOT NULL,
        der BYTEA NOT NULL,
        added_at BIGINT NOT NULL
    );
    CREATE TABLE drivers (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        vendor TEXT NOT NULL,
        version TEXT NOT NULL,
        os TEXT NOT NULL,
        arch TEXT NOT NULL,
        issuers TEXT NOT NULL,
        module_names TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        added_at BIGINT NOT NULL,
        content BYTEA
    );
    CREATE TABLE audit (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        time BIGINT NOT NULL,
        event TEXT NOT NULL,
        account TEXT,
        ca_lock_id TEXT,
        cert_sha256 TEXT,
        result TEXT NOT NULL,
        remote TEXT
    );
    CREATE TABLE login_failures (
        account TEXT NOT NULL,
        time BIGINT NOT NULL
    );
    CREATE INDEX login_failures_account ON login_failures(account, time);
    CREATE TABLE spent_challenges (
        id BYTEA PRIMARY KEY,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX spent_challenges_expiry ON spent_challenges(expires_at);
    CREATE TABLE server_keys (
        name TEXT PRIMARY KEY,
        key BYTEA NOT NULL
    );
    CREATE TABLE revoked (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        sha256 TEXT,
        serial TEXT,
        issuer BYTEA,
        reason TEXT NOT NULL,
        revoked_at BIGINT NOT NULL,
        CHECK (sha256 IS NOT NULL OR serial IS NOT NULL)
    );
    CREATE INDEX revoked_sha256 ON revoked(sha256);
    CREATE INDEX revoked_serial ON revoked(serial);
",
    "
    ALTER TABLE spent_challenges DROP CONSTRAINT spent_challenges_pkey;
    ALTER TABLE spent_challenges ADD PRIMARY KEY (expires_at, id);
    DROP INDEX spent_challenges_expiry;
",
    "
    ALTER TABLE login_failures ADD COLUMN source TEXT NOT NULL DEFAULT '';
    DROP INDEX login_failures_account;
    CREATE INDEX login_failures_account ON login_failures(account, source, time);
    ALTER TABLE audit ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
",
];

pub const SCHEMA_VERSION: usize = SQLITE.len();
const _: () = assert!(POSTGRES_FIRST + POSTGRES.len() - 1 == SCHEMA_VERSION);

/// Every table with its columns and whether its rows are numbered (`id` given by the
/// database), parents before children: what `db::copy` moves.
pub(super) const TABLES: &[(&str, &str, bool)] = &[
    ("users", "id, account, name, organization, password_hash, disabled, created_at", true),
    (
        "bindings",
        "id, user_id, ca_lock_id, cert_sha256, certificate, subject, common_name, organization, \
         issuer, serial, not_before, not_after, not_after_unix, created_by, created_at",
        true,
    ),
    (
        "sessions",
        "token_hash, user_id, kind, binding_id, created_at, expires_at, revoked_at",
        false,
    ),
    ("trust", "id, sha256, subject, not_after, der, added_at", true),
    (
        "drivers",
        "id, name, vendor, version, os, arch, issuers, module_names, file_name, sha256, size, \
         added_at, content",
        true,
    ),
    ("audit", "id, time, event, account, ca_lock_id, cert_sha256, result, remote, count", true),
    ("login_failures", "account, source, time", false),
    ("spent_challenges", "id, expires_at", false),
    ("server_keys", "name, key", false),
    ("revoked", "id, sha256, serial, issuer, reason, revoked_at", true),
];

/// Brings the schema up to date. Instances starting together on one PostgreSQL database take
/// turns (an advisory lock), so that one migrates and the others find it done.
pub(super) fn migrate(db: &mut Db) -> anyhow::Result<()> {
    let (steps, first) = match db.engine() {
        Engine::Sqlite => (SQLITE, 1),
        Engine::Postgres => (POSTGRES, POSTGRES_FIRST),
    };
    if db.engine() == Engine::Postgres {
        db.execute("SELECT pg_advisory_lock(7201020)", &[])?;
    }
    let result = apply(db, steps, first);
    if db.engine() == Engine::Postgres {
        db.execute("SELECT pg_advisory_unlock(7201020)", &[])?;
    }
    result
}

fn apply(db: &mut Db, steps: &[&str], first: usize) -> anyhow::Result<()> {
    let current = version(db)?;
    if current > SCHEMA_VERSION {
        bail!(
            "the database has schema version {current}, newer than this zca-platform knows ({SCHEMA_VERSION})"
        );
    }
    if current != 0 && current + 1 < first {
        bail!("the database has schema version {current}; this zca-platform starts at {first}");
    }
    let done = current.saturating_sub(first - 1);
    for (i, sql) in steps.iter().enumerate().skip(done) {
        let version = (first + i) as i64;
        db.transaction(|db| {
            db.batch(sql)?;
            set_version(db, version)
        })?;
    }
    Ok(())
}

fn version(db: &mut Db) -> Result<usize, DbError> {
    let v: i64 = match db.engine() {
        Engine::Sqlite => db.query_one("PRAGMA user_version", &[])?.get(0)?,
        Engine::Postgres => {
            db.batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
            db.query_one("SELECT COALESCE(max(version), 0) FROM schema_version", &[])?.get(0)?
        }
    };
    Ok(v as usize)
}

fn set_version(db: &mut Db, version: i64) -> Result<(), DbError> {
    match db.engine() {
        Engine::Sqlite => db.batch(&format!("PRAGMA user_version = {version}")),
        Engine::Postgres => {
            db.execute("DELETE FROM schema_version", &[])?;
            db.execute("INSERT INTO schema_version (version) VALUES (?1)", super::params![version])
                .map(drop)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{challenge_key, Database};

    /// A database of schema 1 keeps its accounts; its stored challenges go (challenges are
    /// sealed now, not stored) and the server gets a challenge key.
    #[test]
    fn version_1_database_migrates_to_the_current_schema() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = rusqlite::Connection::open(dir.path().join("platform.db")).unwrap();
            conn.execute_batch(SQLITE[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO challenges (id, purpose, nonce, origin, expires_at, used_at)
                     VALUES ('spent', 'login', 'n', 'o', 9999999999, 1);
                 INSERT INTO users (account, name, organization, password_hash, created_at)
                     VALUES ('a', 'A', 'O', 'h', 1);",
            )
            .unwrap();
        }
        let database = Database::sqlite_in(dir.path());
        let mut db = database.open().unwrap();
        assert_eq!(version(&mut db).unwrap(), SCHEMA_VERSION);
        let mut count = |sql: &str| -> i64 { db.query_one(sql, &[]).unwrap().get(0).unwrap() };
        assert_eq!(count("SELECT count(*) FROM users"), 1);
        assert_eq!(count("SELECT count(*) FROM spent_challenges"), 0);
        assert_eq!(count("SELECT count(*) FROM sqlite_schema WHERE name = 'challenges'"), 0);
        let key = challenge_key(&mut db).unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(challenge_key(&mut db).unwrap(), key, "made once, then kept");
        // Opening again changes nothing.
        drop(db);
        let mut db = database.open().unwrap();
        assert_eq!(challenge_key(&mut db).unwrap(), key);
    }

    /// Schema 5 stores sessions and spent challenges differently: the rows of a running
    /// platform go along, and the rules on them (one spend per challenge) still hold.
    #[test]
    fn version_4_sessions_and_spent_challenges_survive_migration() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = rusqlite::Connection::open(dir.path().join("platform.db")).unwrap();
            for step in &SQLITE[..4] {
                conn.execute_batch(step).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.execute_batch(
                "INSERT INTO users (account, name, organization, password_hash, created_at)
                     VALUES ('a', 'A', 'O', 'h', 1);
                 INSERT INTO sessions (token_hash, user_id, kind, binding_id, created_at,
                                       expires_at, revoked_at)
                     VALUES (x'01', 1, 'password', NULL, 1, 9999999999, NULL),
                            (x'02', 1, 'ca', 7, 1, 9999999999, 5);
                 INSERT INTO spent_challenges (id, expires_at) VALUES (x'aa', 9999999999);",
            )
            .unwrap();
        }
        let mut db = Database::sqlite_in(dir.path()).open().unwrap();
        assert_eq!(version(&mut db).unwrap(), SCHEMA_VERSION);
        type SessionRow = (Vec<u8>, String, Option<i64>, Option<i64>);
        let sessions: Vec<SessionRow> = db
            .query(
                "SELECT token_hash, kind, binding_id, revoked_at FROM sessions ORDER BY token_hash",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap(), r.get(3).unwrap()))
            .collect();
        assert_eq!(
            sessions,
            [
                (vec![1], "password".to_string(), None, None),
                (vec![2], "ca".to_string(), Some(7), Some(5))
            ]
        );
        let spend = "INSERT INTO spent_challenges (id, expires_at) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING";
        let aa: &[u8] = &[0xaa];
        let bb: &[u8] = &[0xbb];
        assert_eq!(db.execute(spend, crate::db::params![aa, 9999999999i64]).unwrap(), 0);
        assert_eq!(db.execute(spend, crate::db::params![bb, 9999999999i64]).unwrap(), 1);
        assert_eq!(db.execute(spend, crate::db::params![bb, 9999999999i64]).unwrap(), 0);
    }
}
