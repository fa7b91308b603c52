//! Where a run's time goes, for `-v`: phases measured as they happen and told at the end, so
//! that a slow login can be taken apart (module load, TLS, each request, parsing) without a
//! profiler. Nothing is measured unless `enable` was called.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static START: OnceLock<Instant> = OnceLock::new();
static PHASES: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// Starts the clock, at the top of `main`.
pub fn start() {
    START.get_or_init(Instant::now);
}

/// Turns measuring on (`-v`).
pub fn enable() {
    start();
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Runs `f`, recording how long it took as `phase`.
pub fn measure<T>(phase: impl FnOnce() -> String, f: impl FnOnce() -> T) -> T {
    if !ENABLED.load(Ordering::Relaxed) {
        return f();
    }
    let started = Instant::now();
    let value = f();
    record(phase(), started.elapsed());
    value
}

pub fn record(phase: String, took: Duration) {
    if ENABLED.load(Ordering::Relaxed) {
        PHASES.lock().unwrap_or_else(|p| p.into_inner()).push((phase, took));
    }
}

/// The phases in order, then the rest, then the time since `enable`: one line each.
pub fn report() -> Vec<String> {
    let Some(start) = START.get() else { return Vec::new() };
    let total = start.elapsed();
    let phases = PHASES.lock().unwrap_or_else(|p| p.into_inner());
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let measured: Duration = phases.iter().map(|(_, d)| *d).sum();
    let mut lines: Vec<String> =
        phases.iter().map(|(phase, d)| format!("{:8.2} ms  {phase}", ms(*d))).collect();
    let rest = total.saturating_sub(measured);
    lines.push(format!("{:8.2} ms  the rest (arguments, settings, output)", ms(rest)));
    lines.push(format!("{:8.2} ms  total since main", ms(total)));
    lines
}
