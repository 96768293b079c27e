//! SWOOLE_PROCESS: which event worker gets a connection's events (`dispatch_mode`). Pure
//! decisions over numbers, so every mode is unit-tested; the master (`process::master`) asks
//! them once per connection and once per packet, and keeps the per-worker load counters in a
//! page shared with the workers ([`Loads`]).

use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use super::shm::MAX_SLOTS;
use crate::shm::{Mapping, ShmSafe};

/// Swoole's `dispatch_mode` values this implementation serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 1: every packet to the next worker in turn.
    RoundRobin,
    /// 2 (default): fixed by session id (`$fd`) modulo the worker count.
    Fd,
    /// 3: every packet to the worker with the fewest packets not yet handled.
    Idle,
    /// 4: fixed by the client IP address.
    Ip,
    /// 5: fixed by the uid given to `bind()` (by `$fd` until bound).
    Uid,
    /// 7 ("stream"): like 3, each packet to the least busy worker, but Connect/Close are
    /// delivered (to the connection's home worker, `$fd` modulo the worker count).
    Stream,
    /// 8: at connect, the worker holding the fewest connections; then fixed.
    ConnLb,
    /// 9 (and 10): every packet to the worker with the fewest packets in flight.
    ReqLb,
    /// 6: `dispatch_func`, a PHP callable asked for every Connect, packet and Close (on the
    /// master's PHP thread: the reactor threads never call Zend; see [`func_decision`]).
    Func,
}

/// The `$type` `dispatch_func` receives, Swoole's `SW_SERVER_EVENT_*` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Receive = 0,
    Close = 4,
    Connect = 5,
}

/// Bytes of a packet `dispatch_func` sees as `$data` at most (Swoole passes what fits in
/// one 8 KiB pipe buffer; the worker still gets the whole packet).
pub const FUNC_DATA_MAX: usize = 8192;

/// What the master does with one event after `dispatch_func` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// To this worker.
    Worker(usize),
    /// The default worker: `$fd` modulo the worker count (`SWOOLE_DISPATCH_RESULT_USERFUNC_FALLBACK`,
    /// and every answer that is not a worker id).
    Default,
    /// Drop this packet (`SWOOLE_DISPATCH_RESULT_DISCARD_PACKET`).
    Discard,
    /// Close the connection (`SWOOLE_DISPATCH_RESULT_CLOSE_CONNECTION`).
    Close,
}

/// Turns `dispatch_func`'s answer (`None`: it threw or returned something that is not an
/// int) into a decision, and whether the answer deserves a warning. -1 and -2 only make
/// sense for a packet (and -2 for a Connect): a Close is always delivered, so exactly one
/// onClose follows every onConnect.
pub fn func_decision(answer: Option<i64>, n: usize, event: Event) -> (Decision, bool) {
    match answer {
        Some(w) if w >= 0 && (w as u64) < n as u64 => (Decision::Worker(w as usize), false),
        Some(-1) if event == Event::Receive => (Decision::Discard, false),
        Some(-2) if event != Event::Close => (Decision::Close, false),
        Some(-3..=-1) => (Decision::Default, false),
        _ => (Decision::Default, true),
    }
}

impl Mode {
    /// Parses `dispatch_mode` (6 needs a `dispatch_func`, which the caller checks).
    pub fn from_option(v: i64) -> Result<Mode, String> {
        Ok(match v {
            6 => Mode::Func,
            1 => Mode::RoundRobin,
            2 => Mode::Fd,
            3 => Mode::Idle,
            4 => Mode::Ip,
            5 => Mode::Uid,
            7 => Mode::Stream,
            8 => Mode::ConnLb,
            9 | 10 => Mode::ReqLb,
            _ => {
                return Err(format!(
                    "option 'dispatch_mode' must be between 1 and 10, {v} given"
                ))
            }
        })
    }

    /// Whether the worker is chosen per packet (true) or once per connection (false).
    pub fn per_packet(self) -> bool {
        matches!(
            self,
            Mode::RoundRobin | Mode::Idle | Mode::Stream | Mode::ReqLb | Mode::Func
        )
    }

    /// Whether Connect/Close reach the workers: not in modes 1 and 3 unless
    /// `enable_unsafe_event` (the packets of one connection go to several workers there,
    /// so a Close could overtake a Receive), as in Swoole.
    pub fn sends_connection_events(self, enable_unsafe_event: bool) -> bool {
        enable_unsafe_event || !matches!(self, Mode::RoundRobin | Mode::Idle)
    }
}

/// Per worker slot: packets dispatched and packets handled (the difference is what a
/// worker still has to do), and connections it owns. Shared by the master (which raises
/// `dispatched`/`connections`) and the workers (which raise `handled`), so modes 3, 8 and 9
/// read real load. Survives worker restarts: a replacement inherits its slot's queue.
pub struct Loads {
    pub dispatched: [AtomicU64; MAX_SLOTS],
    pub handled: [AtomicU64; MAX_SLOTS],
    pub connections: [AtomicU64; MAX_SLOTS],
    /// When the worker's current onReceive began ([`monotonic_us`]; 0: not in one). Breaks
    /// ties between equally busy workers: the one that started its callback last is the
    /// likelier to be free first (a worker that just answered a ping-pong client still
    /// counts its packet as unhandled for a few µs, while one stuck in a long callback has
    /// been at it for long).
    pub busy_since: [AtomicU64; MAX_SLOTS],
    /// Packets whose worker queue was full when they were dispatched (the connection stops
    /// being read until there is room; `stats()['dispatch_queue_full']`).
    pub queue_full: AtomicU64,
}

// SAFETY: only atomics; all-zero is a valid empty page.
unsafe impl ShmSafe for Loads {}

impl Loads {
    /// A zeroed page in a shared mapping (inherited by children forked afterwards).
    pub fn new_shared() -> io::Result<&'static Loads> {
        Mapping::leak_zeroed::<Loads>()
    }

    /// Packets dispatched to worker `w` and not yet handled.
    pub fn busy(&self, w: usize) -> u64 {
        let s = w % MAX_SLOTS;
        self.dispatched[s]
            .load(Ordering::Relaxed)
            .saturating_sub(self.handled[s].load(Ordering::Relaxed))
    }

    /// Worker `w`'s load for modes 3, 7 and 9, see [`load_key`].
    pub fn load(&self, w: usize, now_us: u64) -> u64 {
        let since = self.busy_since[w % MAX_SLOTS].load(Ordering::Relaxed);
        let elapsed = if since == 0 {
            0
        } else {
            now_us.saturating_sub(since)
        };
        load_key(self.busy(w), elapsed)
    }
}

/// Orders workers by packets not yet handled, then by how long the current callback has
/// run: one number, so [`least_loaded`] compares both.
pub fn load_key(busy: u64, elapsed_us: u64) -> u64 {
    busy.min((1 << 23) - 1) << 40 | elapsed_us.min((1 << 40) - 1)
}

/// A clock every process of the machine shares, in µs (for [`Loads::busy_since`]).
pub fn monotonic_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out-parameter.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1000).max(1)
}

/// The least loaded of `n` workers by `load`, scanning from `start` so ties take turns.
pub fn least_loaded(n: usize, start: usize, load: impl Fn(usize) -> u64) -> usize {
    let mut best = start % n.max(1);
    let mut best_load = u64::MAX;
    for k in 0..n {
        let w = (start + k) % n;
        let l = load(w);
        if l < best_load {
            best = w;
            best_load = l;
            if l == 0 {
                break;
            }
        }
    }
    best
}

/// Stable hash of an address for mode 4 (the same client lands on the same worker across
/// restarts of the server, as Swoole's IP modulo does for IPv4).
pub fn ip_key(ip: &IpAddr) -> u64 {
    match ip {
        IpAddr::V4(v4) => u32::from(*v4) as u64,
        IpAddr::V6(v6) => {
            let o = v6.octets();
            match v6.to_ipv4_mapped() {
                Some(v4) => u32::from(v4) as u64,
                None => o.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
                }),
            }
        }
    }
}

/// The worker a new connection belongs to (its Connect and Close go there; in the fixed
/// modes its packets too). `turn` is a counter the caller advances per call.
pub fn home_worker(
    mode: Mode,
    n: usize,
    session: u64,
    ip: Option<&IpAddr>,
    turn: usize,
    connections: impl Fn(usize) -> u64,
) -> usize {
    let n = n.max(1);
    match mode {
        Mode::Ip => ip.map_or(session, ip_key) as usize % n,
        Mode::ConnLb => least_loaded(n, turn, connections),
        _ => (session % n as u64) as usize,
    }
}

/// The worker one packet goes to.
pub fn packet_worker(
    mode: Mode,
    n: usize,
    home: usize,
    uid: u64,
    turn: usize,
    busy: impl Fn(usize) -> u64,
) -> usize {
    let n = n.max(1);
    match mode {
        Mode::RoundRobin => turn % n,
        Mode::Idle | Mode::Stream | Mode::ReqLb => least_loaded(n, turn, busy),
        Mode::Uid if uid > 0 => (uid % n as u64) as usize,
        _ => home,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_refuse_unknown_modes() {
        assert_eq!(Mode::from_option(2), Ok(Mode::Fd));
        assert_eq!(Mode::from_option(10), Ok(Mode::ReqLb));
        assert_eq!(Mode::from_option(6), Ok(Mode::Func));
        assert!(Mode::from_option(0).is_err());
        assert!(Mode::from_option(11).unwrap_err().contains("11 given"));
    }

    #[test]
    fn modes_1_and_3_hide_connection_events_unless_unsafe() {
        for m in [Mode::RoundRobin, Mode::Idle] {
            assert!(!m.sends_connection_events(false));
            assert!(m.sends_connection_events(true));
        }
        for m in [
            Mode::Fd,
            Mode::Ip,
            Mode::Uid,
            Mode::Stream,
            Mode::ConnLb,
            Mode::ReqLb,
            Mode::Func,
        ] {
            assert!(m.sends_connection_events(false));
        }
    }

    #[test]
    fn dispatch_func_answers_map_to_decisions() {
        use Decision::*;
        let d = |a, e| func_decision(a, 3, e);
        for e in [Event::Connect, Event::Receive, Event::Close] {
            assert_eq!(d(Some(0), e), (Worker(0), false));
            assert_eq!(d(Some(2), e), (Worker(2), false));
            // Out of range, not an int, or an exception: the default worker, with a warning.
            assert_eq!(d(Some(3), e), (Default, true));
            assert_eq!(d(Some(-4), e), (Default, true));
            assert_eq!(d(Some(i64::MAX), e), (Default, true));
            assert_eq!(d(Some(i64::MIN), e), (Default, true));
            assert_eq!(d(None, e), (Default, true));
            assert_eq!(d(Some(-3), e), (Default, false));
        }
        assert_eq!(d(Some(-1), Event::Receive), (Discard, false));
        assert_eq!(d(Some(-2), Event::Receive), (Close, false));
        assert_eq!(d(Some(-2), Event::Connect), (Close, false));
        // A Connect is not "discarded", and a Close always reaches a worker.
        assert_eq!(d(Some(-1), Event::Connect), (Default, false));
        assert_eq!(d(Some(-1), Event::Close), (Default, false));
        assert_eq!(d(Some(-2), Event::Close), (Default, false));
        assert_eq!(Event::Receive as i64, 0);
        assert_eq!(Event::Close as i64, 4);
        assert_eq!(Event::Connect as i64, 5);
    }

    #[test]
    fn fd_mode_is_session_modulo_and_fixed() {
        let none = |_| 0;
        assert_eq!(home_worker(Mode::Fd, 4, 1, None, 0, none), 1);
        assert_eq!(home_worker(Mode::Fd, 4, 6, None, 9, none), 2);
        assert!(!Mode::Fd.per_packet());
        assert_eq!(packet_worker(Mode::Fd, 4, 2, 0, 7, none), 2);
    }

    #[test]
    fn round_robin_takes_turns_per_packet() {
        let none = |_| 0;
        let got: Vec<usize> = (0..6)
            .map(|t| packet_worker(Mode::RoundRobin, 3, 0, 0, t, none))
            .collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2]);
    }

    #[test]
    fn idle_modes_pick_the_least_busy_and_ties_take_turns() {
        let busy = [5u64, 0, 2];
        for m in [Mode::Idle, Mode::Stream, Mode::ReqLb] {
            assert_eq!(packet_worker(m, 3, 0, 0, 0, |w| busy[w]), 1);
        }
        let idle = |_| 0;
        assert_eq!(packet_worker(Mode::Idle, 3, 0, 0, 0, idle), 0);
        assert_eq!(packet_worker(Mode::Idle, 3, 0, 0, 1, idle), 1);
        assert_eq!(packet_worker(Mode::Idle, 3, 0, 0, 2, idle), 2);
        assert_eq!(least_loaded(3, 1, |w| [1, 1, 1][w]), 1);
    }

    #[test]
    fn ip_mode_keeps_a_client_on_one_worker() {
        let a: IpAddr = "10.0.0.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:10.0.0.7".parse().unwrap();
        let b: IpAddr = "10.0.0.8".parse().unwrap();
        let w = |ip: &IpAddr, s| home_worker(Mode::Ip, 4, s, Some(ip), s as usize, |_| 0);
        assert_eq!(w(&a, 1), w(&a, 99));
        assert_eq!(w(&a, 1), w(&mapped, 5));
        assert_eq!(w(&a, 1), 7 % 4);
        assert_eq!(w(&b, 1), 8 % 4);
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(w(&v6, 1), w(&v6, 2));
    }

    #[test]
    fn uid_mode_follows_the_bound_uid() {
        let none = |_| 0;
        // Unbound: the home (by fd).
        assert_eq!(packet_worker(Mode::Uid, 4, 3, 0, 0, none), 3);
        assert_eq!(packet_worker(Mode::Uid, 4, 3, 10, 0, none), 2);
        assert_eq!(packet_worker(Mode::Uid, 4, 1, 10, 5, none), 2);
    }

    #[test]
    fn conn_lb_puts_a_connection_on_the_emptiest_worker() {
        let conns = [3u64, 1, 2];
        assert_eq!(home_worker(Mode::ConnLb, 3, 1, None, 0, |w| conns[w]), 1);
        assert!(!Mode::ConnLb.per_packet());
    }

    #[test]
    fn a_worker_long_in_its_callback_loses_a_tie() {
        let l = Loads::new_shared().unwrap();
        // Both have one packet unhandled; worker 1 has been in its callback for 100 ms,
        // worker 0 for 5 µs (it has just answered).
        for w in 0..2 {
            l.dispatched[w].store(1, Ordering::Relaxed);
        }
        l.busy_since[0].store(1_000_000 - 5, Ordering::Relaxed);
        l.busy_since[1].store(900_000, Ordering::Relaxed);
        for turn in 0..4 {
            assert_eq!(
                packet_worker(Mode::Idle, 2, 0, 0, turn, |w| l.load(w, 1_000_000)),
                0
            );
        }
        // Fewer unhandled packets still wins over a shorter callback.
        assert!(load_key(0, u64::MAX) < load_key(1, 0));
        l.dispatched[1].store(0, Ordering::Relaxed);
        l.busy_since[1].store(0, Ordering::Relaxed);
        assert_eq!(
            packet_worker(Mode::Idle, 2, 0, 0, 0, |w| l.load(w, 1_000_000)),
            1
        );
    }

    #[test]
    fn loads_count_busy_packets() {
        let l = Loads::new_shared().unwrap();
        l.dispatched[2].store(5, Ordering::Relaxed);
        l.handled[2].store(3, Ordering::Relaxed);
        assert_eq!(l.busy(2), 2);
        l.handled[2].store(9, Ordering::Relaxed);
        assert_eq!(l.busy(2), 0);
    }
}
