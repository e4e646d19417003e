//! A database connection pool of fixed size, as a threaded Odoo has one
//! (`db_maxconn`): each RPC request holds a connection while it runs, and a
//! request that finds none free fails with `psycopg2.pool.PoolError` before
//! its method runs (on Odoo 16, as an HTML 500 page). With a service time,
//! requests last long enough to overlap, as they do on a real server, so a
//! client that sends too many at once meets the pool's limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The pool: its size, how long a request holds a connection at least, and
/// how many requests it refused.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionPool {
    connections: Arc<Semaphore>,
    size: usize,
    service_time: Duration,
    refused: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

impl ConnectionPool {
    /// A pool of `size` connections (at least 1); each request holds one for
    /// at least `service_time`.
    pub(crate) fn new(size: usize, service_time: Duration) -> Self {
        let size = size.max(1);
        ConnectionPool {
            connections: Arc::new(Semaphore::new(size)),
            size,
            service_time,
            refused: Arc::default(),
            peak: Arc::default(),
        }
    }

    /// Take a connection, or `None` when all are in use (the request then
    /// fails with `PoolError`, counted).
    pub(crate) fn borrow(&self) -> Option<OwnedSemaphorePermit> {
        match self.connections.clone().try_acquire_owned() {
            Ok(permit) => {
                let in_use = (self.size - self.connections.available_permits()) as u64;
                self.peak.fetch_max(in_use, Ordering::Relaxed);
                Some(permit)
            }
            Err(_) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// How long a request holds its connection at least.
    pub(crate) fn service_time(&self) -> Duration {
        self.service_time
    }

    /// Requests refused with `PoolError` so far.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// The most connections in use at once so far.
    pub(crate) fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_pool_refuses_and_counts() {
        let pool = ConnectionPool::new(2, Duration::ZERO);
        let a = pool.borrow();
        let b = pool.borrow();
        assert!(a.is_some() && b.is_some());
        assert!(pool.borrow().is_none());
        assert_eq!(pool.refused(), 1);
        assert_eq!(pool.peak(), 2);
        drop(a);
        assert!(pool.borrow().is_some());
    }
}
