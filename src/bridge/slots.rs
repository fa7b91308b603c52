//! The bridge's connection slots. A fixed number, so that pages cannot exhaust threads or file
//! descriptors; when all are taken, the connection that has been idle longest without a login
//! gives its slot to the new one, so that idle or half-open connections (a hostile page, a
//! slow handshake) never lock real pages out. A slot is freed when its guard is dropped: on
//! every way its connection's thread ends, a panic included.

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct State {
    last_call: Mutex<Instant>,
    logged_in: AtomicBool,
    /// A handle on the socket, to end the connection when its slot is given away.
    stream: TcpStream,
}

pub struct Slots {
    max: usize,
    open: Arc<Mutex<HashMap<u64, Arc<State>>>>,
}

/// A taken slot; dropping it frees it.
pub struct Slot {
    id: u64,
    state: Arc<State>,
    open: Arc<Mutex<HashMap<u64, Arc<State>>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Slots {
    pub fn new(max: usize) -> Slots {
        Slots { max: max.max(1), open: Arc::new(Mutex::new(HashMap::new())) }
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// A slot for connection `id`, freeing the longest-idle one without a login if all are
    /// taken; `None` when every slot is held by a logged-in page.
    pub fn take(&self, id: u64, stream: TcpStream) -> Option<Slot> {
        let mut open = lock(&self.open);
        if open.len() >= self.max {
            let victim = open
                .iter()
                .filter(|(_, s)| !s.logged_in.load(Ordering::SeqCst))
                .max_by_key(|(_, s)| lock(&s.last_call).elapsed())
                .map(|(id, _)| *id)?;
            let state = open.remove(&victim).expect("found above");
            // Its thread sees the connection end and leaves; its slot is already ours.
            let _ = state.stream.shutdown(Shutdown::Both);
        }
        let state = Arc::new(State {
            last_call: Mutex::new(Instant::now()),
            logged_in: AtomicBool::new(false),
            stream,
        });
        open.insert(id, state.clone());
        Some(Slot { id, state, open: self.open.clone() })
    }

    #[cfg(test)]
    fn in_use(&self) -> usize {
        lock(&self.open).len()
    }
}

impl Slot {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The page made a call.
    pub fn touch(&self) {
        *lock(&self.state.last_call) = Instant::now();
    }

    /// Since the last call (or the connection, before any).
    pub fn idle(&self) -> Duration {
        lock(&self.state.last_call).elapsed()
    }

    /// Whether the page is logged in to a key: such a connection keeps its slot.
    pub fn set_logged_in(&self, yes: bool) {
        self.state.logged_in.store(yes, Ordering::SeqCst);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        // Only our own entry: a slot given away is already someone else's.
        if open.get(&self.id).is_some_and(|s| Arc::ptr_eq(s, &self.state)) {
            open.remove(&self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (TcpStream, TcpStream) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        (l.accept().unwrap().0, c)
    }

    #[test]
    fn the_longest_idle_page_without_a_login_gives_way() {
        let slots = Slots::new(2);
        let (a, _ca) = pair();
        let (b, mut cb) = pair();
        let first = slots.take(1, a).unwrap();
        first.set_logged_in(true);
        std::thread::sleep(Duration::from_millis(20));
        let second = slots.take(2, b).unwrap();
        let (c, _cc) = pair();
        let third = slots.take(3, c).expect("the idle page without a login gives way");
        assert_eq!(slots.in_use(), 2);
        // The connection that gave way is ended.
        use std::io::Read;
        assert_eq!(cb.read(&mut [0u8; 1]).unwrap_or(0), 0);
        drop(second);
        assert_eq!(slots.in_use(), 2, "the slot it had is the new page's now");
        third.set_logged_in(true);
        let (d, _cd) = pair();
        assert!(slots.take(4, d).is_none(), "pages logged in keep their slots");
        drop(first);
        drop(third);
        assert_eq!(slots.in_use(), 0);
    }

    #[test]
    fn a_panicking_connection_frees_its_slot() {
        let slots = Slots::new(1);
        let (a, _ca) = pair();
        let slot = slots.take(1, a).unwrap();
        let _ = std::thread::spawn(move || {
            let _slot = slot;
            panic!("a bug in a connection");
        })
        .join();
        assert_eq!(slots.in_use(), 0);
    }
}
