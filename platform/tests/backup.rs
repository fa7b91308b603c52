//! `zca-platform backup` of a platform while it serves CA logins and binds, and `restore` into a
//! new data folder: nothing committed before the backup began is missing.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::*;
use reqwest::StatusCode;
use zca_platform::db::Database;

fn admin(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zca-platform"))
        .arg("--data")
        .arg(data)
        .args(args)
        .envs(database_env(data))
        .output()
        .unwrap();
    out
}

fn audit_ids(db: &mut zca_platform::db::Db) -> HashSet<i64> {
    db.query("SELECT id FROM audit", &[]).unwrap().iter().map(|r| r.get(0).unwrap()).collect()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_during_logins_and_binds_restores_every_row_committed_before_it_began() {
    let (p, ca, _) = with_user("alice").await;
    let file = p.data().join("backups/platform.backup");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    if postgres::selected() {
        let out = admin(p.data(), &["backup", "--to", file.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(
            text(&out).contains("pg_dump") && text(&out).contains("bindings"),
            "{}",
            text(&out)
        );
        return;
    }
    for i in 0..4 {
        p.add_user(&format!("user{i}"));
    }
    let p = Arc::new(p);
    let ca = Arc::new(ca);

    // Four accounts bind fresh keys and log in with them, one request after another each,
    // until told to stop; every acknowledged bind is recorded with the time it was answered.
    let stop = Arc::new(AtomicBool::new(false));
    let bound: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
    let mut load = Vec::new();
    for i in 0..4 {
        let (p, ca, stop, bound) = (p.clone(), ca.clone(), stop.clone(), bound.clone());
        load.push(tokio::spawn(async move {
            let token = p.login(&format!("user{i}")).await;
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let key = ca.p256_key(&CertSpec::valid(&format!("u{i}k{n}")));
                let r = p.bind(&token, &key, &format!("BK{i:02}{n:012}")).await;
                assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
                bound.lock().unwrap().push((Instant::now(), key.sha256()));
                assert_eq!(p.ca_login(&key).await.status, StatusCode::CREATED);
                n += 1;
            }
            n
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;

    // What was committed before the backup began: the audit as read now, the binds answered.
    let audited = p.with_db(audit_ids);
    let began = Instant::now();
    let out = {
        let (data, file) = (p.data().to_path_buf(), file.clone());
        tokio::task::spawn_blocking(move || {
            admin(&data, &["backup", "--to", file.to_str().unwrap(), "--json"])
        })
        .await
        .unwrap()
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let mut rounds = 0;
    for task in load {
        rounds += task.await.unwrap();
    }
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let before: Vec<String> =
        bound.lock().unwrap().iter().filter(|(t, _)| *t < began).map(|(_, s)| s.clone()).collect();
    let all = bound.lock().unwrap().len();
    assert!(
        before.len() >= 8 && all > before.len(),
        "{} of {all} binds before the backup",
        before.len()
    );
    eprintln!("{rounds} bind+login rounds, {} before the backup began", before.len());

    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only the backup itself: {leftovers:?}");

    // Restored into a new data folder.
    let new = tempfile::tempdir().unwrap();
    let out = admin(new.path(), &["restore", "--from", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut db = Database::sqlite_in(new.path()).open().unwrap();
    let restored: HashSet<String> = db
        .query("SELECT cert_sha256 FROM bindings", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0).unwrap())
        .collect();
    for sha in &before {
        assert!(restored.contains(sha), "binding {sha} acknowledged before the backup is missing");
    }
    let rows = report["tables"].as_array().unwrap();
    let bindings = rows.iter().find(|t| t["table"] == "bindings").unwrap()["rows"].as_i64();
    assert_eq!(bindings, Some(restored.len() as i64), "the report counts what the file holds");
    assert!(audited.len() >= 8, "{} audit rows before the backup", audited.len());
    assert!(audited.is_subset(&audit_ids(&mut db)), "audit rows before the backup are missing");

    // The restored platform serves: the accounts log in with their passwords.
    drop(db);
    let restored_platform = Platform::start_with(120, Some(new)).await;
    restored_platform.login("user0").await;

    // A second restore over it is refused unless asked to replace; a file that is no backup too.
    let data = restored_platform.data().to_path_buf();
    let out = admin(&data, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("--replace"), "{}", text(&out));
    let junk = data.join("junk.backup");
    std::fs::write(&junk, b"not a database").unwrap();
    let out = admin(&data, &["restore", "--from", junk.to_str().unwrap(), "--replace"]);
    assert!(
        !out.status.success() && text(&out).contains("no zca-platform backup"),
        "{}",
        text(&out)
    );
    // And the backup's name is never reused: an existing file is not overwritten.
    let out = admin(&data, &["backup", "--to", file.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("exists already"), "{}", text(&out));
}
