//! The io_uring reactor backend for plain TCP and unix stream connections in BASE mode.
//!
//! It lives inside the worker's tokio runtime instead of replacing it: timers, signals,
//! accept, the channel between workers, TLS and datagrams stay on tokio (epoll). Only a
//! connection's reads and writes go through the ring:
//!
//! - reads: one `Recv` at a time per connection, into a buffer the kernel picks from a
//!   provided buffer ring ([`BufRing`]); the completion copies the bytes out and gives the
//!   buffer back at once, so a paused or slow connection never holds ring buffers, and
//!   with no `Recv` re-armed while paused, TCP backpressure applies as with epoll;
//! - writes: `Send` from a buffer owned by the op table (not by the connection) until its
//!   completion arrives, at most one per connection and [`SEND_MAX`] bytes in flight;
//! - sendfile(2) and `sendwait()` keep their direct system calls; readiness for sendfile
//!   comes from a `PollAdd`.
//!
//! Submissions are batched: SQEs queue up while tasks run and go in with one
//! `io_uring_enter` when the runtime is about to park (`on_thread_park`), so a reply and
//! the next `Recv` travel together. Completions are found by polling with tokio (`AsyncFd`)
//! the eventfd a DEFER_TASKRUN ring signals (or the ring's fd on kernels without it), one
//! collect-and-drain per wake-up.
//!
//! Memory safety: a buffer the kernel may touch is owned by the [`Driver`] (send buffers
//! in the op table, receive buffers in the buffer ring) until the kernel says it is done;
//! a connection that closes cancels its ops and submits the cancellations before its fd
//! is closed (an unsubmitted SQE names an fd number that could be reused); at worker exit
//! the driver cancels everything and waits for the completions, and leaks the memory
//! rather than free it if the kernel does not answer in time.

use std::cell::{Cell, RefCell};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use io_uring::types::BufRingEntry;
use io_uring::{cqueue, opcode, squeue, types, IoUring};

use crate::options::ReactorType;

/// Submission queue size; the completion queue is twice that.
const RING_ENTRIES: u32 = 1024;
/// One receive buffer: a raw onReceive delivers at most this much, as with epoll.
pub const BUF_SIZE: usize = 64 * 1024;
/// Receive buffers in the ring (a power of two). Each is copied out and recycled as soon
/// as its completion is seen, so this bounds the receives that complete within one wait,
/// not the connections; more get ENOBUFS and are re-armed. 64 made 1,000 busy connections
/// cost 7.3 µs of server CPU per request (re-arming) against 5.1 with 512; the memory is
/// 32 MiB of address space per worker, touched only as far as receives fill it.
const BUF_COUNT: u16 = 512;
const BGID: u16 = 0;
/// Bytes of one connection in flight in a `Send` (one at a time).
pub const SEND_MAX: usize = 256 * 1024;
/// SQEs queued without a submit before one is forced (a runtime that does not park).
const SUBMIT_BATCH: u32 = 128;

/// Which backend serves connections, chosen once at `start()` and inherited by workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Epoll,
    IoUring,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Epoll => "epoll",
            Backend::IoUring => "io_uring",
        }
    }
}

static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// The backend chosen by the last `start()` (epoll before any).
pub fn chosen() -> Backend {
    if CHOSEN.load(Ordering::Relaxed) == 1 {
        Backend::IoUring
    } else {
        Backend::Epoll
    }
}

pub fn set_chosen(b: Backend) {
    CHOSEN.store(u8::from(b == Backend::IoUring), Ordering::Relaxed);
}

/// What `start()` decided and what it should say about it.
#[derive(Debug, PartialEq)]
pub struct Choice {
    pub backend: Backend,
    /// One line for the log (info level).
    pub reason: String,
    /// io_uring was asked for explicitly and cannot be had: a PHP warning.
    pub warning: Option<String>,
}

/// Decides the backend from the requested type, the server mode and the probe result.
pub fn choose(requested: ReactorType, process_mode: bool, probe: Result<(), i32>) -> Choice {
    let refused = |e: i32| {
        let err = io::Error::from_raw_os_error(e);
        format!("the kernel refused io_uring ({err}; errno {e})")
    };
    match requested {
        ReactorType::Epoll => Choice {
            backend: Backend::Epoll,
            reason: "reactor_type 'epoll': using epoll".into(),
            warning: None,
        },
        _ if process_mode => {
            let reason = "SWOOLE_PROCESS mode runs on epoll: using epoll".to_string();
            Choice {
                backend: Backend::Epoll,
                warning: (requested == ReactorType::IoUring).then(|| {
                    format!(
                        "reactor_type 'io_uring' is not supported in SWOOLE_PROCESS mode; {reason}"
                    )
                }),
                reason,
            }
        }
        ReactorType::Auto => match probe {
            Ok(()) => Choice {
                backend: Backend::IoUring,
                reason: "reactor_type 'auto': io_uring is available: using io_uring".into(),
                warning: None,
            },
            Err(e) => Choice {
                backend: Backend::Epoll,
                reason: format!("reactor_type 'auto': {}: using epoll", refused(e)),
                warning: None,
            },
        },
        ReactorType::IoUring => match probe {
            Ok(()) => Choice {
                backend: Backend::IoUring,
                reason: "reactor_type 'io_uring': using io_uring".into(),
                warning: None,
            },
            Err(e) => {
                let reason = format!(
                    "reactor_type 'io_uring': {}: falling back to epoll",
                    refused(e)
                );
                Choice {
                    backend: Backend::Epoll,
                    warning: Some(reason.clone()),
                    reason,
                }
            }
        },
    }
}

/// Whether this kernel lets us use io_uring the way [`Driver`] does: `Err(errno)` if not.
/// `kernel.io_uring_disabled`, seccomp filters and old kernels fail `io_uring_setup`
/// (EPERM, ENOSYS, EINVAL); kernels before 5.19 lack provided buffer rings.
/// `SWOOLE_RS_TEST_IO_URING_ERRNO=<errno>` fails it on purpose (tests of the fallback).
pub fn probe() -> Result<(), i32> {
    if let Some(e) = std::env::var("SWOOLE_RS_TEST_IO_URING_ERRNO")
        .ok()
        .and_then(|v| v.trim().parse::<i32>().ok())
        .filter(|e| *e > 0)
    {
        return Err(e);
    }
    let errno = |e: io::Error| e.raw_os_error().unwrap_or(libc::EINVAL);
    let ring = IoUring::new(8).map_err(errno)?;
    let mut p = io_uring::Probe::new();
    ring.submitter().register_probe(&mut p).map_err(errno)?;
    for op in [
        opcode::Recv::CODE,
        opcode::Send::CODE,
        opcode::PollAdd::CODE,
        opcode::AsyncCancel::CODE,
    ] {
        if !p.is_supported(op) {
            return Err(libc::EINVAL);
        }
    }
    let bufs = BufRing::new(2, 64).map_err(errno)?;
    // SAFETY: the ring memory outlives the registration (unregistered just below, and the
    // ring is dropped before `bufs`).
    unsafe {
        ring.submitter()
            .register_buf_ring_with_flags(bufs.ring_addr(), bufs.entries(), BGID, 0)
            .map_err(errno)?;
    }
    let _ = ring.submitter().unregister_buf_ring(BGID);
    drop(ring);
    drop(bufs);
    Ok(())
}

/// `php --ri swoole`: whether io_uring would be used here.
pub fn availability() -> String {
    match probe() {
        Ok(()) => "available".into(),
        Err(e) => format!(
            "unavailable: {} (errno {e}); epoll is used",
            io::Error::from_raw_os_error(e)
        ),
    }
}

/// A provided buffer ring: `entries` entries (a power of two) in page-aligned memory the
/// kernel reads, and as many buffers of `size` bytes the kernel writes into.
pub struct BufRing {
    ring: *mut BufRingEntry,
    ring_len: usize,
    mem: Box<[u8]>,
    size: usize,
    entries: u16,
    /// Our tail, published to the kernel by [`BufRing::publish`].
    tail: u16,
}

impl BufRing {
    pub fn new(entries: u16, size: usize) -> io::Result<BufRing> {
        assert!(entries.is_power_of_two());
        let ring_len = entries as usize * std::mem::size_of::<BufRingEntry>();
        // SAFETY: an anonymous private mapping; checked for failure below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                ring_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // A forked child gets no copy of the page the kernel reads (it never uses it).
        // SAFETY: our own mapping, whole.
        unsafe { libc::madvise(p, ring_len, libc::MADV_DONTFORK) };
        let mut r = BufRing {
            ring: p.cast(),
            ring_len,
            mem: vec![0u8; entries as usize * size].into_boxed_slice(),
            size,
            entries,
            tail: 0,
        };
        for bid in 0..entries {
            r.push(bid);
        }
        r.publish();
        Ok(r)
    }

    /// Stands in for a ring that was leaked (null: Drop unmaps nothing).
    fn empty() -> BufRing {
        BufRing {
            ring: std::ptr::null_mut(),
            ring_len: 0,
            mem: Box::new([]),
            size: 0,
            entries: 0,
            tail: 0,
        }
    }

    pub fn ring_addr(&self) -> u64 {
        self.ring as u64
    }

    pub fn entries(&self) -> u16 {
        self.entries
    }

    /// Slot of the ring that tail `tail` names.
    pub fn slot(tail: u16, entries: u16) -> usize {
        (tail & (entries - 1)) as usize
    }

    /// Hands buffer `bid` back to the kernel (visible after [`BufRing::publish`]).
    pub fn push(&mut self, bid: u16) {
        debug_assert!(bid < self.entries);
        let i = Self::slot(self.tail, self.entries);
        // SAFETY: i < entries, inside the mapping; the kernel only reads slots between its
        // head and the published tail, and this one is past the published tail.
        let e = unsafe { &mut *self.ring.add(i) };
        e.set_addr(self.mem[bid as usize * self.size..].as_ptr() as u64);
        e.set_len(self.size as u32);
        e.set_bid(bid);
        self.tail = self.tail.wrapping_add(1);
    }

    /// Makes pushed buffers visible to the kernel.
    pub fn publish(&self) {
        // SAFETY: the tail field lives inside the mapping (it overlays entry 0's `resv`);
        // the kernel reads it with acquire semantics.
        unsafe {
            let tail = BufRingEntry::tail(self.ring) as *const std::sync::atomic::AtomicU16;
            (*tail).store(self.tail, Ordering::Release);
        }
    }

    /// The first `len` bytes of buffer `bid`.
    pub fn get(&self, bid: u16, len: usize) -> &[u8] {
        let start = bid as usize * self.size;
        &self.mem[start..start + len.min(self.size)]
    }

    /// The published entry at slot `i` (addr, len, bid), for tests.
    pub fn entry(&self, i: usize) -> (u64, u32, u16) {
        // SAFETY: bounds-checked against entries.
        let e = unsafe { &*self.ring.add(i % self.entries as usize) };
        (e.addr(), e.len(), e.bid())
    }

    pub fn mem_addr(&self) -> u64 {
        self.mem.as_ptr() as u64
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        if self.ring.is_null() {
            return;
        }
        // SAFETY: our own mapping, unregistered (or the ring gone) by now.
        unsafe { libc::munmap(self.ring.cast(), self.ring_len) };
    }
}

/// Ops in flight, indexed by the SQE's user data; freed slots are reused.
pub struct OpTable<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
    live: usize,
}

impl<T> Default for OpTable<T> {
    fn default() -> Self {
        OpTable {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }
}

impl<T> OpTable<T> {
    pub fn insert(&mut self, v: T) -> u32 {
        self.live += 1;
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(v);
            i
        } else {
            self.slots.push(Some(v));
            (self.slots.len() - 1) as u32
        }
    }
    pub fn remove(&mut self, i: u32) -> Option<T> {
        let v = self.slots.get_mut(i as usize)?.take();
        if v.is_some() {
            self.live -= 1;
            self.free.push(i);
        }
        v
    }
    pub fn get_mut(&mut self, i: u32) -> Option<&mut T> {
        self.slots.get_mut(i as usize)?.as_mut()
    }
    pub fn len(&self) -> usize {
        self.live
    }
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    /// Gives up ownership of everything (the kernel did not answer: leak, never free).
    pub fn leak(&mut self) {
        std::mem::forget(std::mem::take(&mut self.slots));
        self.live = 0;
        self.free.clear();
    }
}

enum OpKind {
    Recv,
    /// The bytes being sent, from `off`; owned here until the completion.
    Send {
        buf: Vec<u8>,
        off: usize,
    },
    Poll,
    Cancel,
}

struct Op {
    conn: Weak<ConnIo>,
    kind: OpKind,
}

/// One worker's ring.
pub struct Driver {
    /// The [`FORK_GEN`] it was made in: in a forked child every method does nothing.
    gen: u32,
    ring: RefCell<IoUring>,
    ops: RefCell<OpTable<Op>>,
    bufs: RefCell<BufRing>,
    unsubmitted: Cell<u32>,
    /// Submit and wait failures are reported once.
    failed: Cell<bool>,
    /// With DEFER_TASKRUN: the eventfd that says completions are waiting to be collected.
    wake_fd: Option<OwnedFd>,
}

/// Bumped in every child of a `fork()` (pthread_atfork): a driver created under another
/// generation belongs to the parent, whose ring the child shares and must never touch.
static FORK_GEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

extern "C" fn forked_child() {
    FORK_GEN.fetch_add(1, Ordering::Relaxed);
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Driver>>> = const { RefCell::new(None) };
}

/// The runtime is about to park: submit what the loop turn queued.
pub fn on_park() {
    CURRENT.with(|c| {
        if let Some(d) = c.borrow().as_ref() {
            d.submit();
        }
    });
}

/// This thread's driver, if the io_uring backend runs here (never a parent's, after fork).
pub fn current() -> Option<Rc<Driver>> {
    CURRENT.with(|c| c.borrow().clone().filter(|d| d.ours()))
}

/// Installs (or removes, with None) this thread's driver.
pub fn set_current(d: Option<Rc<Driver>>) -> Option<Rc<Driver>> {
    CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), d))
}

impl Driver {
    pub fn new() -> io::Result<Rc<Driver>> {
        static ATFORK: std::sync::Once = std::sync::Once::new();
        // SAFETY: the handler only bumps an atomic (async-signal-safe).
        ATFORK.call_once(|| unsafe {
            libc::pthread_atfork(None, None, Some(forked_child));
        });
        // Which ring, best first:
        // - DEFER_TASKRUN (6.1+, needs SINGLE_ISSUER: only this thread touches the ring):
        //   the kernel holds completions as work for this thread and posts them when it
        //   enters the ring asking for events (the wake-up's first submit). Its completions
        //   do not make the ring's fd readable, so readiness comes from a registered eventfd
        //   the kernel signals as it queues that work. Measured against COOP_TASKRUN (tutorial
        //   server pinned, 5 alternating rounds, medians): CPU per request within the noise
        //   (64 B x 100: 6.24 vs 6.63 and 7.65 vs 7.17 µs in two runs; 4 KiB 8.67 vs 8.88),
        //   but at 1,000 connections p99 15.5 vs 67.7 ms and 14.7 vs 46.9 ms (epoll: 18.3,
        //   14.8): completions no longer run at whichever system call comes next.
        // - COOP_TASKRUN (5.19+): a completion does not interrupt the worker with an IPI to
        //   run its task work; it runs at the next kernel entry (the worker's next
        //   epoll_wait, which still wakes for it). 64 B ping-pong, 100 connections: 6.2 µs
        //   of server CPU per request without it (16 % of it returning from those
        //   interrupts, 11 % spinning on socket locks they contend for), 4.2 with it.
        // - a plain ring on older kernels.
        // `SWOOLE_RS_TEST_IO_URING_NO_DEFER=1` skips the first (tests of the second on a
        // kernel that has both).
        let deferred = if std::env::var_os("SWOOLE_RS_TEST_IO_URING_NO_DEFER").is_some() {
            Err(io::Error::from_raw_os_error(libc::EINVAL))
        } else {
            IoUring::builder()
                .setup_cqsize(RING_ENTRIES * 2)
                .setup_single_issuer()
                .setup_defer_taskrun()
                .setup_taskrun_flag()
                .build(RING_ENTRIES)
        };
        let (ring, defer) = match deferred {
            Ok(r) => {
                crate::process::log::log(
                    crate::process::log::LOG_DEBUG,
                    '*',
                    0,
                    "io_uring: DEFER_TASKRUN ring, completions collected once per wake-up",
                );
                (r, true)
            }
            Err(e) => {
                crate::process::log::log(
                    crate::process::log::LOG_DEBUG,
                    '*',
                    0,
                    &format!("io_uring: COOP_TASKRUN ring (DEFER_TASKRUN refused: {e})"),
                );
                (
                    IoUring::builder()
                        .setup_cqsize(RING_ENTRIES * 2)
                        .setup_coop_taskrun()
                        .setup_taskrun_flag()
                        .build(RING_ENTRIES)
                        .or_else(|_| {
                            IoUring::builder()
                                .setup_cqsize(RING_ENTRIES * 2)
                                .build(RING_ENTRIES)
                        })?,
                    false,
                )
            }
        };
        let wake_fd = if defer {
            // SAFETY: eventfd(2) has no memory preconditions; the result is checked.
            let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: a fresh descriptor this driver now owns.
            let fd = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
            ring.submitter().register_eventfd(fd.as_raw_fd())?;
            Some(fd)
        } else {
            None
        };
        let bufs = BufRing::new(BUF_COUNT, BUF_SIZE)?;
        // SAFETY: the buffer ring is owned by the driver and outlives the ring (see Drop).
        unsafe {
            ring.submitter().register_buf_ring_with_flags(
                bufs.ring_addr(),
                bufs.entries(),
                BGID,
                0,
            )?;
        }
        Ok(Rc::new(Driver {
            gen: FORK_GEN.load(Ordering::Relaxed),
            ring: RefCell::new(ring),
            ops: RefCell::new(OpTable::default()),
            bufs: RefCell::new(bufs),
            unsubmitted: Cell::new(0),
            failed: Cell::new(false),
            wake_fd,
        }))
    }

    /// Made in this process (not inherited through a fork).
    fn ours(&self) -> bool {
        FORK_GEN.load(Ordering::Relaxed) == self.gen
    }

    pub fn ring_fd(&self) -> RawFd {
        self.ring.borrow().as_raw_fd()
    }

    fn push(&self, sqe: squeue::Entry) {
        if !self.ours() {
            return;
        }
        let mut ring = self.ring.borrow_mut();
        loop {
            // SAFETY: every buffer an SQE names is owned by the op table or the buffer
            // ring until its completion (see the module doc).
            if unsafe { ring.submission().push(&sqe) }.is_ok() {
                break;
            }
            // Full: submit what is queued to make room.
            if ring.submit().is_err() {
                std::thread::yield_now();
            }
            self.unsubmitted.set(0);
        }
        drop(ring);
        self.unsubmitted.set(self.unsubmitted.get() + 1);
        if self.unsubmitted.get() >= SUBMIT_BATCH {
            self.submit();
        }
    }

    /// One `io_uring_enter` for everything queued since the last one.
    pub fn submit(&self) {
        if !self.ours() {
            return;
        }
        // The kernel flags deferred completions waiting for an enter (TASKRUN_FLAG):
        // submit() then enters with GETEVENTS even with nothing to submit.
        if self.unsubmitted.get() == 0 && !self.ring.borrow_mut().submission().taskrun() {
            return;
        }
        match self.ring.borrow().submit() {
            Ok(_) => self.unsubmitted.set(0),
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
            Err(e) => {
                if !self.failed.replace(true) {
                    crate::process::log::log(
                        crate::process::log::LOG_WARNING,
                        '*',
                        0,
                        &format!("io_uring submit failed: {e}"),
                    );
                }
            }
        }
    }

    fn add_op(&self, conn: &Rc<ConnIo>, kind: OpKind) -> u32 {
        self.ops.borrow_mut().insert(Op {
            conn: Rc::downgrade(conn),
            kind,
        })
    }

    /// Handles every completion waiting in the ring; returns how many.
    pub fn drain(&self) -> usize {
        let mut seen = 0;
        if !self.ours() {
            return 0;
        }
        loop {
            let batch: Vec<(u64, i32, u32)> = {
                let mut ring = self.ring.borrow_mut();
                ring.completion()
                    .take(256)
                    .map(|c| (c.user_data(), c.result(), c.flags()))
                    .collect()
            };
            if batch.is_empty() {
                break;
            }
            seen += batch.len();
            for (ud, res, flags) in batch {
                self.complete(ud as u32, res, flags);
            }
            self.bufs.borrow().publish();
        }
        seen
    }

    fn complete(&self, ud: u32, res: i32, flags: u32) {
        let Some(op) = self.ops.borrow_mut().remove(ud) else {
            return;
        };
        let conn = op.conn.upgrade();
        match op.kind {
            OpKind::Recv => {
                if let Some(c) = &conn {
                    c.recv_op.set(None);
                }
                let bid = cqueue::buffer_select(flags);
                if let (Some(c), Some(bid), true) = (&conn, bid, res > 0) {
                    let bufs = self.bufs.borrow();
                    c.rx.borrow_mut()
                        .extend_from_slice(bufs.get(bid, res as usize));
                }
                if let Some(bid) = bid {
                    self.bufs.borrow_mut().push(bid);
                }
                if let Some(c) = &conn {
                    match res {
                        0 => c.eof.set(true),
                        r if r > 0 => {}
                        // Out of buffers, or retry: the next poll_read re-arms.
                        r if r == -libc::ENOBUFS || r == -libc::EAGAIN || r == -libc::EINTR => {}
                        r if r == -libc::ECANCELED => {}
                        r => c.err.set(Some(-r)),
                    }
                    c.wake();
                }
            }
            OpKind::Send { buf, off } => {
                let Some(c) = conn else { return };
                if res < 0 && res != -libc::EAGAIN && res != -libc::EINTR {
                    c.send_op.set(None);
                    if res != -libc::ECANCELED {
                        c.err.set(Some(-res));
                    }
                    c.wake();
                    return;
                }
                let off = off + res.max(0) as usize;
                if off < buf.len() && !c.closed.get() {
                    // A short send: the rest goes out from the same buffer.
                    let sqe = opcode::Send::new(
                        types::Fd(c.fd),
                        buf[off..].as_ptr(),
                        (buf.len() - off) as u32,
                    )
                    .flags(libc::MSG_NOSIGNAL)
                    .build();
                    let id = self.add_op(&c, OpKind::Send { buf, off });
                    c.send_op.set(Some(id));
                    self.push(sqe.user_data(id as u64));
                } else {
                    c.send_op.set(None);
                    c.wake();
                }
            }
            OpKind::Poll => {
                if let Some(c) = conn {
                    c.poll_op.set(None);
                    if res >= 0 {
                        c.writable.set(true);
                    }
                    c.wake();
                }
            }
            OpKind::Cancel => {}
        }
    }

    fn cancel(&self, target: u32) {
        let id = self.ops.borrow_mut().insert(Op {
            conn: Weak::new(),
            kind: OpKind::Cancel,
        });
        self.push(
            opcode::AsyncCancel::new(target as u64)
                .build()
                .user_data(id as u64),
        );
    }

    /// Waits (blocking, no event loop) until `done()` or `limit` passes; completions are
    /// handled meanwhile. `sendwait()` uses it. False on timeout.
    pub fn wait_until(&self, done: &dyn Fn() -> bool, limit: Duration) -> bool {
        if !self.ours() {
            return false;
        }
        let deadline = Instant::now() + limit;
        loop {
            self.drain();
            if done() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let ts = types::Timespec::from(left.min(Duration::from_millis(100)));
            let args = types::SubmitArgs::new().timespec(&ts);
            let r = self.ring.borrow().submitter().submit_with_args(1, &args);
            match r {
                Ok(_) => self.unsubmitted.set(0),
                Err(e) if e.raw_os_error() == Some(libc::ETIME) => self.unsubmitted.set(0),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(1)),
            }
        }
    }

    /// Serves completions until aborted: one drain per readiness of the ring's fd.
    pub async fn run(self: Rc<Self>) {
        let fd = match &self.wake_fd {
            Some(w) => w.as_raw_fd(),
            None => self.ring_fd(),
        };
        // SAFETY: the ring's fd (or the eventfd) outlives this task (the driver owns the ring, and this task
        // holds the driver); the registration is dropped when the task ends.
        let Ok(afd) = (unsafe {
            tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE)
        }) else {
            return;
        };
        loop {
            match afd.readable().await {
                Ok(mut g) => g.clear_ready(),
                Err(_) => return,
            }
            // After clear_ready: a completion posted in between is seen now or raises a new
            // readiness event. (The eventfd is edge-triggered in tokio's epoll and every
            // signal is a new edge, so its counter need not be read.)
            if self.wake_fd.is_some() {
                self.submit();
            }
            self.drain();
            self.submit();
        }
    }

    /// Worker exit: cancels every op and waits (bounded) for the kernel to release their
    /// buffers; whatever it still holds is leaked, never freed.
    pub fn shutdown(&self) {
        if !self.ours() {
            return;
        }
        let targets: Vec<u32> = {
            let ops = self.ops.borrow();
            (0..ops.slots.len() as u32)
                .filter(|&i| {
                    matches!(
                        ops.slots[i as usize],
                        Some(Op {
                            kind: OpKind::Recv | OpKind::Send { .. } | OpKind::Poll,
                            ..
                        })
                    )
                })
                .collect()
        };
        for t in targets {
            self.cancel(t);
        }
        self.submit();
        let done = self.wait_until(&|| self.ops.borrow().is_empty(), Duration::from_secs(2));
        if !done {
            self.ops.borrow_mut().leak();
            // The kernel may still write into receive buffers: keep them forever.
            let bufs = std::mem::replace(&mut *self.bufs.borrow_mut(), BufRing::empty());
            std::mem::forget(bufs);
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.ours() {
            // A forked child's copy: the parent's kernel ops may still use these buffers
            // (the mapping is shared with the ring); leave everything as it is.
            std::mem::forget(std::mem::take(self.ops.get_mut()));
            let bufs = std::mem::replace(self.bufs.get_mut(), BufRing::empty());
            std::mem::forget(bufs);
            return;
        }
        if !self.ops.get_mut().is_empty() && !self.bufs.get_mut().ring.is_null() {
            self.shutdown();
        }
        if self.bufs.get_mut().ring.is_null() {
            // Leaked in shutdown(): the ring goes, its memory stays.
            return;
        }
        let _ = self.ring.get_mut().submitter().unregister_buf_ring(BGID);
    }
}

/// One connection's state shared by its [`UringStream`], its `Conn` (`send()` from PHP)
/// and the driver's completions.
pub struct ConnIo {
    driver: Rc<Driver>,
    fd: RawFd,
    /// Received bytes not yet read, from `rx_off`.
    rx: RefCell<Vec<u8>>,
    rx_off: Cell<usize>,
    recv_op: Cell<Option<u32>>,
    send_op: Cell<Option<u32>>,
    poll_op: Cell<Option<u32>>,
    eof: Cell<bool>,
    err: Cell<Option<i32>>,
    /// Last known writability for sendfile(2); cleared by a WouldBlock.
    writable: Cell<bool>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl ConnIo {
    fn wake(&self) {
        if let Some(w) = self.waker.borrow().as_ref() {
            w.wake_by_ref();
        }
    }

    pub fn register(&self, cx: &Context<'_>) {
        let mut w = self.waker.borrow_mut();
        if !w.as_ref().is_some_and(|old| old.will_wake(cx.waker())) {
            *w = Some(cx.waker().clone());
        }
    }

    /// A `Send` is in flight: output is not all in the kernel yet.
    pub fn sending(&self) -> bool {
        self.send_op.get().is_some()
    }

    pub fn failed(&self) -> bool {
        self.err.get().is_some()
    }

    /// Starts sending up to [`SEND_MAX`] bytes of `data` if nothing is in flight; returns
    /// how many were taken (0 if a send is in flight).
    pub fn try_send(self: &Rc<Self>, data: &[u8]) -> usize {
        if self.send_op.get().is_some() || self.closed.get() || data.is_empty() {
            return 0;
        }
        let n = data.len().min(SEND_MAX);
        let buf = data[..n].to_vec();
        let sqe = opcode::Send::new(types::Fd(self.fd), buf.as_ptr(), n as u32)
            .flags(libc::MSG_NOSIGNAL)
            .build();
        let id = self.driver.add_op(self, OpKind::Send { buf, off: 0 });
        self.send_op.set(Some(id));
        self.driver.push(sqe.user_data(id as u64));
        n
    }

    /// Blocks until the in-flight send is done (`sendwait()`); false after `limit`.
    pub fn wait_sent(&self, limit: Duration) -> bool {
        self.driver.submit();
        self.driver.wait_until(&|| !self.sending(), limit)
    }
}

/// A connection's socket served by the ring (`Stream::Uring`).
pub struct UringStream {
    io: Rc<ConnIo>,
    /// Closed after the ops that name it are cancelled and the cancellations submitted.
    fd: Option<OwnedFd>,
}

impl UringStream {
    pub fn new(driver: Rc<Driver>, fd: OwnedFd) -> UringStream {
        let io = Rc::new(ConnIo {
            driver,
            fd: fd.as_raw_fd(),
            rx: RefCell::new(Vec::new()),
            rx_off: Cell::new(0),
            recv_op: Cell::new(None),
            send_op: Cell::new(None),
            poll_op: Cell::new(None),
            eof: Cell::new(false),
            err: Cell::new(None),
            writable: Cell::new(true),
            closed: Cell::new(false),
            waker: RefCell::new(None),
        });
        UringStream { io, fd: Some(fd) }
    }

    pub fn io(&self) -> &Rc<ConnIo> {
        &self.io
    }

    pub fn raw_fd(&self) -> RawFd {
        self.io.fd
    }

    pub fn poll_read(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        let io = &self.io;
        {
            let mut rx = io.rx.borrow_mut();
            let off = io.rx_off.get();
            if off < rx.len() {
                let n = (rx.len() - off).min(out.len());
                out[..n].copy_from_slice(&rx[off..off + n]);
                if off + n == rx.len() {
                    rx.clear();
                    io.rx_off.set(0);
                    if rx.capacity() > 4 * BUF_SIZE {
                        rx.shrink_to(BUF_SIZE);
                    }
                } else {
                    io.rx_off.set(off + n);
                }
                return Poll::Ready(Ok(n));
            }
        }
        if let Some(e) = io.err.get() {
            return Poll::Ready(Err(io::Error::from_raw_os_error(e)));
        }
        if io.eof.get() {
            return Poll::Ready(Ok(0));
        }
        io.register(cx);
        if io.recv_op.get().is_none() && !io.closed.get() {
            let sqe = opcode::Recv::new(types::Fd(io.fd), std::ptr::null_mut(), BUF_SIZE as u32)
                .buf_group(BGID)
                .build()
                .flags(squeue::Flags::BUFFER_SELECT);
            let id = io.driver.add_op(io, OpKind::Recv);
            io.recv_op.set(Some(id));
            io.driver.push(sqe.user_data(id as u64));
        }
        Poll::Pending
    }

    pub fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if let Some(e) = self.io.err.get() {
            return Poll::Ready(Err(io::Error::from_raw_os_error(e)));
        }
        self.io.register(cx);
        match self.io.try_send(buf) {
            0 if !buf.is_empty() => Poll::Pending,
            n => Poll::Ready(Ok(n)),
        }
    }

    /// Writability for sendfile(2): after the in-flight send, and then from a `PollAdd`.
    pub fn poll_write_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let io = &self.io;
        if let Some(e) = io.err.get() {
            return Poll::Ready(Err(io::Error::from_raw_os_error(e)));
        }
        io.register(cx);
        if io.sending() {
            return Poll::Pending;
        }
        if io.writable.get() {
            return Poll::Ready(Ok(()));
        }
        if io.poll_op.get().is_none() {
            let sqe = opcode::PollAdd::new(types::Fd(io.fd), libc::POLLOUT as u32).build();
            let id = io.driver.add_op(io, OpKind::Poll);
            io.poll_op.set(Some(id));
            io.driver.push(sqe.user_data(id as u64));
        }
        Poll::Pending
    }

    pub fn try_write_io(&self, mut f: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
        let r = f();
        if matches!(&r, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.io.writable.set(false);
        }
        r
    }
}

impl Drop for UringStream {
    fn drop(&mut self) {
        let io = &self.io;
        io.closed.set(true);
        for op in [&io.recv_op, &io.send_op, &io.poll_op] {
            if let Some(id) = op.get() {
                io.driver.cancel(id);
            }
        }
        // Before the fd number can be reused, no queued SQE may still name it.
        io.driver.submit();
        drop(self.fd.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buf_ring_publishes_every_buffer_once_in_order() {
        let r = BufRing::new(8, 1024).unwrap();
        for i in 0..8 {
            let (addr, len, bid) = r.entry(i);
            assert_eq!(bid as usize, i);
            assert_eq!(len, 1024);
            assert_eq!(addr, r.mem_addr() + (i as u64) * 1024);
        }
        assert_eq!(r.tail, 8);
    }

    #[test]
    fn buf_ring_recycles_into_the_next_slot_and_wraps() {
        let mut r = BufRing::new(4, 16).unwrap();
        // The kernel took buffers 2 and 0; they come back in slots 4 % 4 and 5 % 4.
        r.push(2);
        r.push(0);
        assert_eq!(r.entry(0).2, 2);
        assert_eq!(r.entry(1).2, 0);
        assert_eq!(r.entry(0).0, r.mem_addr() + 32);
        assert_eq!(BufRing::slot(u16::MAX, 4), 3);
        assert_eq!(BufRing::slot(u16::MAX.wrapping_add(1), 4), 0);
        r.tail = u16::MAX;
        r.push(1);
        assert_eq!(r.tail, 0);
        assert_eq!(r.entry(3).2, 1);
    }

    #[test]
    fn buf_ring_get_is_bounded_by_the_buffer() {
        let r = BufRing::new(2, 8).unwrap();
        assert_eq!(r.get(1, 100).len(), 8);
        assert_eq!(r.get(0, 3).len(), 3);
    }

    #[test]
    fn op_table_reuses_slots_and_counts_live_ops() {
        let mut t = OpTable::default();
        let a = t.insert("a");
        let b = t.insert("b");
        assert_eq!(t.len(), 2);
        assert_eq!(t.remove(a), Some("a"));
        assert_eq!(t.remove(a), None);
        let c = t.insert("c");
        assert_eq!(c, a);
        assert_eq!(t.get_mut(b), Some(&mut "b"));
        assert_eq!(t.len(), 2);
        t.remove(b);
        t.remove(c);
        assert!(t.is_empty());
    }

    #[test]
    fn choice_follows_request_mode_and_probe() {
        let c = choose(ReactorType::Auto, false, Ok(()));
        assert_eq!(c.backend, Backend::IoUring);
        assert!(c.warning.is_none());
        let c = choose(ReactorType::Auto, false, Err(libc::EPERM));
        assert_eq!(c.backend, Backend::Epoll);
        assert!(c.warning.is_none());
        assert!(c.reason.contains("errno 1"), "{}", c.reason);
        let c = choose(ReactorType::IoUring, false, Err(libc::ENOSYS));
        assert_eq!(c.backend, Backend::Epoll);
        assert!(c.warning.is_some());
        let c = choose(ReactorType::Epoll, false, Ok(()));
        assert_eq!(c.backend, Backend::Epoll);
        let c = choose(ReactorType::Auto, true, Ok(()));
        assert_eq!(c.backend, Backend::Epoll);
        assert!(c.warning.is_none());
        assert!(choose(ReactorType::IoUring, true, Ok(())).warning.is_some());
    }

    #[test]
    fn probe_honours_the_test_errno() {
        // Only this test sets the variable; other tests do not probe.
        std::env::set_var("SWOOLE_RS_TEST_IO_URING_ERRNO", "38");
        assert_eq!(probe(), Err(38));
        std::env::remove_var("SWOOLE_RS_TEST_IO_URING_ERRNO");
    }
}
