//! Processes: everything about the manager and its workers that is not PHP.
//!
//! - [`signals`]: graceful SIGTERM/SIGINT (and the manager's SIGUSR1/SIGCHLD) through a pipe
//!   the loop watches, never through PHP's or tokio's handlers; signal masks around `fork()`.
//! - [`shm`]: the pages every worker shares: session-id counter, `stats()` counters, worker
//!   pids, and the session owner table behind cross-worker `send()`/`close()`/`getClientInfo()`.
//! - [`channel`]: messages between processes (one framing, chunking of large payloads),
//!   today the calls forwarded to a session's owner.
//! - [`supervisor`]: the manager: fork, restart back-off, reload one worker at a time,
//!   `max_request` recycling, the shutdown deadline. It reports to the PHP layer through
//!   [`supervisor::ManagerHooks`].
//! - [`master`]: SWOOLE_PROCESS's master: reactor threads that own the client sockets,
//!   frame the data and exchange whole packets with the workers (no PHP).
//! - [`certs`]: SWOOLE_PROCESS's TLS client certificates, readable from every process.
//! - [`dispatch`]: SWOOLE_PROCESS's `dispatch_mode` decisions and the shared load counters.
//! - [`systemd`]: `Type=notify` readiness (READY/RELOADING/STOPPING) and socket activation.
//! - [`log`]: the Swoole-format log (`log_file`, `log_level`, date format, rotation, reopen).
//! - [`metrics`]: `stats()` as OpenMetrics text, with per-worker memory and loop lag.
//! - [`privileges`]: `user`, `group`, `chroot` for the workers of a server started as root.
//!
//! Nothing here names PHP.

pub mod certs;
pub mod channel;
pub mod dispatch;
pub mod log;
pub mod master;
pub mod metrics;
pub mod privileges;
pub mod shm;
pub mod signals;
pub mod supervisor;
pub mod systemd;

pub use channel::{Channel, Inbox, PeerMsg};
pub use shm::{max_processes, Owners, ServerPages, SharedStats, MAX_SLOTS};
pub use signals::SignalGuard;

/// This process's resident memory in bytes (from /proc/self/statm; 0 if unreadable).
pub fn rss_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(0) as u64;
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<u64>().ok())
        .map_or(0, |pages| pages * page)
}

pub fn getpid() -> i64 {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() as i64 }
}

/// A cheap per-process random number (for the `max_request` jitter): pid and clock mixed
/// through splitmix64.
pub fn random_u64() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut z = t ^ ((getpid() as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_numbers_vary() {
        let a: std::collections::HashSet<u64> = (0..50).map(|_| random_u64()).collect();
        assert!(a.len() > 40);
    }
}
