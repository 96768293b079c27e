//! Datagrams from the PHP side: `sendto()`, `send()` to a unix datagram peer's path, and
//! the `$clientInfo` array of onPacket.

use ext_php_rs::types::{ZendHashTable, Zval};

use super::state::Shared;
use crate::net::{dgram, now, Peer, PortCfg, PortKind};
use crate::php::convert::zval_bytes;
use crate::php::errors::{self, set_last_error, warning_code};

/// Which datagram listeners a destination needs.
#[derive(Clone, Copy, PartialEq)]
enum Family {
    Udp,
    Udp6,
    Unix,
}

impl Family {
    /// As Swoole infers it: a leading `/` is a unix path, a `:` an IPv6 address.
    fn of(ip: &str) -> Family {
        if ip.starts_with('/') {
            Family::Unix
        } else if ip.contains(':') {
            Family::Udp6
        } else {
            Family::Udp
        }
    }

    fn name(self) -> &'static str {
        match self {
            Family::Udp => "UDP",
            Family::Udp6 => "UDP6",
            Family::Unix => "UnixDgram",
        }
    }

    fn serves(self, p: &PortCfg) -> bool {
        use super::state::{SOCK_UDP, SOCK_UDP6};
        match (self, p.kind) {
            (Family::Unix, PortKind::Dgram { unix }) => unix,
            (Family::Udp, PortKind::Dgram { unix: false }) => p.sock_type == SOCK_UDP,
            (Family::Udp6, PortKind::Dgram { unix: false }) => p.sock_type == SOCK_UDP6,
            _ => false,
        }
    }
}

/// `send($fd)` with a string starting with `/`: a unix datagram peer, as in Swoole.
pub(super) fn unix_peer(fd: &Zval) -> Option<String> {
    let s = fd.str()?;
    s.starts_with('/').then(|| s.to_string())
}

/// `sendto($ip, $port, $data, $server_socket)`.
pub(super) fn sendto(sh: &Shared, ip: &str, port: i64, data: &Zval, server_socket: i64) -> bool {
    let Some(reactor) = sh.require_running() else {
        return false;
    };
    let Some(data) = zval_bytes(data) else {
        return false;
    };
    if data.is_empty() {
        warning_code(errors::NO_PAYLOAD, "the data sent must not be empty");
        return false;
    }
    let family = Family::of(ip);
    let from = reactor
        .ports
        .iter()
        .find(|p| family.serves(p) && (server_socket < 0 || p.server_fd as i64 == server_socket));
    let Some(from) = from else {
        warning_code(
            errors::INVALID_PARAMS,
            &format!(
                "{} listener has to be added before executing sendto",
                family.name()
            ),
        );
        return false;
    };
    if family != Family::Unix && !(0..=65535).contains(&port) {
        warning_code(
            errors::SERVER_INVALID_LISTEN_PORT,
            &format!("sendto(): invalid port [{port}]"),
        );
        return false;
    }
    let dest = match dgram::destination(ip, port as u16) {
        Ok(d) => d,
        Err(_) => {
            warning_code(
                errors::INVALID_PARAMS,
                &format!("sendto(): invalid address [{ip}]"),
            );
            return false;
        }
    };
    match dgram::send_to(from.server_fd, &dest, &data) {
        Ok(()) => {
            crate::process::SharedStats::add(
                &reactor.stats.shared().total_send_bytes,
                data.len() as u64,
            );
            true
        }
        Err(e) => {
            let code = e.raw_os_error().unwrap_or(0) as i64;
            warning_code(
                code,
                &format!(
                    "sendto({ip}:{port}) failed: {}[{code}]",
                    errors::strerror(code)
                ),
            );
            set_last_error(code);
            false
        }
    }
}

/// onPacket's `$clientInfo`, with Swoole's keys in Swoole's order (no `port` for a unix
/// datagram peer).
pub(super) fn client_info(cfg: &PortCfg, peer: &Peer) -> Zval {
    let mut a = ZendHashTable::with_capacity(5);
    let _ = a.insert("server_socket", cfg.server_fd as i64);
    let _ = a.insert("dispatch_time", now());
    let _ = a.insert("server_port", cfg.server_port as i64);
    match peer {
        Peer::Inet(std::net::SocketAddr::V4(addr)) => {
            let mut buf = [0u8; 15];
            let _ = a.insert("address", ipv4_str(addr.ip(), &mut buf));
            let _ = a.insert("port", addr.port() as i64);
        }
        Peer::Inet(addr) => {
            let _ = a.insert("address", addr.ip().to_string());
            let _ = a.insert("port", addr.port() as i64);
        }
        Peer::Unix(path) => {
            let _ = a.insert("address", path.as_str());
        }
    }
    let mut z = Zval::new();
    z.set_hashtable(a);
    z
}

/// Dotted-quad text of `ip` in `buf`, without the formatting machinery (`to_string()` showed
/// in the per-datagram profile).
fn ipv4_str<'a>(ip: &std::net::Ipv4Addr, buf: &'a mut [u8; 15]) -> &'a str {
    let mut n = 0;
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            buf[n] = b'.';
            n += 1;
        }
        if octet >= 100 {
            buf[n] = b'0' + octet / 100;
            n += 1;
        }
        if octet >= 10 {
            buf[n] = b'0' + octet / 10 % 10;
            n += 1;
        }
        buf[n] = b'0' + octet % 10;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_text_matches_display() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "10.20.30.40",
            "255.255.255.255",
            "192.0.2.109",
            "1.10.100.9",
        ] {
            let addr: std::net::Ipv4Addr = ip.parse().unwrap();
            let mut buf = [0u8; 15];
            assert_eq!(ipv4_str(&addr, &mut buf), addr.to_string());
        }
    }

    #[test]
    fn families_as_swoole_infers_them() {
        assert!(Family::of("/tmp/a.sock") == Family::Unix);
        assert!(Family::of("::1") == Family::Udp6);
        assert!(Family::of("127.0.0.1") == Family::Udp);
    }
}
