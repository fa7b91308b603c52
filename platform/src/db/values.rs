//! What goes into statements and comes out of rows, the same for both engines, and their
//! errors.

/// A statement's parameter, borrowed from the caller.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

pub trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

impl ToParam for i64 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}
impl ToParam for bool {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for String {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for [u8] {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl ToParam for Vec<u8> {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl<const N: usize> ToParam for [u8; N] {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}
impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::to_param)
    }
}
impl ToParam for Value {
    fn to_param(&self) -> Param<'_> {
        match self {
            Value::Null => Param::Null,
            Value::Int(i) => Param::Int(*i),
            Value::Text(t) => Param::Text(t),
            Value::Blob(b) => Param::Blob(b),
        }
    }
}

/// The parameters of a statement: `params![a, b]`.
#[macro_export]
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$($crate::db::ToParam::to_param(&$p)),*][..]
    };
}

/// A value read from a row. Booleans are integers, as SQLite has them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug)]
pub struct Row(pub(super) Vec<Value>);

impl Row {
    /// Column `i` as a `T`, or a `DbError` naming the column when it holds something else.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, DbError> {
        let value = self.0.get(i).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| {
            DbError::Type(format!(
                "column {i} holds {}, not a {}",
                format!("{value:?}").chars().take(40).collect::<String>(),
                std::any::type_name::<T>()
            ))
        })
    }

    pub fn into_values(self) -> Vec<Value> {
        self.0
    }
}

#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(::postgres::Error),
    /// A value of another type than the code reads.
    Type(String),
}

impl DbError {
    /// A UNIQUE (or primary key) constraint refused the write: another writer got there first.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(e) => {
                matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ConstraintViolation))
            }
            DbError::Postgres(e) => {
                e.code() == Some(&::postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            DbError::Type(_) => false,
        }
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "SQLite: {e}"),
            DbError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "PostgreSQL: {}: {}", db.code().code(), db.message()),
                None => write!(f, "PostgreSQL: {e}"),
            },
            DbError::Type(e) => write!(f, "unexpected value: {e}"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DbError::Sqlite(e) => Some(e),
            DbError::Postgres(e) => Some(e),
            DbError::Type(_) => None,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}
impl From<::postgres::Error> for DbError {
    fn from(e: ::postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}
