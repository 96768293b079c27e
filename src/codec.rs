//! Packet framing for `Swoole\Server` TCP connections (Swoole 6.1.7 semantics).
//!
//! A TCP connection is a byte stream, but `onReceive` callbacks expect whole
//! application packets when a protocol option is set (`open_eof_check`,
//! `open_eof_split`, `open_length_check`, `package_length_func`). This module
//! turns the stream into packets. It is deliberately pure `std`: no PHP, no
//! sockets, no async runtime, so it can be unit-, property- and fuzz-tested in
//! isolation and benchmarked without a server.
//!
//! One [`Decoder`] is kept per connection. The network layer calls
//! [`Decoder::push`] with every chunk it reads, then drains packets with
//! [`Decoder::next_packet`] (or [`Decoder::next_packet_with`]) until it returns
//! `Ok(None)`. For [`Framing::Custom`] it additionally consults the PHP
//! `package_length_func` whenever [`Decoder::wants_custom_length`] is true and
//! feeds the answer to [`Decoder::apply_custom_length`].
//!
//! Performance contract (why the internals look the way they do):
//! * consumed bytes are skipped with a read offset instead of being memmoved
//!   out per packet, and the buffer is compacted only when the consumed prefix
//!   is at least as large as what remains, so work is linear in the stream;
//! * `open_eof_split` remembers how far it has searched and never re-examines
//!   a byte except the `eof.len() - 1` bytes that may start a split delimiter;
//! * a payload is copied at most once on the way out (and not at all when the
//!   packet is exactly the whole buffer: the buffer itself is handed over).
//!
//! Errors are terminal: once a [`FrameError`] has been returned the decoder
//! keeps returning it and ignores further input, because Swoole closes the
//! connection in that case and nothing sensible can be parsed after garbage.

use std::fmt;

/// Swoole's default `package_max_length` (2 MiB). Exposed so the PHP layer
/// and the decoder agree on one number.
pub const DEFAULT_PACKAGE_MAX_LENGTH: usize = 2 * 1024 * 1024;

/// Longest accepted `package_eof` (Swoole's `SW_DATA_EOF_MAXLEN`). Longer
/// delimiters are rejected by Swoole at `set()` time, so we do the same.
pub const EOF_MAX_LEN: usize = 8;

/// Largest accepted `package_length_offset`. A header must fit in the first
/// read buffer; Swoole refuses larger offsets, and so do we.
pub const LENGTH_OFFSET_MAX: usize = 8192;

/// Letters accepted for `package_length_type`, in the order they are listed
/// in error messages (same letters as PHP's `pack()`).
pub const LENGTH_TYPE_LETTERS: &str = "c, C, s, S, n, N, l, L, v, V, q, Q, J, P";

/// Once the buffer is emptied, a capacity above this is released instead of
/// kept, so one huge packet does not pin megabytes per idle connection.
const KEEP_CAPACITY: usize = 256 * 1024;

/// Extra room reserved beyond a known packet length, so the read that
/// completes a large packet (and carries the start of the next one) usually
/// fits without a reallocation that would copy the whole packet again.
const RESERVE_SLACK: usize = 16 * 1024;

/// How a connection's byte stream is cut into packets. Mirrors the protocol
/// options of `Swoole\Server::set()`; the PHP layer maps settings to this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// No protocol: every read is delivered as-is (everything buffered since
    /// the last packet becomes one packet). `max_len` is not enforced,
    /// matching Swoole, where reads are bounded by the socket buffer instead.
    Raw,
    /// `open_eof_check`: deliver the WHOLE buffer when it ends with `eof`; it
    /// may contain several application packets. Only the end of the buffer
    /// is checked, exactly like Swoole (cheap, but the user must split).
    EofCheck {
        /// The delimiter (1..=8 bytes, see [`validate_eof`]).
        eof: Vec<u8>,
    },
    /// `open_eof_split`: exactly one packet per delimiter, delimiter included.
    /// A delimiter split across reads is still found.
    EofSplit {
        /// The delimiter (1..=8 bytes, see [`validate_eof`]).
        eof: Vec<u8>,
    },
    /// `open_length_check`: total packet = `body_offset` + the length field
    /// decoded at `length_offset`. The delivered packet includes the header.
    Length {
        /// Encoding of the length field (`package_length_type`).
        kind: LengthType,
        /// Byte offset of the length field (`package_length_offset`).
        length_offset: usize,
        /// Bytes before the body (`package_body_offset`).
        body_offset: usize,
    },
    /// `package_length_func`: a user function decides the length; see
    /// [`Decoder::wants_custom_length`] and [`Decoder::apply_custom_length`].
    Custom,
}

/// Encoding of a length field, named by the PHP `pack()` letter Swoole uses
/// for `package_length_type`. "Host order" is the machine's native order,
/// because Swoole simply reads the integer from memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthType {
    /// `c`: 1-byte signed.
    I8,
    /// `C`: 1-byte unsigned.
    U8,
    /// `s`: 2-byte signed, host order.
    I16Host,
    /// `S`: 2-byte unsigned, host order.
    U16Host,
    /// `n`: 2-byte unsigned, big-endian (network order).
    U16Be,
    /// `v`: 2-byte unsigned, little-endian.
    U16Le,
    /// `l`: 4-byte signed, host order.
    I32Host,
    /// `L`: 4-byte unsigned, host order.
    U32Host,
    /// `N`: 4-byte unsigned, big-endian (network order).
    U32Be,
    /// `V`: 4-byte unsigned, little-endian.
    U32Le,
    /// `q`: 8-byte signed, host order.
    I64Host,
    /// `Q`: 8-byte unsigned, host order.
    U64Host,
    /// `J`: 8-byte unsigned, big-endian.
    U64Be,
    /// `P`: 8-byte unsigned, little-endian.
    U64Le,
}

impl LengthType {
    /// Every type, in [`LENGTH_TYPE_LETTERS`] order; handy for tests and for
    /// building documentation without repeating the table.
    pub const ALL: [LengthType; 14] = [
        LengthType::I8,
        LengthType::U8,
        LengthType::I16Host,
        LengthType::U16Host,
        LengthType::U16Be,
        LengthType::U32Be,
        LengthType::I32Host,
        LengthType::U32Host,
        LengthType::U16Le,
        LengthType::U32Le,
        LengthType::I64Host,
        LengthType::U64Host,
        LengthType::U64Be,
        LengthType::U64Le,
    ];

    /// Parses a `pack()` letter; `None` for letters Swoole does not accept,
    /// so the caller can produce a helpful error (see [`validate_length`]).
    pub fn from_letter(c: char) -> Option<Self> {
        Some(match c {
            'c' => LengthType::I8,
            'C' => LengthType::U8,
            's' => LengthType::I16Host,
            'S' => LengthType::U16Host,
            'n' => LengthType::U16Be,
            'v' => LengthType::U16Le,
            'l' => LengthType::I32Host,
            'L' => LengthType::U32Host,
            'N' => LengthType::U32Be,
            'V' => LengthType::U32Le,
            'q' => LengthType::I64Host,
            'Q' => LengthType::U64Host,
            'J' => LengthType::U64Be,
            'P' => LengthType::U64Le,
            _ => return None,
        })
    }

    /// The `pack()` letter, for messages and for round-tripping settings.
    pub fn letter(&self) -> char {
        match self {
            LengthType::I8 => 'c',
            LengthType::U8 => 'C',
            LengthType::I16Host => 's',
            LengthType::U16Host => 'S',
            LengthType::U16Be => 'n',
            LengthType::U16Le => 'v',
            LengthType::I32Host => 'l',
            LengthType::U32Host => 'L',
            LengthType::U32Be => 'N',
            LengthType::U32Le => 'V',
            LengthType::I64Host => 'q',
            LengthType::U64Host => 'Q',
            LengthType::U64Be => 'J',
            LengthType::U64Le => 'P',
        }
    }

    /// Width of the field in bytes: the decoder waits for
    /// `length_offset + size()` bytes before it can decode anything.
    pub fn size(&self) -> usize {
        match self {
            LengthType::I8 | LengthType::U8 => 1,
            LengthType::I16Host | LengthType::U16Host | LengthType::U16Be | LengthType::U16Le => 2,
            LengthType::I32Host | LengthType::U32Host | LengthType::U32Be | LengthType::U32Le => 4,
            LengthType::I64Host | LengthType::U64Host | LengthType::U64Be | LengthType::U64Le => 8,
        }
    }

    /// Decodes the field from the first [`size`](Self::size) bytes of
    /// `bytes`. Signed types may yield negative values (which the decoder
    /// reports as malformed). Unsigned 64-bit values above `i64::MAX`
    /// saturate to `i64::MAX` so they are "too large", never negative.
    ///
    /// # Panics
    /// If `bytes.len() < self.size()`; the decoder never calls it that way.
    pub fn decode(&self, bytes: &[u8]) -> i64 {
        fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
            let mut a = [0u8; N];
            a.copy_from_slice(&b[..N]);
            a
        }
        fn sat(v: u64) -> i64 {
            i64::try_from(v).unwrap_or(i64::MAX)
        }
        match self {
            LengthType::I8 => i8::from_ne_bytes(arr(bytes)) as i64,
            LengthType::U8 => u8::from_ne_bytes(arr(bytes)) as i64,
            LengthType::I16Host => i16::from_ne_bytes(arr(bytes)) as i64,
            LengthType::U16Host => u16::from_ne_bytes(arr(bytes)) as i64,
            LengthType::U16Be => u16::from_be_bytes(arr(bytes)) as i64,
            LengthType::U16Le => u16::from_le_bytes(arr(bytes)) as i64,
            LengthType::I32Host => i32::from_ne_bytes(arr(bytes)) as i64,
            LengthType::U32Host => u32::from_ne_bytes(arr(bytes)) as i64,
            LengthType::U32Be => u32::from_be_bytes(arr(bytes)) as i64,
            LengthType::U32Le => u32::from_le_bytes(arr(bytes)) as i64,
            LengthType::I64Host => i64::from_ne_bytes(arr(bytes)),
            LengthType::U64Host => sat(u64::from_ne_bytes(arr(bytes))),
            LengthType::U64Be => sat(u64::from_be_bytes(arr(bytes))),
            LengthType::U64Le => sat(u64::from_le_bytes(arr(bytes))),
        }
    }
}

/// Why a connection's stream cannot be framed any more. Terminal: Swoole
/// logs the error and closes the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Swoole error 1201 (`SW_ERROR_PACKAGE_LENGTH_TOO_LARGE`): a declared
    /// packet length, or an undelimited EOF buffer, exceeds
    /// `package_max_length`.
    TooLarge {
        /// The declared length, or the buffered length for EOF framings.
        length: u64,
        /// The configured `package_max_length`.
        max: usize,
    },
    /// Swoole error 1204 (`SW_ERROR_PACKAGE_MALFORMED_DATA`): a negative (or
    /// self-contradictory) length field, or `package_length_func` < 0.
    Malformed {
        /// Bytes buffered when the problem was detected (for the log line).
        buffered: usize,
    },
}

impl FrameError {
    /// The Swoole error code, so the PHP layer can set `swoole_last_error()`
    /// and log exactly what Swoole would.
    pub fn code(&self) -> i32 {
        match self {
            FrameError::TooLarge { .. } => 1201,
            FrameError::Malformed { .. } => 1204,
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLarge { length, max } => write!(
                f,
                "package is too big: length {length} exceeds package_max_length {max}"
            ),
            FrameError::Malformed { buffered } => write!(
                f,
                "malformed package: invalid length (after {buffered} buffered bytes)"
            ),
        }
    }
}

impl std::error::Error for FrameError {}

/// Checks a `package_eof` setting up front so `set()` can fail with a clear
/// message instead of a connection misbehaving later.
pub fn validate_eof(eof: &[u8]) -> Result<(), String> {
    if eof.is_empty() {
        return Err(
            "package_eof must not be empty: set it to the delimiter that ends each packet, e.g. \"\\r\\n\""
                .to_string(),
        );
    }
    if eof.len() > EOF_MAX_LEN {
        return Err(format!(
            "package_eof is {} bytes long but at most {EOF_MAX_LEN} bytes are allowed: use a shorter delimiter",
            eof.len()
        ));
    }
    Ok(())
}

/// Checks `package_length_type` / `package_length_offset` /
/// `package_body_offset` and converts them to the types [`Framing::Length`]
/// needs, so the PHP layer has one place producing consistent messages.
pub fn validate_length(
    letter: &str,
    length_offset: i64,
    body_offset: i64,
) -> Result<(LengthType, usize, usize), String> {
    let mut chars = letter.chars();
    let kind = match (chars.next(), chars.next()) {
        (Some(c), None) => LengthType::from_letter(c),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "unknown package_length_type '{letter}': use one of the pack() letters {LENGTH_TYPE_LETTERS}"
        )
    })?;
    if length_offset < 0 {
        return Err(format!(
            "package_length_offset must not be negative (got {length_offset}): set it to the byte position of the length field"
        ));
    }
    if length_offset as u64 > LENGTH_OFFSET_MAX as u64 {
        return Err(format!(
            "package_length_offset {length_offset} is too large: it must be at most {LENGTH_OFFSET_MAX}"
        ));
    }
    if body_offset < 0 {
        return Err(format!(
            "package_body_offset must not be negative (got {body_offset}): set it to the number of header bytes before the body"
        ));
    }
    let body_offset = usize::try_from(body_offset)
        .map_err(|_| format!("package_body_offset {body_offset} is too large for this platform"))?;
    Ok((kind, length_offset as usize, body_offset))
}

/// Per-connection framing state. Holds the bytes read but not yet delivered.
#[derive(Debug)]
pub struct Decoder {
    /// Which protocol cuts the stream.
    framing: Framing,
    /// `package_max_length`.
    max_len: usize,
    /// Received bytes; `buf[start..]` is not yet delivered.
    buf: Vec<u8>,
    /// Read offset: bytes before it were delivered (skipped, not memmoved).
    start: usize,
    /// EofSplit: absolute index in `buf` of the first byte that may still
    /// begin a delimiter; everything before it was already searched.
    scan: usize,
    /// Length/Custom: total length of the packet at `start`, once known, so
    /// the header (or the PHP function) is not consulted again.
    pending: Option<usize>,
    /// Custom: buffered length when the function last answered "need more",
    /// so it is only asked again after new bytes arrive.
    custom_asked: Option<usize>,
    /// The terminal error, if any.
    error: Option<FrameError>,
}

impl Decoder {
    /// Creates the state for one connection. Settings are expected to have
    /// passed [`validate_eof`] / [`validate_length`]; an empty delimiter is
    /// nevertheless handled (it degrades to delivering the whole buffer)
    /// rather than panicking or looping.
    pub fn new(framing: Framing, max_len: usize) -> Self {
        Decoder {
            framing,
            max_len,
            buf: Vec::new(),
            start: 0,
            scan: 0,
            pending: None,
            custom_asked: None,
            error: None,
        }
    }

    /// The framing this decoder was built with.
    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// The configured `package_max_length`.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// The terminal error, if one occurred, so callers can check without
    /// polling for packets.
    pub fn error(&self) -> Option<&FrameError> {
        self.error.as_ref()
    }

    /// Appends newly read bytes (the network layer reads into a reusable
    /// buffer and calls this). Ignored after an error, so a hostile peer
    /// cannot grow a dead connection's buffer. This is also where the buffer
    /// is compacted: only when the consumed prefix is at least as large as
    /// the live remainder, which keeps total memmove work linear.
    pub fn push(&mut self, data: &[u8]) {
        if self.error.is_some() || data.is_empty() {
            return;
        }
        if self.start > 0 && self.start >= self.buf.len() - self.start {
            self.compact();
        }
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet delivered: what PHP's
    /// `package_length_func` receives for [`Framing::Custom`], and what
    /// `onClose` diagnostics may want to report.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Number of bytes buffered and not yet delivered.
    pub fn buffered_len(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Next complete packet, or `Ok(None)` if more bytes are needed. Call it
    /// repeatedly after each [`push`](Self::push) until `Ok(None)`. Errors
    /// are terminal for the connection.
    pub fn next_packet(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        match self.locate()? {
            Some(end) => Ok(Some(self.take(end))),
            None => Ok(None),
        }
    }

    /// Like [`next_packet`](Self::next_packet) but lends the packet to `f`
    /// instead of allocating a `Vec`, so the PHP layer can build its
    /// `zend_string` straight from the decoder's buffer (zero intermediate
    /// copies).
    pub fn next_packet_with<R>(
        &mut self,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<Option<R>, FrameError> {
        match self.locate()? {
            Some(end) => {
                let r = f(&self.buf[self.start..end]);
                self.consume(end);
                Ok(Some(r))
            }
            None => Ok(None),
        }
    }

    /// For [`Framing::Custom`]: true when PHP's `package_length_func` should
    /// be called with [`buffered`](Self::buffered) now. False while a length
    /// is already known, when nothing is buffered, after an error, and after
    /// an answer of 0 until new bytes arrive (so callers cannot spin).
    pub fn wants_custom_length(&self) -> bool {
        matches!(self.framing, Framing::Custom)
            && self.error.is_none()
            && self.pending.is_none()
            && self.buffered_len() > 0
            && self.custom_asked.is_none_or(|n| self.buffered_len() > n)
    }

    /// Applies `package_length_func`'s answer for the bytes currently
    /// buffered: `n > 0` is the total packet length (the packet is returned
    /// if complete, otherwise remembered until enough bytes arrive and then
    /// returned by [`next_packet`](Self::next_packet)); `0` means "need
    /// more" (an error if the buffer already holds `max_len` bytes, as
    /// Swoole's buffer would be full); negative means malformed.
    pub fn apply_custom_length(&mut self, answer: i64) -> Result<Option<Vec<u8>>, FrameError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let avail = self.buffered_len();
        if answer < 0 {
            return Err(self.fail(FrameError::Malformed { buffered: avail }));
        }
        if answer == 0 {
            if avail >= self.max_len {
                return Err(self.fail(FrameError::TooLarge {
                    length: avail as u64,
                    max: self.max_len,
                }));
            }
            self.custom_asked = Some(avail);
            return Ok(None);
        }
        if answer as u64 > self.max_len as u64 {
            return Err(self.fail(FrameError::TooLarge {
                length: answer as u64,
                max: self.max_len,
            }));
        }
        self.custom_asked = None;
        self.pending = Some(answer as usize);
        self.next_packet()
    }

    /// Records a terminal error and returns it.
    fn fail(&mut self, e: FrameError) -> FrameError {
        self.error = Some(e.clone());
        e
    }

    /// Finds the end (absolute index in `buf`) of the next complete packet
    /// starting at `start`, without consuming it. Shared by both delivery
    /// flavours so the framing logic exists once.
    fn locate(&mut self) -> Result<Option<usize>, FrameError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let len = self.buf.len();
        let avail = len - self.start;
        let max = self.max_len;
        match &self.framing {
            Framing::Raw => Ok(if avail > 0 { Some(len) } else { None }),
            Framing::EofCheck { eof } => {
                if avail == 0 {
                    return Ok(None);
                }
                // Swoole's buffer never exceeds package_max_length, so a
                // buffer longer than that is an error even if it ends well.
                if avail <= max && self.buf[self.start..].ends_with(eof) {
                    Ok(Some(len))
                } else if avail >= max {
                    Err(self.fail(FrameError::TooLarge {
                        length: avail as u64,
                        max,
                    }))
                } else {
                    Ok(None)
                }
            }
            Framing::EofSplit { eof } => {
                let n = eof.len();
                if n == 0 {
                    return Ok(if avail > 0 { Some(len) } else { None });
                }
                // A packet may not exceed max: only accept delimiters that
                // end within the first `max` live bytes.
                let limit = len.min(self.start.saturating_add(max));
                if limit >= self.scan + n {
                    if let Some(off) = find(&self.buf[self.scan..limit], eof) {
                        return Ok(Some(self.scan + off + n));
                    }
                }
                if avail >= max {
                    return Err(self.fail(FrameError::TooLarge {
                        length: avail as u64,
                        max,
                    }));
                }
                // Here limit == len. The last n-1 bytes may begin a
                // delimiter that the next read completes; all else is done.
                self.scan = self.scan.max(len.saturating_sub(n - 1));
                Ok(None)
            }
            Framing::Length {
                kind,
                length_offset,
                body_offset,
            } => {
                let total = match self.pending {
                    Some(t) => t,
                    None => {
                        let header = length_offset + kind.size();
                        if avail < header {
                            return Ok(None);
                        }
                        let v = kind.decode(&self.buf[self.start + length_offset..]);
                        if v < 0 {
                            return Err(self.fail(FrameError::Malformed { buffered: avail }));
                        }
                        let total = (*body_offset as u64).saturating_add(v as u64);
                        if total > max as u64 {
                            return Err(self.fail(FrameError::TooLarge { length: total, max }));
                        }
                        // A packet shorter than its own header (including 0)
                        // cannot make progress; Swoole would stall or cut
                        // the header, we report it as malformed instead.
                        if total < header as u64 {
                            return Err(self.fail(FrameError::Malformed { buffered: avail }));
                        }
                        self.pending = Some(total as usize);
                        total as usize
                    }
                };
                self.await_total(total)
            }
            Framing::Custom => match self.pending {
                Some(total) => self.await_total(total),
                None => Ok(None),
            },
        }
    }

    /// Length/Custom: the packet at `start` is `total` bytes long. Returns
    /// its end if complete; otherwise makes room for the rest once (moving
    /// the partial packet to the front at most once per packet), so the
    /// reads that complete it do not trigger repeated reallocation.
    fn await_total(&mut self, total: usize) -> Result<Option<usize>, FrameError> {
        let avail = self.buffered_len();
        if avail >= total {
            self.pending = None;
            return Ok(Some(self.start + total));
        }
        if self.start > 0 {
            self.compact();
        }
        let want = total - avail;
        if self.buf.capacity() - self.buf.len() < want {
            self.buf
                .reserve_exact(want + RESERVE_SLACK.min(self.max_len));
        }
        Ok(None)
    }

    /// Removes `buf[start..end]` and returns it as a `Vec`. When the packet
    /// is the whole (tightly sized) buffer the buffer itself is handed over
    /// (no copy); otherwise it is copied exactly once.
    fn take(&mut self, end: usize) -> Vec<u8> {
        // Hand the buffer over only when it wastes at most half its
        // capacity, so a small packet never drags a large allocation along.
        if self.start == 0 && end == self.buf.len() && self.buf.capacity() / 2 <= end {
            self.scan = 0;
            self.custom_asked = None;
            return std::mem::take(&mut self.buf);
        }
        let v = self.buf[self.start..end].to_vec();
        self.consume(end);
        v
    }

    /// Marks bytes up to `end` as delivered: advances the read offset and,
    /// when everything is delivered, resets the buffer in O(1).
    fn consume(&mut self, end: usize) {
        self.start = end;
        self.scan = self.scan.max(end);
        self.custom_asked = None;
        if self.start == self.buf.len() {
            self.start = 0;
            self.scan = 0;
            if self.buf.capacity() > KEEP_CAPACITY {
                self.buf = Vec::new();
            } else {
                self.buf.clear();
            }
        }
    }

    /// Drops the delivered prefix by moving the live bytes to the front.
    fn compact(&mut self) {
        self.buf.drain(..self.start);
        self.scan -= self.start;
        self.start = 0;
    }
}

/// First occurrence of non-empty `needle` in `hay`. Delimiters are at most 8
/// bytes, so a fast first-byte scan plus a short compare is linear in
/// practice and needs no dependency.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let n = needle.len();
    if hay.len() < n {
        return None;
    }
    let first = needle[0];
    let rest = &needle[1..];
    let last_start = hay.len() - n;
    let mut i = 0;
    while i <= last_start {
        let j = i + memchr(first, &hay[i..=last_start])?;
        if &hay[j + 1..j + n] == rest {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

/// Index of the first `x` in `hay`, testing 8 bytes per step with the
/// classic "has zero byte" word trick (std has no public memchr). Words are
/// read little-endian so the lowest flagged byte is the first match; bytes
/// above a true match may be flagged spuriously, the lowest never is.
fn memchr(x: u8, hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO.wrapping_mul(x as u64);
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let v = u64::from_le_bytes(w) ^ pattern;
        let z = v.wrapping_sub(LO) & !v & HI;
        if z != 0 {
            return Some(base + (z.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == x)
        .map(|p| base + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: usize = DEFAULT_PACKAGE_MAX_LENGTH;

    /// Pushes `chunks` one by one and drains after each, returning packets.
    fn run(dec: &mut Decoder, chunks: &[&[u8]]) -> Result<Vec<Vec<u8>>, FrameError> {
        let mut out = Vec::new();
        for c in chunks {
            dec.push(c);
            while let Some(p) = dec.next_packet()? {
                out.push(p);
            }
        }
        Ok(out)
    }

    fn drain(dec: &mut Decoder) -> Result<Vec<Vec<u8>>, FrameError> {
        let mut out = Vec::new();
        while let Some(p) = dec.next_packet()? {
            out.push(p);
        }
        Ok(out)
    }

    fn split(eof: &[u8]) -> Framing {
        Framing::EofSplit { eof: eof.to_vec() }
    }

    fn check(eof: &[u8]) -> Framing {
        Framing::EofCheck { eof: eof.to_vec() }
    }

    fn len_n(length_offset: usize, body_offset: usize) -> Framing {
        Framing::Length {
            kind: LengthType::U32Be,
            length_offset,
            body_offset,
        }
    }

    /// `N`-framed packet: 4-byte BE body length then body.
    fn n_packet(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    // ---------------------------------------------------------------- Raw

    #[test]
    fn raw_one_packet_per_push() {
        let mut d = Decoder::new(Framing::Raw, MAX);
        assert_eq!(
            run(&mut d, &[b"abc", b"de"]).unwrap(),
            vec![b"abc".to_vec(), b"de".to_vec()]
        );
        assert_eq!(d.buffered_len(), 0);
        d.push(b"x");
        d.push(b"y");
        assert_eq!(drain(&mut d).unwrap(), vec![b"xy".to_vec()]);
        assert_eq!(d.next_packet().unwrap(), None);
        d.push(b"");
        assert_eq!(d.next_packet().unwrap(), None);
    }

    // ---------------------------------------------------------- EofCheck

    #[test]
    fn eof_check_whole_buffer() {
        let mut d = Decoder::new(check(b"\r\n"), MAX);
        let out = run(&mut d, &[b"a\r\nb", b"\r", b"\n", b"c\r\nd\r\n"]).unwrap();
        assert_eq!(out, vec![b"a\r\nb\r\n".to_vec(), b"c\r\nd\r\n".to_vec()]);
        assert_eq!(d.buffered_len(), 0);
    }

    #[test]
    fn eof_check_mid_packet_keeps_buffer() {
        let mut d = Decoder::new(check(b"\r\n"), MAX);
        assert!(run(&mut d, &[b"hello\r\nwor"]).unwrap().is_empty());
        assert_eq!(d.buffered(), b"hello\r\nwor");
    }

    #[test]
    fn eof_check_one_byte_at_a_time() {
        let input = b"one\r\ntwo\r\n";
        let mut d = Decoder::new(check(b"\r\n"), MAX);
        let chunks: Vec<&[u8]> = input.chunks(1).collect();
        let out = run(&mut d, &chunks).unwrap();
        assert_eq!(out, vec![b"one\r\n".to_vec(), b"two\r\n".to_vec()]);
    }

    #[test]
    fn eof_check_too_large() {
        let mut d = Decoder::new(check(b"\n"), 8);
        assert!(run(&mut d, &[b"1234567"]).unwrap().is_empty());
        d.push(b"8");
        assert_eq!(
            d.next_packet(),
            Err(FrameError::TooLarge { length: 8, max: 8 })
        );
        // Terminal: repeated and pushes ignored.
        d.push(b"\n");
        assert_eq!(
            d.next_packet(),
            Err(FrameError::TooLarge { length: 8, max: 8 })
        );
        assert_eq!(d.error().unwrap().code(), 1201);
        // Exactly max bytes ending with eof is fine.
        let mut d = Decoder::new(check(b"\n"), 8);
        assert_eq!(
            run(&mut d, &[b"1234567\n"]).unwrap(),
            vec![b"1234567\n".to_vec()]
        );
        // Overshooting max in one push is an error even if it ends with eof.
        let mut d = Decoder::new(check(b"\n"), 8);
        assert!(matches!(
            run(&mut d, &[b"12345678\n"]),
            Err(FrameError::TooLarge { .. })
        ));
    }

    // ---------------------------------------------------------- EofSplit

    #[test]
    fn eof_split_basic_and_remainder() {
        let mut d = Decoder::new(split(b"\r\n"), MAX);
        let out = run(&mut d, &[b"a\r\nbb\r\n\r\nccc"]).unwrap();
        assert_eq!(
            out,
            vec![b"a\r\n".to_vec(), b"bb\r\n".to_vec(), b"\r\n".to_vec()]
        );
        assert_eq!(d.buffered(), b"ccc");
        let out = run(&mut d, &[b"\r", b"\n"]).unwrap();
        assert_eq!(out, vec![b"ccc\r\n".to_vec()]);
        assert_eq!(d.buffered_len(), 0);
    }

    #[test]
    fn eof_split_one_byte_at_a_time() {
        let input = b"GET /\r\n\r\nx\r\n";
        let mut d = Decoder::new(split(b"\r\n"), MAX);
        let chunks: Vec<&[u8]> = input.chunks(1).collect();
        let out = run(&mut d, &chunks).unwrap();
        assert_eq!(
            out,
            vec![b"GET /\r\n".to_vec(), b"\r\n".to_vec(), b"x\r\n".to_vec()]
        );
    }

    #[test]
    fn eof_split_delimiter_split_across_pushes_all_lengths() {
        for n in 1..=8usize {
            let eof: Vec<u8> = (0..n).map(|i| b'A' + i as u8).collect();
            let mut stream = Vec::new();
            let mut expect = Vec::new();
            for k in 0..5 {
                let mut p = format!("packet{k}").into_bytes();
                p.extend_from_slice(&eof);
                stream.extend_from_slice(&p);
                expect.push(p);
            }
            // Cut the stream at every position into two pushes, and also into
            // pieces of every size 1..=n+1.
            for cut in 0..=stream.len() {
                let mut d = Decoder::new(split(&eof), MAX);
                let out = run(&mut d, &[&stream[..cut], &stream[cut..]]).unwrap();
                assert_eq!(out, expect, "n={n} cut={cut}");
                assert_eq!(d.buffered_len(), 0);
            }
            for size in 1..=n + 1 {
                let mut d = Decoder::new(split(&eof), MAX);
                let chunks: Vec<&[u8]> = stream.chunks(size).collect();
                assert_eq!(run(&mut d, &chunks).unwrap(), expect, "n={n} size={size}");
            }
        }
    }

    #[test]
    fn eof_split_overlapping_prefix() {
        // "aab" delimiter with "aaab": the match must start at the 2nd 'a'.
        let mut d = Decoder::new(split(b"aab"), MAX);
        let out = run(&mut d, &[b"xa", b"a", b"a", b"b", b"y"]).unwrap();
        assert_eq!(out, vec![b"xaaab".to_vec()]);
        assert_eq!(d.buffered(), b"y");
    }

    #[test]
    fn eof_split_never_rescans() {
        // After a miss, the scan position sits at most eof.len()-1 bytes
        // before the end of the buffer.
        let mut d = Decoder::new(split(b"\r\n\r\n"), MAX);
        d.push(&[b'x'; 1000]);
        assert_eq!(d.next_packet().unwrap(), None);
        assert_eq!(d.scan, 1000 - 3);
        d.push(b"\r\n\r");
        assert_eq!(d.next_packet().unwrap(), None);
        assert_eq!(d.scan, 1003 - 3);
        d.push(b"\n");
        assert_eq!(d.next_packet().unwrap().unwrap().len(), 1004);
    }

    #[test]
    fn eof_split_too_large() {
        let mut d = Decoder::new(split(b"\r\n"), 10);
        assert!(run(&mut d, &[b"123456789"]).unwrap().is_empty());
        d.push(b"0");
        assert_eq!(
            d.next_packet(),
            Err(FrameError::TooLarge {
                length: 10,
                max: 10
            })
        );
        // Exactly max including delimiter is fine.
        let mut d = Decoder::new(split(b"\r\n"), 10);
        assert_eq!(run(&mut d, &[b"12345678\r\n"]).unwrap().len(), 1);
        // A delimiter found beyond max in one big push is still too large.
        let mut d = Decoder::new(split(b"\r\n"), 10);
        assert!(matches!(
            run(&mut d, &[b"123456789\r\n"]),
            Err(FrameError::TooLarge { .. })
        ));
        // Packets before the oversized remainder are still delivered.
        let mut d = Decoder::new(split(b"\r\n"), 10);
        d.push(b"ab\r\n0123456789abc");
        assert_eq!(d.next_packet().unwrap(), Some(b"ab\r\n".to_vec()));
        assert!(d.next_packet().is_err());
    }

    #[test]
    fn eof_split_thousand_packets_one_push() {
        let mut stream = Vec::new();
        for i in 0..1000 {
            stream.extend_from_slice(format!("{i}\r\n").as_bytes());
        }
        let mut d = Decoder::new(split(b"\r\n"), MAX);
        let out = run(&mut d, &[&stream]).unwrap();
        assert_eq!(out.len(), 1000);
        assert_eq!(out[999], b"999\r\n");
        assert_eq!(out.concat(), stream);
    }

    // ------------------------------------------------------------ Length

    #[test]
    fn length_thousand_packets_one_push() {
        let mut stream = Vec::new();
        let mut expect = Vec::new();
        for i in 0..1000u32 {
            let p = n_packet(&i.to_le_bytes()[..(i % 5) as usize]);
            stream.extend_from_slice(&p);
            expect.push(p);
        }
        let mut d = Decoder::new(len_n(0, 4), MAX);
        assert_eq!(run(&mut d, &[&stream]).unwrap(), expect);
        assert_eq!(d.buffered_len(), 0);
    }

    #[test]
    fn length_one_byte_at_a_time() {
        let stream = [n_packet(b"hello"), n_packet(b""), n_packet(b"world!")].concat();
        let mut d = Decoder::new(len_n(0, 4), MAX);
        let chunks: Vec<&[u8]> = stream.chunks(1).collect();
        let out = run(&mut d, &chunks).unwrap();
        assert_eq!(
            out,
            vec![n_packet(b"hello"), n_packet(b""), n_packet(b"world!")]
        );
    }

    #[test]
    fn length_header_split_at_every_offset() {
        // Header: 2-byte magic, 4-byte N length at offset 2, body at 6.
        let mut p = b"\xCA\xFE".to_vec();
        p.extend_from_slice(&5u32.to_be_bytes());
        p.extend_from_slice(b"body!");
        let stream = [p.clone(), p.clone()].concat();
        for cut in 0..=stream.len() {
            let mut d = Decoder::new(len_n(2, 6), MAX);
            let out = run(&mut d, &[&stream[..cut], &stream[cut..]]).unwrap();
            assert_eq!(out, vec![p.clone(), p.clone()], "cut={cut}");
        }
        for a in 0..p.len() {
            for b in a..p.len() {
                let mut d = Decoder::new(len_n(2, 6), MAX);
                let out = run(&mut d, &[&p[..a], &p[a..b], &p[b..]]).unwrap();
                assert_eq!(out, vec![p.clone()], "a={a} b={b}");
            }
        }
    }

    #[test]
    fn length_mid_packet_keeps_buffer() {
        let p = n_packet(b"0123456789");
        let mut d = Decoder::new(len_n(0, 4), MAX);
        assert!(run(&mut d, &[&p[..7]]).unwrap().is_empty());
        assert_eq!(d.buffered(), &p[..7]);
        assert_eq!(d.buffered_len(), 7);
    }

    #[test]
    fn length_too_large_and_boundaries() {
        // total = 4 + 6 = 10 == max: ok.
        let mut d = Decoder::new(len_n(0, 4), 10);
        assert_eq!(run(&mut d, &[&n_packet(b"123456")]).unwrap().len(), 1);
        // total 11 > 10: error as soon as the header is in.
        let mut d = Decoder::new(len_n(0, 4), 10);
        d.push(&7u32.to_be_bytes());
        assert_eq!(
            d.next_packet(),
            Err(FrameError::TooLarge {
                length: 11,
                max: 10
            })
        );
        // u32::MAX length.
        let mut d = Decoder::new(len_n(0, 4), MAX);
        d.push(&[0xFF; 4]);
        assert!(matches!(d.next_packet(), Err(FrameError::TooLarge { .. })));
    }

    #[test]
    fn length_shorter_than_header_is_malformed() {
        let mut d = Decoder::new(len_n(0, 0), MAX);
        d.push(&0u32.to_be_bytes());
        assert_eq!(d.next_packet(), Err(FrameError::Malformed { buffered: 4 }));
        assert_eq!(d.error().unwrap().code(), 1204);
        // Length including the header (body_offset 0) works.
        let mut d = Decoder::new(len_n(0, 0), MAX);
        let mut p = 6u32.to_be_bytes().to_vec();
        p.extend_from_slice(b"xy");
        assert_eq!(run(&mut d, &[&p, &p]).unwrap(), vec![p.clone(), p.clone()]);
    }

    #[test]
    fn every_length_letter_decodes() {
        for (letter, size) in [
            ('c', 1),
            ('C', 1),
            ('s', 2),
            ('S', 2),
            ('n', 2),
            ('v', 2),
            ('l', 4),
            ('L', 4),
            ('N', 4),
            ('V', 4),
            ('q', 8),
            ('Q', 8),
            ('J', 8),
            ('P', 8),
        ] {
            let t = LengthType::from_letter(letter).unwrap();
            assert_eq!(t.size(), size, "{letter}");
            assert_eq!(t.letter(), letter);
            assert!(LengthType::ALL.contains(&t));
            // Encode 300 (or 100 for 1-byte types) in the type's byte order.
            let v: u64 = if size == 1 { 100 } else { 300 };
            let bytes: Vec<u8> = match letter {
                'n' | 'N' | 'J' => v.to_be_bytes()[8 - size..].to_vec(),
                'v' | 'V' | 'P' => v.to_le_bytes()[..size].to_vec(),
                _ => {
                    if cfg!(target_endian = "little") {
                        v.to_le_bytes()[..size].to_vec()
                    } else {
                        v.to_be_bytes()[8 - size..].to_vec()
                    }
                }
            };
            assert_eq!(t.decode(&bytes), v as i64, "{letter}");
            // Through the decoder: 1-byte header then body.
            let mut pkt = bytes.clone();
            pkt.extend(std::iter::repeat_n(b'z', v as usize));
            let f = Framing::Length {
                kind: t,
                length_offset: 0,
                body_offset: size,
            };
            let mut d = Decoder::new(f.clone(), MAX);
            assert_eq!(
                run(&mut d, &[&pkt, &pkt]).unwrap(),
                vec![pkt.clone(), pkt.clone()]
            );
            // All-ones: negative for signed, large for unsigned.
            let ones = vec![0xFFu8; size];
            let decoded = t.decode(&ones);
            let mut d = Decoder::new(f, MAX);
            d.push(&ones);
            let r = d.next_packet();
            if matches!(letter, 'c' | 's' | 'l' | 'q') {
                assert_eq!(decoded, -1, "{letter}");
                assert_eq!(r, Err(FrameError::Malformed { buffered: size }), "{letter}");
            } else {
                assert!(decoded > 0, "{letter}");
                // 0xFF / 0xFFFF fit in 2 MiB; wider ones do not.
                if size <= 2 {
                    assert_eq!(r, Ok(None), "{letter}");
                } else {
                    assert!(matches!(r, Err(FrameError::TooLarge { .. })), "{letter}");
                }
            }
        }
        assert_eq!(LengthType::U64Be.decode(&[0xFF; 8]), i64::MAX);
        assert_eq!(LengthType::U64Le.decode(&[0x80, 0, 0, 0, 0, 0, 0, 0]), 0x80);
        assert_eq!(
            LengthType::U64Be.decode(&[0x80, 0, 0, 0, 0, 0, 0, 0]),
            i64::MAX
        );
        assert!(LengthType::I64Host.decode(&[0xFE; 8]) < 0);
        assert_eq!(LengthType::from_letter('x'), None);
    }

    // ------------------------------------------------------------ Custom

    #[test]
    fn custom_length_flow() {
        let mut d = Decoder::new(Framing::Custom, 100);
        assert!(!d.wants_custom_length());
        d.push(b"\x05ab");
        assert_eq!(d.next_packet().unwrap(), None);
        assert!(d.wants_custom_length());
        assert_eq!(d.buffered(), b"\x05ab");
        // "Need more": not asked again until new bytes arrive.
        assert_eq!(d.apply_custom_length(0).unwrap(), None);
        assert!(!d.wants_custom_length());
        d.push(b"c");
        assert!(d.wants_custom_length());
        // Known length, incomplete: remembered, delivered by next_packet.
        assert_eq!(d.apply_custom_length(5).unwrap(), None);
        assert!(!d.wants_custom_length());
        d.push(b"d\x02z");
        assert_eq!(d.next_packet().unwrap(), Some(b"\x05abcd".to_vec()));
        assert_eq!(d.next_packet().unwrap(), None);
        assert!(d.wants_custom_length());
        assert_eq!(d.buffered(), b"\x02z");
        assert_eq!(d.apply_custom_length(2).unwrap(), Some(b"\x02z".to_vec()));
        assert!(!d.wants_custom_length());
    }

    #[test]
    fn custom_length_errors() {
        let mut d = Decoder::new(Framing::Custom, 4);
        d.push(b"ab");
        assert_eq!(
            d.apply_custom_length(-1),
            Err(FrameError::Malformed { buffered: 2 })
        );
        assert_eq!(d.next_packet(), Err(FrameError::Malformed { buffered: 2 }));
        assert!(!d.wants_custom_length());

        let mut d = Decoder::new(Framing::Custom, 4);
        d.push(b"ab");
        assert_eq!(
            d.apply_custom_length(5),
            Err(FrameError::TooLarge { length: 5, max: 4 })
        );

        let mut d = Decoder::new(Framing::Custom, 4);
        d.push(b"abcd");
        assert_eq!(
            d.apply_custom_length(0),
            Err(FrameError::TooLarge { length: 4, max: 4 })
        );
    }

    // ------------------------------------------------------- next_packet_with

    #[test]
    fn next_packet_with_lends_slices() {
        let mut d = Decoder::new(split(b";"), MAX);
        d.push(b"a;bb;c");
        let mut lens = Vec::new();
        while let Some(l) = d.next_packet_with(|p| p.len()).unwrap() {
            lens.push(l);
        }
        assert_eq!(lens, vec![2, 3]);
        assert_eq!(d.buffered(), b"c");
    }

    #[test]
    fn memchr_matches_naive() {
        let mut rng = Rng(12345);
        for _ in 0..2000 {
            let len = rng.below(40) as usize;
            let hay: Vec<u8> = (0..len)
                .map(|_| [0u8, 0x7F, 0x80, 0xFE][rng.below(4) as usize])
                .collect();
            for x in [0u8, 0x7F, 0xFE, 0x80, 1] {
                assert_eq!(
                    memchr(x, &hay),
                    hay.iter().position(|&b| b == x),
                    "{hay:?} {x}"
                );
            }
        }
    }

    // -------------------------------------------------------- validation

    #[test]
    fn validate_eof_messages() {
        assert!(validate_eof(b"\r\n").is_ok());
        assert!(validate_eof(b"12345678").is_ok());
        assert!(validate_eof(b"").unwrap_err().contains("must not be empty"));
        let e = validate_eof(b"123456789").unwrap_err();
        assert!(e.contains("9 bytes") && e.contains("at most 8"), "{e}");
    }

    #[test]
    fn validate_length_messages() {
        assert_eq!(validate_length("N", 0, 4), Ok((LengthType::U32Be, 0, 4)));
        assert_eq!(validate_length("c", 8192, 0), Ok((LengthType::I8, 8192, 0)));
        for bad in ["x", "", "NN", "é"] {
            let e = validate_length(bad, 0, 4).unwrap_err();
            assert!(e.contains(LENGTH_TYPE_LETTERS), "{e}");
        }
        assert!(validate_length("N", -1, 4)
            .unwrap_err()
            .contains("package_length_offset"));
        assert!(validate_length("N", 8193, 4)
            .unwrap_err()
            .contains("at most 8192"));
        assert!(validate_length("N", 0, -4)
            .unwrap_err()
            .contains("package_body_offset"));
    }

    #[test]
    fn frame_error_display() {
        let e = FrameError::TooLarge {
            length: 11,
            max: 10,
        };
        assert!(e.to_string().contains("package_max_length 10"));
        assert!(FrameError::Malformed { buffered: 3 }
            .to_string()
            .contains("malformed"));
    }

    // ------------------------------------------------------- linear time

    #[test]
    fn compaction_keeps_buffer_bounded() {
        // Many pushes each leaving a partial packet behind: the buffer must
        // be compacted, not grow with the stream.
        let p = n_packet(&[7u8; 100]);
        let stream: Vec<u8> = std::iter::repeat_n(p.clone(), 2000).flatten().collect();
        let mut d = Decoder::new(len_n(0, 4), MAX);
        let mut n = 0;
        for c in stream.chunks(1000) {
            d.push(c);
            while let Some(x) = d.next_packet().unwrap() {
                assert_eq!(x, p);
                n += 1;
            }
            assert!(d.buf.len() < 4 * 1000 + 2 * p.len(), "{}", d.buf.len());
        }
        assert_eq!(n, 2000);
    }

    // ---------------------------------------------------------- proptest

    /// Cuts `stream` into chunks whose sizes cycle through `sizes`.
    fn segment<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut k = 0;
        while i < stream.len() {
            let n = sizes[k % sizes.len()].min(stream.len() - i);
            out.push(&stream[i..i + n]);
            i += n;
            k += 1;
        }
        out
    }

    proptest! {
        #[test]
        fn prop_eof_split_roundtrip(
            eof in prop::collection::vec(250u8..=255, 1..=8),
            bodies in prop::collection::vec(prop::collection::vec(0u8..250, 0..40), 0..30),
            sizes in prop::collection::vec(1usize..50, 1..10),
        ) {
            let packets: Vec<Vec<u8>> = bodies.iter().map(|b| [b.as_slice(), &eof].concat()).collect();
            let stream = packets.concat();
            let mut d = Decoder::new(Framing::EofSplit { eof: eof.clone() }, MAX);
            let out = run(&mut d, &segment(&stream, &sizes)).unwrap();
            prop_assert_eq!(out, packets);
            prop_assert_eq!(d.buffered_len(), 0);
        }

        #[test]
        fn prop_length_roundtrip(
            letter in prop::sample::select(vec!['C', 'S', 'n', 'v', 'L', 'N', 'V', 'Q', 'J', 'P', 'l', 'q', 's']),
            length_offset in 0usize..6,
            bodies in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), 0..30),
            sizes in prop::collection::vec(1usize..70, 1..10),
        ) {
            let kind = LengthType::from_letter(letter).unwrap();
            let size = kind.size();
            let body_offset = length_offset + size;
            let packets: Vec<Vec<u8>> = bodies.iter().map(|b| {
                let mut p = vec![0xAAu8; length_offset];
                let v = b.len() as u64;
                let field = match letter {
                    'n' | 'N' | 'J' => v.to_be_bytes()[8 - size..].to_vec(),
                    'v' | 'V' | 'P' => v.to_le_bytes()[..size].to_vec(),
                    _ => v.to_ne_bytes()[if cfg!(target_endian = "little") { 0 } else { 8 - size }..][..size].to_vec(),
                };
                p.extend_from_slice(&field);
                p.extend_from_slice(b);
                p
            }).collect();
            let stream = packets.concat();
            let f = Framing::Length { kind, length_offset, body_offset };
            let mut d = Decoder::new(f, MAX);
            let out = run(&mut d, &segment(&stream, &sizes)).unwrap();
            prop_assert_eq!(out, packets);
            prop_assert_eq!(d.buffered_len(), 0);
        }

        #[test]
        fn prop_eof_check_concat(
            bodies in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..30),
            sizes in prop::collection::vec(1usize..50, 1..10),
        ) {
            let stream: Vec<u8> = bodies.iter().flat_map(|b| [b.as_slice(), b"\r\n"].concat()).collect();
            let mut d = Decoder::new(Framing::EofCheck { eof: b"\r\n".to_vec() }, MAX);
            let out = run(&mut d, &segment(&stream, &sizes)).unwrap();
            for p in &out {
                prop_assert!(p.ends_with(b"\r\n"));
            }
            prop_assert_eq!(out.concat(), stream);
            prop_assert_eq!(d.buffered_len(), 0);
        }
    }

    // -------------------------------------------------------------- fuzz

    /// Deterministic xorshift64 so the fuzz test is reproducible without
    /// extra crates.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn fuzz_framings(rng: &mut Rng) -> Framing {
        let eof = |rng: &mut Rng| -> Vec<u8> {
            let n = 1 + rng.below(8) as usize;
            (0..n).map(|_| b"\r\n\0a"[rng.below(4) as usize]).collect()
        };
        match rng.below(5) {
            0 => Framing::Raw,
            1 => Framing::EofCheck { eof: eof(rng) },
            2 => Framing::EofSplit { eof: eof(rng) },
            3 => {
                let kind = LengthType::ALL[rng.below(14) as usize];
                let length_offset = rng.below(4) as usize;
                let body_offset = rng.below(12) as usize;
                Framing::Length {
                    kind,
                    length_offset,
                    body_offset,
                }
            }
            _ => Framing::Custom,
        }
    }

    #[test]
    fn fuzz_arbitrary_bytes_and_chunkings() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut pushes = 0u64;
        let mut streams = 0u64;
        let mut errors = 0u64;
        let mut packets = 0u64;
        let mut chunk = Vec::with_capacity(512);
        while pushes < 200_000 {
            streams += 1;
            let framing = fuzz_framings(&mut rng);
            let max_len = 1 + rng.below(600) as usize;
            let raw = matches!(framing, Framing::Raw);
            let custom = matches!(framing, Framing::Custom);
            let mut d = Decoder::new(framing, max_len);
            let mut input = 0usize;
            let mut output = 0usize;
            let n_pushes = 1 + rng.below(200);
            'stream: for _ in 0..n_pushes {
                pushes += 1;
                chunk.clear();
                let len = match rng.below(4) {
                    0 => rng.below(4),
                    1 => rng.below(32),
                    _ => rng.below(300),
                } as usize;
                for _ in 0..len {
                    let r = rng.next();
                    // Bias towards small values and delimiter bytes so the
                    // framings actually find headers and delimiters.
                    chunk.push(match r % 4 {
                        0 => (r >> 8) as u8,
                        1 => (r >> 8) as u8 % 4,
                        _ => b"\r\n\0a"[(r >> 8) as usize % 4],
                    });
                }
                d.push(&chunk);
                input += chunk.len();
                loop {
                    let r = d.next_packet();
                    let r = match r {
                        Ok(None) if custom && d.wants_custom_length() => {
                            // "Custom function": first byte as length, or a
                            // random answer now and then.
                            let b = d.buffered();
                            let answer = match rng.below(8) {
                                0 => -1,
                                1 => 0,
                                2 => rng.below(max_len as u64 + 10) as i64,
                                _ => b[0] as i64,
                            };
                            d.apply_custom_length(answer)
                        }
                        other => other,
                    };
                    match r {
                        Ok(Some(p)) => {
                            assert!(!p.is_empty(), "empty packet");
                            assert!(raw || p.len() <= max_len, "{} > {max_len}", p.len());
                            output += p.len();
                            packets += 1;
                        }
                        Ok(None) => break,
                        Err(_) => {
                            errors += 1;
                            assert!(d.next_packet().is_err());
                            break 'stream;
                        }
                    }
                }
                assert_eq!(output + d.buffered_len(), input);
            }
        }
        // Sanity: the generator exercises both success and failure paths.
        assert!(
            streams > 100 && errors > 10 && packets > 1000,
            "{streams} {errors} {packets}"
        );
    }
}
