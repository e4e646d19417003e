//! How many calls a client keeps in flight, adjusted the way TCP adjusts its
//! window (AIMD): halved when the server says it is overloaded (`PoolError`,
//! 429, 503), then raised by one for each full window of calls that went
//! through, up to the configured `max_in_flight`.
//!
//! An Odoo server runs each request on a database connection from a pool
//! (`db_maxconn`, 64 by default) and one request can hold two. A client that
//! keeps more calls in flight than the server can serve only makes requests
//! fail with `PoolError`; this limit keeps it below that.

use std::sync::Mutex;

use tokio::sync::Semaphore;

/// The adaptive in-flight limit of one client, shared by all its sessions.
#[derive(Debug)]
pub(crate) struct InFlight {
    slots: Semaphore,
    state: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    /// Calls allowed in flight now.
    limit: usize,
    /// The configured ceiling.
    max: usize,
    /// Slots still to be taken away: permits that are forgotten when they
    /// come back instead of being returned.
    debt: usize,
    /// Calls that succeeded since the limit last grew.
    successes: usize,
    /// Bumped on every decrease; a call that started before the last
    /// decrease does not decrease the limit again (one halving per window,
    /// as TCP halves once per round trip).
    epoch: u64,
}

/// A slot taken from [`InFlight`]; given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot<'a> {
    owner: &'a InFlight,
    epoch: u64,
}

impl InFlight {
    /// A limit starting at, and never above, `max` (at least 1).
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        InFlight {
            slots: Semaphore::new(max),
            state: Mutex::new(Window {
                limit: max,
                max,
                debt: 0,
                successes: 0,
                epoch: 0,
            }),
        }
    }

    fn window(&self) -> std::sync::MutexGuard<'_, Window> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wait for a free slot. `None` only if the semaphore was closed, which
    /// this type never does.
    pub(crate) async fn acquire(&self) -> Option<Slot<'_>> {
        let permit = self.slots.acquire().await.ok()?;
        // Returned by hand in `Slot::drop`, so that a slot taken away while
        // the call ran can be kept instead.
        permit.forget();
        let epoch = self.window().epoch;
        Some(Slot { owner: self, epoch })
    }

    /// The current limit.
    pub(crate) fn limit(&self) -> usize {
        self.window().limit
    }

    /// The configured ceiling.
    pub(crate) fn max(&self) -> usize {
        self.window().max
    }
}

impl Slot<'_> {
    /// The call went through: grow the window by one every `limit` successes.
    pub(crate) fn succeeded(&self) {
        let mut w = self.owner.window();
        if w.limit >= w.max {
            return;
        }
        w.successes += 1;
        if w.successes >= w.limit {
            w.successes = 0;
            w.limit += 1;
            if w.debt > 0 {
                w.debt -= 1;
            } else {
                self.owner.slots.add_permits(1);
            }
            tracing::trace!(target: "odoo::overload", limit = w.limit, "in-flight limit raised");
        }
    }

    /// The server said it is overloaded: halve the window (once per window).
    pub(crate) fn overloaded(&self) {
        let mut w = self.owner.window();
        if self.epoch != w.epoch || w.limit <= 1 {
            return;
        }
        let new_limit = (w.limit / 2).max(1);
        let cut = w.limit - new_limit;
        w.limit = new_limit;
        w.successes = 0;
        w.epoch += 1;
        // Take idle slots away now; the rest as calls in flight come back.
        let taken = self.owner.slots.forget_permits(cut);
        w.debt += cut - taken;
        tracing::debug!(target: "odoo::overload", limit = new_limit, "server overloaded: in-flight limit halved");
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut w = self.owner.window();
        if w.debt > 0 {
            w.debt -= 1;
        } else {
            self.owner.slots.add_permits(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn overload_halves_once_per_window_and_successes_grow_it_back() {
        let limit = InFlight::new(8);
        let a = limit.acquire().await.expect("slot");
        let b = limit.acquire().await.expect("slot");
        a.overloaded();
        // b started before the decrease: no second halving.
        b.overloaded();
        assert_eq!(limit.limit(), 4);
        drop(a);
        drop(b);
        // 4 slots, no more.
        let held: Vec<_> = futures_util::future::join_all((0..4).map(|_| limit.acquire()))
            .await
            .into_iter()
            .map(|s| s.expect("slot"))
            .collect();
        assert!(limit.slots.try_acquire().is_err());
        // A window of successes adds one slot.
        for slot in &held {
            slot.succeeded();
        }
        assert_eq!(limit.limit(), 5);
        let extra = limit.slots.try_acquire().expect("the new slot");
        drop(extra);
        drop(held);
        assert_eq!(limit.slots.available_permits(), 5);
    }

    #[tokio::test]
    async fn never_below_one_nor_above_the_ceiling() {
        let limit = InFlight::new(2);
        for _ in 0..5 {
            let s = limit.acquire().await.expect("slot");
            s.overloaded();
        }
        assert_eq!(limit.limit(), 1);
        for _ in 0..100 {
            let s = limit.acquire().await.expect("slot");
            s.succeeded();
        }
        assert_eq!(limit.limit(), 2);
        assert_eq!(limit.slots.available_permits(), 2);
    }
}
