//! zca's benchmark: run by `scripts/bench` (release builds of zca and zca-platform). It makes its
//! own SoftHSM2 tokens and its own zca-platform on 127.0.0.1, measures side by side in one run,
//! and prints one table of figures with the goal each is held to.

mod bridge;
mod load;
mod pages;
mod setup;
mod spray;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use setup::{Platform, Tokens};

/// A row of the final table.
struct Row {
    what: String,
    figure: String,
    goal: String,
    ok: Option<bool>,
}

fn row(what: impl Into<String>, figure: impl Into<String>, goal: &str, ok: Option<bool>) -> Row {
    Row { what: what.into(), figure: figure.into(), goal: goal.into(), ok }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--load` runs the platform's load part alone, for working on the server.
    let load_only = args.iter().any(|a| a == "--load");
    // `--pages` the web pages alone.
    let pages_only = args.iter().any(|a| a == "--pages");
    // `--sqlite`: the platform's load on SQLite only, without the PostgreSQL rows.
    let sqlite_only = args.iter().any(|a| a == "--sqlite");
    // `--bridge` the CA client service alone.
    let bridge_only = args.iter().any(|a| a == "--bridge");
    // `--startup`: start-up and the system trust token against pkcs11-tool, alone.
    let startup_only = args.iter().any(|a| a == "--startup");
    // `--spray` a password spray and a user's latency during it, alone.
    let spray_only = args.iter().any(|a| a == "--spray");
    let known = ["--quick", "--load", "--pages", "--sqlite", "--bridge", "--spray", "--startup"];
    if let Some(other) = args.iter().find(|a| !known.contains(&a.as_str())) {
        bail!(
            "unknown argument {other}: scripts/bench [--quick] [--load | --pages | --bridge | --spray | --startup] [--sqlite]"
        );
    }
    let bins = Bins::find()?;
    let mut rows = Vec::new();
    if startup_only {
        measure_startup(&bins, &mut rows)?;
        print_table(&rows);
        return Ok(());
    }
    if bridge_only {
        bridge::measure(&bins, &mut rows)?;
        print_table(&rows);
        return Ok(());
    }
    eprintln!("bench: machine: {}", machine());
    if spray_only {
        measure_spray(&bins, quick, &mut rows)?;
        print_table(&rows);
        return Ok(());
    }
    let platform = Platform::start(&bins.platform)?;
    if pages_only {
        measure_pages(&platform, quick, &mut rows)?;
        print_table(&rows);
        return Ok(());
    }
    if !load_only {
        measure_client(&bins, &platform, quick, &mut rows)?;
        bridge::measure(&bins, &mut rows)?;
        measure_pages(&platform, quick, &mut rows)?;
    }
    measure_platform(&bins, &platform, quick, sqlite_only, &mut rows)?;
    if !load_only {
        measure_spray(&bins, quick, &mut rows)?;
    }
    print_table(&rows);
    Ok(())
}

/// A user's p95 quiet and during a password spray, on a platform of its own (a spray leaves the
/// source throttled, which would refuse the other parts' password logins).
fn measure_spray(bins: &Bins, quick: bool, rows: &mut Vec<Row>) -> Result<()> {
    let platform = Platform::start(&bins.platform)?;
    let seconds = Duration::from_secs(if quick { 3 } else { 8 });
    let figures = spray::measure(&platform, 32, seconds)?;
    for u in &figures.user {
        let ratio = u.spray_p95_ms / u.quiet_p95_ms.max(f64::EPSILON);
        rows.push(row(
            format!("a user's {} during a password spray of 32 connections", u.what),
            format!(
                "p95 {:.1} ms quiet, {:.1} ms during = {ratio:.1}×",
                u.quiet_p95_ms, u.spray_p95_ms
            ),
            "p95 < 5× quiet and < 100 ms",
            Some(ratio < 5.0 && u.spray_p95_ms < 100.0),
        ));
    }
    rows.push(row(
        "the spray's answers",
        format!(
            "{:.0}/s refused (429), {:.0}/s wrong (401), {} other",
            figures.refused_per_second, figures.wrong_per_second, figures.other
        ),
        "",
        None,
    ));
    Ok(())
}

/// The platform's web pages: weight and server time at 16 browsers.
fn measure_pages(platform: &Platform, quick: bool, rows: &mut Vec<Row>) -> Result<()> {
    let seconds = if quick { 3 } else { 8 };
    for p in pages::measure(platform, 16, Duration::from_secs(seconds))? {
        let ok = p.with_assets < 100 << 10 && p.server_p99_ms < 20.0;
        rows.push(row(
            format!("web page {}, 16 clients", p.path),
            format!(
                "{:.1} KiB ({:.1} KiB with style and script), server p99 {:.1} ms, client p99 {:.1} ms ({} loads)",
                p.bytes as f64 / 1024.0,
                p.with_assets as f64 / 1024.0,
                p.server_p99_ms,
                p.client_p99_ms,
                p.requests
            ),
            "< 100 KB, server p99 < 20 ms",
            Some(ok),
        ));
    }
    Ok(())
}

/// zca-platform under 64 clients, and the size its write-ahead log was left at; then CA logins
/// on PostgreSQL with one and with three instances, beside SQLite's.
fn measure_platform(
    bins: &Bins,
    platform: &Platform,
    quick: bool,
    sqlite_only: bool,
    rows: &mut Vec<Row>,
) -> Result<()> {
    let seconds = Duration::from_secs(if quick { 3 } else { 8 });
    for result in load::run(platform, 64, seconds, false)? {
        let headline = result.name.starts_with("CA login, ECDSA");
        rows.push(load_row("zca-platform on SQLite, 64 clients", &result, headline));
    }
    let wal = std::fs::metadata(platform.dir.path().join("platform.db-wal")).map_or(0, |m| m.len());
    rows.push(row(
        "zca-platform write-ahead log after the load",
        format!("{:.1} MiB", wal as f64 / (1 << 20) as f64),
        "≤ 64 MiB (bounded)",
        Some(wal <= 64 << 20),
    ));
    if sqlite_only {
        return Ok(());
    }
    if zca_pg_cluster::bin_dir().is_none() {
        rows.push(row(
            "zca-platform on PostgreSQL",
            "not measured: no PostgreSQL server",
            "",
            None,
        ));
        return Ok(());
    }
    // A cluster of its own, syncing to disk as a real server does, on the same two cores.
    let cluster = zca_pg_cluster::Cluster::start(true);
    for instances in [1, 3] {
        let platform = Platform::start_on(&bins.platform, Some(cluster.new_database()), instances)?;
        for result in load::run(&platform, 64, seconds, true)? {
            let name = format!("zca-platform on PostgreSQL, {instances} instance(s), 64 clients");
            rows.push(load_row(&name, &result, false));
        }
    }
    Ok(())
}

fn load_row(what: &str, result: &load::LoadResult, headline: bool) -> Row {
    let goal = if headline { "≥ 1000/s, p99 < 50 ms" } else { "" };
    let ok = headline.then_some(result.per_second >= 1000.0 && result.p99_ms < 50.0);
    row(
        format!("{what}: {}", result.name),
        format!(
            "{:.0}/s, p50 {:.1} ms, p99 {:.1} ms ({} done, {} failed; server p99 {:.1} + {:.1} ms)",
            result.per_second,
            result.p50_ms,
            result.p99_ms,
            result.done,
            result.failed,
            result.server_p99_ms.0,
            result.server_p99_ms.1
        ),
        goal,
        ok,
    )
}

/// Listing, PKCS#11 calls, login and start-up: zca's own figures.
fn measure_client(
    bins: &Bins,
    platform: &Platform,
    quick: bool,
    rows: &mut Vec<Row>,
) -> Result<()> {
    let sizes: &[usize] = if quick { &[1, 10, 47, 50] } else { &[1, 10, 47, 50, 200] };
    let mut tokens = Tokens::new()?;
    let mut per_key = Vec::new();
    for &n in sizes {
        tokens.grow_to(n)?;
        eprintln!("bench: listing {n} keys");
        // `zca certs` lists the keys with their certificates in one process; `detect` is a
        // second process, which pays the module's C_Initialize again.
        let zca = median(5, || time(tokens.zca(&bins.zca).args(["certs", "--json"])))?;
        let both = zca + median(5, || time(tokens.zca(&bins.zca).args(["detect", "--json"])))?;
        let runs = if n >= 100 { 1 } else { 3 };
        let loop_ms = median(runs, || tokens.pkcs11_tool_loop())?;
        per_key.push((n, zca));
        rows.push(row(
            format!("list {n} keys: zca certs (detect+certs) vs pkcs11-tool -O loop"),
            format!(
                "{zca:.1} ({both:.1}) ms vs {loop_ms:.0} ms = {:.3}× ({:.3}×)",
                zca / loop_ms,
                both / loop_ms
            ),
            "≤ 0.05× at 50",
            (n == 50).then_some(zca / loop_ms <= 0.05),
        ));
        if n == 10 || n == 50 {
            let zca_calls = tokens.spy_calls(|m| {
                let mut c = tokens.zca(&bins.zca);
                c.env("ZCA_PKCS11_MODULE", m).args(["certs", "--json"]);
                vec![c]
            })?;
            let tool_calls = tokens.spy_calls(|m| tokens.pkcs11_tool_commands(m))?;
            let budget = 5 * n + 2 * n + 8;
            rows.push(row(
                format!("PKCS#11 calls, full listing of {n} keys (1 certificate each)"),
                format!("zca {zca_calls}, pkcs11-tool {tool_calls}"),
                &format!("≤ {budget} and < pkcs11-tool"),
                Some(zca_calls <= budget && zca_calls < tool_calls),
            ));
        }
        if n <= 47 {
            let p11 = median(3, || time(&mut tokens.p11tool()))?;
            rows.push(row(
                format!("list {n} keys: zca certs (detect+certs) vs p11tool --list-all-certs"),
                format!(
                    "{zca:.1} ({both:.1}) ms vs {p11:.1} ms = {:.2}× ({:.2}×)",
                    zca / p11,
                    both / p11
                ),
                "≤ 0.3× at 47",
                (n == 47).then_some(zca / p11 <= 0.3),
            ));
        }
    }
    let (first, last) = (per_key[1], per_key[per_key.len() - 1]);
    let slope = (last.1 - first.1) / (last.0 - first.0) as f64;
    let predicted = first.1 + slope * (per_key[2].0 - first.0) as f64;
    rows.push(row(
        "zca certs: time per key (slope)",
        format!(
            "{slope:.2} ms/key; at {} keys {:.1} ms, linear fit {predicted:.1} ms",
            per_key[2].0, per_key[2].1
        ),
        "linear",
        Some((per_key[2].1 - predicted).abs() <= 0.25 * predicted.max(1.0)),
    ));

    let n = if quick { 50 } else { 150 };
    eprintln!("bench: one token with {n} certificates");
    let many = Tokens::one_with_certificates(n)?;
    let zca = median(5, || time(many.zca(&bins.zca).args(["certs", "--json"])))?;
    let tool = median(5, || many.pkcs11_tool_loop())?;
    rows.push(row(
        format!("one token, {n} certificates: zca certs vs pkcs11-tool -O"),
        format!("{zca:.1} ms vs {tool:.1} ms = {:.2}×", zca / tool),
        "≤ 0.8× at 150",
        (n == 150).then_some(zca / tool <= 0.8),
    ));

    let login = setup::LoginRig::new(bins, platform)?;
    let figures = login.measure(10)?;
    rows.push(row(
        "zca login: HTTP requests / TLS handshakes",
        format!("{} / {}", figures.requests, figures.handshakes),
        "exactly 2 / 1",
        Some(figures.requests == 2 && figures.handshakes == 1),
    ));
    rows.push(row(
        "zca login (EC P-256 on SoftHSM): client time outside C_Sign",
        format!(
            "{:.1} ms (process total {:.1} ms, C_Sign {:.2} ms)",
            figures.outside_ms, figures.total_ms, figures.sign_ms
        ),
        "≤ 15 ms",
        Some(figures.outside_ms <= 15.0),
    ));
    for (phase, ms) in &figures.phases {
        rows.push(row(format!("  zca login -v: {phase}"), format!("{ms:.2} ms"), "", None));
    }

    measure_startup(bins, rows)?;
    let size = std::fs::metadata(&bins.zca)?.len() as f64 / (1 << 20) as f64;
    rows.push(row(
        "release binary (stripped)",
        format!("{size:.2} MiB"),
        "≤ 8 MiB",
        Some(size <= 8.0),
    ));
    Ok(())
}

/// Start-up, where help texts are not built for a run that shows none, against pkcs11-tool.
fn measure_startup(bins: &Bins, rows: &mut Vec<Row>) -> Result<()> {
    let help = mean(100, || time(Command::new(&bins.zca).arg("--help")))?;
    rows.push(row("zca --help", format!("{help:.2} ms"), "≤ 5 ms", Some(help <= 5.0)));
    // This OpenSC's pkcs11-tool has no --version: its usage text (exit 1) is its least work.
    let mut tool = Command::new("pkcs11-tool");
    tool.arg("--help");
    let (version, tool) = side_by_side(100, Command::new(&bins.zca).arg("--version"), &mut tool)?;
    rows.push(row(
        "start-up: zca --version vs pkcs11-tool --help",
        format!("{version:.2} ms vs {tool:.2} ms = {:.2}×", version / tool),
        "≤ 1×",
        Some(version <= tool),
    ));
    rows.push(trust_token_row(bins)?);
    Ok(())
}

/// `zca certs` against `pkcs11-tool -O` on the system's trust store as p11-kit shows it (a
/// token of ~150 certificates and ~1,400 objects, where the module's own first search is most
/// of the time): what is left is each program's own start-up and work.
fn trust_token_row(bins: &Bins) -> Result<Row> {
    let what = "p11-kit-trust token: zca certs vs pkcs11-tool -O";
    let Ok(module) = installed(
        &[
            "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so",
            "/usr/lib/aarch64-linux-gnu/pkcs11/p11-kit-trust.so",
        ],
        "not installed",
    ) else {
        return Ok(row(what, "not measured: no p11-kit-trust.so (p11-kit-modules)", "", None));
    };
    let mut zca = Command::new(&bins.zca);
    zca.arg("certs").arg("--module").arg(&module).arg("--json");
    let mut tool = Command::new("pkcs11-tool");
    tool.arg("--module").arg(&module).arg("-O");
    let (z, t) = side_by_side(41, &mut zca, &mut tool)?;
    Ok(row(what, format!("{z:.1} ms vs {t:.1} ms = {:.2}×", z / t), "≤ 1×", Some(z <= t)))
}

/// Medians of `runs` runs of each command, taken in turns so that both meet the same noise;
/// `a` must succeed, `b` is the peer, whose exit code is its own business.
fn side_by_side(runs: usize, a: &mut Command, b: &mut Command) -> Result<(f64, f64)> {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        x.push(time(a)?);
        let start = Instant::now();
        b.stdout(Stdio::null()).stderr(Stdio::null()).status()?;
        y.push(start.elapsed().as_secs_f64() * 1e3);
    }
    x.sort_by(f64::total_cmp);
    y.sort_by(f64::total_cmp);
    Ok((x[runs / 2], y[runs / 2]))
}

fn print_table(rows: &[Row]) {
    let w0 = rows.iter().map(|r| r.what.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.figure.chars().count()).max().unwrap_or(0);
    println!("\n{:<w0$}  {:<w1$}  goal", "measure", "figure");
    for r in rows {
        let mark = match r.ok {
            Some(true) => "✓",
            Some(false) => "✗",
            None => " ",
        };
        println!(
            "{}{}  {}{}  {mark} {}",
            r.what,
            " ".repeat(w0 - r.what.chars().count()),
            r.figure,
            " ".repeat(w1 - r.figure.chars().count()),
            r.goal
        );
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.to_string()))
        .and_then(|l| l.split(':').nth(1).map(|s| s.trim().to_string()))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    format!("{cpu}, {cores} cores")
}

/// Wall time of one run of `cmd`, in ms; a failed run is an error.
fn time(cmd: &mut Command) -> Result<f64> {
    let start = Instant::now();
    let out = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
    let ms = start.elapsed().as_secs_f64() * 1e3;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(ms)
}

fn median(runs: usize, mut f: impl FnMut() -> Result<f64>) -> Result<f64> {
    let mut v = (0..runs).map(|_| f()).collect::<Result<Vec<f64>>>()?;
    v.sort_by(f64::total_cmp);
    Ok(v[v.len() / 2])
}

fn mean(runs: usize, mut f: impl FnMut() -> Result<f64>) -> Result<f64> {
    let v = (0..runs).map(|_| f()).collect::<Result<Vec<f64>>>()?;
    Ok(v.iter().sum::<f64>() / v.len() as f64)
}

/// The release binaries scripts/bench built.
pub struct Bins {
    pub zca: PathBuf,
    pub platform: PathBuf,
}

impl Bins {
    fn find() -> Result<Bins> {
        let dir =
            std::env::current_exe()?.parent().context("the bench binary's folder")?.to_path_buf();
        let bins = Bins { zca: dir.join("zca"), platform: dir.join("zca-platform") };
        for b in [&bins.zca, &bins.platform] {
            if !b.exists() {
                bail!("{} is missing: run scripts/bench, which builds it", b.display());
            }
        }
        Ok(bins)
    }
}

pub fn softhsm() -> Result<PathBuf> {
    installed(
        &["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"],
        "SoftHSM2 is not installed (apt-get install softhsm2)",
    )
}

pub fn spy() -> Result<PathBuf> {
    installed(
        &["/usr/lib/x86_64-linux-gnu/pkcs11-spy.so", "/usr/lib/aarch64-linux-gnu/pkcs11-spy.so"],
        "OpenSC's pkcs11-spy.so is not installed (apt-get install opensc)",
    )
}

/// The first of `candidates` that exists, or an error saying how to install it.
fn installed(candidates: &[&str], missing: &'static str) -> Result<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.exists()).context(missing)
}

/// Runs a command that must succeed; returns its stdout.
pub fn must(cmd: &mut Command) -> Result<Vec<u8>> {
    let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out.stdout)
}

pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}
