//! Passwords: argon2id hashes, and their checking in a pool of its own, sized to the cores with
//! a short queue: past it, password logins are answered 429 at once, and nothing else waits
//! for them — not the database's connections, not the pages, not CA logins.

use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use zeroize::Zeroizing;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?
        .to_string())
}

/// Compared against when the account does not exist, so that both cases take the same time.
pub(super) static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("not the password of anyone").expect("argon2 works"));

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Password hashing (argon2) off the async threads and the database's connections, at most one
/// per core at a time, with a short queue.
pub struct Hasher {
    permits: tokio::sync::Semaphore,
    /// Hashes running or waiting.
    in_line: AtomicUsize,
    limit: usize,
}

/// The hasher's queue is full: the caller answers 429 at once.
#[derive(Debug)]
pub struct Busy;

impl Hasher {
    /// `workers` hashes at a time (the cores), and as many again waiting.
    pub fn new(workers: usize) -> Hasher {
        let workers = workers.max(1);
        Hasher {
            permits: tokio::sync::Semaphore::new(workers),
            in_line: AtomicUsize::new(0),
            limit: 2 * workers,
        }
    }

    /// For this machine: one worker per core.
    pub fn for_this_machine() -> Hasher {
        Hasher::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// A place in the hasher's line, taken before anything is counted against the account: a
    /// login the hasher has no room for is refused (429) without costing its account a try.
    /// `Busy` when the line is full.
    pub fn reserve(&self) -> Result<Place<'_>, Busy> {
        if self.in_line.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.in_line.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        Ok(Place { hasher: self })
    }
}

/// A hash running or waiting its turn; its place is given back when it is dropped.
pub struct Place<'a> {
    hasher: &'a Hasher,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.hasher.in_line.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Place<'_> {
    /// Whether `password` matches the PHC `hash`, once a worker is free.
    pub async fn verify(self, password: Zeroizing<String>, hash: String) -> Result<bool, Busy> {
        let _permit = self.hasher.permits.acquire().await.map_err(|_| Busy)?;
        tokio::task::spawn_blocking(move || password_matches(&password, &hash))
            .await
            .map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_hasher_answers_busy_past_its_queue() {
        let h = std::sync::Arc::new(Hasher::new(1));
        let hash = hash_password("pw").unwrap();
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (h, hash) = (h.clone(), hash.clone());
            tasks.push(tokio::spawn(async move {
                h.reserve()?.verify(Zeroizing::new("pw".into()), hash).await
            }));
        }
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(ok) => assert!(ok),
                Err(Busy) => busy += 1,
            }
        }
        assert!(busy >= 1, "a queue of 2 cannot hold 6 at once");
    }
}
