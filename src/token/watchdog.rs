//! A time limit on operations inside PKCS#11 modules. A driver can block for ever (a USB key
//! that stops answering, a reader that hangs, pcscd restarted under it), and a call into a C
//! library cannot be cancelled. So a watchdog thread waits beside it: when an operation
//! overruns, the program's handler reports the failure and the process ends, rather than hang.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Default limit for one operation; `ZCA_TOKEN_TIMEOUT` (seconds) changes it.
const DEFAULT_LIMIT: Duration = Duration::from_secs(30);

type Handler = Box<dyn Fn(&Error) + Send + Sync>;

struct Watch {
    /// The operation running now and its deadline; a stack, as operations nest.
    running: Mutex<Vec<(&'static str, Duration, Instant)>>,
    changed: Condvar,
}

static WATCH: Watch = Watch { running: Mutex::new(Vec::new()), changed: Condvar::new() };
static HANDLER: OnceLock<Handler> = OnceLock::new();

/// Installs how an overrun is reported and starts the watchdog; after the report the process
/// exits with the error's exit code. Without it, as in library use, operations run unlimited.
pub fn install(handler: impl Fn(&Error) + Send + Sync + 'static) {
    if HANDLER.set(Box::new(handler)).is_ok() {
        std::thread::Builder::new()
            .name("zca-watchdog".into())
            .spawn(watch)
            .expect("a thread for the watchdog");
    }
}

/// The limit for one operation: `ZCA_TOKEN_TIMEOUT` seconds, else 30 s.
pub fn limit() -> Duration {
    std::env::var("ZCA_TOKEN_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LIMIT)
}

/// Marks `operation` as running until the guard is dropped, with `limit` to finish.
#[must_use = "the operation is watched while the guard lives"]
pub fn guard(operation: &'static str, limit: Duration) -> Guard {
    let mut running = WATCH.running.lock().unwrap_or_else(|p| p.into_inner());
    running.push((operation, limit, Instant::now() + limit));
    WATCH.changed.notify_all();
    Guard { depth: running.len() }
}

pub struct Guard {
    depth: usize,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut running = WATCH.running.lock().unwrap_or_else(|p| p.into_inner());
        running.truncate(self.depth - 1);
        WATCH.changed.notify_all();
    }
}

fn watch() {
    let mut running = WATCH.running.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let Some(&(operation, limit, deadline)) = running.last() else {
            running = WATCH.changed.wait(running).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        let now = Instant::now();
        if now < deadline {
            running = WATCH
                .changed
                .wait_timeout(running, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            continue;
        }
        drop(running);
        let error = Error::TokenTimeout { operation: operation.into(), seconds: limit.as_secs() };
        HANDLER.get().expect("installed before the thread starts")(&error);
        let _ = std::io::Write::flush(&mut std::io::stdout());
        // The stuck thread is inside the driver's C code: exit without atexit handlers, which
        // could wait for the very lock that thread holds.
        unsafe { libc::_exit(i32::from(error.exit_code())) }
    }
}
