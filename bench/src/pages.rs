//! zca-platform's web pages: each page's weight (its HTML, and with the style and script it
//! loads) and its server time under 16 concurrent browsers that keep their connections. The
//! pages are those of an account with 20 bindings and a catalogue of 12 drivers.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::load::{client, identities, p256_key, percentile, Api};
use crate::setup::{Platform, TestCa, PASSWORD};

pub struct PageFigures {
    pub path: String,
    pub bytes: usize,
    /// With the style and the script every page loads.
    pub with_assets: usize,
    pub server_p99_ms: f64,
    pub client_p99_ms: f64,
    pub requests: usize,
}

const ASSETS: [&str; 2] = ["/static/style.css", "/static/app.js"];

pub fn measure(
    platform: &Platform,
    clients: usize,
    duration: Duration,
) -> Result<Vec<PageFigures>> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let api = Api { http: client(platform)?, origin: platform.origin.clone() };
        platform.add_user("pages")?;
        for (i, os) in ["linux", "windows", "kylin", "uos"].iter().cycle().take(12).enumerate() {
            platform.add_driver(&format!("bench-driver-{i}"), os, 64 << 10)?;
        }
        let session = api
            .post(
                "/api/v1/sessions/password",
                None,
                json!({"account": "pages", "password": PASSWORD}),
            )
            .await?;
        // A web session is a platform session: the API's token is the cookie's value.
        let token = session["token"].as_str().context("token")?.to_string();
        let ca = TestCa::new("Bench pages CA");
        platform.trust(&ca.der)?;
        let (key, pair) = p256_key()?;
        for id in identities(&ca, &key, &pair, "WB", 20)? {
            api.bind(&id, &token).await?;
        }
        let bindings = api.get("/api/v1/ca/bindings", &token).await?;
        let first = bindings["bindings"][0]["id"].as_i64().context("a binding")?;
        let pages = [
            "/login".to_string(),
            "/home".to_string(),
            "/admin/ca-users".to_string(),
            format!("/admin/ca-users/{first}/unbind"),
            "/drivers".to_string(),
        ];
        let cookie = format!("__Host-zca_session={token}");
        let mut weights = Vec::new();
        let mut assets = 0;
        for path in ASSETS {
            assets += fetch(&api, path, &cookie).await?.len();
        }
        for path in &pages {
            weights.push(fetch(&api, path, &cookie).await?.len());
        }

        eprintln!("bench: web pages, {clients} clients, {} s", duration.as_secs());
        let warm_until = Instant::now() + Duration::from_secs(1);
        let deadline = warm_until + duration;
        let mut tasks = Vec::new();
        for c in 0..clients {
            let api = Api { http: client(platform)?, origin: platform.origin.clone() };
            let (pages, cookie) = (pages.clone(), cookie.clone());
            tasks.push(tokio::spawn(async move {
                let mut times: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
                let mut i = c;
                while Instant::now() < deadline {
                    let which = i % pages.len();
                    i += 1;
                    let t = Instant::now();
                    fetch(&api, &pages[which], &cookie).await?;
                    if t >= warm_until {
                        times[which].push(t.elapsed().as_secs_f64() * 1e3);
                    }
                }
                anyhow::Ok(times)
            }));
        }
        tokio::time::sleep_until(warm_until.into()).await;
        let log_from = platform.log_len();
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
        for task in tasks {
            for (all, mine) in times.iter_mut().zip(task.await??) {
                all.extend(mine);
            }
        }
        let mut figures = Vec::new();
        for ((path, bytes), mut client_ms) in pages.iter().zip(weights).zip(times) {
            client_ms.sort_by(f64::total_cmp);
            let server = platform.server_ms(log_from, path);
            figures.push(PageFigures {
                path: path.clone(),
                bytes,
                with_assets: bytes + assets,
                server_p99_ms: percentile(&server, 0.99),
                client_p99_ms: percentile(&client_ms, 0.99),
                requests: client_ms.len(),
            });
        }
        Ok(figures)
    })
}

/// A page's body, as a browser with the session cookie gets it (the login page, without: with
/// one, it sends the browser on to the user centre).
async fn fetch(api: &Api, path: &str, cookie: &str) -> Result<Vec<u8>> {
    let mut req =
        api.http.get(format!("{}{path}", api.origin)).header("Accept-Language", "zh-CN,zh;q=0.9");
    if path != "/login" {
        req = req.header("Cookie", cookie);
    }
    let resp = req.send().await?;
    let status = resp.status();
    if !status.is_success() {
        bail!("{path}: {status}");
    }
    Ok(resp.bytes().await?.to_vec())
}
