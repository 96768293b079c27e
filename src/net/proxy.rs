//! The PROXY protocol (HAProxy's, versions 1 and 2): the header a load balancer writes at the
//! start of each connection to say who the real client is. Pure: bytes in, a verdict out.
//!
//! [`parse`] looks at everything received so far and answers *complete* (with the header's
//! length, so the bytes after it stay application data), *need more*, or *error*. It is a
//! function of the prefix alone, so a header that arrives in pieces gives the same answer
//! as one that arrives whole, and it rejects as early as the prefix allows: a client that
//! sends plain data first is refused on its first byte instead of after the timeout.
//!
//! Spec: <https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt>.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The longest v1 line, `\r\n` included (spec §2.1: 107 bytes covers the longest TCP6 line).
pub const V1_MAX: usize = 107;

/// The v2 signature (spec §2.2): chosen so that it cannot start any text protocol.
pub const V2_SIGNATURE: [u8; 12] = *b"\r\n\r\n\0\r\nQUIT\n";

/// The fixed part of a v2 header: signature, version/command, family/transport, length.
pub const V2_FIXED: usize = 16;

/// The longest v2 header: the length field is 16 bits.
pub const V2_MAX: usize = V2_FIXED + u16::MAX as usize;

const V1_PREFIX: &[u8] = b"PROXY ";

/// What a complete header says about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyHeader {
    /// 1 (text) or 2 (binary).
    pub version: u8,
    /// The original endpoints, or [`Addresses::Local`] when the connection should be taken
    /// as it is (v2 LOCAL, v1 UNKNOWN, v2 AF_UNSPEC).
    pub addresses: Addresses,
    /// Types of the v2 TLVs that followed the addresses, in order. Only `PP2_TYPE_CRC32C` is
    /// interpreted (verified); the others are skipped.
    pub tlv_types: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addresses {
    /// The balancer speaks for itself (health checks) or does not know: keep the socket's
    /// own addresses.
    Local,
    /// TCP over IPv4/IPv6: the client (`src`) and the address it connected to (`dst`).
    Inet { src: SocketAddr, dst: SocketAddr },
    /// v2 AF_UNIX: the client's and the destination's socket paths (may be empty).
    Unix { src: String, dst: String },
}

/// What a session accepted through a PROXY header keeps about the balancer's side, for
/// `getClientInfo()` (its `remote_ip`/`remote_port` are the client's, from the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxied {
    pub version: u8,
    /// The socket's own peer: the balancer.
    pub proxy_ip: String,
    pub proxy_port: u16,
    /// Where the client connected (the balancer's frontend), when the header says so.
    pub dst: Option<(String, u16)>,
}

impl Proxied {
    /// The session's remote address and what to keep, from the header and the socket's peer.
    pub fn from_header(
        header: ProxyHeader,
        peer_ip: String,
        peer_port: u16,
    ) -> (String, u16, Proxied) {
        let (ip, port, dst) = match header.addresses {
            Addresses::Local => (peer_ip.clone(), peer_port, None),
            Addresses::Inet { src, dst } => (
                src.ip().to_string(),
                src.port(),
                Some((dst.ip().to_string(), dst.port())),
            ),
            Addresses::Unix { src, dst } => (src, 0, Some((dst, 0))),
        };
        let p = Proxied {
            version: header.version,
            proxy_ip: peer_ip,
            proxy_port: peer_port,
            dst,
        };
        (ip, port, p)
    }
}

/// The verdict on a received prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole header occupying the first `len` bytes; what follows is application data.
    Complete { header: ProxyHeader, len: usize },
    /// Nothing wrong so far. At least `at_least` bytes are needed in total before the
    /// verdict can change (known exactly for v2 once its fixed part is in).
    NeedMore { at_least: usize },
}

/// Why a prefix can never become a valid header. The text is what the server's warning says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// The first bytes match neither signature: the client sent something else first.
    NotProxy,
    /// No `\r\n` within [`V1_MAX`] bytes.
    V1TooLong,
    /// A v1 line that does not follow the grammar; says which part.
    V1Malformed(&'static str),
    /// v2 with a version other than 2 in the high nibble of byte 13.
    V2Version(u8),
    /// v2 command other than LOCAL (0) or PROXY (1).
    V2Command(u8),
    /// v2 address family or transport byte outside the spec.
    V2Family(u8),
    /// v2 PROXY whose length cannot hold its family's addresses.
    V2ShortAddresses { family: u8, len: usize, need: usize },
    /// A TLV that runs past the end of the header.
    V2Tlv { offset: usize },
    /// A `PP2_TYPE_CRC32C` TLV whose value is not 4 bytes, or does not match the header.
    V2Checksum { stored: Option<u32>, computed: u32 },
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::NotProxy => write!(f, "the connection did not start with a PROXY protocol header"),
            ProxyError::V1TooLong => write!(f, "PROXY v1 header without \\r\\n in its first {V1_MAX} bytes"),
            ProxyError::V1Malformed(what) => write!(f, "malformed PROXY v1 header: {what}"),
            ProxyError::V2Version(v) => write!(f, "PROXY v2 header with unsupported version {v}"),
            ProxyError::V2Command(c) => write!(f, "PROXY v2 header with unknown command {c}"),
            ProxyError::V2Family(b) => write!(f, "PROXY v2 header with unknown address family/transport 0x{b:02x}"),
            ProxyError::V2ShortAddresses { family, len, need } => write!(
                f,
                "PROXY v2 header too short for its addresses: family 0x{family:x} needs {need} bytes, length is {len}"
            ),
            ProxyError::V2Tlv { offset } => write!(f, "PROXY v2 header with a TLV running past its end at byte {offset}"),
            ProxyError::V2Checksum { stored: Some(s), computed } => write!(
                f,
                "PROXY v2 header with a wrong CRC32C checksum: 0x{s:08x} stored, 0x{computed:08x} computed"
            ),
            ProxyError::V2Checksum { stored: None, .. } => write!(f, "PROXY v2 header with a CRC32C TLV that is not 4 bytes long"),
        }
    }
}

impl std::error::Error for ProxyError {}

/// Judges the bytes received so far (see the module doc). Never panics, whatever `buf` is.
pub fn parse(buf: &[u8]) -> Result<Parsed, ProxyError> {
    match buf.first() {
        None => Ok(Parsed::NeedMore { at_least: 1 }),
        Some(b'P') => parse_v1(buf),
        Some(b'\r') => parse_v2(buf),
        Some(_) => Err(ProxyError::NotProxy),
    }
}

/// Whether `buf` and `want` agree on their common prefix.
fn agrees(buf: &[u8], want: &[u8]) -> bool {
    let n = buf.len().min(want.len());
    buf[..n] == want[..n]
}

fn parse_v1(buf: &[u8]) -> Result<Parsed, ProxyError> {
    if !agrees(buf, V1_PREFIX) {
        return Err(ProxyError::NotProxy);
    }
    let window = &buf[..buf.len().min(V1_MAX)];
    let Some(lf) = window.iter().position(|&b| b == b'\n') else {
        if buf.len() >= V1_MAX {
            return Err(ProxyError::V1TooLong);
        }
        return Ok(Parsed::NeedMore {
            at_least: buf.len() + 1,
        });
    };
    if lf == 0 || window[lf - 1] != b'\r' {
        return Err(ProxyError::V1Malformed("line ends without \\r\\n"));
    }
    let line = &window[V1_PREFIX.len()..lf - 1];
    let addresses = v1_fields(line)?;
    Ok(Parsed::Complete {
        header: ProxyHeader {
            version: 1,
            addresses,
            tlv_types: Vec::new(),
        },
        len: lf + 1,
    })
}

/// The part of a v1 line after `PROXY `, without `\r\n`.
fn v1_fields(line: &[u8]) -> Result<Addresses, ProxyError> {
    // UNKNOWN: "the receiver must ignore anything presented before the CRLF".
    if line == b"UNKNOWN" || line.starts_with(b"UNKNOWN ") {
        return Ok(Addresses::Local);
    }
    let text = std::str::from_utf8(line)
        .map_err(|_| ProxyError::V1Malformed("bytes that are not text"))?;
    let fields: Vec<&str> = text.split(' ').collect();
    let v6 = match fields[0] {
        "TCP4" => false,
        "TCP6" => true,
        _ => {
            return Err(ProxyError::V1Malformed(
                "protocol is not TCP4, TCP6 or UNKNOWN",
            ))
        }
    };
    if fields.len() != 5 {
        return Err(ProxyError::V1Malformed(
            "expected 4 fields after the protocol, separated by single spaces",
        ));
    }
    let ip = |s: &str| -> Result<IpAddr, ProxyError> {
        if v6 {
            s.parse::<Ipv6Addr>()
                .map(IpAddr::V6)
                .map_err(|_| ProxyError::V1Malformed("TCP6 address is not an IPv6 address"))
        } else {
            s.parse::<Ipv4Addr>()
                .map(IpAddr::V4)
                .map_err(|_| ProxyError::V1Malformed("TCP4 address is not an IPv4 address"))
        }
    };
    let port = |s: &str| -> Result<u16, ProxyError> {
        if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProxyError::V1Malformed(
                "port is not a number from 0 to 65535",
            ));
        }
        s.parse::<u16>()
            .map_err(|_| ProxyError::V1Malformed("port is not a number from 0 to 65535"))
    };
    Ok(Addresses::Inet {
        src: SocketAddr::new(ip(fields[1])?, port(fields[3])?),
        dst: SocketAddr::new(ip(fields[2])?, port(fields[4])?),
    })
}

const CMD_LOCAL: u8 = 0;
const CMD_PROXY: u8 = 1;
const AF_INET: u8 = 1;
const AF_INET6: u8 = 2;
const AF_UNIX: u8 = 3;

/// Bytes of the address block each family needs (spec §2.2).
fn address_len(family: u8) -> usize {
    match family {
        AF_INET => 12,
        AF_INET6 => 36,
        AF_UNIX => 216,
        _ => 0,
    }
}

fn parse_v2(buf: &[u8]) -> Result<Parsed, ProxyError> {
    if !agrees(buf, &V2_SIGNATURE) {
        return Err(ProxyError::NotProxy);
    }
    // Judge each fixed byte as soon as it is in, so garbage fails before the length is read.
    if let Some(&ver_cmd) = buf.get(12) {
        if ver_cmd >> 4 != 2 {
            return Err(ProxyError::V2Version(ver_cmd >> 4));
        }
        if !matches!(ver_cmd & 0x0f, CMD_LOCAL | CMD_PROXY) {
            return Err(ProxyError::V2Command(ver_cmd & 0x0f));
        }
    }
    let local = buf.get(12).is_some_and(|b| b & 0x0f == CMD_LOCAL);
    if let Some(&fam) = buf.get(13) {
        // LOCAL: "the receiver must … discard the protocol block including the family".
        if !local && (fam >> 4 > AF_UNIX || fam & 0x0f > 2) {
            return Err(ProxyError::V2Family(fam));
        }
    }
    if buf.len() < V2_FIXED {
        return Ok(Parsed::NeedMore { at_least: V2_FIXED });
    }
    let family = buf[13] >> 4;
    let len = u16::from_be_bytes([buf[14], buf[15]]) as usize;
    let need = if local { 0 } else { address_len(family) };
    if len < need {
        return Err(ProxyError::V2ShortAddresses { family, len, need });
    }
    let total = V2_FIXED + len;
    if buf.len() < total {
        return Ok(Parsed::NeedMore { at_least: total });
    }
    let block = &buf[V2_FIXED..total];
    let header = if local {
        ProxyHeader {
            version: 2,
            addresses: Addresses::Local,
            tlv_types: Vec::new(),
        }
    } else {
        ProxyHeader {
            version: 2,
            addresses: v2_addresses(family, block),
            tlv_types: {
                let tlvs = v2_tlvs(&block[need..], V2_FIXED + need)?;
                if let Some(&(_, at, n)) = tlvs.iter().find(|t| t.0 == PP2_TYPE_CRC32C) {
                    check_crc32c(&buf[..total], at, n)?;
                }
                tlvs.into_iter().map(|t| t.0).collect()
            },
        }
    };
    Ok(Parsed::Complete { header, len: total })
}

const PP2_TYPE_CRC32C: u8 = 0x03;

/// Spec §2.2.5: "the receiver should verify" a CRC32C TLV; computed over the whole header
/// with the checksum's 4 bytes (at `at`) taken as zero, stored big-endian.
fn check_crc32c(header: &[u8], at: usize, n: usize) -> Result<(), ProxyError> {
    let computed = crc32c(&[&header[..at], &[0; 4][..n.min(4)], &header[at + n..]]);
    if n != 4 {
        return Err(ProxyError::V2Checksum {
            stored: None,
            computed,
        });
    }
    let stored = u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    if stored != computed {
        return Err(ProxyError::V2Checksum {
            stored: Some(stored),
            computed,
        });
    }
    Ok(())
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bytewise with a table: a header
/// is at most 64 KiB and is checked once per connection.
fn crc32c(parts: &[&[u8]]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0x82F6_3B78 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut crc = !0u32;
    for part in parts {
        for &b in *part {
            crc = TABLE[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
        }
    }
    !crc
}

/// The addresses of a v2 PROXY block (long enough for its family: checked by the caller).
fn v2_addresses(family: u8, a: &[u8]) -> Addresses {
    let be16 = |i: usize| u16::from_be_bytes([a[i], a[i + 1]]);
    match family {
        AF_INET => {
            let ip = |i: usize| IpAddr::V4(Ipv4Addr::new(a[i], a[i + 1], a[i + 2], a[i + 3]));
            Addresses::Inet {
                src: SocketAddr::new(ip(0), be16(8)),
                dst: SocketAddr::new(ip(4), be16(10)),
            }
        }
        AF_INET6 => {
            let ip = |i: usize| {
                let mut o = [0u8; 16];
                o.copy_from_slice(&a[i..i + 16]);
                IpAddr::V6(Ipv6Addr::from(o))
            };
            Addresses::Inet {
                src: SocketAddr::new(ip(0), be16(32)),
                dst: SocketAddr::new(ip(16), be16(34)),
            }
        }
        AF_UNIX => {
            let path = |p: &[u8]| {
                let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
                String::from_utf8_lossy(&p[..end]).into_owned()
            };
            Addresses::Unix {
                src: path(&a[..108]),
                dst: path(&a[108..216]),
            }
        }
        // AF_UNSPEC: "the receiver … must use the real connection endpoints".
        _ => Addresses::Local,
    }
}

/// Walks the TLVs (type, 16-bit length, value) after the addresses: (type, where its value
/// starts in the header, its length). `base` is where `t` starts in the header.
fn v2_tlvs(t: &[u8], base: usize) -> Result<Vec<(u8, usize, usize)>, ProxyError> {
    let mut types = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if t.len() - i < 3 {
            return Err(ProxyError::V2Tlv { offset: base + i });
        }
        let len = u16::from_be_bytes([t[i + 1], t[i + 2]]) as usize;
        if t.len() - i - 3 < len {
            return Err(ProxyError::V2Tlv { offset: base + i });
        }
        types.push((t[i], base + i + 3, len));
        i += 3 + len;
    }
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sa(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn complete(buf: &[u8]) -> (ProxyHeader, usize) {
        match parse(buf) {
            Ok(Parsed::Complete { header, len }) => (header, len),
            other => panic!("expected a complete header, got {other:?}"),
        }
    }

    /// A v2 header: command, family/transport byte, address block and TLVs.
    fn v2(cmd: u8, fam: u8, block: &[u8]) -> Vec<u8> {
        let mut h = V2_SIGNATURE.to_vec();
        h.push(0x20 | cmd);
        h.push(fam);
        h.extend_from_slice(&(block.len() as u16).to_be_bytes());
        h.extend_from_slice(block);
        h
    }

    fn inet4_block(src: [u8; 4], dst: [u8; 4], sp: u16, dp: u16) -> Vec<u8> {
        [&src[..], &dst, &sp.to_be_bytes(), &dp.to_be_bytes()].concat()
    }

    /// Every split point: a prefix says NeedMore (asking for more than it has) until it
    /// gives exactly the verdict of the whole input.
    fn assert_split_invariant(bytes: &[u8]) {
        let whole = parse(bytes);
        for i in 0..=bytes.len() {
            match parse(&bytes[..i]) {
                Ok(Parsed::NeedMore { at_least }) => assert!(at_least > i),
                r => {
                    assert_eq!(r, whole, "prefix of {i} bytes");
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------- v1

    #[test]
    fn v1_tcp4() {
        let msg = b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n";
        let (h, len) = complete(msg);
        assert_eq!(h.version, 1);
        assert_eq!(
            h.addresses,
            Addresses::Inet {
                src: sa("192.168.0.1:56324"),
                dst: sa("192.168.0.11:443")
            }
        );
        assert_eq!(&msg[len..], b"GET / HTTP/1.1\r\n");
    }

    #[test]
    fn v1_tcp6() {
        let msg = b"PROXY TCP6 2001:db8::1 ::1 65535 0\r\n";
        let (h, len) = complete(msg);
        assert_eq!(len, msg.len());
        assert_eq!(
            h.addresses,
            Addresses::Inet {
                src: sa("[2001:db8::1]:65535"),
                dst: sa("[::1]:0")
            }
        );
    }

    #[test]
    fn v1_longest_line_fits() {
        // The spec's worst case: UNKNOWN with two full IPv6 addresses and ports.
        let msg = b"PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        assert_eq!(msg.len(), V1_MAX);
        let (h, len) = complete(msg);
        assert_eq!((h.addresses, len), (Addresses::Local, V1_MAX));
        let msg = b"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
        let (h, len) = complete(msg);
        assert_eq!(len, msg.len());
        assert!(matches!(h.addresses, Addresses::Inet { src, .. } if src.port() == 65535));
    }

    #[test]
    fn v1_unknown_keeps_socket_addresses() {
        for msg in [
            &b"PROXY UNKNOWN\r\n"[..],
            b"PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n",
            b"PROXY UNKNOWN anything at all\r\n",
        ] {
            let (h, len) = complete(msg);
            assert_eq!(h.addresses, Addresses::Local);
            assert_eq!(len, msg.len());
        }
    }

    #[test]
    fn v1_errors() {
        let bad: &[(&[u8], &str)] = &[
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "\\r\\n"),
            (b"PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n", "TCP4, TCP6"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "4 fields"),
            (b"PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n", "4 fields"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n", "4 fields"),
            (b"PROXY TCP4 ::1 5.6.7.8 1 2\r\n", "IPv4"),
            (b"PROXY TCP6 1.2.3.4 ::1 1 2\r\n", "IPv6"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", "port"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", "port"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", "port"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 \r\n", "port"),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n", "4 fields"),
            (b"PROXY TCP4 300.2.3.4 5.6.7.8 1 2\r\n", "IPv4"),
            (b"PROXY TCP4 \xff.2.3.4 5.6.7.8 1 2\r\n", "text"),
            (b"PROXY \r\n", "TCP4"),
        ];
        for (msg, what) in bad {
            match parse(msg) {
                Err(e @ ProxyError::V1Malformed(_)) => {
                    assert!(
                        e.to_string().contains(what),
                        "{e} for {:?}",
                        String::from_utf8_lossy(msg)
                    )
                }
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(msg)),
            }
        }
    }

    #[test]
    fn v1_too_long() {
        let mut msg = b"PROXY TCP4 ".to_vec();
        msg.resize(V1_MAX - 1, b'1');
        assert_eq!(parse(&msg), Ok(Parsed::NeedMore { at_least: V1_MAX }));
        msg.push(b'1');
        assert_eq!(parse(&msg), Err(ProxyError::V1TooLong));
        // The 108th byte being the \n does not rescue it.
        msg.push(b'\n');
        assert_eq!(parse(&msg), Err(ProxyError::V1TooLong));
    }

    #[test]
    fn plain_data_is_refused_on_its_first_bytes() {
        for msg in [
            &b"hello\n"[..],
            b"GET / HTTP/1.1\r\n",
            b"POST",
            b"PROXz",
            b"\r\n\r\nX",
            b"\n",
            b"\0",
        ] {
            assert_eq!(parse(msg), Err(ProxyError::NotProxy), "{msg:?}");
        }
        assert_eq!(parse(b"PRO"), Ok(Parsed::NeedMore { at_least: 4 }));
        assert_eq!(parse(b""), Ok(Parsed::NeedMore { at_least: 1 }));
        assert_eq!(parse(b"\r\n\r\n\0"), Ok(Parsed::NeedMore { at_least: 16 }));
        // "PROXY" without its space is not yet wrong.
        assert_eq!(parse(b"PROXY"), Ok(Parsed::NeedMore { at_least: 6 }));
        assert_eq!(parse(b"PROXY\r\n"), Err(ProxyError::NotProxy));
    }

    // ------------------------------------------------------------------- v2

    #[test]
    fn v2_inet() {
        let mut msg = v2(
            1,
            0x11,
            &inet4_block([10, 0, 0, 1], [10, 0, 0, 2], 40000, 80),
        );
        let hlen = msg.len();
        msg.extend_from_slice(b"app data");
        let (h, len) = complete(&msg);
        assert_eq!(len, hlen);
        assert_eq!(h.version, 2);
        assert_eq!(
            h.addresses,
            Addresses::Inet {
                src: sa("10.0.0.1:40000"),
                dst: sa("10.0.0.2:80")
            }
        );
        assert_eq!(&msg[len..], b"app data");
    }

    #[test]
    fn v2_inet6() {
        let src: Ipv6Addr = "2001:db8::7".parse().unwrap();
        let dst: Ipv6Addr = "::1".parse().unwrap();
        let block = [
            &src.octets()[..],
            &dst.octets(),
            &1234u16.to_be_bytes(),
            &443u16.to_be_bytes(),
        ]
        .concat();
        let (h, _) = complete(&v2(1, 0x21, &block));
        assert_eq!(
            h.addresses,
            Addresses::Inet {
                src: sa("[2001:db8::7]:1234"),
                dst: sa("[::1]:443")
            }
        );
    }

    #[test]
    fn v2_unix() {
        let mut block = vec![0u8; 216];
        block[..9].copy_from_slice(b"/tmp/c.so");
        block[108..116].copy_from_slice(b"/run/srv");
        let (h, _) = complete(&v2(1, 0x31, &block));
        assert_eq!(
            h.addresses,
            Addresses::Unix {
                src: "/tmp/c.so".into(),
                dst: "/run/srv".into()
            }
        );
        // A path filling all 108 bytes has no NUL: taken whole.
        let block = vec![b'a'; 216];
        let (h, _) = complete(&v2(1, 0x31, &block));
        assert!(matches!(h.addresses, Addresses::Unix { src, .. } if src.len() == 108));
    }

    #[test]
    fn v2_local_keeps_socket_addresses_and_skips_its_block() {
        // HAProxy's health checks: LOCAL, family UNSPEC, length 0.
        let (h, len) = complete(&v2(0, 0x00, &[]));
        assert_eq!((h.addresses, len), (Addresses::Local, 16));
        // LOCAL with an address block (allowed): the block is discarded, whatever the family.
        let block = inet4_block([1, 2, 3, 4], [5, 6, 7, 8], 1, 2);
        let (h, len) = complete(&v2(0, 0x11, &block));
        assert_eq!((h.addresses, len), (Addresses::Local, 28));
        let (h, _) = complete(&v2(0, 0xff, &[1, 2, 3]));
        assert_eq!(h.addresses, Addresses::Local);
    }

    #[test]
    fn v2_proxy_unspec_keeps_socket_addresses() {
        let (h, len) = complete(&v2(1, 0x00, &[]));
        assert_eq!((h.addresses, len), (Addresses::Local, 16));
    }

    #[test]
    fn v2_tlvs_are_skipped() {
        let mut block = inet4_block([127, 0, 0, 1], [127, 0, 0, 1], 5, 6);
        block.extend_from_slice(&[0x04, 0, 3, 0, 0, 0]); // NOOP, 3 bytes of padding
        block.extend_from_slice(&[0x02, 0, 4, b'h', b'o', b's', b't']); // AUTHORITY
        block.extend_from_slice(&[0xE0, 0, 0]); // a custom type, empty
        let mut msg = v2(1, 0x11, &block);
        let hlen = msg.len();
        msg.extend_from_slice(b"\r\n\r\n\0\r\nQUIT\n"); // data that looks like another header
        let (h, len) = complete(&msg);
        assert_eq!(len, hlen);
        assert_eq!(h.tlv_types, vec![0x04, 0x02, 0xE0]);
        assert!(matches!(h.addresses, Addresses::Inet { src, .. } if src == sa("127.0.0.1:5")));
    }

    #[test]
    fn crc32c_known_answer() {
        // RFC 3720's check value for "123456789", and its 32 zero bytes example.
        assert_eq!(crc32c(&[b"123456789"]), 0xE306_9283);
        assert_eq!(crc32c(&[b"1234", b"", b"56789"]), 0xE306_9283);
        assert_eq!(crc32c(&[&[0u8; 32]]), 0x8A91_36AA);
    }

    /// A v2 INET header with a CRC32C TLV holding `crc` (None: the right one).
    fn with_crc(crc: Option<u32>, extra: &[u8]) -> Vec<u8> {
        let mut block = inet4_block([192, 0, 2, 1], [192, 0, 2, 2], 3333, 443);
        block.extend_from_slice(extra);
        block.extend_from_slice(&[PP2_TYPE_CRC32C, 0, 4, 0, 0, 0, 0]);
        let mut msg = v2(1, 0x11, &block);
        let at = msg.len() - 4;
        let value = crc.unwrap_or_else(|| crc32c(&[&msg]));
        msg[at..].copy_from_slice(&value.to_be_bytes());
        msg
    }

    #[test]
    fn v2_crc32c_is_verified() {
        let good = with_crc(None, &[0x04, 0, 1, 0]);
        let (h, len) = complete(&[&good[..], b"data"].concat());
        assert_eq!(
            (len, h.tlv_types),
            (good.len(), vec![0x04, PP2_TYPE_CRC32C])
        );
        // One address bit flipped in transit.
        let mut bad = good.clone();
        bad[V2_FIXED] ^= 1;
        assert!(matches!(
            parse(&bad),
            Err(ProxyError::V2Checksum {
                stored: Some(_),
                ..
            })
        ));
        assert!(parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("wrong CRC32C"));
        let wrong = with_crc(Some(0x1234_5678), &[]);
        assert!(matches!(
            parse(&wrong),
            Err(ProxyError::V2Checksum {
                stored: Some(0x1234_5678),
                ..
            })
        ));
        // A CRC32C TLV must hold 4 bytes.
        let short = v2(
            1,
            0x11,
            &[
                &inet4_block([1, 1, 1, 1], [2, 2, 2, 2], 1, 2)[..],
                &[PP2_TYPE_CRC32C, 0, 2, 0, 0],
            ]
            .concat(),
        );
        assert!(matches!(
            parse(&short),
            Err(ProxyError::V2Checksum { stored: None, .. })
        ));
        assert_split_invariant(&good);
    }

    #[test]
    fn v2_bad_tlvs() {
        let base = inet4_block([127, 0, 0, 1], [127, 0, 0, 1], 5, 6);
        let cases: [(&[u8], usize); 4] = [
            (&[0x04], 28),
            (&[0x04, 0], 28),
            (&[0x04, 0, 2, 0], 28),
            (&[0x04, 0, 0, 0x05, 1, 0], 31),
        ];
        for (tail, offset) in cases {
            let msg = v2(1, 0x11, &[&base[..], tail].concat());
            assert_eq!(parse(&msg), Err(ProxyError::V2Tlv { offset }), "{tail:?}");
        }
    }

    #[test]
    fn v2_fixed_part_errors_come_early() {
        let mut msg = V2_SIGNATURE.to_vec();
        msg.push(0x11); // version 1
        assert_eq!(parse(&msg), Err(ProxyError::V2Version(1)));
        msg[12] = 0x22; // command 2
        assert_eq!(parse(&msg), Err(ProxyError::V2Command(2)));
        msg[12] = 0x21;
        msg.push(0x41); // family 4
        assert_eq!(parse(&msg), Err(ProxyError::V2Family(0x41)));
        msg[13] = 0x13; // transport 3
        assert_eq!(parse(&msg), Err(ProxyError::V2Family(0x13)));
        msg[13] = 0x11;
        assert_eq!(parse(&msg), Ok(Parsed::NeedMore { at_least: 16 }));
        msg.extend_from_slice(&11u16.to_be_bytes());
        assert_eq!(
            parse(&msg),
            Err(ProxyError::V2ShortAddresses {
                family: 1,
                len: 11,
                need: 12
            })
        );
        let n = msg.len();
        msg[n - 2..].copy_from_slice(&12u16.to_be_bytes());
        assert_eq!(parse(&msg), Ok(Parsed::NeedMore { at_least: 28 }));
        // The address families' minimum lengths.
        for (fam, need) in [(0x21u8, 36usize), (0x31, 216)] {
            let m = v2(1, fam, &vec![0; need - 1]);
            assert_eq!(
                parse(&m),
                Err(ProxyError::V2ShortAddresses {
                    family: fam >> 4,
                    len: need - 1,
                    need
                })
            );
        }
    }

    #[test]
    fn v2_longest_header() {
        let mut block = inet4_block([1, 1, 1, 1], [2, 2, 2, 2], 1, 2);
        let value = u16::MAX as usize - 12 - 3;
        block.extend_from_slice(&[0xEE]);
        block.extend_from_slice(&(value as u16).to_be_bytes());
        block.resize(u16::MAX as usize, 7);
        let msg = v2(1, 0x11, &block);
        assert_eq!(msg.len(), V2_MAX);
        let (h, len) = complete(&msg);
        assert_eq!((len, h.tlv_types), (V2_MAX, vec![0xEE]));
        assert_eq!(
            parse(&msg[..V2_MAX - 1]),
            Ok(Parsed::NeedMore { at_least: V2_MAX })
        );
    }

    #[test]
    fn every_split_gives_the_same_verdict() {
        let samples: Vec<Vec<u8>> = vec![
            b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nrest".to_vec(),
            b"PROXY TCP6 ::1 ::1 1 2\r\n".to_vec(),
            b"PROXY UNKNOWN\r\n".to_vec(),
            b"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n".to_vec(),
            v2(1, 0x11, &inet4_block([1, 2, 3, 4], [4, 3, 2, 1], 9, 10)),
            v2(0, 0x00, &[]),
            v2(1, 0x11, &[0; 5]),
            [v2(1, 0x11, &[0; 14]), b"xyz".to_vec()].concat(),
        ];
        for s in samples {
            assert_split_invariant(&s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Any bytes: a verdict, never a panic, and a complete header never claims more
        /// bytes than it was given.
        #[test]
        fn prop_any_bytes(buf in prop::collection::vec(any::<u8>(), 0..300)) {
            match parse(&buf) {
                Ok(Parsed::Complete { len, .. }) => prop_assert!(len <= buf.len()),
                Ok(Parsed::NeedMore { at_least }) => prop_assert!(at_least > buf.len()),
                Err(_) => {}
            }
        }

        /// Inputs that start like a header (so the parser goes deep), mutated anywhere.
        #[test]
        fn prop_mutated_headers(
            pick in 0usize..4,
            flips in prop::collection::vec((0usize..64, any::<u8>()), 0..4),
            tail in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            let mut buf = match pick {
                0 => b"PROXY TCP4 10.1.2.3 10.3.2.1 1000 2000\r\n".to_vec(),
                1 => b"PROXY TCP6 fe80::1 ::2 1 65535\r\n".to_vec(),
                2 => v2(1, 0x11, &inet4_block([1, 2, 3, 4], [4, 3, 2, 1], 9, 10)),
                _ => v2(1, 0x21, &[0u8; 40]),
            };
            for (at, b) in flips {
                if let Some(x) = buf.get_mut(at) { *x = b; }
            }
            buf.extend_from_slice(&tail);
            let whole = parse(&buf);
            if let Ok(Parsed::Complete { len, .. }) = &whole {
                prop_assert!(*len <= buf.len());
                // What follows the header does not change the header.
                prop_assert_eq!(parse(&buf[..*len]), whole.clone());
            }
            assert_split_invariant(&buf);
        }

        /// Generated valid headers round-trip, and trailing data is left alone.
        #[test]
        fn prop_valid_roundtrip(
            src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(),
            sp in any::<u16>(), dp in any::<u16>(),
            text in any::<bool>(),
            tail in prop::collection::vec(any::<u8>(), 0..20),
        ) {
            let (s, d) = (SocketAddr::new(Ipv4Addr::from(src).into(), sp), SocketAddr::new(Ipv4Addr::from(dst).into(), dp));
            let head = if text {
                format!("PROXY TCP4 {} {} {sp} {dp}\r\n", s.ip(), d.ip()).into_bytes()
            } else {
                v2(1, 0x11, &inet4_block(src, dst, sp, dp))
            };
            let buf = [&head[..], &tail].concat();
            let (h, len) = complete(&buf);
            prop_assert_eq!(len, head.len());
            prop_assert_eq!(h.addresses, Addresses::Inet { src: s, dst: d });
        }
    }
}
