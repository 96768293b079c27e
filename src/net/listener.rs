//! Listening sockets: bound by the constructor (so a port conflict is reported there, as in
//! Swoole), listening once `start()` runs, accepted from by the reactor.

use std::cell::Cell;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::net::{TcpStream, UnixStream};

use super::conn::Stream;

/// How long a worker above its fair share leaves a new connection to the others before it
/// takes the connection itself (when nobody did: the others may be stuck in a callback).
const HOLD_BACK: Duration = Duration::from_millis(5);

/// After a held-back connection was still pending at the end of [`HOLD_BACK`], the other
/// workers are slow: accept freely for this long instead of holding back again.
const SLOW_PEERS: Duration = Duration::from_millis(100);

/// A listening socket in this worker's runtime. Shared by every worker (inherited across the
/// fork), accepted from with `accept4(2)` directly so the worker controls when it takes a
/// connection (see [`Listener::accept`]).
pub struct Listener {
    fd: AsyncFd<Socket>,
    unix: bool,
    /// The listener has TCP_NODELAY, so every accepted connection has it already.
    inherits_nodelay: bool,
    /// Until when held-back connections are taken at once (see [`SLOW_PEERS`]).
    accept_freely_until: Cell<Option<Instant>>,
    /// This worker cleared the listener's readiness without draining the queue (it let a
    /// wake-up pass), so connections may be queued that no new edge will announce (tokio's
    /// registration is edge-triggered). It outlives one `accept()`: the call that takes one
    /// of those connections returns it and leaves the others queued, and the next call must
    /// look before it waits. Cleared only by an `accept4` that found the queue empty, after
    /// which every new connection brings its own edge.
    maybe_queued: Cell<bool>,
}

impl Listener {
    /// Wraps a listening socket (inherited by a worker) for the runtime.
    pub fn from_socket(socket: Socket, unix: bool) -> io::Result<Listener> {
        // SAFETY: the Socket owns its descriptor for as long as the AsyncFd holds it.
        let inherits_nodelay = !unix && socket.nodelay().unwrap_or(false);
        let fd = unsafe { AsyncFd::register_with_interest(socket, Interest::READABLE) }
            .map_err(io::Error::from)?;
        Ok(Listener {
            fd,
            unix,
            inherits_nodelay,
            accept_freely_until: Cell::new(None),
            maybe_queued: Cell::new(false),
        })
    }

    /// The next connection: its socket, remote address (a path for unix sockets) and port.
    ///
    /// Balancing between workers without ever sleeping on the accepting path: every worker
    /// waits on the same listening socket, and the kernel wakes all of them for a new
    /// connection. A worker for which `hold_back()` is true (it holds more than its share)
    /// lets this wake-up pass, so one of the others, woken by the same connection, takes it;
    /// the least loaded worker accepts at once. Only if the connection is still queued
    /// [`HOLD_BACK`] later (the others are busy) does the held-back worker take it, and then it
    /// stops holding back for [`SLOW_PEERS`]. An earlier version slept 1 ms before every accept
    /// while above its share: under churn a worker is nearly always slightly above, and accepts
    /// fell to ~1,000/s (issue 9). Nothing is ever stranded in the queue: a worker that dies
    /// leaves its queued connections to the others, since the queue is the kernel's, shared;
    /// and a worker that let a wake-up pass looks at the queue again before it next waits for
    /// one ([`Listener::maybe_queued`]), since no edge will announce what is already there.
    pub(super) async fn accept(
        &self,
        nodelay: bool,
        hold_back: impl Fn() -> bool,
    ) -> io::Result<(Stream, String, u16)> {
        let mut held_since: Option<Instant> = None;
        loop {
            let freely = self
                .accept_freely_until
                .get()
                .is_some_and(|t| Instant::now() < t);
            if !freely && hold_back() {
                let since = *held_since.get_or_insert_with(Instant::now);
                let left = HOLD_BACK.saturating_sub(since.elapsed());
                if !left.is_zero() {
                    if !self.maybe_queued.get() {
                        // Wait for a connection (the readiness is true: nothing was let
                        // pass since the queue was last found empty).
                        let mut guard = self.fd.readable().await?;
                        guard.clear_ready();
                        self.maybe_queued.set(true);
                    }
                    // Leave what is queued to the others until the hold-back period ends; a
                    // new connection's edge only means more may be queued (waiting for one
                    // while some are queued stranded them: both workers could end up there).
                    if let Ok(Ok(mut guard)) = tokio::time::timeout(left, self.fd.readable()).await
                    {
                        guard.clear_ready();
                    }
                    continue;
                }
                // Nobody took it within the hold-back period: the others are busy.
                match self.accept_now(nodelay) {
                    Ok(c) => {
                        self.accept_freely_until
                            .set(Some(Instant::now() + SLOW_PEERS));
                        return Ok(c);
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        held_since = None;
                        self.maybe_queued.set(false);
                        continue;
                    }
                    Err(e) if transient(&e) => continue,
                    Err(e) => return Err(e),
                }
            }
            if self.maybe_queued.get() {
                match self.accept_now(nodelay) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.maybe_queued.set(false),
                    Err(e) if transient(&e) => continue,
                    other => return other,
                }
            }
            let mut guard = self.fd.readable().await?;
            match guard.try_io(|_| self.accept_now(nodelay)) {
                Ok(Err(e)) if transient(&e) => continue,
                Ok(result) => return result,
                // Drained: tokio cleared the readiness; wait for the next connection.
                Err(_would_block) => continue,
            }
        }
    }

    /// One `accept4(2)`, non-blocking and close-on-exec in the same call (no extra `fcntl`).
    fn accept_now(&self, nodelay: bool) -> io::Result<(Stream, String, u16)> {
        // SAFETY: an all-zero sockaddr_storage is valid; accept4 fills at most `len` bytes.
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: a listening socket we own and a valid address buffer.
        let fd = unsafe {
            libc::accept4(
                self.fd.get_ref().as_raw_fd(),
                (&mut storage as *mut libc::sockaddr_storage).cast(),
                &mut len,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: accept4 returned a new descriptor that nothing else owns.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: storage/len were filled by accept4 for this address family.
        let addr = unsafe { SockAddr::new(storage, len) };
        if self.unix {
            let path = addr
                .as_pathname()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let s = UnixStream::from_std(std::os::unix::net::UnixStream::from(owned))?;
            return Ok((Stream::Unix(s), path, 0));
        }
        let s = TcpStream::from_std(std::net::TcpStream::from(owned))?;
        if nodelay && !self.inherits_nodelay {
            let _ = s.set_nodelay(true);
        }
        let (ip, port) = addr
            .as_socket()
            .map(|a| (a.ip().to_string(), a.port()))
            .unwrap_or_default();
        Ok((Stream::Tcp(s), ip, port))
    }
}

/// An `accept4` failure that concerns one connection, not the listener: a client that reset
/// while queued (ECONNABORTED), a signal, or the network errors accept(2) passes on from the
/// pending connection and asks callers to treat like EAGAIN. The next one is taken at once;
/// the accept loop's warning and 100 ms pause are for lasting failures (EMFILE, ENOBUFS).
pub(crate) fn transient(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::ECONNABORTED
                | libc::EINTR
                | libc::EPROTO
                | libc::ENETDOWN
                | libc::ENOPROTOOPT
                | libc::EHOSTDOWN
                | libc::ENONET
                | libc::EHOSTUNREACH
                | libc::EOPNOTSUPP
                | libc::ENETUNREACH
        )
    )
}

/// Binds a TCP socket (`port` 0 picks a free one); returns it with the port it got.
pub fn bind_tcp(host: &str, port: i64, v6: bool) -> io::Result<(Socket, i64)> {
    bind_inet(host, port, v6, Type::STREAM)
}

/// Binds a UDP socket (`port` 0 picks a free one); returns it with the port it got.
pub fn bind_udp(host: &str, port: i64, v6: bool) -> io::Result<(Socket, i64)> {
    let (socket, port) = bind_inet(host, port, v6, Type::DGRAM)?;
    socket.set_nonblocking(true)?;
    Ok((socket, port))
}

fn bind_inet(host: &str, port: i64, v6: bool, ty: Type) -> io::Result<(Socket, i64)> {
    let addr: SocketAddr = if v6 && host.contains(':') {
        SocketAddr::new(
            host.parse()
                .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?,
            port as u16,
        )
    } else {
        (host, port as u16)
            .to_socket_addrs()?
            .find(|a| a.is_ipv6() == v6)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EADDRNOTAVAIL))?
    };
    let socket = Socket::new(Domain::for_address(addr), ty.cloexec(), None)?;
    socket.set_reuse_address(true)?;
    if v6 {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    let bound = socket
        .local_addr()?
        .as_socket()
        .map(|a| a.port() as i64)
        .unwrap_or(port);
    Ok((socket, bound))
}

/// Binds a unix stream socket at `path`.
pub fn bind_unix(path: &str) -> io::Result<(Socket, i64)> {
    let socket = Socket::new(Domain::UNIX, Type::STREAM.cloexec(), None)?;
    socket.bind(&socket2::SockAddr::unix(path)?)?;
    Ok((socket, 0))
}

/// Binds a unix datagram socket at `path` (peers send to that path).
pub fn bind_unix_dgram(path: &str) -> io::Result<(Socket, i64)> {
    let socket = Socket::new(Domain::UNIX, Type::DGRAM.cloexec(), None)?;
    socket.bind(&socket2::SockAddr::unix(path)?)?;
    socket.set_nonblocking(true)?;
    Ok((socket, 0))
}

/// Starts listening on a bound socket (in the process that will fork the workers).
pub fn listen(socket: &Socket, backlog: i32) -> io::Result<()> {
    socket.listen(backlog)?;
    socket.set_nonblocking(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// Regression (issue 9, churn with two workers): a worker let a wake-up pass while above
    /// its share, then was no longer above when its hold-back ended, and waited for a new
    /// edge that never came: the queued connection waited for the next one to arrive.
    #[test]
    fn a_connection_let_pass_is_still_accepted_once_the_worker_stops_holding_back() {
        runtime().block_on(async {
            let (socket, port) = bind_tcp("127.0.0.1", 0, false).unwrap();
            listen(&socket, 16).unwrap();
            let listener = Listener::from_socket(socket, false).unwrap();
            let _client = std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap();
            let calls = Cell::new(0);
            // Above its share for the first look only: it lets the wake-up pass once.
            let hold_back = || {
                calls.set(calls.get() + 1);
                calls.get() == 1
            };
            let accepted =
                tokio::time::timeout(Duration::from_secs(2), listener.accept(true, hold_back))
                    .await;
            assert!(
                matches!(accepted, Ok(Ok(_))),
                "the queued connection was stranded"
            );
        });
    }

    /// Regression (issue 9, seen as 3 of 10,000 flood connections never answered, the
    /// listener's queue holding them while both workers slept): a worker let a wake-up pass
    /// with several connections queued, took one of them in that call, and its next call
    /// waited for a new edge although the others were still queued.
    #[test]
    fn connections_left_queued_by_a_held_back_worker_are_taken_by_its_next_accepts() {
        runtime().block_on(async {
            let (socket, port) = bind_tcp("127.0.0.1", 0, false).unwrap();
            listen(&socket, 16).unwrap();
            let listener = Listener::from_socket(socket, false).unwrap();
            let _clients: Vec<_> = (0..3)
                .map(|_| std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap())
                .collect();
            // Wait until all three sit in the accept queue: one readiness edge for them all.
            std::thread::sleep(Duration::from_millis(50));
            let calls = Cell::new(0);
            let hold_back = || {
                calls.set(calls.get() + 1);
                calls.get() == 1
            };
            for n in 0..3 {
                let accepted =
                    tokio::time::timeout(Duration::from_secs(2), listener.accept(true, &hold_back))
                        .await;
                assert!(
                    matches!(accepted, Ok(Ok(_))),
                    "connection {n} of 3 was stranded in the queue"
                );
            }
        });
    }

    /// Regression (the same flood, 1,095 connections queued, both workers asleep): a worker
    /// that keeps holding back took a connection after the hold-back period, and once its
    /// [`SLOW_PEERS`] grace ended, held back again by waiting for a new edge, although what
    /// it had let pass was still queued.
    #[test]
    fn a_worker_holding_back_again_still_takes_what_it_let_pass_before() {
        runtime().block_on(async {
            let (socket, port) = bind_tcp("127.0.0.1", 0, false).unwrap();
            listen(&socket, 16).unwrap();
            let listener = Listener::from_socket(socket, false).unwrap();
            let _clients: Vec<_> = (0..2)
                .map(|_| std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap())
                .collect();
            std::thread::sleep(Duration::from_millis(50));
            for n in 0..2 {
                let accepted =
                    tokio::time::timeout(Duration::from_secs(2), listener.accept(true, || true))
                        .await;
                assert!(
                    matches!(accepted, Ok(Ok(_))),
                    "connection {n} of 2 was stranded in the queue"
                );
                tokio::time::sleep(SLOW_PEERS + Duration::from_millis(20)).await;
            }
        });
    }

    /// A connection that failed in the queue is skipped; running out of descriptors is not.
    #[test]
    fn only_per_connection_accept_failures_are_transient() {
        for e in [
            libc::ECONNABORTED,
            libc::EPROTO,
            libc::EINTR,
            libc::ENETUNREACH,
        ] {
            assert!(transient(&io::Error::from_raw_os_error(e)), "{e}");
        }
        for e in [
            libc::EMFILE,
            libc::ENFILE,
            libc::ENOBUFS,
            libc::ENOMEM,
            libc::EBADF,
        ] {
            assert!(!transient(&io::Error::from_raw_os_error(e)), "{e}");
        }
    }

    /// A worker that keeps holding back still takes the connection after [`HOLD_BACK`] when
    /// nobody else did.
    #[test]
    fn a_held_back_connection_nobody_takes_is_accepted_after_the_hold_back() {
        runtime().block_on(async {
            let (socket, port) = bind_tcp("127.0.0.1", 0, false).unwrap();
            listen(&socket, 16).unwrap();
            let listener = Listener::from_socket(socket, false).unwrap();
            let _client = std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap();
            let t = Instant::now();
            let accepted =
                tokio::time::timeout(Duration::from_secs(2), listener.accept(true, || true)).await;
            assert!(matches!(accepted, Ok(Ok(_))));
            assert!(t.elapsed() >= HOLD_BACK);
        });
    }

    /// open_tcp_nodelay: set once on the listener (connections copy it), or per connection
    /// where the listener lacks it; never where it is off.
    #[test]
    fn accepted_connections_have_tcp_nodelay_exactly_when_asked() {
        fn nodelay_of(stream: &Stream) -> bool {
            match stream {
                Stream::Tcp(s) => s.nodelay().unwrap(),
                _ => panic!("not a TCP stream"),
            }
        }
        runtime().block_on(async {
            for (on_listener, asked) in [(true, true), (false, true), (false, false)] {
                let (socket, port) = bind_tcp("127.0.0.1", 0, false).unwrap();
                let st = crate::options::Settings {
                    open_tcp_nodelay: on_listener,
                    ..Default::default()
                };
                crate::net::sockopt::apply_listen_options(socket.as_raw_fd(), &st, true).unwrap();
                assert_eq!(socket.nodelay().unwrap(), on_listener);
                listen(&socket, 16).unwrap();
                let listener = Listener::from_socket(socket, false).unwrap();
                let _client = std::net::TcpStream::connect(("127.0.0.1", port as u16)).unwrap();
                let (stream, _, _) = listener.accept(asked, || false).await.unwrap();
                assert_eq!(
                    nodelay_of(&stream),
                    asked,
                    "listener nodelay {on_listener}, asked {asked}"
                );
            }
        });
    }
}
