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

use std::collections::HashMap;
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

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// `send()` on a session another worker owns: the payload goes to that connection.
    Send = 1,
    /// `close()` on a session another worker owns.
    Close = 2,
    /// `protect()` on a session another worker owns; [`FLAG_RESET`]'s bit carries the value.
    Protect = 40,
}

impl Kind {
    fn from_u8(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Send),
            2 => Some(Kind::Close),
            40 => Some(Kind::Protect),
            _ => None,
        }
    }
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
        h.flags &= !FLAG_MORE;
        if i + 1 < n {
            h.flags |= FLAG_MORE;
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
        h.flags &= !FLAG_MORE;
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
    Protect(u64, bool),
}

impl<'a> PeerMsg<'a> {
    /// Reads a forwarded call from one frame. A `Send` chunk is usable on its own (chunks
    /// arrive in order and are appended), so no reassembly is needed for this kind.
    pub fn from_frame(f: &Frame<'a>) -> PeerMsg<'a> {
        match f.header.kind {
            Kind::Send => PeerMsg::Send(f.header.target, f.payload),
            Kind::Close => PeerMsg::Close(f.header.target, f.header.flags & FLAG_RESET != 0),
            Kind::Protect => PeerMsg::Protect(f.header.target, f.header.flags & FLAG_RESET != 0),
        }
    }

    fn header(&self, src: u16) -> Header {
        match self {
            PeerMsg::Send(id, _) => Header {
                kind: Kind::Send,
                flags: 0,
                src,
                msg_id: 0,
                target: *id,
            },
            PeerMsg::Close(id, reset) => Header {
                kind: Kind::Close,
                flags: if *reset { FLAG_RESET } else { 0 },
                src,
                msg_id: 0,
                target: *id,
            },
            PeerMsg::Protect(id, value) => Header {
                kind: Kind::Protect,
                flags: if *value { FLAG_RESET } else { 0 },
                src,
                msg_id: 0,
                target: *id,
            },
        }
    }

    fn payload(&self) -> &'a [u8] {
        match self {
            PeerMsg::Send(_, d) => d,
            PeerMsg::Close(..) | PeerMsg::Protect(..) => &[],
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

    fn send_frame(&self, b: &[u8]) -> io::Result<()> {
        // SAFETY: sending a valid buffer on our socket.
        let n = unsafe { libc::send(self.tx, b.as_ptr().cast(), b.len(), libc::MSG_NOSIGNAL) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
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
            PeerMsg::Protect(3, true),
            PeerMsg::Protect(4, false),
        ] {
            let frames: Vec<_> = encode(m.header(1), m.payload()).collect();
            assert_eq!(frames.len(), 1);
            let f = decode(&frames[0]).unwrap();
            assert_eq!(f.header.src, 1);
            assert_eq!(PeerMsg::from_frame(&f), m);
        }
        assert_eq!(decode(&[1, 2]), None);
        assert_eq!(decode(&[9; 20]), None);
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
        // The rest of a forgotten message is a fragment on its own, never glued to older data.
        let (_, wa) = r.push(&decode(&fa[1]).unwrap()).unwrap();
        assert_eq!(wa.len(), 5);
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
                PeerMsg::Send(77, d) => got.extend_from_slice(d),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(got, data);
        ch.close();
    }
}
