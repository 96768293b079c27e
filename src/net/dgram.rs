//! Datagram listeners (UDP, UDP6, unix datagram): no sessions, one onPacket per datagram,
//! and `sendto()`.
//!
//! Every worker registers the same inherited socket and reads it: the kernel hands each
//! datagram to exactly one reader (the others' `recvfrom` sees `EAGAIN`), so several workers
//! share one UDP port without any coordination, as in Swoole's BASE mode.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;

use socket2::{SockAddr, Socket};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use super::Reactor;

/// The largest datagram delivered whole: UDP's payload limit is 65,507 bytes, and a unix
/// datagram above 64 KiB is cut here (with a warning) rather than growing every worker's buffer.
pub const MAX_DATAGRAM: usize = 64 * 1024;

/// Datagrams handled per wake-up before the loop lets timers and connections run.
const BATCH: usize = 64;

/// Where a datagram came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    Inet(SocketAddr),
    /// The sender's bound path ("" for an unbound sender, which cannot be answered).
    Unix(String),
}

/// Reads datagrams from listener `port` until the task is aborted, handing each to the sink.
pub async fn serve(reactor: Rc<Reactor>, port: usize, socket: Socket) {
    // SAFETY: the Socket owns its descriptor for as long as the AsyncFd holds it.
    let afd = match unsafe { AsyncFd::register_with_interest(socket, Interest::READABLE) } {
        Ok(a) => a,
        Err(e) => {
            reactor.warn(&format!("cannot register the datagram socket: {e}"));
            return;
        }
    };
    let fd = afd.get_ref().as_raw_fd();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        if reactor.stopping.get() {
            return;
        }
        let mut guard = match afd.readable().await {
            Ok(g) => g,
            Err(e) => {
                reactor.warn(&format!("datagram socket failed: {e}"));
                return;
            }
        };
        let mut handled = 0;
        while handled < BATCH {
            match recv_from(fd, &mut buf) {
                Ok((n, real, peer)) => {
                    if real > n {
                        reactor.warn(&format!(
                            "a datagram of {real} bytes was cut to {n} bytes (the largest datagram swoole-rs delivers)"
                        ));
                    }
                    reactor.deliver_packet(port, &buf[..n], &peer);
                    handled += 1;
                    if reactor.stopping.get() {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // ICMP errors from an earlier sendto (ECONNREFUSED) surface here: not ours.
                Err(_) => {}
            }
        }
        drop(guard);
        if handled == BATCH {
            tokio::task::yield_now().await;
        }
    }
}

/// One non-blocking `recvfrom(2)`: (bytes in `buf`, the datagram's real size, sender).
pub fn recv_from(fd: RawFd, buf: &mut [u8]) -> io::Result<(usize, usize, Peer)> {
    // SAFETY: an all-zero sockaddr_storage is valid; recvfrom fills at most `len` bytes.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: fd is our open socket, buf is valid for its length, storage/len as above.
    let n = unsafe {
        libc::recvfrom(
            fd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            (&mut storage as *mut libc::sockaddr_storage).cast(),
            &mut len,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let real = n as usize;
    // SAFETY: storage/len were filled by recvfrom.
    let addr = unsafe { SockAddr::new(storage, len) };
    let peer = match addr.as_socket() {
        Some(a) => Peer::Inet(a),
        None => Peer::Unix(
            addr.as_pathname()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ),
    };
    Ok((real.min(buf.len()), real, peer))
}

/// Sends one datagram from listener socket `fd`. A full send buffer is waited out for up to
/// a second (UDP sends almost never block; when they do, the kernel frees space quickly).
pub fn send_to(fd: RawFd, dest: &SockAddr, data: &[u8]) -> io::Result<()> {
    let mut waited = false;
    loop {
        // SAFETY: fd is an open datagram socket; data and dest are valid for the call.
        let n = unsafe {
            libc::sendto(
                fd,
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                dest.as_ptr().cast(),
                dest.len(),
            )
        };
        if n >= 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock if !waited => {
                waited = true;
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLOUT,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                unsafe { libc::poll(&mut pfd, 1, 1000) };
            }
            _ => return Err(e),
        }
    }
}

/// The destination of `sendto($ip, $port, …)`: a unix path when it starts with `/`.
pub fn destination(ip: &str, port: u16) -> io::Result<SockAddr> {
    if ip.starts_with('/') {
        return SockAddr::unix(ip);
    }
    let addr: std::net::IpAddr = ip
        .parse()
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    Ok(SocketAddr::new(addr, port).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use socket2::{Domain, Type};

    #[test]
    fn datagrams_round_trip_with_the_sender_address() {
        let a = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        a.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let b = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        b.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let a_addr = a.local_addr().unwrap();
        let big = vec![7u8; 65_507];
        send_to(b.as_raw_fd(), &a_addr, &big).unwrap();
        let mut buf = vec![0u8; MAX_DATAGRAM];
        let (n, real, peer) = recv_from(a.as_raw_fd(), &mut buf).unwrap();
        assert_eq!((n, real), (65_507, 65_507));
        assert_eq!(
            peer,
            Peer::Inet(b.local_addr().unwrap().as_socket().unwrap())
        );
        let e = recv_from(a.as_raw_fd(), &mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
    }

    #[test]
    fn destinations() {
        assert!(destination("/tmp/x.sock", 0)
            .unwrap()
            .as_pathname()
            .is_some());
        assert_eq!(
            destination("::1", 9).unwrap().as_socket(),
            Some("[::1]:9".parse().unwrap())
        );
        assert!(destination("not an ip", 9).is_err());
    }
}
