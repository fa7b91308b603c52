//! The driver catalogue and its files.

use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rusqlite::{Connection, OptionalExtension};
use zca_contract::Driver;

use super::db;
use crate::error::ApiError;

/// What stays as it is in a URL path segment (RFC 3986's unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Where a driver's file is kept in the data folder.
pub fn driver_path(data_dir: &Path, id: i64, file_name: &str) -> PathBuf {
    data_dir.join("drivers").join(id.to_string()).join(file_name)
}

pub fn drivers(conn: &Connection, origin: &str) -> Result<Vec<Driver>, ApiError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, name, vendor, version, os, arch, issuers, module_names, file_name, sha256, size FROM drivers ORDER BY id")
        .map_err(db)?;
    let rows = stmt
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let file_name: String = r.get(8)?;
            let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
            Ok(Driver {
                id,
                name: r.get(1)?,
                vendor: r.get(2)?,
                version: r.get(3)?,
                os: r.get(4)?,
                arch: r.get(5)?,
                issuers: list(r.get(6)?),
                module_names: list(r.get(7)?),
                url: format!(
                    "{origin}/downloads/drivers/{id}/{}",
                    utf8_percent_encode(&file_name, SEGMENT)
                ),
                sha256: r.get(9)?,
                size: r.get::<_, i64>(10)? as u64,
            })
        })
        .map_err(db)?;
    rows.collect::<Result<_, _>>().map_err(db)
}

/// The stored file of a driver, if `name` is its file name.
pub fn driver_file(
    conn: &Connection,
    data_dir: &Path,
    id: i64,
    name: &str,
) -> Result<PathBuf, ApiError> {
    let file_name: Option<String> = conn
        .query_row("SELECT file_name FROM drivers WHERE id = ?1", [id], |r| r.get(0))
        .optional()
        .map_err(db)?;
    match file_name {
        Some(f) if f == name => Ok(driver_path(data_dir, id, &f)),
        _ => Err(ApiError::not_found()),
    }
}
