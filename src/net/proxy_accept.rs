//! `open_proxy_protocol`: reading the PROXY header of an accepted connection before it
//! becomes a session.
//!
//! The header is read *before* the session exists (no id, no onConnect, not in
//! `getClientList()`), so a connection that fails it leaves no trace but a warning and the
//! `proxy_protocol_errors` counter, and a good one is published with the client's address
//! from the start, also in the shared table other workers read.
//!
//! The bytes are peeked (`MSG_PEEK`), never read, until [`proxy::parse`] has a verdict; then
//! exactly the header's length is consumed. Whatever the client sent after the header stays
//! in the kernel, so the connection's ordinary read path and framing see it untouched.

use std::io;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::Duration;

use tokio::io::Interest;

use super::conn::Stream;
use super::proxy::{self, Parsed, Proxied, ProxyHeader};
use super::Reactor;
use crate::process::SharedStats;

/// The raw socket a PROXY header is read from (it precedes any TLS handshake).
#[derive(Clone, Copy)]
pub(crate) enum RawSock<'a> {
    Tcp(&'a tokio::net::TcpStream),
    Unix(&'a tokio::net::UnixStream),
}

/// The peek buffer's first size: a v1 line (107 bytes) or a v2 header with IPv6 addresses
/// and a few TLVs fits; longer v2 headers grow it up to [`proxy::V2_MAX`].
const FIRST_PEEK: usize = 256;

impl Reactor {
    /// Reads the PROXY header of an accepted connection, then admits it as a session with the
    /// client's address; on a bad, missing or late header closes it with a warning.
    pub(super) async fn admit_proxied(
        self: Rc<Self>,
        listener: usize,
        stream: Stream,
        ip: String,
        port: u16,
    ) {
        let timeout = self.ports[listener].settings.proxy_protocol_timeout;
        let limit = Duration::from_secs_f64(timeout);
        let raw = match &stream {
            Stream::Tcp(s) => Some(RawSock::Tcp(s)),
            Stream::Unix(s) => Some(RawSock::Unix(s)),
            Stream::Tls(_) | Stream::Uring(_) => None,
        };
        let header = async {
            match raw {
                Some(raw) => read_header(raw).await,
                None => Err(Some(not_raw().to_string())),
            }
        };
        let verdict = match tokio::time::timeout(limit, header).await {
            Ok(r) => r,
            Err(_) => Err(Some(format!(
                "no complete PROXY protocol header within {timeout} s (proxy_protocol_timeout)"
            ))),
        };
        if self.stopping.get() {
            return;
        }
        match verdict {
            Ok(header) => {
                let (ip, port, proxied) = Proxied::from_header(header, ip, port);
                match stream {
                    // On a TLS port the handshake follows the PROXY header.
                    Stream::Tcp(tcp) if self.ports[listener].tls.is_some() => {
                        self.start_handshake(listener, tcp, ip, port, Some(Box::new(proxied)));
                    }
                    stream => {
                        self.admit(listener, stream, ip, port, Some(Box::new(proxied)));
                    }
                }
            }
            // Connected and left without a byte: a balancer's plain TCP health check.
            Err(None) => {}
            Err(Some(reason)) => {
                SharedStats::add(&self.stats.shared().proxy_protocol_errors, 1);
                let peer = match stream {
                    Stream::Unix(_) if ip.is_empty() => "a unix socket peer".to_string(),
                    Stream::Unix(_) => ip,
                    Stream::Tcp(_) | Stream::Tls(_) | Stream::Uring(_) => format!("{ip}:{port}"),
                };
                self.warn(&format!(
                    "open_proxy_protocol: closed the connection from {peer} before onConnect: {reason}"
                ));
            }
        }
    }
}

/// Peeks until the received bytes are a whole header or cannot become one; consumes the
/// header. `Err` is the reason for the warning, or None for a connection that closed (or
/// was reset) before sending anything: balancers' TCP health checks do that every few
/// seconds, and a warning for each would drown the log.
///
/// Shared by BASE mode and the PROCESS-mode master (whose reactor threads need a `Send`
/// future: hence the borrowed raw socket rather than the worker's connection type).
pub(crate) async fn read_header(stream: RawSock<'_>) -> Result<ProxyHeader, Option<String>> {
    let mut buf = vec![0u8; FIRST_PEEK];
    let mut seen = 0;
    loop {
        let n = match peek_more(stream, &mut buf, seen).await {
            Ok(n) => n,
            Err(_) if seen == 0 => return Err(None),
            Err(e) => {
                return Err(Some(format!(
                    "reading the PROXY protocol header failed after {seen} bytes: {e}"
                )))
            }
        };
        let Some(n) = n else {
            if seen == 0 {
                return Err(None);
            }
            return Err(Some(format!(
                "the peer closed the connection after {seen} bytes, before a complete PROXY protocol header"
            )));
        };
        seen = n;
        match proxy::parse(&buf[..n]) {
            Ok(Parsed::Complete { header, len }) => {
                consume(stream, &mut buf[..len])
                    .await
                    .map_err(|e| Some(format!("reading the PROXY protocol header failed: {e}")))?;
                return Ok(header);
            }
            Ok(Parsed::NeedMore { at_least }) => {
                if at_least > buf.len() {
                    buf.resize(at_least.min(proxy::V2_MAX), 0);
                }
            }
            Err(e) => return Err(Some(e.to_string())),
        }
    }
}

/// Peeks at what the socket holds once it holds more than `seen` bytes (or `buf` is full).
/// None: the peer closed (or shut down its side) without sending more.
async fn peek_more(stream: RawSock<'_>, buf: &mut [u8], seen: usize) -> io::Result<Option<usize>> {
    loop {
        let (ready, fd) = match stream {
            RawSock::Tcp(s) => (s.ready(Interest::READABLE).await?, s.as_raw_fd()),
            RawSock::Unix(s) => (s.ready(Interest::READABLE).await?, s.as_raw_fd()),
        };
        let mut peek = || {
            // SAFETY: an open socket and a buffer of buf.len() writable bytes.
            let n = unsafe {
                libc::recv(
                    fd,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_PEEK | libc::MSG_DONTWAIT,
                )
            };
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            let n = n as usize;
            if n == seen && n > 0 && n < buf.len() {
                // Nothing new: a peek never drains the socket, so tokio would keep it
                // "ready"; saying WouldBlock clears that and waits for the next segment.
                return Err(io::ErrorKind::WouldBlock.into());
            }
            Ok(n)
        };
        let r = match stream {
            RawSock::Tcp(s) => s.try_io(Interest::READABLE, &mut peek),
            RawSock::Unix(s) => s.try_io(Interest::READABLE, &mut peek),
        };
        match r {
            Ok(0) => return Ok(None),
            Ok(n) => return Ok(Some(n)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                // The peer half-closed with only part of a header sent: nothing more comes.
                if ready.is_read_closed() && seen > 0 {
                    return Ok(None);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Reads exactly `buf.len()` bytes that a peek has shown are there.
async fn consume(stream: RawSock<'_>, buf: &mut [u8]) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        let r = match stream {
            RawSock::Tcp(s) => s.try_read(&mut buf[done..]),
            RawSock::Unix(s) => s.try_read(&mut buf[done..]),
        };
        match r {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => match stream {
                RawSock::Tcp(s) => s.readable().await?,
                RawSock::Unix(s) => s.readable().await?,
            },
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The PROXY header precedes any TLS handshake: it is read from the raw socket only.
fn not_raw() -> io::Error {
    io::Error::other("the PROXY protocol header is read before TLS, from the raw socket")
}
