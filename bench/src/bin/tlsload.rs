//! TLS load generator for servers that answer `"Server: " + data` (bench/php/tls_server.php
//! on swoole-rs or on real Swoole). rustls client, one thread; prints one JSON line.
//!
//! * `handshake --port P --conns L --duration D` — L concurrent loops of: TCP connect, a full
//!   TLS handshake (session resumption off, so every one is a full handshake), send 64 B,
//!   read the reply, close. One "request" is one whole connection.
//! * `echo --port P --conns C --size S --duration D` — C TLS connections, each sends S bytes
//!   and waits for the whole reply before the next (closed loop).
//!
//! The client does not verify the server's certificate (both servers get the same one); its
//! own CPU use is the handshake's client half, so run it on its own core.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

const IO_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
struct NoVerify;

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

struct Stats {
    done: u64,
    errors: u64,
    lat_us: Vec<u64>,
}

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

/// Counts echoed payload bytes: every `S` starts an 8-byte `"Server: "` prefix (one per
/// server read), the payload never contains `S`.
#[derive(Default)]
struct Reply {
    skip: usize,
    payload: usize,
}

impl Reply {
    fn feed(&mut self, b: &[u8]) {
        for &c in b {
            if self.skip > 0 {
                self.skip -= 1;
            } else if c == b'S' {
                self.skip = 7;
            } else {
                self.payload += 1;
            }
        }
    }
}

async fn exchange<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    s: &mut S,
    msg: &[u8],
    buf: &mut [u8],
) -> std::io::Result<()> {
    s.write_all(msg).await?;
    let mut r = Reply::default();
    while r.payload < msg.len() {
        let n = tokio::time::timeout(IO_TIMEOUT, s.read(buf))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "read timeout"))??;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        r.feed(&buf[..n]);
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let port: u16 = arg(&args, "--port", "0").parse().unwrap();
    let conns: usize = arg(&args, "--conns", "50").parse().unwrap();
    let size: usize = arg(&args, "--size", "64").parse().unwrap();
    let duration: f64 = arg(&args, "--duration", "5").parse().unwrap();
    let warmup: f64 = arg(&args, "--warmup", "0.5").parse().unwrap();

    let mut cfg = ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(NoVerify))
        .with_no_client_auth();
    cfg.resumption = rustls::client::Resumption::disabled();
    let connector = TlsConnector::from(Arc::new(cfg));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let stats = Rc::new(RefCell::new(Stats {
        done: 0,
        errors: 0,
        lat_us: Vec::new(),
    }));
    let start = Instant::now() + Duration::from_secs_f64(warmup);
    let end = start + Duration::from_secs_f64(duration);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    local.block_on(&rt, async {
        let mut tasks = Vec::new();
        for _ in 0..conns {
            let stats = stats.clone();
            let connector = connector.clone();
            let mode = mode.clone();
            tasks.push(tokio::task::spawn_local(async move {
                let msg = vec![b'a'; size];
                let mut buf = vec![0u8; 64 * 1024];
                let name = ServerName::try_from("localhost").unwrap();
                let mut persistent = None;
                while Instant::now() < end {
                    let t0 = Instant::now();
                    let r: std::io::Result<()> = async {
                        if mode == "handshake" {
                            let tcp = TcpStream::connect(addr).await?;
                            tcp.set_nodelay(true)?;
                            let mut s = tokio::time::timeout(IO_TIMEOUT, connector.connect(name.clone(), tcp))
                                .await
                                .map_err(|_| std::io::Error::other("handshake timeout"))??;
                            exchange(&mut s, &msg, &mut buf).await?;
                            let _ = s.shutdown().await;
                            Ok(())
                        } else {
                            if persistent.is_none() {
                                let tcp = TcpStream::connect(addr).await?;
                                tcp.set_nodelay(true)?;
                                persistent = Some(connector.connect(name.clone(), tcp).await?);
                            }
                            exchange(persistent.as_mut().unwrap(), &msg, &mut buf).await
                        }
                    }
                    .await;
                    let t1 = Instant::now();
                    let mut st = stats.borrow_mut();
                    match r {
                        Ok(()) if t0 >= start && t1 <= end => {
                            st.done += 1;
                            st.lat_us.push((t1 - t0).as_micros() as u64);
                        }
                        Ok(()) => {}
                        Err(e) => {
                            if st.errors == 0 {
                                eprintln!("tlsload: {e}");
                            }
                            st.errors += 1;
                            persistent = None;
                        }
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    });
    let mut st = stats.borrow_mut();
    st.lat_us.sort_unstable();
    let pct = |p: f64| -> u64 {
        if st.lat_us.is_empty() {
            0
        } else {
            st.lat_us[((st.lat_us.len() as f64 * p) as usize).min(st.lat_us.len() - 1)]
        }
    };
    println!(
        "{{\"mode\":\"{mode}\",\"conns\":{conns},\"size\":{size},\"requests\":{},\"rps\":{:.1},\"p50_us\":{},\"p99_us\":{},\"errors\":{}}}",
        st.done,
        st.done as f64 / duration,
        pct(0.5),
        pct(0.99),
        st.errors
    );
}
