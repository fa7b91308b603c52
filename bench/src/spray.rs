//! A password spray against zca-platform and what a logged-in user sees meanwhile: 32
//! connections post password logins for random unknown accounts as fast as the server answers,
//! while one user calls `GET /api/v1/me`, loads a page and makes a CA login, one after the
//! other. The user's figures are taken quiet first, then during the spray.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;

use crate::load::{client, identities, p256_key, percentile, Api, Identity};
use crate::setup::{Platform, TestCa, PASSWORD};

/// The user's p95 of one kind of request, quiet and during the spray.
pub struct UserFigures {
    pub what: &'static str,
    pub quiet_p95_ms: f64,
    pub spray_p95_ms: f64,
}

pub struct SprayFigures {
    pub user: Vec<UserFigures>,
    /// How the spray's requests were answered while the user was timed, per second: refused
    /// (429), wrong password (401); and how many otherwise.
    pub refused_per_second: f64,
    pub wrong_per_second: f64,
    pub other: usize,
}

const KINDS: [&str; 3] = ["GET /api/v1/me", "GET /home (page)", "CA login"];

pub fn measure(
    platform: &Platform,
    connections: usize,
    duration: Duration,
) -> Result<SprayFigures> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let api = Api { http: client(platform)?, origin: platform.origin.clone() };
        platform.add_user("sprayed")?;
        let session = api
            .post(
                "/api/v1/sessions/password",
                None,
                json!({"account": "sprayed", "password": PASSWORD}),
            )
            .await?;
        let token = session["token"].as_str().context("token")?.to_string();
        let ca = TestCa::new("Bench spray CA");
        platform.trust(&ca.der)?;
        let (key, pair) = p256_key()?;
        let id = identities(&ca, &key, &pair, "SP", 1)?.remove(0);
        api.bind(&id, &token).await?;

        eprintln!("bench: a user alone, {} s", duration.as_secs());
        let quiet = user_loop(&api, &token, &id, duration).await?;
        eprintln!("bench: the same user during a spray of {connections} connections");
        let (counting, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let mut sprayers = Vec::new();
        for c in 0..connections {
            let sprayer = Api { http: client(platform)?, origin: platform.origin.clone() };
            sprayers.push(tokio::spawn(spray(sprayer, c, counting.clone(), stop.clone())));
        }
        // The spray reaches its pace (and the server its throttle) before the user is timed.
        tokio::time::sleep(Duration::from_secs(2)).await;
        counting.store(true, Ordering::Relaxed);
        let start = Instant::now();
        let during = user_loop(&api, &token, &id, duration).await?;
        let spray_seconds = start.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        let (mut wrong, mut refused, mut other) = (0usize, 0usize, 0usize);
        for s in sprayers {
            let (w, r, o) = s.await??;
            (wrong, refused, other) = (wrong + w, refused + r, other + o);
        }
        let user = KINDS
            .iter()
            .enumerate()
            .map(|(i, what)| UserFigures {
                what,
                quiet_p95_ms: percentile(&quiet[i], 0.95),
                spray_p95_ms: percentile(&during[i], 0.95),
            })
            .collect();
        Ok(SprayFigures {
            user,
            refused_per_second: refused as f64 / spray_seconds,
            wrong_per_second: wrong as f64 / spray_seconds,
            other,
        })
    })
}

/// One user's requests in turn for `duration`, a little apart as a person's are; the sorted
/// latencies in milliseconds of each kind in KINDS.
async fn user_loop(
    api: &Api,
    token: &str,
    id: &Identity,
    duration: Duration,
) -> Result<[Vec<f64>; 3]> {
    let cookie = format!("__Host-zca_session={token}");
    let deadline = Instant::now() + duration;
    let mut times: [Vec<f64>; 3] = Default::default();
    while Instant::now() < deadline {
        let t = Instant::now();
        api.get("/api/v1/me", token).await?;
        times[0].push(t.elapsed().as_secs_f64() * 1e3);

        let t = Instant::now();
        let page =
            api.http.get(format!("{}/home", api.origin)).header("cookie", &cookie).send().await?;
        anyhow::ensure!(page.status().is_success(), "/home: {}", page.status());
        page.bytes().await?;
        times[1].push(t.elapsed().as_secs_f64() * 1e3);

        let t = Instant::now();
        api.ca_login(id).await?;
        times[2].push(t.elapsed().as_secs_f64() * 1e3);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    Ok(times)
}

/// Password logins for accounts that do not exist, on one connection, until `stop`: how many
/// were answered 401, 429 and otherwise once `counting`.
async fn spray(
    api: Api,
    n: usize,
    counting: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) -> Result<(usize, usize, usize)> {
    let (mut wrong, mut refused, mut other) = (0, 0, 0);
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let body = json!({"account": format!("nobody-{n}-{i}"), "password": "Winter2026!"});
        let resp = api
            .http
            .post(format!("{}/api/v1/sessions/password", api.origin))
            .json(&body)
            .send()
            .await;
        // The body is read so that the connection is kept, as a sprayer's would be.
        let status = match resp {
            Ok(r) => {
                let status = r.status().as_u16();
                r.bytes().await.ok().map(|_| status)
            }
            Err(_) => None,
        };
        if !counting.load(Ordering::Relaxed) {
            continue;
        }
        match status {
            Some(401) => wrong += 1,
            Some(429) => refused += 1,
            _ => other += 1,
        }
    }
    Ok((wrong, refused, other))
}
