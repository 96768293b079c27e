//! The reactor: listeners, one task per connection, output queues and the session table.
//!
//! It works on plain Rust data (session ids and byte slices) and reports what happens through
//! [`EventSink`], which the PHP layer implements; it never names PHP. Everything runs on one
//! thread inside a tokio `LocalSet`, so state is `Rc`/`Cell`/`RefCell`; no borrow is held
//! across a sink call, because sink calls run PHP code that re-enters (`send`, `close`,
//! `getClientInfo`).
//!
//! - [`listener`]: binding (constructor, `listen()`) and accepting (TCP, TCP6, unix stream).
//! - [`port`]: one listener's own settings, framing and heartbeat inside the reactor.
//! - [`dgram`]: datagram listeners (UDP, UDP6, unix datagram): onPacket and `sendto()`.
//! - [`conn`]: one open session: its socket, output queue, times and flags.
//! - [`reactor`]: accept loop, per-connection task (read, frame, deliver, flush), `send()`,
//!   `close()`, pause/resume, cross-worker forwarded calls, graceful drain; `stats()` counters.
//! - [`heartbeat`]: the heartbeat's schedule (an ordered wheel of due sessions, so a check
//!   costs O(due), not O(open connections)).
//! - [`sockopt`]: TCP options of `set()` applied to the listening socket and the workers.
//! - [`tls`]: `ssl_*` options → rustls config (certificates, cipher strings, client
//!   verification, SNI), the per-listener acceptor that `reload()` swaps.
//! - [`session`]: the session table (ids never reused, ordered for `getClientList()`).
//! - [`uring`]: the io_uring backend (`reactor_type`): a ring per worker beside tokio,
//!   serving plain TCP and unix stream connections' reads and writes in BASE mode.
//! - [`proxy`]: the PROXY protocol header (v1/v2), pure; `proxy_accept` reads it from a
//!   new connection before it becomes a session (`open_proxy_protocol`).

pub mod conn;
pub mod dgram;
pub mod heartbeat;
pub mod listener;
pub mod port;
pub mod proxy;
pub(crate) mod proxy_accept;
pub mod reactor;
pub mod session;
pub mod sockopt;
pub mod tls;
pub mod uring;

use std::time::{SystemTime, UNIX_EPOCH};

pub use conn::{CloseReason, Conn};
pub use dgram::Peer;
pub use listener::Listener;
pub use port::{PortCfg, PortKind};
pub use reactor::{Reactor, SendError, SendfileError, Stats};

/// Swoole error codes the reactor reports (include/swoole_error.h, v6.1.7).
pub mod code {
    pub const SESSION_CLOSED: i64 = 1004;
    pub const SESSION_NOT_EXIST: i64 = 1005;
    pub const OUTPUT_BUFFER_OVERFLOW: i64 = 1009;
    pub const PACKAGE_LENGTH_TOO_LARGE: i64 = 1201;
    pub const DATA_LENGTH_TOO_LARGE: i64 = 1203;
    pub const PACKAGE_MALFORMED_DATA: i64 = 1204;
}

/// The warning a framing error gives when it closes a connection (Swoole's text and error
/// code), so BASE mode's reactor and SWOOLE_PROCESS's master report it alike.
pub fn framing_warning(err: &crate::codec::FrameError, ip: &str, port: u16) -> (i64, String) {
    match err {
        crate::codec::FrameError::TooLarge { length, max } => (
            code::PACKAGE_LENGTH_TOO_LARGE,
            format!(
                "the received packet length {length} is too large (package_max_length is {max}), remote_addr={ip}:{port}"
            ),
        ),
        crate::codec::FrameError::Malformed { buffered } => (
            code::PACKAGE_MALFORMED_DATA,
            format!("received {buffered} bytes of malformed data, remote_addr={ip}:{port}"),
        ),
    }
}

/// What the reactor tells the layer above. Implementations run user code. `port` is the
/// index of the listener involved (0: the primary port), whose callbacks apply.
pub trait EventSink {
    fn on_connect(&self, port: usize, id: u64);
    fn on_receive(&self, port: usize, id: u64, data: &[u8]);
    /// After an onReceive or onPacket, once the request is counted (`max_request`
    /// recycling looks here).
    fn after_receive(&self, _id: u64) {}
    /// Called exactly once per session, before its socket is closed.
    fn on_close(&self, port: usize, id: u64, reactor_id: i64);
    /// One datagram on a UDP or unix datagram listener.
    fn on_packet(&self, _port: usize, _data: &[u8], _peer: &Peer) {}
    /// A framing error ends the connection; the sink reports it (Swoole logs a warning).
    fn on_protocol_error(&self, id: u64, code: i64, message: String);
    /// A problem the reactor cannot pin on one callback (accept failures, `max_connection`,
    /// a forwarded send that overflowed). Swoole writes these to its log; the PHP layer
    /// raises a warning so they reach the same place as every other diagnostic.
    fn on_warning(&self, message: &str);
    /// A whole message from another process's channel (a task, a task's result, a pipe
    /// message; never a forwarded `send()`/`close()`, which the reactor serves itself).
    fn on_message(&self, _header: crate::process::channel::Header, _payload: &[u8]) {}
    /// The output queue reached `buffer_high_watermark` (once per crossing).
    fn on_buffer_full(&self, _port: usize, _id: u64) {}
    /// After a BufferFull, the queue drained to `buffer_low_watermark`.
    fn on_buffer_empty(&self, _port: usize, _id: u64) {}
    /// `package_length_func`: total packet length, 0 for "need more", < 0 for malformed.
    fn custom_length(&self, _port: usize, _id: u64, _buffered: &[u8]) -> i64 {
        -1
    }
}

/// Seconds since the epoch, as Swoole reports connection times.
///
/// Uses the coarse real-time clock (a few ns, millisecond-level resolution): these times are
/// read several times per message, and the precise clock showed up as ~7% of the server's
/// user-space time per request in `perf`. Connection timestamps do not need microseconds.
pub fn now() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out-parameter.
    if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) } == 0 {
        return ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9;
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
