//! Messages between the processes of one server, over datagram socket pairs made before the
//! fork, with one framing for every kind of message.
//!
//! A frame is a 16-byte header and a payload of at most [`MAX_PAYLOAD`] bytes:
//!
//! ```text
//! kind u8 | flags u8 | src u16 | msg_id u32 | target u64 | payload …
//! ```
//!
//! `src` is the sending worker's id, `msg_id` numbers that sender's messages (so chunks of
//! two large messages from different senders never mix), `target` names what the message is
//! about (a session id for forwarded `send()`/`close()`; a task id for the task messages that
//! come next). A payload larger than one frame is split into frames with [`FLAG_MORE`] on
//! every frame but the last; [`Reassembler`] puts them back together on the receiving side.
//! Kinds whose chunks can be used one by one (a forwarded `send()` appends each chunk to the
//! connection's output, in order) skip reassembly and keep no memory per message.
//!
//! Datagram sockets (not a byte stream) keep frames whole, and one socket pair per receiving
//! process keeps each sender's frames in order.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::os::fd::RawFd;

/// Size of a frame header.
pub const HEADER_LEN: usize = 16;

/// Largest payload per frame: well under the 4 MiB send buffer the channel asks for, and
/// small enough that a datagram never needs more than a few pages of kernel memory.
pub const MAX_PAYLOAD: usize = 60 * 1024;

/// More frames of the same message follow.
pub const FLAG_MORE: u8 = 1;
/// `close($fd, true)`: close with an RST.
pub const FLAG_RESET: u8 = 2;
/// The payload is PHP `serialize()` output (task data, results, pipe messages).
pub const FLAG_SERIALIZED: u8 = 4;
/// Not the first frame of its message. A receiver that sees one without having seen the
/// start (it was restarted in between) drops it instead of taking it for a whole message.
pub const FLAG_CONT: u8 = 8;
/// A task whose sender wants no result (sent from a process that cannot receive one).
pub const FLAG_NOREPLY: u8 = 16;
/// A task sent by `taskwait()`/`taskWaitMulti()`.
pub const FLAG_WAIT: u8 = 32;
/// A [`Kind::Pause`] that resumes.
pub const FLAG_RESUME: u8 = 64;

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// `send()` on a session another worker owns: the payload goes to that connection.
    Send = 1,
    /// `close()` on a session another worker owns.
    Close = 2,
    /// `task()`: `src` is the sending worker, `target` the task id.
    Task = 3,
    /// A task's result, to the worker that sent it; `src` is the task worker.
    Finish = 4,
    /// `sendMessage()`: `src` is the sending worker.
    Pipe = 5,
    /// From the manager: the task `target` was lost (its task worker was killed running it).
    Lost = 6,
    /// `pause()` / `resume()` on a session another worker owns ([`FLAG_RESUME`] to resume).
    Pause = 7,
    /// `protect()` on a session another worker owns; [`FLAG_RESET`]'s bit carries the value.
    Protect = 40,
    /// SWOOLE_PROCESS, master to worker: session `target` connected on reactor `src` (the
    /// master's frames also carry the listener index in `src`: `process::master::split_src`).
    Connect = 8,
    /// SWOOLE_PROCESS, master to worker: one whole packet of session `target` (reactor `src`).
    Receive = 9,
    /// SWOOLE_PROCESS, master to worker: session `target` is closed (run onClose once);
    /// [`FLAG_RESET`] marks a close at shutdown (reactor id -1).
    Closed = 10,
    /// SWOOLE_PROCESS, worker to master: `bind($fd, $uid)`, the uid as 8 bytes (LE).
    Bind = 11,
    /// SWOOLE_PROCESS, master to worker: one datagram of a UDP / unix datagram listener
    /// (`src` names the reactor and listener), see `process::master::packet_payload`.
    Packet = 12,
    /// SWOOLE_PROCESS, master to worker: session `target`'s output queued in the master
    /// crossed `buffer_high_watermark` (run onBufferFull in the worker that owns it).
    BufferFull = 13,
    /// SWOOLE_PROCESS, master to worker: after a BufferFull, the output drained to
    /// `buffer_low_watermark` (run onBufferEmpty).
    BufferEmpty = 14,
    /// SWOOLE_PROCESS, worker to master: `sendfile()`, see `process::master::sendfile_payload`.
    Sendfile = 15,
}

impl Kind {
    fn from_u8(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Send),
            2 => Some(Kind::Close),
            3 => Some(Kind::Task),
            4 => Some(Kind::Finish),
            5 => Some(Kind::Pipe),
            6 => Some(Kind::Lost),
            7 => Some(Kind::Pause),
            40 => Some(Kind::Protect),
            8 => Some(Kind::Connect),
            9 => Some(Kind::Receive),
            10 => Some(Kind::Closed),
            11 => Some(Kind::Bind),
            12 => Some(Kind::Packet),
            13 => Some(Kind::BufferFull),
            14 => Some(Kind::BufferEmpty),
            15 => Some(Kind::Sendfile),
            _ => None,
        }
    }
}

/// A message id for chunking, unique within this process.
pub fn next_msg_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A frame's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub flags: u8,
    pub src: u16,
    pub msg_id: u32,
    pub target: u64,
}

impl Header {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(self.kind as u8);
        out.push(self.flags);
        out.extend_from_slice(&self.src.to_le_bytes());
        out.extend_from_slice(&self.msg_id.to_le_bytes());
        out.extend_from_slice(&self.target.to_le_bytes());
    }
}

/// One received frame, borrowing the receive buffer.
#[derive(Debug, PartialEq)]
pub struct Frame<'a> {
    pub header: Header,
    pub payload: &'a [u8],
}

impl Frame<'_> {
    pub fn more(&self) -> bool {
        self.header.flags & FLAG_MORE != 0
    }
}

/// Parses one datagram; None for anything that is not a frame of a known kind.
pub fn decode(b: &[u8]) -> Option<Frame<'_>> {
    if b.len() < HEADER_LEN {
        return None;
    }
    let header = Header {
        kind: Kind::from_u8(b[0])?,
        flags: b[1],
        src: u16::from_le_bytes([b[2], b[3]]),
        msg_id: u32::from_le_bytes(b[4..8].try_into().ok()?),
        target: u64::from_le_bytes(b[8..16].try_into().ok()?),
    };
    Some(Frame {
        header,
        payload: &b[HEADER_LEN..],
    })
}

/// The frames that carry `payload` (at least one, even when it is empty), in order.
pub fn encode(header: Header, payload: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let n = payload.len().div_ceil(MAX_PAYLOAD).max(1);
    (0..n).map(move |i| {
        let start = (i * MAX_PAYLOAD).min(payload.len());
        let chunk = &payload[start..(start + MAX_PAYLOAD).min(payload.len())];
        let mut h = header;
        h.flags &= !(FLAG_MORE | FLAG_CONT);
        if i + 1 < n {
            h.flags |= FLAG_MORE;
        }
        if i > 0 {
            h.flags |= FLAG_CONT;
        }
        let mut out = Vec::with_capacity(HEADER_LEN + chunk.len());
        h.write(&mut out);
        out.extend_from_slice(chunk);
        out
    })
}

/// Puts chunked messages back together, per sender and message id.
#[derive(Default)]
pub struct Reassembler {
    partial: HashMap<(u16, u32), Vec<u8>>,
}

impl Reassembler {
    /// Feeds one frame; returns the whole message once its last frame arrived.
    pub fn push(&mut self, frame: &Frame) -> Option<(Header, Vec<u8>)> {
        let key = (frame.header.src, frame.header.msg_id);
        if frame.header.flags & FLAG_CONT != 0 && !self.partial.contains_key(&key) {
            // The rest of a message whose start this process never saw.
            return None;
        }
        if frame.more() {
            self.partial
                .entry(key)
                .or_default()
                .extend_from_slice(frame.payload);
            return None;
        }
        let mut whole = self.partial.remove(&key).unwrap_or_default();
        whole.extend_from_slice(frame.payload);
        let mut h = frame.header;
        h.flags &= !(FLAG_MORE | FLAG_CONT);
        Some((h, whole))
    }

    /// Drops what a sender had half sent (it died or was restarted).
    pub fn forget_sender(&mut self, src: u16) {
        self.partial.retain(|(s, _), _| *s != src);
    }

    /// Messages still incomplete.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }
}

/// The messages workers forward to a session's owner, as a typed view of frames.
#[derive(Debug, PartialEq)]
pub enum PeerMsg<'a> {
    Send(u64, &'a [u8]),
    Close(u64, bool),
    /// Session id and whether to pause (false: resume).
    Pause(u64, bool),
    Protect(u64, bool),
}

impl<'a> PeerMsg<'a> {
    /// Reads a forwarded call from one frame (None for the other kinds). A `Send` chunk is
    /// usable on its own (chunks arrive in order and are appended), so no reassembly is
    /// needed for this kind.
    pub fn from_frame(f: &Frame<'a>) -> Option<PeerMsg<'a>> {
        match f.header.kind {
            Kind::Send => Some(PeerMsg::Send(f.header.target, f.payload)),
            Kind::Close => Some(PeerMsg::Close(
                f.header.target,
                f.header.flags & FLAG_RESET != 0,
            )),
            Kind::Pause => Some(PeerMsg::Pause(
                f.header.target,
                f.header.flags & FLAG_RESUME == 0,
            )),
            Kind::Protect => Some(PeerMsg::Protect(
                f.header.target,
                f.header.flags & FLAG_RESET != 0,
            )),
            _ => None,
        }
    }

    fn header(&self, src: u16) -> Header {
        let bit = |on: bool, flag: u8| if on { flag } else { 0 };
        let (kind, target, flags) = match *self {
            PeerMsg::Send(id, _) => (Kind::Send, id, 0),
            PeerMsg::Close(id, reset) => (Kind::Close, id, bit(reset, FLAG_RESET)),
            PeerMsg::Pause(id, paused) => (Kind::Pause, id, bit(!paused, FLAG_RESUME)),
            PeerMsg::Protect(id, value) => (Kind::Protect, id, bit(value, FLAG_RESET)),
        };
        Header {
            kind,
            flags,
            src,
            msg_id: 0,
            target,
        }
    }

    fn payload(&self) -> &'a [u8] {
        match self {
            PeerMsg::Send(_, d) => d,
            PeerMsg::Close(..) | PeerMsg::Pause(..) | PeerMsg::Protect(..) => &[],
        }
    }
}

/// A datagram socket pair per receiving process, created by the manager before forking:
/// everyone writes to `tx`, only the owner of the slot reads `rx`.
#[derive(Clone, Copy)]
pub struct Channel {
    pub tx: RawFd,
    pub rx: RawFd,
}

impl Channel {
    pub fn new() -> io::Result<Channel> {
        let mut fds = [0; 2];
        // SAFETY: fds is a valid 2-element array.
        if unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        } != 0
        {
            return Err(io::Error::last_os_error());
        }
        let tv = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        let buf: libc::c_int = 4 << 20;
        // SAFETY: setting options on the sockets just created, with valid option values.
        unsafe {
            libc::setsockopt(
                fds[0],
                libc::SOL_SOCKET,
                libc::SO_SNDTIMEO,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
            libc::setsockopt(
                fds[0],
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                (&buf as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        Ok(Channel {
            tx: fds[0],
            rx: fds[1],
        })
    }

    /// Sends a forwarded call from worker `src`, chunked as needed (blocking up to 1 s per
    /// frame when the receiver's queue is full).
    pub fn send_peer(&self, src: u16, msg: &PeerMsg) -> io::Result<()> {
        for frame in encode(msg.header(src), msg.payload()) {
            self.send_frame(&frame)?;
        }
        Ok(())
    }

    /// Sends a whole message (chunked), never blocking for more than `limit` in total. When
    /// the receiver's queue is full and `inbox` is this process's own channel, what arrives
    /// for this process meanwhile is moved to the inbox's queue, so two processes sending to
    /// each other never wait for each other.
    pub fn send_message(
        &self,
        header: Header,
        payload: &[u8],
        inbox: Option<&Inbox>,
        limit: std::time::Duration,
    ) -> io::Result<()> {
        let deadline = std::time::Instant::now() + limit;
        for frame in encode(header, payload) {
            loop {
                // SAFETY: sending a valid buffer on our socket, without blocking.
                let n = unsafe {
                    libc::send(
                        self.tx,
                        frame.as_ptr().cast(),
                        frame.len(),
                        libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                    )
                };
                if n >= 0 {
                    break;
                }
                let err = io::Error::last_os_error();
                match err.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => {}
                    _ => return Err(err),
                }
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return Err(io::Error::from(io::ErrorKind::TimedOut));
                }
                let mut fds = [
                    libc::pollfd {
                        fd: self.tx,
                        events: libc::POLLOUT,
                        revents: 0,
                    },
                    libc::pollfd {
                        fd: inbox.map_or(-1, |i| i.rx),
                        events: libc::POLLIN,
                        revents: 0,
                    },
                ];
                let ms = left.as_millis().clamp(1, 50) as libc::c_int;
                // SAFETY: polling two valid pollfd entries (a negative fd is ignored).
                unsafe { libc::poll(fds.as_mut_ptr(), 2, ms) };
                if let Some(inbox) = inbox {
                    if fds[1].revents & libc::POLLIN != 0 {
                        inbox.stash_available();
                    }
                }
            }
        }
        Ok(())
    }

    fn send_frame(&self, b: &[u8]) -> io::Result<()> {
        // SAFETY: sending a valid buffer on our socket.
        let n = unsafe { libc::send(self.tx, b.as_ptr().cast(), b.len(), libc::MSG_NOSIGNAL) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Whether frames wait in the channel (the manager asks about a task worker's queue).
    pub fn has_queued(&self) -> bool {
        let mut fd = libc::pollfd {
            fd: self.rx,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: polling one valid pollfd without waiting.
        unsafe { libc::poll(&mut fd, 1, 0) > 0 && fd.revents & libc::POLLIN != 0 }
    }

    /// Closes both ends (in the manager, once every worker is gone).
    pub fn close(self) {
        // SAFETY: closing the descriptors this channel created; nobody uses them any more.
        unsafe {
            libc::close(self.tx);
            libc::close(self.rx);
        }
    }
}

/// The receiving end of this process's channel, with the frames set aside while the process
/// was busy (blocked in a send, or in `taskwait()` waiting for one particular result): the
/// event loop handles those first, in arrival order, so nothing is lost or reordered.
pub struct Inbox {
    pub rx: RawFd,
    stashed: RefCell<VecDeque<Vec<u8>>>,
}

impl Inbox {
    pub fn new(rx: RawFd) -> Inbox {
        Inbox {
            rx,
            stashed: RefCell::new(VecDeque::new()),
        }
    }

    /// The next frame: a stashed one first, then one from the socket (without waiting).
    pub fn next_frame(&self, buf: &mut [u8]) -> Option<Vec<u8>> {
        if let Some(f) = self.stashed.borrow_mut().pop_front() {
            return Some(f);
        }
        self.recv(buf, 0)
    }

    /// A frame from the socket, waiting up to `timeout_ms` (0: not at all). Stashed frames
    /// are not looked at: the caller wants something new.
    pub fn recv(&self, buf: &mut [u8], timeout_ms: i32) -> Option<Vec<u8>> {
        loop {
            // SAFETY: receiving into a valid buffer from our own socket, without blocking.
            let n = unsafe {
                libc::recv(
                    self.rx,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                return Some(buf[..n as usize].to_vec());
            }
            if timeout_ms <= 0 {
                return None;
            }
            let mut fd = libc::pollfd {
                fd: self.rx,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: polling one valid pollfd.
            let r = unsafe { libc::poll(&mut fd, 1, timeout_ms) };
            if r <= 0 {
                return None;
            }
        }
    }

    /// Sets a frame aside for the event loop.
    pub fn stash(&self, frame: Vec<u8>) {
        self.stashed.borrow_mut().push_back(frame);
    }

    pub fn has_stashed(&self) -> bool {
        !self.stashed.borrow().is_empty()
    }

    /// Moves everything the socket holds now to the stash.
    fn stash_available(&self) {
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        while let Some(f) = self.recv(&mut buf, 0) {
            self.stash(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(kind: Kind, target: u64) -> Header {
        Header {
            kind,
            flags: 0,
            src: 3,
            msg_id: 9,
            target,
        }
    }

    #[test]
    fn peer_messages_round_trip() {
        for m in [
            PeerMsg::Send(7, b"hello"),
            PeerMsg::Close(u64::MAX, true),
            PeerMsg::Close(1, false),
            PeerMsg::Pause(3, true),
            PeerMsg::Pause(4, false),
            PeerMsg::Protect(3, true),
            PeerMsg::Protect(4, false),
        ] {
            let frames: Vec<_> = encode(m.header(1), m.payload()).collect();
            assert_eq!(frames.len(), 1);
            let f = decode(&frames[0]).unwrap();
            assert_eq!(f.header.src, 1);
            assert_eq!(PeerMsg::from_frame(&f), Some(m));
        }
        assert_eq!(decode(&[1, 2]), None);
        assert_eq!(decode(&[99; 20]), None);
    }

    #[test]
    fn large_payloads_are_chunked_and_reassembled() {
        let data: Vec<u8> = (0..(MAX_PAYLOAD * 3 + 17)).map(|i| i as u8).collect();
        let frames: Vec<_> = encode(h(Kind::Send, 42), &data).collect();
        assert_eq!(frames.len(), 4);
        assert!(frames.iter().all(|f| f.len() <= HEADER_LEN + MAX_PAYLOAD));
        let mut r = Reassembler::default();
        let mut out = None;
        for (i, f) in frames.iter().enumerate() {
            let f = decode(f).unwrap();
            assert_eq!(f.more(), i < 3);
            out = r.push(&f);
            assert_eq!(out.is_some(), i == 3);
        }
        let (hdr, whole) = out.unwrap();
        assert_eq!((hdr.target, hdr.src, hdr.msg_id), (42, 3, 9));
        assert_eq!(hdr.flags & FLAG_MORE, 0);
        assert_eq!(whole, data);
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn empty_and_exact_payloads() {
        assert_eq!(encode(h(Kind::Close, 1), &[]).count(), 1);
        let exact = vec![7u8; MAX_PAYLOAD];
        let frames: Vec<_> = encode(h(Kind::Send, 1), &exact).collect();
        assert_eq!(frames.len(), 1);
        assert!(!decode(&frames[0]).unwrap().more());
    }

    #[test]
    fn interleaved_senders_do_not_mix() {
        let a = vec![1u8; MAX_PAYLOAD + 5];
        let b = vec![2u8; MAX_PAYLOAD + 9];
        let ha = Header {
            src: 1,
            ..h(Kind::Send, 5)
        };
        let hb = Header {
            src: 2,
            ..h(Kind::Send, 5)
        };
        let fa: Vec<_> = encode(ha, &a).collect();
        let fb: Vec<_> = encode(hb, &b).collect();
        let mut r = Reassembler::default();
        assert!(r.push(&decode(&fa[0]).unwrap()).is_none());
        assert!(r.push(&decode(&fb[0]).unwrap()).is_none());
        assert_eq!(r.pending(), 2);
        let (hb2, wb) = r.push(&decode(&fb[1]).unwrap()).unwrap();
        assert_eq!((hb2.src, wb), (2, b));
        r.forget_sender(1);
        assert_eq!(r.pending(), 0);
        // The rest of a forgotten message is dropped, never taken for a whole message.
        assert!(r.push(&decode(&fa[1]).unwrap()).is_none());
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn channel_carries_frames_between_processes() {
        let ch = Channel::new().unwrap();
        let data = vec![5u8; MAX_PAYLOAD * 2 + 1];
        ch.send_peer(4, &PeerMsg::Send(77, &data)).unwrap();
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        let mut got = Vec::new();
        for _ in 0..3 {
            // SAFETY: receiving into a valid buffer from our own socket.
            let n = unsafe { libc::recv(ch.rx, buf.as_mut_ptr().cast(), buf.len(), 0) };
            assert!(n > 0);
            let f = decode(&buf[..n as usize]).unwrap();
            match PeerMsg::from_frame(&f) {
                Some(PeerMsg::Send(77, d)) => got.extend_from_slice(d),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(got, data);
        ch.close();
    }

    #[test]
    fn two_processes_sending_to_each_other_do_not_deadlock() {
        // Both queues full: a sends to b while b's queue is full, with its own inbox given,
        // so what b sent meanwhile is stashed instead of blocking both.
        let a = Channel::new().unwrap();
        let b = Channel::new().unwrap();
        let inbox_a = Inbox::new(a.rx);
        let big = vec![1u8; MAX_PAYLOAD];
        let hdr = |kind| Header {
            kind,
            flags: 0,
            src: 0,
            msg_id: next_msg_id(),
            target: 1,
        };
        // Fill a's queue (as b would).
        while a
            .send_message(hdr(Kind::Finish), &big, None, std::time::Duration::ZERO)
            .is_ok()
        {}
        // Fill b's queue, then one more from a: times out, but a's own frames got stashed.
        while b
            .send_message(hdr(Kind::Task), &big, None, std::time::Duration::ZERO)
            .is_ok()
        {}
        let r = b.send_message(
            hdr(Kind::Task),
            b"x",
            Some(&inbox_a),
            std::time::Duration::from_millis(20),
        );
        assert!(r.is_err());
        assert!(inbox_a.has_stashed());
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        let first = inbox_a.next_frame(&mut buf).unwrap();
        assert_eq!(decode(&first).unwrap().header.kind, Kind::Finish);
        a.close();
        b.close();
    }

    #[test]
    fn has_queued_sees_a_waiting_frame_without_taking_it() {
        let ch = Channel::new().unwrap();
        assert!(!ch.has_queued());
        ch.send_message(
            h(Kind::Task, 1),
            b"x",
            None,
            std::time::Duration::from_secs(1),
        )
        .unwrap();
        assert!(ch.has_queued());
        assert!(ch.has_queued());
        let inbox = Inbox::new(ch.rx);
        let mut buf = vec![0u8; HEADER_LEN + MAX_PAYLOAD];
        assert!(inbox.next_frame(&mut buf).is_some());
        assert!(!ch.has_queued());
        ch.close();
    }

    #[test]
    fn continuation_frames_are_flagged() {
        let data = vec![3u8; MAX_PAYLOAD + 1];
        let frames: Vec<_> = encode(h(Kind::Task, 1), &data).collect();
        let f0 = decode(&frames[0]).unwrap();
        let f1 = decode(&frames[1]).unwrap();
        assert_eq!(f0.header.flags & FLAG_CONT, 0);
        assert_ne!(f1.header.flags & FLAG_CONT, 0);
        let mut r = Reassembler::default();
        assert!(r.push(&f0).is_none());
        let (hdr, whole) = r.push(&f1).unwrap();
        assert_eq!(hdr.flags & (FLAG_CONT | FLAG_MORE), 0);
        assert_eq!(whole, data);
    }
}
