//! The pages shared by every process of a multi-worker server: the session-id counter and
//! `stats()` counters ([`SharedStats`]), and which worker owns which session with what
//! `getClientInfo()` reports about it ([`Owners`]). Both live in [`crate::shm::Mapping`]s
//! created before the workers are forked; [`ServerPages`] creates them together.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};

use crate::net::proxy::Proxied;
use crate::shm::{Mapping, ShmSafe};

/// Every page a multi-worker server shares, created once per `start()` before forking.
#[derive(Clone, Copy)]
pub struct ServerPages {
    pub stats: &'static SharedStats,
    pub owners: &'static Owners,
}

impl ServerPages {
    pub fn create(start_session_id: u64, start_time: u64) -> Result<ServerPages, String> {
        let stats = SharedStats::new_shared(start_session_id, start_time)
            .map_err(|e| format!("cannot create the shared counters: {e}"))?;
        let owners =
            Owners::new_shared().map_err(|e| format!("cannot create the session table: {e}"))?;
        Ok(ServerPages { stats, owners })
    }
}

/// Worker slots tracked in the shared pages (pids, open connections, task loads): every
/// event worker, task worker and user process has its own, and a PROCESS-mode master the
/// last one. start() refuses more processes than this holds ([`max_processes`]); Swoole
/// caps `worker_num` at 1,000 per CPU, which this covers on up to 4 CPUs and far beyond
/// what a machine runs usefully. About 80 bytes per slot per page.
pub const MAX_SLOTS: usize = 4096;

/// The most event workers + task workers + user processes one server may run: one slot
/// each, and one kept for a PROCESS-mode master.
pub const fn max_processes() -> usize {
    MAX_SLOTS - 1
}

/// Counters shared by every worker of a server: session ids and `stats()`. Lives in a
/// `MAP_SHARED` anonymous mapping created before the workers are forked (or on the heap for
/// a single-process server).
#[repr(C)]
pub struct SharedStats {
    /// The last session id handed out (`session_round`).
    pub next_session: AtomicU64,
    pub start_time: AtomicU64,
    pub accept_count: AtomicU64,
    pub close_count: AtomicU64,
    pub abort_count: AtomicU64,
    /// Connections closed before onConnect for a bad, missing or late PROXY header.
    pub proxy_protocol_errors: AtomicU64,
    /// TLS handshakes that failed or timed out (`stats()['ssl_handshake_fail_count']`).
    pub ssl_handshake_fail_count: AtomicU64,
    /// Bumped by the manager on each `reload()` (SIGUSR1), so a PROCESS-mode master, which
    /// does not see that signal, re-reads its TLS certificates too.
    pub reloads: AtomicU64,
    pub request_count: AtomicU64,
    pub response_count: AtomicU64,
    pub total_recv_bytes: AtomicU64,
    pub total_send_bytes: AtomicU64,
    /// Open connections per worker slot (summed for `connection_num`; a dead worker's slot
    /// is zeroed by the manager).
    pub connections: [AtomicU64; MAX_SLOTS],
    /// Pid of the worker in each slot (0 when none).
    pub pids: [AtomicI32; MAX_SLOTS],
    /// Set by a worker that stops because it reached `max_request`: the manager replaces it
    /// at once, without counting the exit as a failure.
    pub recycled: [AtomicBool; MAX_SLOTS],
    /// Per worker slot, published by the worker about once a second for the metrics:
    /// resident memory (bytes), the largest event-loop lag of the last 10 s (µs), the total
    /// time its loop ran late, requests handled.
    pub health: [WorkerHealth; MAX_SLOTS],
    /// Per task worker slot: tasks sent to it and not yet done (raised by the sender before
    /// sending, lowered by the task worker once onTask returned, or by the manager for a task
    /// lost with its task worker). `stats()`'s `tasking_num`, and how an idle one is chosen.
    pub tasking: [AtomicU64; MAX_SLOTS],
    /// Per task worker slot: the task it is running, [`in_flight`]-encoded (0: none). The
    /// manager reads it when a task worker dies, to name the task that died with it.
    pub in_flight: [AtomicU64; MAX_SLOTS],
    /// Set by the manager before it stops the workers for good: task workers then run every
    /// task queued for them before they exit (on a reload they leave the rest to their
    /// replacement).
    pub shutting_down: AtomicBool,
}

/// What a worker publishes about itself (see [`SharedStats::health`]).
#[derive(Default)]
pub struct WorkerHealth {
    pub rss_bytes: AtomicU64,
    pub loop_lag_us: AtomicU64,
    /// Total time its loop ran late (sum of the lags), µs.
    pub loop_blocked_us: AtomicU64,
    pub requests: AtomicU64,
    /// Set once its onWorkerStart returned (cleared by the manager when it exits): the
    /// manager tells systemd READY=1 once every slot is started.
    pub started: AtomicBool,
}

/// Packs a running task (its sender and id) for [`SharedStats::in_flight`].
pub fn in_flight(src: u16, task_id: u64) -> u64 {
    1 << 63 | (src as u64) << 40 | (task_id & ((1 << 40) - 1))
}

/// Unpacks [`in_flight`]: (sender, task id), None for an empty slot.
pub fn in_flight_parts(v: u64) -> Option<(u16, u64)> {
    (v != 0).then_some((((v >> 40) & 0xffff) as u16, v & ((1 << 40) - 1)))
}

/// The task worker `task()` picks among `first .. first + count`: the least busy, the scan
/// starting at `start` so equally idle ones take turns.
pub fn pick_task_worker(tasking: &[AtomicU64], first: usize, count: usize, start: usize) -> usize {
    let mut best = first;
    let mut best_load = u64::MAX;
    for k in 0..count {
        let id = first + (start + k) % count;
        let load = tasking[id % MAX_SLOTS].load(Ordering::Relaxed);
        if load < best_load {
            best = id;
            best_load = load;
            if load == 0 {
                break;
            }
        }
    }
    best
}

impl SharedStats {
    /// A single-process server's counters, on the heap: built zeroed in place (the arrays
    /// are a few hundred KiB, too much to build on a stack and move).
    pub fn boxed(start_session_id: u64, start_time: u64) -> Box<SharedStats> {
        let b = Box::<SharedStats>::new_zeroed();
        // SAFETY: ShmSafe declares all-zero bytes a valid SharedStats (atomics only).
        let s = unsafe { b.assume_init() };
        s.next_session.store(start_session_id, Ordering::Relaxed);
        s.start_time.store(start_time, Ordering::Relaxed);
        s
    }

    /// A fresh page in a shared mapping, inherited by children forked afterwards. It is
    /// never unmapped: one small block per multi-worker `start()`.
    pub fn new_shared(start_session_id: u64, start_time: u64) -> io::Result<&'static SharedStats> {
        let s = Mapping::leak_zeroed::<SharedStats>()?;
        s.next_session.store(start_session_id, Ordering::Relaxed);
        s.start_time.store(start_time, Ordering::Relaxed);
        Ok(s)
    }

    pub fn add(c: &AtomicU64, by: u64) {
        c.fetch_add(by, Ordering::Relaxed);
    }

    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }

    /// Reserves the next session id, unique across every worker.
    pub fn next_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn connection_num(&self) -> u64 {
        self.connections
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }
}

// SAFETY: only atomics; all-zero is a valid (empty) page.
unsafe impl ShmSafe for SharedStats {}

/// Which worker process owns a session: a table in a shared mapping, indexed by session id
/// modulo its size. An entry packs `id << 22 | pid` (Linux pids fit in 22 bits); a closed
/// session's entry is cleared, and a dead worker's sessions no longer match a live pid.
pub struct Owners {
    slots: [AtomicU64; OWNER_SLOTS],
    /// What `getClientInfo()` reports, published by the owner so any worker can read it.
    info: [SessionInfo; OWNER_SLOTS],
}

/// One session's connection details in the shared table. Each field is its own atomic (no
/// torn values); `id` is stored last on publish and cleared on close, and a reader checks it
/// before and after reading, so it never mixes two sessions that shared a slot.
#[derive(Default)]
struct SessionInfo {
    id: AtomicU64,
    ip: [AtomicU64; 2],
    /// remote_port (16 bits) | worker_id (16) | socket_fd (32)
    port_wid_fd: AtomicU64,
    /// Index of the listener (server port) that accepted it.
    listener: AtomicU64,
    /// Accepted through a PROXY header: version (8 bits, 0: not proxied) | has dst (8) |
    /// proxy_port (16) | dst_port (16).
    proxy: AtomicU64,
    /// The balancer's address (the socket's peer) and the header's destination, as `ip`.
    proxy_ip: [AtomicU64; 2],
    proxy_dst_ip: [AtomicU64; 2],
    connect_time: AtomicU64,
    last_recv_time: AtomicU64,
    last_send_time: AtomicU64,
    /// SWOOLE_PROCESS: the bytes the master holds for this session, with [`OVER_BOUND`] set
    /// while they exceed `socket_buffer_size` (a worker's `send()` reads it to refuse).
    output: AtomicU64,
    /// `protect()`ed (1) or not (0), kept by the owner: any worker's `heartbeat()` skips it.
    protected: AtomicU64,
    /// `bind()`'s uid as Swoole stores it (a u32; 0: unbound). Set by the binding worker with
    /// a compare-and-swap, so of two `bind()`s on one session, in any workers, only one wins.
    uid: AtomicU64,
}

/// See [`SessionInfo::output`].
const OVER_BOUND: u64 = 1 << 63;

/// Connection details of a session owned by another worker (see [`Owners::info`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteInfo {
    pub remote_ip: String,
    pub remote_port: u16,
    pub worker_id: u16,
    pub socket_fd: i32,
    /// Index of the listener that accepted it (0: the primary port).
    pub listener: u16,
    /// What its PROXY header said about the balancer (IP addresses only: a unix socket path
    /// reads as empty).
    pub proxied: Option<Proxied>,
    pub connect_time: f64,
    pub last_recv_time: f64,
    pub last_send_time: f64,
    /// SWOOLE_PROCESS: the bytes the master holds for it, not yet written (0 in BASE).
    pub output: u64,
}

// SAFETY: only atomics; all-zero entries are empty slots.
unsafe impl ShmSafe for Owners {}

pub const OWNER_SLOTS: usize = 1 << 16;
const PID_BITS: u32 = 22;

impl Owners {
    pub fn new_shared() -> io::Result<&'static Owners> {
        Mapping::leak_zeroed::<Owners>()
    }

    fn entry(id: u64, pid: i32) -> u64 {
        (id << PID_BITS) | (pid as u64 & ((1 << PID_BITS) - 1))
    }

    pub fn set(&self, id: u64, pid: i32) {
        self.slots[id as usize % OWNER_SLOTS].store(Self::entry(id, pid), Ordering::Relaxed);
    }

    pub fn clear(&self, id: u64, pid: i32) {
        let _ = self
            .info_slot(id)
            .id
            .compare_exchange(id, 0, Ordering::Release, Ordering::Relaxed);
        let _ = self.slots[id as usize % OWNER_SLOTS].compare_exchange(
            Self::entry(id, pid),
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Ends the ownership but leaves the published details readable until the slot is
    /// reused (SWOOLE_PROCESS: the master closes a session before its worker runs onClose,
    /// where `getClientInfo()` must still answer).
    pub fn release(&self, id: u64, pid: i32) {
        let _ = self.slots[id as usize % OWNER_SLOTS].compare_exchange(
            Self::entry(id, pid),
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    fn info_slot(&self, id: u64) -> &SessionInfo {
        &self.info[id as usize % OWNER_SLOTS]
    }

    /// Publishes a new session's details (by its owner, at accept).
    pub fn publish(&self, id: u64, ip: &str, port: u16, worker_id: u16, socket_fd: i32, t: f64) {
        let s = self.info_slot(id);
        store_ip(&s.ip, ip);
        s.port_wid_fd.store(
            (port as u64) << 48 | (worker_id as u64) << 32 | socket_fd as u32 as u64,
            Ordering::Relaxed,
        );
        s.connect_time.store(t.to_bits(), Ordering::Relaxed);
        s.last_recv_time.store(0f64.to_bits(), Ordering::Relaxed);
        s.last_send_time.store(0f64.to_bits(), Ordering::Relaxed);
        s.output.store(0, Ordering::Relaxed);
        s.protected.store(0, Ordering::Relaxed);
        s.uid.store(0, Ordering::Relaxed);
        s.id.store(id, Ordering::Release);
    }

    /// Records `protect()` on a published session (by its owner).
    pub fn set_protected(&self, id: u64, on: bool) {
        let s = self.info_slot(id);
        if s.id.load(Ordering::Relaxed) == id {
            s.protected.store(on as u64, Ordering::Relaxed);
        }
    }

    /// Whether open session `id` is `protect()`ed.
    pub fn is_protected(&self, id: u64) -> bool {
        let s = self.info_slot(id);
        s.id.load(Ordering::Acquire) == id && s.protected.load(Ordering::Relaxed) != 0
    }

    /// `bind()`: gives open session `id` its uid unless it has one (Swoole's `conn->uid != 0`
    /// test, so binding uid 0 succeeds and leaves it unbound). False when it is bound already
    /// or not open.
    pub fn bind_uid(&self, id: u64, uid: u32) -> bool {
        let s = self.info_slot(id);
        if id == 0 || s.id.load(Ordering::Acquire) != id {
            return false;
        }
        s.uid
            .compare_exchange(0, uid as u64, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
            && s.id.load(Ordering::Acquire) == id
    }

    /// The uid `bind()` gave open session `id` (0: none).
    pub fn uid(&self, id: u64) -> u32 {
        let s = self.info_slot(id);
        if id == 0 || s.id.load(Ordering::Acquire) != id {
            return 0;
        }
        s.uid.load(Ordering::Relaxed) as u32
    }

    /// Records which listener accepted a session: by its owner, right before `publish`
    /// (whose release store of the id makes it visible together with the rest).
    pub fn set_listener(&self, id: u64, listener: u16) {
        self.info_slot(id)
            .listener
            .store(listener as u64, Ordering::Relaxed);
    }

    /// Records what a session's PROXY header said (None: it had none), by its owner right
    /// before `publish`, like [`Self::set_listener`].
    pub fn set_proxied(&self, id: u64, proxied: Option<&Proxied>) {
        let s = self.info_slot(id);
        let Some(p) = proxied else {
            s.proxy.store(0, Ordering::Relaxed);
            return;
        };
        let (dst_ip, dst_port) = p.dst.as_ref().map_or(("", 0), |(ip, port)| (ip, *port));
        store_ip(&s.proxy_ip, &p.proxy_ip);
        store_ip(&s.proxy_dst_ip, dst_ip);
        s.proxy.store(
            (p.version as u64) << 56
                | (p.dst.is_some() as u64) << 48
                | (p.proxy_port as u64) << 16
                | dst_port as u64,
            Ordering::Relaxed,
        );
    }

    /// SWOOLE_PROCESS, by the master: how many bytes it holds for session `id`, and whether
    /// that exceeds the port's `socket_buffer_size`.
    pub fn set_output(&self, id: u64, bytes: u64, over: bool) {
        let s = self.info_slot(id);
        if s.id.load(Ordering::Relaxed) == id {
            let v = bytes.min(OVER_BOUND - 1) | if over { OVER_BOUND } else { 0 };
            s.output.store(v, Ordering::Relaxed);
        }
    }

    /// Whether the master holds more than `socket_buffer_size` bytes for session `id`.
    pub fn output_over(&self, id: u64) -> bool {
        let s = self.info_slot(id);
        s.id.load(Ordering::Acquire) == id && s.output.load(Ordering::Relaxed) & OVER_BOUND != 0
    }

    /// Records activity on a published session (by its owner).
    pub fn touch(&self, id: u64, recv: Option<f64>, send: Option<f64>) {
        let s = self.info_slot(id);
        if s.id.load(Ordering::Relaxed) != id {
            return;
        }
        if let Some(t) = recv {
            s.last_recv_time.store(t.to_bits(), Ordering::Relaxed);
        }
        if let Some(t) = send {
            s.last_send_time.store(t.to_bits(), Ordering::Relaxed);
        }
    }

    /// Details of session `id` as its owner published them, if it is still open.
    pub fn info(&self, id: u64) -> Option<RemoteInfo> {
        let s = self.info_slot(id);
        if id == 0 || s.id.load(Ordering::Acquire) != id {
            return None;
        }
        let remote_ip = load_ip(&s.ip);
        let proxy = s.proxy.load(Ordering::Relaxed);
        let proxied = (proxy >> 56 != 0).then(|| Proxied {
            version: (proxy >> 56) as u8,
            proxy_ip: load_path_or_ip(&s.proxy_ip),
            proxy_port: (proxy >> 16) as u16,
            dst: (proxy >> 48 & 0xff != 0)
                .then(|| (load_path_or_ip(&s.proxy_dst_ip), proxy as u16)),
        });
        let pwf = s.port_wid_fd.load(Ordering::Relaxed);
        let info = RemoteInfo {
            remote_ip,
            remote_port: (pwf >> 48) as u16,
            worker_id: (pwf >> 32) as u16,
            socket_fd: pwf as u32 as i32,
            listener: s.listener.load(Ordering::Relaxed) as u16,
            proxied,
            connect_time: f64::from_bits(s.connect_time.load(Ordering::Relaxed)),
            last_recv_time: f64::from_bits(s.last_recv_time.load(Ordering::Relaxed)),
            last_send_time: f64::from_bits(s.last_send_time.load(Ordering::Relaxed)),
            output: s.output.load(Ordering::Relaxed) & !OVER_BOUND,
        };
        (s.id.load(Ordering::Acquire) == id).then_some(info)
    }

    /// Every session id in the table whose owner is `live`, ascending: a scan of all
    /// [`OWNER_SLOTS`] slots (~65k relaxed loads, tens of µs), for the server-wide views
    /// (`getClientList()`, `$server->connections`). A dead worker's stale entries fail `live`.
    pub fn open_sessions(&self, live: impl Fn(i32) -> bool) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .slots
            .iter()
            .filter_map(|e| {
                let e = e.load(Ordering::Relaxed);
                let pid = (e & ((1 << PID_BITS) - 1)) as i32;
                (e != 0 && live(pid)).then_some(e >> PID_BITS)
            })
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The pid of the process owning session `id`, if it is open.
    pub fn owner(&self, id: u64) -> Option<i32> {
        let e = self.slots[id as usize % OWNER_SLOTS].load(Ordering::Relaxed);
        (e != 0 && e >> PID_BITS == id).then_some((e & ((1 << PID_BITS) - 1)) as i32)
    }
}

/// An IP address into two words (IPv4 as IPv6-mapped; what is not an IP as zeros).
fn store_ip(words: &[AtomicU64; 2], ip: &str) {
    let bytes = match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_ipv6_mapped().octets(),
        Ok(std::net::IpAddr::V6(v6)) => v6.octets(),
        Err(_) => [0; 16],
    };
    words[0].store(
        u64::from_be_bytes(bytes[..8].try_into().unwrap_or_default()),
        Ordering::Relaxed,
    );
    words[1].store(
        u64::from_be_bytes(bytes[8..].try_into().unwrap_or_default()),
        Ordering::Relaxed,
    );
}

fn load_ip(words: &[AtomicU64; 2]) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&words[0].load(Ordering::Relaxed).to_be_bytes());
    bytes[8..].copy_from_slice(&words[1].load(Ordering::Relaxed).to_be_bytes());
    let v6 = std::net::Ipv6Addr::from(bytes);
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.to_string(),
        None => v6.to_string(),
    }
}

/// As [`load_ip`], but a stored non-IP (a unix socket path, not kept) reads as empty.
fn load_path_or_ip(words: &[AtomicU64; 2]) -> String {
    if words.iter().all(|w| w.load(Ordering::Relaxed) == 0) {
        return String::new();
    }
    load_ip(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxied_details_round_trip() {
        let o = Owners::new_shared().expect("mmap");
        let p = Proxied {
            version: 2,
            proxy_ip: "127.0.0.1".into(),
            proxy_port: 40_001,
            dst: Some(("2001:db8::2".into(), 443)),
        };
        o.set_proxied(9, Some(&p));
        o.publish(9, "198.51.100.1", 5, 0, 3, 0.0);
        assert_eq!(o.info(9).and_then(|i| i.proxied), Some(p));
        o.set_proxied(9 + OWNER_SLOTS as u64, None);
        o.publish(9 + OWNER_SLOTS as u64, "::1", 1, 0, 3, 0.0);
        assert_eq!(o.info(9 + OWNER_SLOTS as u64).unwrap().proxied, None);
    }

    #[test]
    fn session_info_round_trip_and_clear() {
        let o = Owners::new_shared().expect("mmap");
        o.set(70_000, 1234);
        o.set_listener(70_000, 2);
        o.publish(70_000, "127.0.0.1", 40_000, 1, 17, 1_700_000_000.5);
        o.touch(70_000, Some(1_700_000_001.0), Some(1_700_000_002.0));
        let i = o.info(70_000).expect("published");
        assert_eq!(i.remote_ip, "127.0.0.1");
        assert_eq!((i.remote_port, i.worker_id, i.socket_fd), (40_000, 1, 17));
        assert_eq!(i.listener, 2);
        assert_eq!(
            (i.connect_time, i.last_recv_time, i.last_send_time),
            (1_700_000_000.5, 1_700_000_001.0, 1_700_000_002.0)
        );
        // Another session id in the same slot does not read this one's details.
        assert_eq!(o.info(70_000 + OWNER_SLOTS as u64), None);
        o.publish(2, "::1", 1, 0, 3, 0.0);
        assert_eq!(o.info(2).map(|i| i.remote_ip), Some("::1".to_string()));
        o.release(2, 0);
        assert_eq!(o.owner(2), None);
        assert!(o.info(2).is_some());
        o.clear(70_000, 1234);
        assert_eq!(o.info(70_000), None);
        assert_eq!(o.owner(70_000), None);
    }

    #[test]
    fn owners_track_open_sessions() {
        let o = Owners::new_shared().unwrap();
        assert_eq!(o.owner(5), None);
        o.set(5, 1234);
        assert_eq!(o.owner(5), Some(1234));
        assert_eq!(o.owner(5 + OWNER_SLOTS as u64), None);
        o.clear(5, 999);
        assert_eq!(o.owner(5), Some(1234));
        o.clear(5, 1234);
        assert_eq!(o.owner(5), None);
    }

    #[test]
    fn a_session_is_bound_once_and_a_new_session_in_its_slot_starts_unbound() {
        let o = Owners::new_shared().unwrap();
        assert!(!o.bind_uid(7, 3), "not published yet");
        o.publish(7, "127.0.0.1", 1, 0, 5, 1.0);
        assert!(
            o.bind_uid(7, 0),
            "uid 0 succeeds and binds nothing (as Swoole)"
        );
        assert!(o.bind_uid(7, 42));
        assert!(!o.bind_uid(7, 42));
        assert!(!o.bind_uid(7, 43));
        assert_eq!(o.uid(7), 42);
        o.set_protected(7, true);
        assert!(o.is_protected(7));
        assert!(!o.is_protected(7 + OWNER_SLOTS as u64));
        o.publish(7 + OWNER_SLOTS as u64, "127.0.0.1", 1, 0, 5, 1.0);
        assert_eq!(o.uid(7), 0, "the old session is gone");
        assert_eq!(o.uid(7 + OWNER_SLOTS as u64), 0);
        assert!(!o.is_protected(7 + OWNER_SLOTS as u64));
        assert!(o.bind_uid(7 + OWNER_SLOTS as u64, 1));
    }

    #[test]
    fn open_sessions_are_sorted_and_only_of_live_owners() {
        let o = Owners::new_shared().unwrap();
        o.set(9, 100);
        o.set(3, 200);
        o.set(70_000, 100);
        o.set(5, 300); // a dead worker's leftover
        assert_eq!(
            o.open_sessions(|p| p == 100 || p == 200),
            vec![3, 9, 70_000]
        );
        o.clear(9, 100);
        assert_eq!(o.open_sessions(|p| p == 100), vec![70_000]);
    }

    #[test]
    fn shared_stats_hand_out_unique_ids() {
        let s = SharedStats::new_shared(10, 0).unwrap();
        assert_eq!(s.next_id(), 11);
        assert_eq!(s.next_id(), 12);
        s.connections[3].store(2, Ordering::Relaxed);
        s.connections[0].store(1, Ordering::Relaxed);
        assert_eq!(s.connection_num(), 3);
    }

    #[test]
    fn the_least_busy_task_worker_is_picked_in_turns() {
        let t: Vec<AtomicU64> = (0..MAX_SLOTS).map(|_| AtomicU64::new(0)).collect();
        // Task workers are slots 2, 3, 4.
        assert_eq!(pick_task_worker(&t, 2, 3, 0), 2);
        assert_eq!(pick_task_worker(&t, 2, 3, 1), 3);
        assert_eq!(pick_task_worker(&t, 2, 3, 5), 4);
        t[2].store(3, Ordering::Relaxed);
        t[3].store(1, Ordering::Relaxed);
        t[4].store(2, Ordering::Relaxed);
        assert_eq!(pick_task_worker(&t, 2, 3, 0), 3);
        assert_eq!(pick_task_worker(&t, 2, 1, 7), 2);
    }

    #[test]
    fn in_flight_round_trips() {
        assert_eq!(in_flight_parts(0), None);
        assert_eq!(in_flight_parts(in_flight(0, 0)), Some((0, 0)));
        assert_eq!(in_flight_parts(in_flight(7, 12345)), Some((7, 12345)));
    }
}
