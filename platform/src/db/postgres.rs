//! PostgreSQL, for several instances on one database: statements prepared once per connection,
//! advisory locks for the rules that read and then write, commits that wait for the disk only
//! when they must, and TLS when the URL asks for it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::postgres::config::SslMode;
use ::postgres::error::SqlState;
use ::postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use ::postgres::{Client, Config, NoTls, Statement};
use anyhow::{bail, Context};
use bytes::BytesMut;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{shown_url, Backend, DbError, Engine, Param, Row, Value};

/// A `postgres://` URL, parsed, with what TLS it needs.
pub(super) struct Target {
    config: Config,
    tls: Option<MakeRustlsConnect>,
    /// The URL without its password, for messages.
    pub(super) shown: String,
}

impl Target {
    pub(super) fn parse(url: &str, ca_file: Option<&Path>) -> anyhow::Result<Target> {
        let shown = shown_url(url);
        let config: Config = url.parse().map_err(|e| anyhow::anyhow!("--database {shown}: {e}"))?;
        // `sslmode=require` means TLS with the server's certificate checked against
        // --database-ca (or the system's CAs), never TLS that trusts whoever answers. Without
        // it the connection is plain, as on a loopback or a private network.
        let tls = match config.get_ssl_mode() {
            SslMode::Require => Some(MakeRustlsConnect::new(tls_config(ca_file)?)),
            _ => None,
        };
        Ok(Target { config, tls, shown })
    }
}

fn tls_config(ca_file: Option<&Path>) -> anyhow::Result<rustls::ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(file) => {
            for cert in CertificateDer::pem_file_iter(file)
                .with_context(|| format!("reading --database-ca {}", file.display()))?
            {
                roots.add(cert.with_context(|| format!("--database-ca {}", file.display()))?)?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    if roots.is_empty() {
        bail!("no CA certificate to check PostgreSQL's TLS certificate with: give --database-ca");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

pub(super) struct Postgres {
    /// Always there; taken only by `drop`.
    client: Option<Client>,
    statements: HashMap<String, Statement>,
}

/// The client owns a small runtime of its own, which must not be dropped on an async task's
/// thread (a server shutting down drops its pool there): it is dropped on a thread of its own.
impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(client));
            }
        }
    }
}

impl Postgres {
    /// Connects, trying again for up to `wait` while the server cannot be reached or is still
    /// starting; a refusal (password, database name) is final at once.
    pub(super) fn connect(target: &Target, wait: Duration) -> anyhow::Result<Postgres> {
        let deadline = Instant::now() + wait;
        loop {
            let attempt = match &target.tls {
                Some(tls) => target.config.connect(tls.clone()),
                None => target.config.connect(NoTls),
            };
            match attempt {
                Ok(client) => {
                    return Ok(Postgres { client: Some(client), statements: HashMap::new() })
                }
                Err(e) if may_come_up(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) if may_come_up(&e) => bail!(
                    "PostgreSQL at {} did not answer within {} s: {}. Start it, or check the \
                     host and port of --database",
                    target.shown,
                    wait.as_secs(),
                    DbError::Postgres(e)
                ),
                Err(e) => bail!(
                    "PostgreSQL at {} refused the connection: {}. Check the user, password and \
                     database name of --database",
                    target.shown,
                    DbError::Postgres(e)
                ),
            }
        }
    }

    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("taken only when dropped")
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.client().prepare(&numbered(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

/// Not answering (yet), as opposed to answering no: a refusal by the server, or a TLS
/// certificate that does not check out, will not change by waiting.
fn may_come_up(e: &::postgres::Error) -> bool {
    match e.code() {
        None => !tls_refused(e),
        Some(code) => *code == SqlState::CANNOT_CONNECT_NOW,
    }
}

fn tls_refused(e: &::postgres::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let inner = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if err.is::<rustls::Error>() || inner.is_some_and(|i| i.is::<rustls::Error>()) {
            return true;
        }
        next = err.source();
    }
    false
}

/// `?N` as PostgreSQL writes it, `$N`; quoted text is left alone.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Param::Int(i) if *ty == Type::BOOL => (i != 0).to_sql(ty, out),
            Param::Int(i) => i.to_sql(ty, out),
            Param::Text(t) => t.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn value_at(row: &::postgres::Row, i: usize) -> Result<Value, DbError> {
    let int = |v: Option<i64>| v.map_or(Value::Null, Value::Int);
    let ty = row.columns()[i].type_();
    Ok(match *ty {
        Type::INT8 => int(row.try_get(i)?),
        Type::INT4 => int(row.try_get::<_, Option<i32>>(i)?.map(i64::from)),
        Type::INT2 => int(row.try_get::<_, Option<i16>>(i)?.map(i64::from)),
        Type::BOOL => int(row.try_get::<_, Option<bool>>(i)?.map(i64::from)),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => {
            row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text)
        }
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map_or(Value::Null, Value::Blob),
        _ => return Err(DbError::Type(format!("a column of type {ty}"))),
    })
}

fn refs<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Backend for Postgres {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let statement = self.statement(sql)?;
        Ok(self.client().execute(&statement, &refs(params))?)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        let statement = self.statement(sql)?;
        let rows = self.client().query(&statement, &refs(params))?;
        rows.iter()
            .map(|r| (0..r.len()).map(|i| value_at(r, i)).collect::<Result<_, _>>().map(Row))
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.client().batch_execute(sql)?)
    }

    /// READ COMMITTED, as PostgreSQL starts; the rules that read and then write take a `lock`.
    /// A commit that need not survive a power cut does not wait for the disk (the database
    /// stays consistent; a crash of the machine may lose the last such commits).
    fn begin(&mut self, durable: bool) -> Result<(), DbError> {
        let sql = if durable { "BEGIN" } else { "BEGIN; SET LOCAL synchronous_commit TO off" };
        Ok(self.client().batch_execute(sql)?)
    }

    fn finish(&mut self, commit: bool) -> Result<(), DbError> {
        Ok(self.client().batch_execute(if commit { "COMMIT" } else { "ROLLBACK" })?)
    }

    fn lock(&mut self, key: &str, shared: bool) -> Result<(), DbError> {
        let sql = if shared {
            "SELECT pg_advisory_xact_lock_shared(hashtextextended(?1, 0))"
        } else {
            "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))"
        };
        self.execute(sql, &[Param::Text(key)]).map(drop)
    }

    fn writer_turn(&self) -> Option<std::sync::MutexGuard<'static, ()>> {
        None
    }

    fn upkeep(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn ids_copied(&mut self, table: &str) -> Result<(), DbError> {
        self.batch(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        ))
    }

    fn engine(&self) -> Engine {
        Engine::Postgres
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered("SELECT x FROM t WHERE a = ?1 AND b LIKE ?12 || '%?3' AND c = '?'"),
            "SELECT x FROM t WHERE a = $1 AND b LIKE $12 || '%?3' AND c = '?'"
        );
    }
}
