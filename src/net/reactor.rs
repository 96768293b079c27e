//! The reactor proper: the accept loop, one task per connection (read, frame, deliver,
//! flush), `send()`/`close()`/pause, calls forwarded by other workers, and graceful drain.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::ReadBuf;
use tokio::sync::Notify;

use super::conn::{set_linger_zero, Chunk, CloseReason, Conn, Stream};
use super::dgram::Peer;
use super::heartbeat::{self, Verdict};
use super::port::PortCfg;
use super::session::SessionTable;
use super::{now, EventSink, Listener};
use crate::codec::{Decoder, Framing};
use crate::options::Settings;
use crate::process::channel::{decode, Header, Reassembler, HEADER_LEN, MAX_PAYLOAD};
use crate::process::{Channel, Inbox, Owners, PeerMsg, SharedStats, MAX_SLOTS};

/// How often a worker publishes its health (see [`Reactor::health_loop`]).
const HEALTH_TICK: Duration = Duration::from_millis(500);

/// At most one accept-failure warning per this period (see [`Reactor::accept_loop`]).
const ACCEPT_WARN_EVERY: Duration = Duration::from_secs(10);

/// Size of the shared read buffer: Swoole delivers at most 64 KiB per raw onReceive.
pub const READ_BUF: usize = 64 * 1024;

/// Counters behind `stats()`: server-wide ones in [`SharedStats`] (a shared mapping when
/// there are several workers), and this worker's own.
pub struct Stats {
    shared: StatsRef,
    /// Who owns which session, with several workers.
    pub owners: Option<&'static Owners>,
    pid: i32,
    /// This worker's slot in the shared page (its worker id).
    pub slot: usize,
    pub worker_request_count: Cell<u64>,
    pub worker_response_count: Cell<u64>,
}

enum StatsRef {
    Owned(Box<SharedStats>),
    Mapped(&'static SharedStats),
}

impl Stats {
    pub fn shared(&self) -> &SharedStats {
        match &self.shared {
            StatsRef::Owned(b) => b,
            StatsRef::Mapped(r) => r,
        }
    }

    fn slot_connections(&self) -> &std::sync::atomic::AtomicU64 {
        &self.shared().connections[self.slot % MAX_SLOTS]
    }
}

fn bump(c: &Cell<u64>, by: u64) {
    c.set(c.get().wrapping_add(by));
}

/// Why `send()` failed, mapped to Swoole error codes by the PHP layer.
#[derive(Debug, PartialEq)]
pub enum SendError {
    NotExist,
    Closed,
    Overflow,
    /// One send larger than `buffer_output_size`.
    TooLarge,
}

/// Why `sendfile()` failed.
#[derive(Debug)]
pub enum SendfileError {
    Send(SendError),
    /// The file could not be opened or examined (errno).
    Open(io::Error),
    NotRegular,
    /// `offset` is at or past the end of the file.
    Empty(u64),
}

pub struct Reactor {
    pub sessions: RefCell<SessionTable<Rc<Conn>>>,
    pub stats: Stats,
    /// The server's settings (process-wide ones: `worker_num`, `max_connection`, …).
    pub settings: Settings,
    /// Every listener, index 0 the primary port; connection-level settings come from here.
    pub ports: Vec<PortCfg>,
    sink: RefCell<Option<Rc<dyn EventSink>>>,
    read_buf: RefCell<Vec<u8>>,
    live_tasks: Cell<usize>,
    tasks_done: Notify,
    /// Set when shutdown begins: no new connection is served after it.
    pub stopping: Cell<bool>,
    /// This worker's channel (with several workers), read by [`Reactor::peer_loop`].
    inbox: std::cell::OnceCell<Inbox>,
    reassembler: RefCell<Reassembler>,
    /// Frames were stashed in the inbox outside the peer loop: it should look again.
    inbox_stashed: Notify,
    /// Stop taking messages from the channel (a task worker stopping for a reload leaves
    /// what is queued to its replacement). Checked between whole messages only.
    pub inbox_hold: Cell<bool>,
    /// Receive buffer of [`Reactor::wait_message`], kept: zeroing 60 KiB per `taskwait()`
    /// showed in its latency.
    wait_buf: RefCell<Vec<u8>>,
    /// TLS handshakes in progress: they hold sockets too, so `max_connection` counts them.
    handshakes: Cell<usize>,
}

impl Reactor {
    pub fn new(
        settings: Settings,
        ports: Vec<PortCfg>,
        shared: Option<(&'static SharedStats, usize)>,
        owners: Option<&'static Owners>,
    ) -> Rc<Self> {
        let (shared, slot) = match shared {
            Some((s, slot)) => (StatsRef::Mapped(s), slot),
            None => (
                StatsRef::Owned(SharedStats::boxed(settings.start_session_id, now() as u64)),
                0,
            ),
        };
        let st = Stats {
            shared,
            owners,
            // SAFETY: getpid has no preconditions.
            pid: unsafe { libc::getpid() },
            slot,
            worker_request_count: Cell::new(0),
            worker_response_count: Cell::new(0),
        };
        Rc::new(Reactor {
            sessions: RefCell::new(SessionTable::new(settings.start_session_id)),
            stats: st,
            settings,
            ports,
            sink: RefCell::new(None),
            read_buf: RefCell::new(vec![0; READ_BUF]),
            live_tasks: Cell::new(0),
            tasks_done: Notify::new(),
            stopping: Cell::new(false),
            inbox: std::cell::OnceCell::new(),
            reassembler: RefCell::new(Reassembler::default()),
            inbox_stashed: Notify::new(),
            inbox_hold: Cell::new(false),
            wait_buf: RefCell::new(Vec::new()),
            handshakes: Cell::new(0),
        })
    }

    /// Gives the reactor this worker's channel (before [`Reactor::peer_loop`] runs).
    pub fn set_inbox(&self, rx: RawFd) {
        let _ = self.inbox.set(Inbox::new(rx));
    }

    pub fn inbox(&self) -> Option<&Inbox> {
        self.inbox.get()
    }

    /// Sends a message to another process's channel; while the receiver is full, this
    /// worker's own incoming frames are stashed (see [`Channel::send_message`]) when `drain`.
    pub fn send_message(
        &self,
        to: &Channel,
        header: Header,
        payload: &[u8],
        drain: bool,
        limit: Duration,
    ) -> io::Result<()> {
        let inbox = if drain { self.inbox() } else { None };
        let r = to.send_message(header, payload, inbox, limit);
        if inbox.is_some_and(|i| i.has_stashed()) {
            self.inbox_stashed.notify_one();
        }
        r
    }

    /// Blocks (no event loop) until a whole message `wanted` arrives or `deadline` passes;
    /// everything else that arrives meanwhile is stashed for the event loop, in order.
    /// `taskwait()` uses it.
    pub fn wait_message(
        &self,
        deadline: std::time::Instant,
        wanted: &dyn Fn(&Header) -> bool,
    ) -> Option<(Header, Vec<u8>)> {
        let inbox = self.inbox()?;
        // Never re-entered: nothing below calls back into PHP.
        let mut buf = self.wait_buf.borrow_mut();
        buf.resize(HEADER_LEN + MAX_PAYLOAD, 0);
        let mut out = None;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            // Millisecond polls, rounded up, so a timeout is honoured within about 1 ms.
            let ms = (left.as_micros().div_ceil(1000)).min(1000) as i32;
            let Some(raw) = inbox.recv(&mut buf, ms) else {
                continue;
            };
            let Some(frame) = decode(&raw) else {
                continue;
            };
            if wanted(&frame.header) {
                let whole = self.reassembler.borrow_mut().push(&frame);
                if whole.is_some() {
                    out = whole;
                    break;
                }
            } else {
                inbox.stash(raw);
            }
        }
        if inbox.has_stashed() {
            self.inbox_stashed.notify_one();
        }
        out
    }

    pub fn set_sink(&self, sink: Rc<dyn EventSink>) {
        *self.sink.borrow_mut() = Some(sink);
    }

    /// Drops the sink (and the PHP values it holds) before the engine tears down.
    pub fn clear_sink(&self) {
        self.sink.borrow_mut().take();
    }

    pub(super) fn sink(&self) -> Option<Rc<dyn EventSink>> {
        self.sink.borrow().clone()
    }

    /// Reports a problem through the sink (which runs on this thread, like everything here).
    pub(super) fn warn(&self, message: &str) {
        if let Some(sink) = self.sink() {
            sink.on_warning(message);
        }
    }

    pub fn get(&self, id: u64) -> Option<Rc<Conn>> {
        self.sessions.borrow().get(id)
    }

    /// The settings of the listener that accepted `conn`.
    fn port_settings(&self, conn: &Conn) -> &Settings {
        &self.ports[conn.port].settings
    }

    /// Accepts on listener `port` until shutdown. Accept errors (e.g. EMFILE) back off
    /// instead of spinning.
    pub async fn accept_loop(self: Rc<Self>, port: usize, listener: Listener) {
        let nodelay = self.ports[port].settings.open_tcp_nodelay;
        let proxy_protocol = self.ports[port].settings.open_proxy_protocol;
        // Out of descriptors (EMFILE) lasts as long as the connections do: one warning per
        // ACCEPT_WARN_EVERY with the count of failures since, not one every 100 ms.
        let mut last_warn: Option<std::time::Instant> = None;
        let mut failures_since = 0u64;
        loop {
            if self.stopping.get() {
                return;
            }
            let accepted = listener.accept(nodelay, || self.above_fair_share()).await;
            if self.stopping.get() {
                return;
            }
            match accepted {
                Ok((stream, ip, remote_port)) if proxy_protocol => {
                    // The header is read in its own task: a slow balancer must not hold up
                    // the accept loop. Behind it comes the TLS handshake, on a TLS port.
                    tokio::task::spawn_local(self.clone().admit_proxied(
                        port,
                        stream,
                        ip,
                        remote_port,
                    ));
                }
                Ok((Stream::Tcp(tcp), ip, remote_port)) if self.ports[port].tls.is_some() => {
                    self.clone()
                        .start_handshake(port, tcp, ip, remote_port, None);
                }
                // A TLS listener never serves plain text (start() refuses TLS on anything
                // but TCP; this only guards that rule).
                Ok(_) if self.ports[port].tls.is_some() => {}
                Ok((stream, ip, remote_port)) => {
                    if !self.clone().admit(port, stream, ip, remote_port, None) {
                        // As Swoole: stop accepting for a moment instead of refusing every
                        // connection in the backlog at full speed.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                Err(e) => {
                    failures_since += 1;
                    if last_warn.is_none_or(|t| t.elapsed() >= ACCEPT_WARN_EVERY) {
                        let more = if failures_since > 1 {
                            format!(" ({failures_since} failures since the last warning)")
                        } else {
                            String::new()
                        };
                        self.warn(&format!("accept() failed: {e}; retrying in 100 ms{more}"));
                        last_warn = Some(std::time::Instant::now());
                        failures_since = 0;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Runs the TLS handshake in its own task, so a slow client never delays accepting; the
    /// session exists (id, onConnect) only once it succeeded. A failure or timeout costs
    /// that socket alone: no onConnect, no onClose, counted in `ssl_handshake_fail_count`.
    pub(super) fn start_handshake(
        self: Rc<Self>,
        listener: usize,
        tcp: tokio::net::TcpStream,
        ip: String,
        port: u16,
        proxied: Option<Box<super::proxy::Proxied>>,
    ) {
        let Some(tls) = self.ports[listener].tls.clone() else {
            return;
        };
        let open = self.sessions.borrow().len() + self.handshakes.get();
        if open >= self.settings.max_connection {
            SharedStats::add(&self.stats.shared().abort_count, 1);
            self.warn(&format!(
                "Too many connections [now: {open}, of which {} in a TLS handshake], max_connection is {}",
                self.handshakes.get(),
                self.settings.max_connection
            ));
            return;
        }
        let accept = tls.acceptor().accept(tcp);
        let limit = tls.handshake_timeout;
        self.handshakes.set(self.handshakes.get() + 1);
        tokio::task::spawn_local(async move {
            let done = tokio::time::timeout(limit, accept).await;
            self.handshakes.set(self.handshakes.get() - 1);
            if self.stopping.get() {
                return;
            }
            match done {
                Ok(Ok(stream)) => {
                    self.admit(listener, Stream::Tls(Box::new(stream)), ip, port, proxied);
                }
                Ok(Err(_)) | Err(_) => {
                    SharedStats::add(&self.stats.shared().ssl_handshake_fail_count, 1);
                }
            }
        });
    }

    /// With several workers: whether this one holds clearly more than its share of the
    /// server's open connections.
    fn above_fair_share(&self) -> bool {
        let n = self.settings.worker_num as u64;
        if n <= 1 || matches!(self.stats.shared, StatsRef::Owned(_)) {
            return false;
        }
        let mine = self.sessions.borrow().len() as u64;
        let total = self.stats.shared().connection_num();
        mine > total / n + 4
    }

    /// Starts serving an accepted connection; false if it was refused (`max_connection`).
    /// `proxied`: it came through a PROXY protocol header (see `proxy_accept`).
    pub(super) fn admit(
        self: Rc<Self>,
        port: usize,
        stream: Stream,
        remote_ip: String,
        remote_port: u16,
        proxied: Option<Box<super::proxy::Proxied>>,
    ) -> bool {
        if self.sessions.borrow().len() >= self.settings.max_connection {
            SharedStats::add(&self.stats.shared().abort_count, 1);
            self.warn(&format!(
                "Too many connections [now: {}], max_connection is {}",
                self.sessions.borrow().len(),
                self.settings.max_connection
            ));
            return false;
        }
        // The io_uring backend takes plain sockets; TLS and PROXY-protocol ones stay on epoll.
        let stream = match (super::uring::current(), proxied.is_none()) {
            (Some(driver), true) => match stream.into_uring(&driver) {
                Some(s) => s,
                None => return true,
            },
            _ => stream,
        };
        let id = self.stats.shared().next_id();
        let t = now();
        let delay = self.ports[port].settings.enable_delay_receive;
        let conn = Rc::new(Conn {
            id,
            port,
            socket_fd: stream.raw_fd(),
            remote_ip,
            remote_port,
            proxied,
            tls: stream.is_tls(),
            ssl_client_cert: stream.peer_certificate_pem(),
            connect_time: t,
            last_recv_time: Cell::new(0.0),
            last_send_time: Cell::new(0.0),
            last_dispatch_time: Cell::new(0.0),
            out: RefCell::new(VecDeque::new()),
            out_offset: Cell::new(0),
            out_bytes: Cell::new(0),
            out_files: Cell::new(0),
            buffer_full: Cell::new(false),
            pending_full: Cell::new(false),
            pending_empty: Cell::new(false),
            protected: Cell::new(false),
            delayed: Cell::new(delay),
            close_reason: Cell::new(CloseReason::ServerClose),
            recv_queued: Cell::new(0),
            closing: Cell::new(false),
            reset: Cell::new(false),
            paused: Cell::new(delay),
            waker: RefCell::new(None),
            ring: stream.uring_io(),
        });
        let cfg = &self.ports[port];
        if let Some((_, idle)) = cfg.heartbeat {
            cfg.wheel
                .borrow_mut()
                .schedule(id, heartbeat::ms(t) + idle.as_millis() as u64);
        }
        if let Some((limit, _)) = cfg.max_idle {
            cfg.idle_wheel
                .borrow_mut()
                .schedule(id, heartbeat::ms(t) + limit.as_millis() as u64);
        }
        self.sessions.borrow_mut().insert(id, conn.clone());
        SharedStats::add(self.stats.slot_connections(), 1);
        if let Some(o) = self.stats.owners {
            o.set(id, self.stats.pid);
            o.set_listener(id, port as u16);
            o.set_proxied(id, conn.proxied.as_deref());
            o.publish(
                id,
                &conn.remote_ip,
                conn.remote_port,
                self.stats.slot as u16,
                conn.socket_fd,
                t,
            );
        }
        SharedStats::add(&self.stats.shared().accept_count, 1);
        self.live_tasks.set(self.live_tasks.get() + 1);
        tokio::task::spawn_local(self.run_conn(conn, stream));
        true
    }

    async fn run_conn(self: Rc<Self>, conn: Rc<Conn>, mut stream: Stream) {
        if let Some(sink) = self.sink() {
            sink.on_connect(conn.port, conn.id);
        }
        let cfg = &self.ports[conn.port];
        let mut decoder = match cfg.framing {
            Framing::Raw => None,
            ref f => Some(Decoder::new(f.clone(), cfg.settings.package_max_length)),
        };
        loop {
            let ev = poll_fn(|cx| self.poll_conn(&conn, &mut stream, cx)).await;
            match ev {
                ConnEvent::Data(n) => {
                    SharedStats::add(&self.stats.shared().total_recv_bytes, n as u64);
                    let t = now();
                    conn.last_recv_time.set(t);
                    conn.last_dispatch_time.set(t);
                    if let Some(o) = self.stats.owners {
                        o.touch(conn.id, Some(t), None);
                    }
                    if let Err((code, msg)) = self.deliver(&conn, n, decoder.as_mut()) {
                        if let Some(sink) = self.sink() {
                            sink.on_protocol_error(conn.id, code, msg);
                        }
                        self.close_with(conn.id, 0, false, CloseReason::ProtocolError);
                    }
                }
                ConnEvent::PeerClosed(reason) => {
                    self.close_with(conn.id, 0, false, reason);
                }
                ConnEvent::BufferFull => {
                    if let Some(sink) = self.sink() {
                        sink.on_buffer_full(conn.port, conn.id);
                    }
                }
                ConnEvent::BufferEmpty => {
                    if let Some(sink) = self.sink() {
                        sink.on_buffer_empty(conn.port, conn.id);
                    }
                }
                ConnEvent::Finished => break,
            }
        }
        if conn.reset.get() {
            set_linger_zero(stream.raw_fd());
        } else if let Stream::Tls(tls) = &mut stream {
            // close_notify, so the peer can tell our close from a truncation; bounded, as
            // a peer that stopped reading must not hold the task.
            tls.get_mut().1.send_close_notify();
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                poll_fn(|cx| stream.poll_flush_tls(cx)),
            )
            .await;
        }
        drop(stream);
        self.live_tasks.set(self.live_tasks.get() - 1);
        if self.live_tasks.get() == 0 {
            self.tasks_done.notify_waiters();
        }
    }

    /// One datagram read on listener `port`: onPacket, then counted as a request (as Swoole
    /// counts it: `stats()` inside onPacket does not include it yet).
    pub(super) fn deliver_packet(&self, port: usize, data: &[u8], peer: &Peer) {
        SharedStats::add(&self.stats.shared().total_recv_bytes, data.len() as u64);
        if let Some(sink) = self.sink() {
            sink.on_packet(port, data, peer);
            SharedStats::add(&self.stats.shared().request_count, 1);
            bump(&self.stats.worker_request_count, 1);
            sink.after_receive(0);
        }
    }

    /// A request counts once its onReceive returned, as in Swoole: `stats()` read inside the
    /// callback does not include the request being handled.
    fn count_request(&self, sink: &dyn EventSink, id: u64) {
        SharedStats::add(&self.stats.shared().request_count, 1);
        bump(&self.stats.worker_request_count, 1);
        sink.after_receive(id);
    }

    /// Hands `n` freshly read bytes (in the shared read buffer) to the sink, framed.
    fn deliver(
        &self,
        conn: &Conn,
        n: usize,
        decoder: Option<&mut Decoder>,
    ) -> Result<(), (i64, String)> {
        let Some(sink) = self.sink() else {
            return Ok(());
        };
        let Some(decoder) = decoder else {
            // Raw: one onReceive per read. The buffer stays borrowed during the callback;
            // nothing a callback can do reads from a socket.
            let buf = self.read_buf.borrow();
            sink.on_receive(conn.port, conn.id, &buf[..n]);
            self.count_request(&*sink, conn.id);
            return Ok(());
        };
        decoder.push(&self.read_buf.borrow()[..n]);
        let custom = matches!(self.ports[conn.port].framing, Framing::Custom);
        let dispatch = |packet: &[u8]| {
            conn.last_dispatch_time.set(now());
            sink.on_receive(conn.port, conn.id, packet);
            self.count_request(&*sink, conn.id);
        };
        loop {
            if conn.is_closing() {
                return Ok(());
            }
            // The packet is lent straight from the decoder's buffer: one copy, into PHP's string.
            let mut result = decoder.next_packet_with(dispatch).map(|p| p.is_some());
            if matches!(result, Ok(false)) && custom && decoder.wants_custom_length() {
                let answer = sink.custom_length(conn.port, conn.id, decoder.buffered());
                result = decoder.apply_custom_length(answer).map(|p| {
                    p.as_deref().map(dispatch);
                    p.is_some()
                });
            }
            conn.recv_queued.set(decoder.buffered_len());
            match result {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    return Err(super::framing_warning(
                        &e,
                        &conn.remote_ip,
                        conn.remote_port,
                    ))
                }
            }
        }
    }

    fn poll_conn(&self, conn: &Conn, stream: &mut Stream, cx: &mut Context<'_>) -> Poll<ConnEvent> {
        // Flush queued output first: it was accepted by send() before anything we read now.
        if conn.has_output() && !conn.reset.get() {
            if let Err(()) = self.poll_flush(conn, stream, cx) {
                if !conn.is_closing() {
                    return Poll::Ready(ConnEvent::PeerClosed(CloseReason::PeerReset));
                }
                return Poll::Ready(ConnEvent::Finished);
            }
        }
        // TLS records rustls still holds count as output not yet sent.
        let tls_pending = match stream.poll_flush_tls(cx) {
            Poll::Ready(Ok(())) => false,
            Poll::Ready(Err(_)) if !conn.is_closing() => {
                return Poll::Ready(ConnEvent::PeerClosed(CloseReason::PeerReset))
            }
            Poll::Ready(Err(_)) => return Poll::Ready(ConnEvent::Finished),
            Poll::Pending => true,
        };
        if conn.pending_full.replace(false) {
            return Poll::Ready(ConnEvent::BufferFull);
        }
        if conn.pending_empty.replace(false) {
            return Poll::Ready(ConnEvent::BufferEmpty);
        }
        if conn.is_closing() {
            if conn.reset.get() || (!conn.has_output() && !tls_pending) {
                return Poll::Ready(ConnEvent::Finished);
            }
        } else if !conn.paused.get() {
            let mut buf = self.read_buf.borrow_mut();
            let mut rb = ReadBuf::new(&mut buf[..]);
            match stream.poll_read(cx, &mut rb) {
                Poll::Ready(Ok(())) => {
                    let n = rb.filled().len();
                    return Poll::Ready(if n == 0 {
                        ConnEvent::PeerClosed(CloseReason::PeerClosed)
                    } else {
                        ConnEvent::Data(n)
                    });
                }
                // rustls: the peer closed the TCP connection without a close_notify
                // (what most clients do); a close, not a failure.
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Poll::Ready(ConnEvent::PeerClosed(CloseReason::PeerClosed))
                }
                Poll::Ready(Err(_)) => {
                    return Poll::Ready(ConnEvent::PeerClosed(CloseReason::PeerReset))
                }
                Poll::Pending => {}
            }
        }
        stream.register(cx);
        let mut w = conn.waker.borrow_mut();
        if !w.as_ref().is_some_and(|old| old.will_wake(cx.waker())) {
            *w = Some(cx.waker().clone());
        }
        Poll::Pending
    }

    /// Writes queued output until the kernel refuses more. `Err` means the peer is gone.
    fn poll_flush(&self, conn: &Conn, stream: &mut Stream, cx: &mut Context<'_>) -> Result<(), ()> {
        let mut out = conn.out.borrow_mut();
        let mut wrote = false;
        while let Some(front) = out.front_mut() {
            let step = match front {
                Chunk::Bytes(bytes) => {
                    let off = conn.out_offset.get();
                    match stream.poll_write(cx, &bytes[off..]) {
                        Poll::Ready(Ok(n)) if n > 0 => {
                            conn.out_bytes.set(conn.out_bytes.get() - n);
                            if off + n == bytes.len() {
                                out.pop_front();
                                conn.out_offset.set(0);
                            } else {
                                conn.out_offset.set(off + n);
                            }
                            Ok(Some(n))
                        }
                        Poll::Ready(_) => Err(()),
                        Poll::Pending => Ok(None),
                    }
                }
                Chunk::File { file, offset, end } => {
                    // The kernel cannot encrypt: over TLS the file is read and written
                    // through rustls instead of sendfile(2).
                    let sent = if stream.is_tls() {
                        poll_file_through(stream, cx, file, offset, *end)
                    } else {
                        poll_sendfile(stream, cx, file, offset, *end)
                    };
                    match sent {
                        Poll::Ready(Ok(n)) => {
                            if *offset >= *end {
                                out.pop_front();
                                conn.out_files.set(conn.out_files.get() - 1);
                            }
                            Ok(Some(n))
                        }
                        Poll::Ready(Err(())) => Err(()),
                        Poll::Pending => Ok(None),
                    }
                }
            };
            match step {
                Ok(Some(n)) => {
                    SharedStats::add(&self.stats.shared().total_send_bytes, n as u64);
                    wrote = true;
                }
                Ok(None) => break,
                Err(()) => {
                    out.clear();
                    conn.out_bytes.set(0);
                    conn.out_files.set(0);
                    conn.out_offset.set(0);
                    return Err(());
                }
            }
        }
        if wrote {
            let t = now();
            conn.last_send_time.set(t);
            if let Some(o) = self.stats.owners {
                o.touch(conn.id, None, Some(t));
            }
            if conn.buffer_full.get()
                && conn.out_bytes.get() <= self.port_settings(conn).buffer_low_watermark
            {
                conn.buffer_full.set(false);
                conn.pending_empty.set(true);
            }
        }
        Ok(())
    }

    /// Counts `written` bytes that `send()` handed to the kernel at once (either backend).
    fn sent_now(&self, conn: &Conn, written: usize) {
        if written > 0 {
            SharedStats::add(&self.stats.shared().total_send_bytes, written as u64);
            let t = now();
            conn.last_send_time.set(t);
            if let Some(o) = self.stats.owners {
                o.touch(conn.id, None, Some(t));
            }
        }
    }

    /// Sends now if the queue is empty (one `send(2)`, no task wake-up), queues the rest.
    pub fn send(&self, id: u64, data: &[u8]) -> Result<(), SendError> {
        let conn = self.get(id).ok_or(SendError::NotExist)?;
        if conn.is_closing() {
            return Err(SendError::Closed);
        }
        if data.len() > self.port_settings(&conn).buffer_output_size {
            return Err(SendError::TooLarge);
        }
        let mut written = 0;
        if let (Some(io), false) = (&conn.ring, conn.has_output()) {
            // io_uring: the first SEND_MAX bytes go straight into a Send (submitted with
            // the loop's next io_uring_enter), the rest is queued like an EAGAIN's rest.
            if io.failed() {
                conn.wake();
                return Err(SendError::Closed);
            }
            written = io.try_send(data);
            self.sent_now(&conn, written);
        } else if !conn.has_output() && !conn.tls {
            loop {
                let rest = &data[written..];
                // SAFETY: socket_fd is open while the session is in the table; the buffer is valid.
                let n = unsafe {
                    libc::send(
                        conn.socket_fd,
                        rest.as_ptr().cast(),
                        rest.len(),
                        libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                    )
                };
                if n >= 0 {
                    written += n as usize;
                    if written == data.len() {
                        break;
                    }
                    continue;
                }
                let err = io::Error::last_os_error();
                match err.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => break,
                    // The reader task notices the dead peer and runs onClose.
                    _ => {
                        conn.wake();
                        return Err(SendError::Closed);
                    }
                }
            }
            self.sent_now(&conn, written);
        } else if conn.has_output()
            && conn.out_bytes.get() >= self.port_settings(&conn).socket_buffer_size
        {
            // Like Swoole, the limit applies to what is already queued, so one large send
            // on an idle connection is always accepted whole.
            return Err(SendError::Overflow);
        }
        SharedStats::add(&self.stats.shared().response_count, 1);
        bump(&self.stats.worker_response_count, 1);
        if written < data.len() {
            conn.out
                .borrow_mut()
                .push_back(Chunk::Bytes(data[written..].to_vec()));
            conn.out_bytes
                .set(conn.out_bytes.get() + data.len() - written);
            self.note_queued(&conn);
            conn.wake();
        }
        Ok(())
    }

    /// After output was queued: BufferFull once per crossing of the high watermark.
    fn note_queued(&self, conn: &Conn) {
        if !conn.buffer_full.get()
            && conn.out_bytes.get() >= self.port_settings(conn).high_watermark()
        {
            conn.buffer_full.set(true);
            conn.pending_full.set(true);
        }
    }

    /// Queues `length` bytes (0: to the end) of a file from `offset`, behind earlier output.
    pub fn sendfile(
        &self,
        id: u64,
        path: &str,
        offset: u64,
        length: u64,
    ) -> Result<(), SendfileError> {
        let conn = self
            .get(id)
            .ok_or(SendfileError::Send(SendError::NotExist))?;
        if conn.is_closing() {
            return Err(SendfileError::Send(SendError::Closed));
        }
        let file = std::fs::File::open(path).map_err(SendfileError::Open)?;
        let meta = file.metadata().map_err(SendfileError::Open)?;
        if !meta.is_file() {
            return Err(SendfileError::NotRegular);
        }
        let size = meta.len();
        if offset >= size {
            return Err(SendfileError::Empty(offset));
        }
        let end = if length == 0 {
            size
        } else {
            size.min(offset.saturating_add(length))
        };
        conn.out
            .borrow_mut()
            .push_back(Chunk::File { file, offset, end });
        conn.out_files.set(conn.out_files.get() + 1);
        SharedStats::add(&self.stats.shared().response_count, 1);
        bump(&self.stats.worker_response_count, 1);
        conn.wake();
        Ok(())
    }

    /// Blocking send (`sendwait()`): waits until the queued output and `data` are all in
    /// the kernel, or the peer stops reading for `stall` (then false, nothing dropped: the
    /// rest stays queued and the task flushes it).
    pub fn send_wait(&self, id: u64, data: &[u8], stall: Duration) -> Result<(), SendError> {
        self.send(id, data)?;
        let conn = self.get(id).ok_or(SendError::NotExist)?;
        if conn.tls {
            // Only the connection's task can encrypt: over TLS, sendwait() queues like send().
            return Ok(());
        }
        // io_uring: what is in flight goes first; then nothing else writes this socket while
        // the direct writes below run (this blocks the loop, as sendwait() does).
        if let Some(io) = &conn.ring {
            if !io.wait_sent(stall) {
                conn.wake();
                return Err(SendError::Overflow);
            }
        }
        let mut out = conn.out.borrow_mut();
        while let Some(front) = out.front_mut() {
            let n = match front {
                Chunk::Bytes(bytes) => {
                    let off = conn.out_offset.get();
                    let rest = &bytes[off..];
                    // SAFETY: the fd is open while the session is in the table; valid buffer.
                    unsafe {
                        libc::send(
                            conn.socket_fd,
                            rest.as_ptr().cast(),
                            rest.len(),
                            libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                        )
                    }
                }
                Chunk::File { file, offset, end } => {
                    let mut off = *offset as libc::off_t;
                    let want = (*end - *offset).min(1 << 30) as usize;
                    // SAFETY: both fds are open; off is a valid in/out parameter.
                    let n = unsafe {
                        libc::sendfile(
                            conn.socket_fd,
                            std::os::fd::AsRawFd::as_raw_fd(file),
                            &mut off,
                            want,
                        )
                    };
                    if n > 0 {
                        *offset = off as u64;
                    }
                    n
                }
            };
            if n > 0 {
                let n = n as usize;
                SharedStats::add(&self.stats.shared().total_send_bytes, n as u64);
                match front {
                    Chunk::Bytes(bytes) => {
                        conn.out_bytes.set(conn.out_bytes.get() - n);
                        let off = conn.out_offset.get() + n;
                        if off == bytes.len() {
                            out.pop_front();
                            conn.out_offset.set(0);
                        } else {
                            conn.out_offset.set(off);
                        }
                    }
                    Chunk::File { offset, end, .. } => {
                        if *offset >= *end {
                            out.pop_front();
                            conn.out_files.set(conn.out_files.get() - 1);
                        }
                    }
                }
                continue;
            }
            let err = io::Error::last_os_error();
            match err.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => {
                    let mut pfd = libc::pollfd {
                        fd: conn.socket_fd,
                        events: libc::POLLOUT,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd.
                    let r = unsafe { libc::poll(&mut pfd, 1, stall.as_millis() as i32) };
                    if r == 0 {
                        drop(out);
                        conn.wake();
                        return Err(SendError::Overflow);
                    }
                }
                _ => {
                    drop(out);
                    conn.wake();
                    return Err(SendError::Closed);
                }
            }
        }
        drop(out);
        conn.last_send_time.set(now());
        if conn.buffer_full.replace(false) {
            conn.pending_empty.set(true);
        }
        conn.wake();
        Ok(())
    }

    /// Starts closing a session: runs onClose (once), removes it from the table, and lets its
    /// task flush (or drop, with `reset`) and close the socket. Returns false if the session
    /// is unknown or already closing.
    pub fn close_session(&self, id: u64, reactor_id: i64, reset: bool) -> bool {
        self.close_with(id, reactor_id, reset, CloseReason::ServerClose)
    }

    /// [`Reactor::close_session`], recording why (for `getClientInfo()` inside onClose).
    pub fn close_with(&self, id: u64, reactor_id: i64, reset: bool, reason: CloseReason) -> bool {
        let Some(conn) = self.get(id) else {
            return false;
        };
        if conn.closing.replace(true) {
            return false;
        }
        conn.close_reason.set(reason);
        conn.reset.set(reset);
        if let Some(sink) = self.sink() {
            sink.on_close(conn.port, id, reactor_id);
        }
        if self.sessions.borrow_mut().remove(id).is_some() {
            self.stats
                .slot_connections()
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            if let Some(o) = self.stats.owners {
                o.clear(id, self.stats.pid);
            }
        }
        SharedStats::add(&self.stats.shared().close_count, 1);
        conn.wake();
        true
    }

    /// `confirm()`: starts reading a connection held back by `enable_delay_receive`. False
    /// for an unknown session or one already confirmed.
    pub fn confirm(&self, id: u64) -> bool {
        match self.get(id) {
            Some(c) if !c.is_closing() && c.delayed.replace(false) => {
                c.paused.set(false);
                c.wake();
                true
            }
            _ => false,
        }
    }

    /// `protect()`: exempts a session from the heartbeat (or ends the exemption).
    pub fn protect(&self, id: u64, value: bool) -> bool {
        match self.get(id) {
            Some(c) if !c.is_closing() => {
                c.protected.set(value);
                true
            }
            _ => false,
        }
    }

    /// Whether any listener runs a heartbeat (`heartbeat()` returns false otherwise).
    pub fn has_heartbeat(&self) -> bool {
        self.ports.iter().any(|p| p.heartbeat.is_some())
    }

    /// One heartbeat check of listener `port`: closes its sessions that are due and idle,
    /// reschedules the others. Looks only at sessions whose bucket is due (see [`heartbeat`]).
    pub fn heartbeat_check(&self, port: usize) {
        let cfg = &self.ports[port];
        if let Some((_, idle)) = cfg.heartbeat {
            self.idle_check(&cfg.wheel, idle, CloseReason::Heartbeat, |c| {
                c.last_recv_time.get()
            });
        }
    }

    /// `max_idle_time`: closes this listener's sessions that have neither received nor sent
    /// (to the kernel) anything for that long, unless `protect()`ed; as the heartbeat, only
    /// the sessions due are looked at.
    pub fn max_idle_check(&self, port: usize) {
        let cfg = &self.ports[port];
        if let Some((limit, _)) = cfg.max_idle {
            self.idle_check(&cfg.idle_wheel, limit, CloseReason::IdleTimeout, |c| {
                c.last_recv_time.get().max(c.last_send_time.get())
            });
        }
    }

    /// Pops the sessions of `wheel` that are due: one idle for `limit` since `last_active`
    /// (or its connect) is closed, one active since is put back at its deadline.
    fn idle_check(
        &self,
        wheel: &RefCell<heartbeat::IdleWheel>,
        limit: Duration,
        reason: CloseReason,
        last_active: impl Fn(&Conn) -> f64,
    ) {
        let limit_ms = limit.as_millis() as u64;
        let now_ms = heartbeat::ms(now());
        let mut due = Vec::new();
        wheel.borrow_mut().take_due(now_ms, &mut due);
        for id in due {
            let Some(conn) = self.get(id) else {
                continue;
            };
            if conn.is_closing() {
                continue;
            }
            let last = heartbeat::ms(last_active(&conn).max(conn.connect_time));
            match heartbeat::judge(now_ms, last, limit_ms, conn.protected.get()) {
                Verdict::Close => {
                    // Idle with output still queued: the peer stopped reading, so it would
                    // never leave and a graceful close would wait for it. Reset instead.
                    let reset = matches!(reason, CloseReason::IdleTimeout) && conn.has_output();
                    self.close_with(id, 0, reset, reason);
                }
                Verdict::Recheck(at) => wheel.borrow_mut().schedule(id, at),
            }
        }
    }

    /// Runs [`Reactor::max_idle_check`] for listener `port` every tick, until aborted.
    pub async fn max_idle_loop(self: Rc<Self>, port: usize) {
        if let Some((_, every)) = self.ports[port].max_idle {
            self.every(every, |r| r.max_idle_check(port)).await;
        }
    }

    /// Runs `check` every `period` (the first time one period from now), until aborted.
    async fn every(&self, period: Duration, check: impl Fn(&Self)) {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            check(self);
        }
    }

    /// Runs [`Reactor::heartbeat_check`] for listener `port` every check interval, until
    /// aborted. Each listener has its own (or none).
    pub async fn heartbeat_loop(self: Rc<Self>, port: usize) {
        if let Some((interval, _)) = self.ports[port].heartbeat {
            self.every(interval, |r| r.heartbeat_check(port)).await;
        }
    }

    /// `heartbeat()`: this worker's sessions idle longer than the idle time (a full scan,
    /// as Swoole's; it is called by the user, not on every check), closed if `close`.
    /// None when the heartbeat is off.
    pub fn idle_sessions(&self, close: bool) -> Option<Vec<u64>> {
        if !self.has_heartbeat() {
            return None;
        }
        let t = now();
        let ids: Vec<u64> = self
            .sessions
            .borrow()
            .ids()
            .into_iter()
            .filter(|id| {
                self.get(*id).is_some_and(|c| {
                    let Some((_, idle)) = self.ports[c.port].heartbeat else {
                        return false;
                    };
                    !c.is_closing()
                        && !c.protected.get()
                        && c.last_recv_time.get().max(c.connect_time) + idle.as_secs_f64() <= t
                })
            })
            .collect();
        if close {
            for id in &ids {
                self.close_with(*id, 0, false, CloseReason::Heartbeat);
            }
        }
        Some(ids)
    }

    pub fn set_paused(&self, id: u64, paused: bool) -> bool {
        match self.get(id) {
            Some(c) if !c.is_closing() => {
                c.paused.set(paused);
                c.wake();
                true
            }
            _ => false,
        }
    }

    /// Serves this worker's channel until the task is aborted: `send()`/`close()` forwarded
    /// by other workers for sessions this one owns, and every other message (tasks, results,
    /// pipe messages) reassembled and handed to the sink. Needs [`Reactor::set_inbox`].
    pub async fn peer_loop(self: Rc<Self>) {
        let Some(fd) = self.inbox().map(|i| i.rx) else {
            return;
        };
        // SAFETY: the fd stays open for the life of the process (created by the manager
        // before forking); the registration is dropped when this task ends.
        let Ok(afd) = (unsafe { tokio::io::unix::AsyncFd::register(fd) }) else {
            return;
        };
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        loop {
            let mut handled = 0;
            while !self.held() {
                let Some(raw) = self.inbox().and_then(|i| i.next_frame(&mut buf)) else {
                    break;
                };
                self.handle_frame(&raw);
                handled += 1;
                if handled % 64 == 0 {
                    // Let timers, signals and connections run under a steady stream.
                    tokio::task::yield_now().await;
                }
            }
            tokio::select! {
                r = afd.readable() => match r {
                    Ok(mut g) => g.clear_ready(),
                    Err(_) => return,
                },
                _ = self.inbox_stashed.notified() => {}
            }
        }
    }

    /// Handles every frame waiting in this worker's channel now, without the event loop (a
    /// PROCESS-mode worker's last step: the master queued every Close before it stops).
    pub fn drain_inbox(&self) {
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        while let Some(raw) = self.inbox().and_then(|i| i.next_frame(&mut buf)) {
            self.handle_frame(&raw);
        }
    }

    /// Whether the peer loop leaves messages in the channel for now: on hold, and nothing
    /// already taken out of it is still waiting (a message is taken whole or not at all).
    fn held(&self) -> bool {
        self.inbox_hold.get() && self.inbox_settled()
    }

    /// Lets the peer loop look at the stash again (it may be waiting for the socket).
    pub fn wake_inbox(&self) {
        self.inbox_stashed.notify_one();
    }

    /// Nothing taken out of the channel is waiting in this process: no message half read
    /// and no frame stashed while a send was blocked. A process that exits before this holds
    /// would lose those frames: they are no longer in the channel for its replacement.
    pub fn inbox_settled(&self) -> bool {
        self.reassembler.borrow().pending() == 0 && !self.inbox().is_some_and(|i| i.has_stashed())
    }

    fn handle_frame(&self, raw: &[u8]) {
        let Some(frame) = decode(raw) else {
            return;
        };
        match PeerMsg::from_frame(&frame) {
            Some(PeerMsg::Send(id, data)) => {
                if let Err(SendError::Overflow) = self.send(id, data) {
                    self.warn(&format!(
                        "connection#{id} output buffer overflow: a send() forwarded from another worker was dropped"
                    ));
                }
            }
            Some(PeerMsg::Close(id, reset)) => {
                self.close_session(id, -1, reset);
            }
            Some(PeerMsg::Pause(id, paused)) => {
                self.set_paused(id, paused);
            }
            Some(PeerMsg::Protect(id, value)) => {
                self.protect(id, value);
            }
            None => {
                let whole = self.reassembler.borrow_mut().push(&frame);
                if let (Some((header, payload)), Some(sink)) = (whole, self.sink()) {
                    sink.on_message(header, &payload);
                }
            }
        }
    }

    /// Publishes this worker's health for the metrics every [`HEALTH_TICK`]: resident memory,
    /// requests handled, and how late the tick ran (the event-loop lag: time a callback kept
    /// the loop from running). Runs until aborted.
    pub async fn health_loop(self: Rc<Self>) {
        let mut last = std::time::Instant::now();
        // The lags of the last ~10 s: the gauge is their maximum, so a stall stays visible
        // to a scraper that polls every few seconds.
        let mut recent = [Duration::ZERO; 20];
        let mut i = 0;
        loop {
            tokio::time::sleep(HEALTH_TICK).await;
            let now = std::time::Instant::now();
            let lag = now
                .saturating_duration_since(last)
                .saturating_sub(HEALTH_TICK);
            last = now;
            recent[i % recent.len()] = lag;
            i += 1;
            let h = &self.stats.shared().health[self.stats.slot % MAX_SLOTS];
            h.loop_blocked_us
                .fetch_add(lag.as_micros() as u64, std::sync::atomic::Ordering::Relaxed);
            self.publish_health(recent.iter().copied().max().unwrap_or_default());
        }
    }

    /// Writes this worker's health slot (also once at start, so metrics are never empty).
    pub fn publish_health(&self, lag: Duration) {
        use std::sync::atomic::Ordering::Relaxed;
        let h = &self.stats.shared().health[self.stats.slot % MAX_SLOTS];
        h.rss_bytes.store(crate::process::rss_bytes(), Relaxed);
        h.loop_lag_us.store(lag.as_micros() as u64, Relaxed);
        h.requests
            .store(self.stats.worker_request_count.get(), Relaxed);
    }

    /// Closes every open session (each gets its onClose with reactor id -1), as graceful
    /// shutdown does.
    pub fn close_all(&self, reason: CloseReason) {
        let ids = self.sessions.borrow().ids();
        for id in ids {
            self.close_with(id, -1, false, reason);
        }
    }

    /// Waits until every connection task has flushed and closed its socket, up to `limit`.
    pub async fn drain(&self, limit: Duration) {
        let wait = async {
            while self.live_tasks.get() > 0 {
                let n = self.tasks_done.notified();
                if self.live_tasks.get() == 0 {
                    break;
                }
                n.await;
            }
        };
        let _ = tokio::time::timeout(limit, wait).await;
    }
}

enum ConnEvent {
    Data(usize),
    PeerClosed(CloseReason),
    BufferFull,
    BufferEmpty,
    Finished,
}

/// `sendfile()` over TLS: the kernel cannot encrypt, so the file is read (16 KiB at a time,
/// with pread(2) at `offset`) and written through rustls.
fn poll_file_through(
    stream: &mut Stream,
    cx: &mut Context<'_>,
    file: &std::fs::File,
    offset: &mut u64,
    end: u64,
) -> Poll<Result<usize, ()>> {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 16 * 1024];
    let want = ((end - *offset) as usize).min(buf.len());
    let n = match file.read_at(&mut buf[..want], *offset) {
        // The file shrank under us: nothing more to send.
        Ok(0) => {
            *offset = end;
            return Poll::Ready(Ok(0));
        }
        Ok(n) => n,
        Err(_) => return Poll::Ready(Err(())),
    };
    match stream.poll_write(cx, &buf[..n]) {
        Poll::Ready(Ok(w)) if w > 0 => {
            *offset += w as u64;
            Poll::Ready(Ok(w))
        }
        Poll::Ready(_) => Poll::Ready(Err(())),
        Poll::Pending => Poll::Pending,
    }
}

/// Sends the next piece of a file chunk with sendfile(2), advancing `offset`. `Err` means
/// the peer is gone (or the file became unreadable).
fn poll_sendfile(
    stream: &mut Stream,
    cx: &mut Context<'_>,
    file: &std::fs::File,
    offset: &mut u64,
    end: u64,
) -> Poll<Result<usize, ()>> {
    let sock = stream.raw_fd();
    let in_fd = std::os::fd::AsRawFd::as_raw_fd(file);
    loop {
        match stream.poll_write_ready(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(_)) => return Poll::Ready(Err(())),
            Poll::Ready(Ok(())) => {}
        }
        let want = (end - *offset).min(1 << 30) as usize;
        let mut off = *offset as libc::off_t;
        let r = stream.try_write_io(|| {
            // SAFETY: both fds are open for the call; off is a valid in/out parameter.
            let n = unsafe { libc::sendfile(sock, in_fd, &mut off, want) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        match r {
            // The file shrank under us: nothing more to send.
            Ok(0) => {
                *offset = end;
                return Poll::Ready(Ok(0));
            }
            Ok(n) => {
                *offset = off as u64;
                return Poll::Ready(Ok(n));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Poll::Ready(Err(())),
        }
    }
}
