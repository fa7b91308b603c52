//! What a password spray meets. A spray tries many accounts (most of them unknown) from few
//! sources, so failures are counted per source address and overall, not only per account: a
//! source that keeps failing is slowed, then refused, while the accounts it tried stay open to
//! their owners (whose failures count per account and source, in the database). The costly
//! part, hashing, is bounded apart (`passwords`).
//!
//! The counts here are this instance's own (in memory): a spray spread over several instances
//! is slowed by each of them; the lockout of an account from a source is in the database and
//! holds across instances.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a failure counts against its source.
pub const SOURCE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures of a source in the window after which each of its attempts waits.
pub const SOURCE_SLOW_AFTER: usize = 10;
/// Failures of a source in the window after which its attempts are refused.
pub const SOURCE_REFUSE_AFTER: usize = 30;
/// Failures of all sources in a minute that make the platform treat every failing source as a
/// sprayer: refused after `SOURCE_SLOW_AFTER`.
pub const OVERALL_PER_MINUTE: usize = 300;
/// Failed password logins audited one row each, per source and minute; the rest of a minute is
/// one row with their count.
pub const AUDITED_PER_SOURCE_MINUTE: u32 = 5;
/// The same, for all sources together in a minute.
pub const AUDITED_PER_MINUTE: u32 = 100;
/// Sources remembered at most; past it the oldest are forgotten.
const MAX_SOURCES: usize = 100_000;
/// How long a refused source waits for its 429: a sprayer that ignores Retry-After then costs
/// the server a sleeping task per connection instead of a core answering it as fast as it asks.
pub const REFUSAL_PAUSE: Duration = Duration::from_secs(1);
/// Refusals held back at most at once; past it they are answered at once, so that many sources
/// cannot make the server hold connections without bound.
const MAX_HELD_REFUSALS: usize = 1024;

/// What to do with a password login from a source.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Go,
    /// Go, after this pause (the source has been failing).
    Wait(Duration),
    /// Refuse: 429 with this Retry-After (seconds).
    Refuse(u64),
}

#[derive(Default)]
struct Counts {
    /// Each source's failures within the window, oldest first.
    sources: HashMap<String, VecDeque<Instant>>,
    /// All failures within the last minute.
    overall: VecDeque<Instant>,
    /// Failures audited and left unaudited, by (source, minute since the epoch).
    audited: HashMap<(String, u64), u32>,
    audited_overall: HashMap<u64, u32>,
    unaudited: HashMap<(String, u64), u64>,
}

#[derive(Default)]
pub struct Throttle {
    counts: Mutex<Counts>,
    held_refusals: AtomicUsize,
}

fn prune(times: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) > window) {
        times.pop_front();
    }
}

impl Throttle {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a password login from `source` goes ahead.
    pub fn verdict(&self, source: &str) -> Verdict {
        let now = Instant::now();
        let mut c = self.counts();
        prune(&mut c.overall, Duration::from_secs(60), now);
        let spraying = c.overall.len() >= OVERALL_PER_MINUTE;
        let Some(times) = c.sources.get_mut(source) else { return Verdict::Go };
        prune(times, SOURCE_WINDOW, now);
        let failures = times.len();
        let refuse_after = if spraying { SOURCE_SLOW_AFTER } else { SOURCE_REFUSE_AFTER };
        if failures >= refuse_after {
            let oldest = times.front().copied().unwrap_or(now);
            let left = SOURCE_WINDOW.saturating_sub(now.duration_since(oldest));
            return Verdict::Refuse(left.as_secs().max(1));
        }
        if failures >= SOURCE_SLOW_AFTER {
            let over = (failures - SOURCE_SLOW_AFTER + 1) as u64;
            return Verdict::Wait(Duration::from_millis((100 * over).min(2_000)));
        }
        Verdict::Go
    }

    /// Waits before a refusal is answered (REFUSAL_PAUSE), unless too many already wait.
    pub async fn hold_refusal(&self) {
        let held = self.held();
        if held.waits {
            tokio::time::sleep(REFUSAL_PAUSE).await;
        }
    }

    /// One more refusal held; counted out when dropped, so that a client that hangs up during
    /// the pause is counted out too.
    fn held(&self) -> Held<'_> {
        let before = self.held_refusals.fetch_add(1, Ordering::Relaxed);
        Held { count: &self.held_refusals, waits: before < MAX_HELD_REFUSALS }
    }

    /// A failed password login from `source`; whether it gets an audit row of its own (else it
    /// is counted into its minute's summary row, `take_unaudited`).
    pub fn failed(&self, source: &str, minute: u64) -> bool {
        let now = Instant::now();
        let mut c = self.counts();
        if c.sources.len() >= MAX_SOURCES && !c.sources.contains_key(source) {
            let stale: Vec<String> = c
                .sources
                .iter()
                .filter(|(_, t)| t.back().is_none_or(|b| now.duration_since(*b) > SOURCE_WINDOW))
                .map(|(s, _)| s.clone())
                .collect();
            for s in stale {
                c.sources.remove(&s);
            }
            if c.sources.len() >= MAX_SOURCES {
                c.sources.clear();
            }
        }
        c.sources.entry(source.to_string()).or_default().push_back(now);
        c.overall.push_back(now);
        let key = (source.to_string(), minute);
        let mine = *c.audited.get(&key).unwrap_or(&0);
        let all = *c.audited_overall.get(&minute).unwrap_or(&0);
        if mine < AUDITED_PER_SOURCE_MINUTE && all < AUDITED_PER_MINUTE {
            *c.audited.entry(key).or_default() += 1;
            *c.audited_overall.entry(minute).or_default() += 1;
            true
        } else {
            *c.unaudited.entry(key).or_default() += 1;
            false
        }
    }

    /// The failures left unaudited in minutes before `minute`, by source, for one summary row
    /// each; forgotten here.
    pub fn take_unaudited(&self, minute: u64) -> Vec<(String, u64, u64)> {
        let mut c = self.counts();
        c.audited.retain(|(_, m), _| *m >= minute);
        c.audited_overall.retain(|m, _| *m >= minute);
        let done: Vec<(String, u64)> =
            c.unaudited.keys().filter(|(_, m)| *m < minute).cloned().collect();
        done.into_iter()
            .filter_map(|key| {
                let count = c.unaudited.remove(&key)?;
                Some((key.0, key.1, count))
            })
            .collect()
    }
}

struct Held<'a> {
    count: &'a AtomicUsize,
    waits: bool,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_source_is_slowed_then_refused_and_others_go() {
        let t = Throttle::default();
        for i in 0..SOURCE_SLOW_AFTER {
            assert_eq!(t.verdict("10.0.0.9"), Verdict::Go, "{i}");
            t.failed("10.0.0.9", 1);
        }
        assert!(matches!(t.verdict("10.0.0.9"), Verdict::Wait(_)));
        for _ in SOURCE_SLOW_AFTER..SOURCE_REFUSE_AFTER {
            t.failed("10.0.0.9", 1);
        }
        assert!(matches!(t.verdict("10.0.0.9"), Verdict::Refuse(s) if s > 0));
        assert_eq!(t.verdict("10.0.0.10"), Verdict::Go, "another source is not touched");
    }

    #[test]
    fn a_spray_s_audit_rows_are_bounded_and_summed() {
        let t = Throttle::default();
        let own: usize = (0..1000).filter(|_| t.failed("10.0.0.9", 7)).count();
        assert_eq!(own, AUDITED_PER_SOURCE_MINUTE as usize);
        assert!(t.take_unaudited(7).is_empty(), "the minute is not over");
        let sums = t.take_unaudited(8);
        assert_eq!(
            sums,
            [("10.0.0.9".to_string(), 7, 1000 - u64::from(AUDITED_PER_SOURCE_MINUTE))]
        );
        assert!(t.take_unaudited(8).is_empty(), "taken once");
    }

    /// Held refusals are bounded, and counted out when their client hangs up mid-pause, so that
    /// the bound does not fill with ghosts.
    #[test]
    fn held_refusals_are_bounded_and_counted_out_when_dropped() {
        let t = Throttle::default();
        let held: Vec<Held> = (0..MAX_HELD_REFUSALS).map(|_| t.held()).collect();
        assert!(held.iter().all(|h| h.waits));
        assert!(!t.held().waits, "past the bound: answered at once");
        drop(held);
        assert_eq!(t.held_refusals.load(Ordering::Relaxed), 0);
        assert!(t.held().waits);
    }
}
