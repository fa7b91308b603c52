//! The driver catalogue and its files.

use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zca_contract::Driver;

use crate::db::{params, Db, DbError, Row};
use crate::error::ApiError;

/// What stays as it is in a URL path segment (RFC 3986's unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Where a driver's file was kept in the data folder (schema 3 and before).
pub fn driver_path(data_dir: &Path, id: i64, file_name: &str) -> PathBuf {
    data_dir.join("drivers").join(id.to_string()).join(file_name)
}

pub fn drivers(db: &mut Db, origin: &str) -> Result<Vec<Driver>, ApiError> {
    let rows = db.query(
        "SELECT id, name, vendor, version, os, arch, issuers, module_names, file_name, sha256, size
         FROM drivers ORDER BY id",
        &[],
    )?;
    let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    let driver = |r: &Row| -> Result<Driver, DbError> {
        let id: i64 = r.get(0)?;
        let file_name: String = r.get(8)?;
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
            size: r.get::<i64>(10)? as u64,
        })
    };
    Ok(rows.iter().map(driver).collect::<Result<_, _>>()?)
}

/// The file of a driver, if `name` is its file name: from the database, where every instance
/// reads it, or from the data folder for a driver added before files moved there.
pub fn driver_file(db: &mut Db, data_dir: &Path, id: i64, name: &str) -> Result<Vec<u8>, ApiError> {
    let row = db.query_opt("SELECT file_name, content FROM drivers WHERE id = ?1", params![id])?;
    let Some(row) = row else { return Err(ApiError::not_found()) };
    let (file_name, content): (String, Option<Vec<u8>>) = (row.get(0)?, row.get(1)?);
    if file_name != name {
        return Err(ApiError::not_found());
    }
    match content {
        Some(bytes) => Ok(bytes),
        None => {
            std::fs::read(driver_path(data_dir, id, &file_name)).map_err(|_| ApiError::not_found())
        }
    }
}
