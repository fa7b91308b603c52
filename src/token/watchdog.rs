//! A time limit on operations inside PKCS#11 modules and SKF libraries. A driver can block for
//! ever (a USB key that stops answering, a reader that hangs, pcscd restarted under it), and a
//! call into a C library cannot be cancelled. So a watchdog thread waits beside it: when an
//! operation overruns, the program's handler reports it. A command then ends the process rather
//! than hang; a service (`zca bridge`) keeps running, fails that key's calls and serves the rest.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::error::Error;

/// Default limit for one operation; `ZCA_TOKEN_TIMEOUT` (seconds) changes it.
const DEFAULT_LIMIT: Duration = Duration::from_secs(30);

/// What becomes of the process after an overrun is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterOverrun {
    /// The process exits with the error's exit code (commands).
    Exit,
    /// The process goes on; the stuck thread stays in the driver until it returns (services).
    KeepRunning,
}

type Handler = Box<dyn Fn(&Error) -> AfterOverrun + Send + Sync>;

/// An operation running in a thread, and its deadline.
struct Running {
    operation: &'static str,
    limit: Duration,
    deadline: Instant,
    reported: bool,
}

struct Watch {
    /// The operations running now, per thread; a stack per thread, as operations nest.
    running: Mutex<HashMap<ThreadId, Vec<Running>>>,
    changed: Condvar,
}

static WATCH: OnceLock<Watch> = OnceLock::new();
static HANDLER: OnceLock<Handler> = OnceLock::new();

fn watch_state() -> &'static Watch {
    WATCH.get_or_init(|| Watch { running: Mutex::new(HashMap::new()), changed: Condvar::new() })
}

/// Installs how an overrun is reported and what follows it, and starts the watchdog. Without
/// it, as in library use, operations run unlimited.
pub fn install(handler: impl Fn(&Error) -> AfterOverrun + Send + Sync + 'static) {
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

/// Marks `operation` as running in this thread until the guard is dropped, with `limit` to
/// finish.
#[must_use = "the operation is watched while the guard lives"]
pub fn guard(operation: &'static str, limit: Duration) -> Guard {
    let watch = watch_state();
    let thread = std::thread::current().id();
    let mut running = watch.running.lock().unwrap_or_else(|p| p.into_inner());
    let stack = running.entry(thread).or_default();
    stack.push(Running { operation, limit, deadline: Instant::now() + limit, reported: false });
    let depth = stack.len();
    watch.changed.notify_all();
    Guard { thread, depth }
}

pub struct Guard {
    thread: ThreadId,
    depth: usize,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let watch = watch_state();
        let mut running = watch.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(stack) = running.get_mut(&self.thread) {
            stack.truncate(self.depth - 1);
            if stack.is_empty() {
                running.remove(&self.thread);
            }
        }
        watch.changed.notify_all();
    }
}

fn watch() {
    let watch = watch_state();
    let mut running = watch.running.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let now = Instant::now();
        // The innermost operation of each thread is the one that may be stuck.
        let next = running
            .values_mut()
            .filter_map(|stack| stack.last_mut())
            .filter(|r| !r.reported)
            .min_by_key(|r| r.deadline);
        let Some(overrun) = next else {
            running = watch.changed.wait(running).unwrap_or_else(|p| p.into_inner());
            continue;
        };
        if now < overrun.deadline {
            let wait = overrun.deadline - now;
            running =
                watch.changed.wait_timeout(running, wait).unwrap_or_else(|p| p.into_inner()).0;
            continue;
        }
        overrun.reported = true;
        let error = Error::TokenTimeout {
            operation: overrun.operation.into(),
            seconds: overrun.limit.as_secs(),
        };
        drop(running);
        let after = HANDLER.get().expect("installed before the thread starts")(&error);
        if after == AfterOverrun::Exit {
            let _ = std::io::Write::flush(&mut std::io::stdout());
            // The stuck thread is inside the driver's C code: exit without atexit handlers,
            // which could wait for the very lock that thread holds.
            unsafe { libc::_exit(i32::from(error.exit_code())) }
        }
        running = watch.running.lock().unwrap_or_else(|p| p.into_inner());
    }
}
