//! TLS for a listener: Swoole's `ssl_*` options as plain data ([`TlsOptions`]), the rustls
//! `ServerConfig` built from them ([`build`]), OpenSSL cipher strings mapped to rustls suites
//! ([`parse_ciphers`]), client-certificate checks, and the per-listener acceptor that
//! `reload()` swaps ([`TlsListener`]).
//!
//! Kept free of PHP and of the reactor so each listener (the primary port now, every extra
//! port once ports exist) builds its own config from its own options. rustls with the `ring`
//! provider: it needs only a C compiler (aws-lc needs cmake and nasm).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::ring::{cipher_suite as cs, kx_group};
use rustls::crypto::{CryptoProvider, SupportedKxGroup};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
    SupportedCipherSuite,
};
use tokio_rustls::TlsAcceptor;

use crate::options::OptValue;

/// Swoole's `SWOOLE_SSL_*` protocol bits (`ssl_protocols`).
pub const SSL_SSLV2: i64 = 2;
pub const SSL_TLSV1: i64 = 8;
pub const SSL_TLSV1_1: i64 = 16;
pub const SSL_TLSV1_2: i64 = 32;
pub const SSL_TLSV1_3: i64 = 64;
pub const SSL_DTLS: i64 = 128;

/// Swoole's default `ssl_ciphers`.
pub const DEFAULT_CIPHERS: &str = "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH";

/// A handshake not finished by then costs the connection (default of `ssl_handshake_timeout`):
/// a client that connects and sends nothing must not hold a socket forever.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// One listener's `ssl_*` options, as `set()` gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsOptions {
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    /// `SWOOLE_SSL_*` bits; 0 means every version rustls has (1.2 and 1.3).
    pub protocols: i64,
    pub ciphers: Option<String>,
    pub ecdh_curve: Option<String>,
    pub dhparam: Option<String>,
    pub prefer_server_ciphers: bool,
    pub compress: bool,
    pub verify_peer: bool,
    pub allow_self_signed: bool,
    /// `ssl_client_cert_file` and `ssl_cafile` (both name the CAs client certificates must
    /// chain to; Swoole loads both into the same store).
    pub client_cert_file: Option<String>,
    pub cafile: Option<String>,
    pub capath: Option<String>,
    pub verify_depth: Option<u32>,
    /// `ssl_sni_certs`: host name (lower case) → (cert file, key file).
    pub sni_certs: Vec<(String, String, String)>,
    pub handshake_timeout: Duration,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            cert_file: None,
            key_file: None,
            protocols: 0,
            ciphers: None,
            ecdh_curve: None,
            dhparam: None,
            prefer_server_ciphers: true,
            compress: false,
            verify_peer: false,
            allow_self_signed: false,
            client_cert_file: None,
            cafile: None,
            capath: None,
            verify_depth: None,
            sni_certs: Vec::new(),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }
}

fn opt_string(key: &str, v: &OptValue) -> Result<Option<String>, String> {
    match v {
        OptValue::Null => Ok(None),
        OptValue::Str(s) if s.is_empty() => Ok(None),
        OptValue::Str(s) => String::from_utf8(s.clone())
            .map(Some)
            .map_err(|_| format!("option '{key}' must be valid UTF-8")),
        other => Err(format!(
            "option '{key}' expects string, {} given",
            other.type_name()
        )),
    }
}

fn opt_bool(key: &str, v: &OptValue) -> Result<bool, String> {
    match v {
        OptValue::Bool(b) => Ok(*b),
        OptValue::Int(i) => Ok(*i != 0),
        other => Err(format!(
            "option '{key}' expects bool, {} given",
            other.type_name()
        )),
    }
}

fn opt_int(key: &str, v: &OptValue) -> Result<i64, String> {
    match v {
        OptValue::Int(i) => Ok(*i),
        OptValue::Bool(b) => Ok(*b as i64),
        other => Err(format!(
            "option '{key}' expects int, {} given",
            other.type_name()
        )),
    }
}

impl TlsOptions {
    /// Applies one `ssl_*` option; `Ok(false)` for a key this module does not know
    /// (`ssl_sni_certs` is an array: the PHP layer converts it and sets `sni_certs`).
    pub fn apply(&mut self, key: &str, v: &OptValue) -> Result<bool, String> {
        match key {
            "ssl_cert_file" => self.cert_file = opt_string(key, v)?,
            "ssl_key_file" => self.key_file = opt_string(key, v)?,
            "ssl_protocols" => self.protocols = opt_int(key, v)?,
            "ssl_ciphers" => self.ciphers = opt_string(key, v)?,
            "ssl_ecdh_curve" => self.ecdh_curve = opt_string(key, v)?,
            "ssl_dhparam" => self.dhparam = opt_string(key, v)?,
            "ssl_prefer_server_ciphers" => self.prefer_server_ciphers = opt_bool(key, v)?,
            "ssl_compress" => self.compress = opt_bool(key, v)?,
            "ssl_verify_peer" => self.verify_peer = opt_bool(key, v)?,
            "ssl_allow_self_signed" => self.allow_self_signed = opt_bool(key, v)?,
            "ssl_client_cert_file" => self.client_cert_file = opt_string(key, v)?,
            "ssl_cafile" => self.cafile = opt_string(key, v)?,
            "ssl_capath" => self.capath = opt_string(key, v)?,
            "ssl_verify_depth" => {
                let n = opt_int(key, v)?;
                if !(0..=i32::MAX as i64).contains(&n) {
                    return Err(format!("option 'ssl_verify_depth' must be >= 0, {n} given"));
                }
                self.verify_depth = Some(n as u32);
            }
            "ssl_handshake_timeout" => {
                let secs = match v {
                    OptValue::Float(f) => *f,
                    _ => opt_int(key, v)? as f64,
                };
                if !secs.is_finite() || secs <= 0.0 {
                    return Err(
                        "option 'ssl_handshake_timeout' must be a positive number of seconds"
                            .into(),
                    );
                }
                self.handshake_timeout = Duration::from_secs_f64(secs);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// What [`build`] produced: the config, and notes on options rustls cannot act on that
/// change nothing for the worse (the caller raises them as warnings).
pub struct Built {
    pub config: Arc<ServerConfig>,
    pub warnings: Vec<String>,
}

/// Builds the rustls config for one listener. Every error names the option or file and
/// says what is wrong with it.
pub fn build(o: &TlsOptions) -> Result<Built, String> {
    let mut warnings = Vec::new();
    let cert_file = o.cert_file.as_deref().ok_or(
        "SWOOLE_SSL needs 'ssl_cert_file' and 'ssl_key_file' in set(); 'ssl_cert_file' is missing",
    )?;
    let key_file = o.key_file.as_deref().ok_or(
        "SWOOLE_SSL needs 'ssl_cert_file' and 'ssl_key_file' in set(); 'ssl_key_file' is missing",
    )?;

    let versions = versions(o.protocols, &mut warnings)?;
    let (tls12, tls13) = parse_ciphers(o.ciphers.as_deref().unwrap_or(DEFAULT_CIPHERS))
        .map_err(|e| format!("ssl_ciphers: {e}"))?;
    let mut suites: Vec<SupportedCipherSuite> = Vec::new();
    if versions
        .iter()
        .any(|v| v.version == rustls::ProtocolVersion::TLSv1_3)
    {
        suites.extend(tls13);
    }
    let want12 = versions
        .iter()
        .any(|v| v.version == rustls::ProtocolVersion::TLSv1_2);
    if want12 {
        suites.extend(tls12.iter().copied());
    }
    if suites.is_empty() {
        return Err(format!(
            "ssl_ciphers '{}' leaves no cipher suite for the protocols in ssl_protocols",
            o.ciphers.as_deref().unwrap_or(DEFAULT_CIPHERS)
        ));
    }
    let base = rustls::crypto::ring::default_provider();
    let provider = Arc::new(CryptoProvider {
        cipher_suites: suites,
        kx_groups: kx_groups(o.ecdh_curve.as_deref(), &base.kx_groups)?,
        ..base
    });
    if o.dhparam.is_some() {
        warnings.push("ssl_dhparam has no effect: rustls offers no finite-field DHE cipher suites (ECDHE is used)".into());
    }
    if o.compress {
        warnings.push("ssl_compress has no effect: rustls never compresses TLS records (compression enables the CRIME attack)".into());
    }

    let default_key = Arc::new(load_certified_key(cert_file, key_file, &provider)?);
    let mut by_name = HashMap::new();
    for (host, cert, key) in &o.sni_certs {
        let k = load_certified_key(cert, key, &provider)
            .map_err(|e| format!("ssl_sni_certs['{host}']: {e}"))?;
        by_name.insert(host.to_ascii_lowercase(), Arc::new(k));
    }
    let resolver = Arc::new(SniResolver {
        default: default_key,
        by_name,
    });

    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| format!("ssl_protocols: {e}"))?;
    let mut config = if o.verify_peer {
        let verifier = client_verifier(o, &provider)?;
        builder
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(resolver)
    } else {
        builder.with_no_client_auth().with_cert_resolver(resolver)
    };
    config.ignore_client_order = o.prefer_server_ciphers;
    Ok(Built {
        config: Arc::new(config),
        warnings,
    })
}

fn versions(
    mask: i64,
    warnings: &mut Vec<String>,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, String> {
    if mask == 0 {
        return Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]);
    }
    let known = SSL_SSLV2 | SSL_TLSV1 | SSL_TLSV1_1 | SSL_TLSV1_2 | SSL_TLSV1_3 | SSL_DTLS;
    if mask & !known != 0 {
        return Err(format!(
            "ssl_protocols: unknown bits {:#x} (use SWOOLE_SSL_TLSv1_2 | SWOOLE_SSL_TLSv1_3)",
            mask & !known
        ));
    }
    let mut v = Vec::new();
    if mask & SSL_TLSV1_3 != 0 {
        v.push(&rustls::version::TLS13);
    }
    if mask & SSL_TLSV1_2 != 0 {
        v.push(&rustls::version::TLS12);
    }
    let old = mask & (SSL_SSLV2 | SSL_TLSV1 | SSL_TLSV1_1 | SSL_DTLS);
    if v.is_empty() {
        return Err("ssl_protocols: rustls supports only TLS 1.2 and TLS 1.3 (SWOOLE_SSL_TLSv1_2, SWOOLE_SSL_TLSv1_3); SSLv2, TLS 1.0, TLS 1.1 and DTLS are not available".into());
    }
    if old != 0 {
        warnings.push("ssl_protocols: SSLv2, TLS 1.0, TLS 1.1 and DTLS are not supported by rustls and are not offered; only TLS 1.2/1.3 from the mask are".into());
    }
    Ok(v)
}

fn kx_groups(
    curve: Option<&str>,
    all: &[&'static dyn SupportedKxGroup],
) -> Result<Vec<&'static dyn SupportedKxGroup>, String> {
    let Some(curve) = curve.filter(|c| !c.eq_ignore_ascii_case("auto")) else {
        return Ok(all.to_vec());
    };
    let mut out: Vec<&'static dyn SupportedKxGroup> = Vec::new();
    for name in curve.split(':').map(str::trim).filter(|n| !n.is_empty()) {
        let g: &'static dyn SupportedKxGroup = match name.to_ascii_lowercase().as_str() {
            "x25519" => kx_group::X25519,
            "prime256v1" | "secp256r1" | "p-256" => kx_group::SECP256R1,
            "secp384r1" | "p-384" => kx_group::SECP384R1,
            _ => {
                return Err(format!(
                "ssl_ecdh_curve: curve '{name}' is not available in rustls (it has X25519, prime256v1, secp384r1)"
            ))
            }
        };
        out.push(g);
    }
    if out.is_empty() {
        return Err(format!("ssl_ecdh_curve: no curve in '{curve}'"));
    }
    Ok(out)
}

/// Reads a PEM certificate chain and its private key, and checks that they belong together.
pub fn load_certified_key(
    cert_file: &str,
    key_file: &str,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, String> {
    let certs = load_certs(cert_file, "ssl_cert_file")?;
    let key = load_key(key_file)?;
    CertifiedKey::from_der(certs, key, provider).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => format!(
            "ssl_key_file [{key_file}] does not match the certificate in ssl_cert_file [{cert_file}] (key values mismatch)"
        ),
        rustls::Error::InvalidCertificate(e) => {
            format!("ssl_cert_file [{cert_file}]: invalid certificate: {e}")
        }
        other => format!("ssl_key_file [{key_file}]: unusable private key: {other}"),
    })
}

fn read_file(path: &str, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{what} [{path}] not found"),
        _ => format!("{what} [{path}] cannot be read: {e}"),
    })
}

fn load_certs(path: &str, what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = read_file(path, what)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{what} [{path}] is not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "{what} [{path}] contains no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certs)
}

fn load_key(path: &str) -> Result<PrivateKeyDer<'static>, String> {
    let pem = read_file(path, "ssl_key_file")?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => {
            let encrypted = String::from_utf8_lossy(&pem).contains("ENCRYPTED");
            format!(
                "ssl_key_file [{path}] contains no PEM private key (PKCS#8, RSA or EC){}",
                if encrypted {
                    "; encrypted keys are not supported: decrypt it with `openssl pkey`"
                } else {
                    ""
                }
            )
        }
        e => format!("ssl_key_file [{path}] is not valid PEM: {e}"),
    })
}

/// Serves the `ssl_sni_certs` certificate whose host name the client asked for, else the
/// listener's own (Swoole matches names exactly, so do we).
#[derive(Debug)]
struct SniResolver {
    default: Arc<CertifiedKey>,
    by_name: HashMap<String, Arc<CertifiedKey>>,
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let named = hello
            .server_name()
            .and_then(|n| self.by_name.get(&n.to_ascii_lowercase()));
        Some(named.unwrap_or(&self.default).clone())
    }
}

// ---------------------------------------------------------------------------------------
// Cipher strings

/// rustls' TLS 1.2 suites with the OpenSSL attributes cipher strings select on, in
/// OpenSSL's default order (strongest first).
struct Suite12 {
    name: &'static str,
    suite: SupportedCipherSuite,
    auth: &'static str,
    enc: &'static str,
    bits: u16,
    mac: &'static str,
}

fn suites12() -> [Suite12; 6] {
    [
        Suite12 {
            name: "ECDHE-ECDSA-AES256-GCM-SHA384",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            auth: "ECDSA",
            enc: "AESGCM",
            bits: 256,
            mac: "SHA384",
        },
        Suite12 {
            name: "ECDHE-RSA-AES256-GCM-SHA384",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            auth: "RSA",
            enc: "AESGCM",
            bits: 256,
            mac: "SHA384",
        },
        Suite12 {
            name: "ECDHE-ECDSA-CHACHA20-POLY1305",
            suite: cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            auth: "ECDSA",
            enc: "CHACHA20",
            bits: 256,
            mac: "SHA256",
        },
        Suite12 {
            name: "ECDHE-RSA-CHACHA20-POLY1305",
            suite: cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            auth: "RSA",
            enc: "CHACHA20",
            bits: 256,
            mac: "SHA256",
        },
        Suite12 {
            name: "ECDHE-ECDSA-AES128-GCM-SHA256",
            suite: cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            auth: "ECDSA",
            enc: "AESGCM",
            bits: 128,
            mac: "SHA256",
        },
        Suite12 {
            name: "ECDHE-RSA-AES128-GCM-SHA256",
            suite: cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            auth: "RSA",
            enc: "AESGCM",
            bits: 128,
            mac: "SHA256",
        },
    ]
}

fn suites13() -> [(&'static str, SupportedCipherSuite); 3] {
    [
        ("TLS_AES_256_GCM_SHA384", cs::TLS13_AES_256_GCM_SHA384),
        (
            "TLS_CHACHA20_POLY1305_SHA256",
            cs::TLS13_CHACHA20_POLY1305_SHA256,
        ),
        ("TLS_AES_128_GCM_SHA256", cs::TLS13_AES_128_GCM_SHA256),
    ]
}

/// Which TLS 1.2 suites (by index into [`suites12`]) an OpenSSL alias selects; None for a
/// word OpenSSL does not know. Aliases for things rustls lacks (DHE, plain RSA key exchange,
/// CBC, RC4, …) select nothing: a list like Swoole's default `…:EDH+AESGCM` stays valid.
fn alias(word: &str) -> Option<Vec<usize>> {
    let all = suites12();
    let pick = |f: &dyn Fn(&Suite12) -> bool| -> Vec<usize> {
        (0..all.len()).filter(|&i| f(&all[i])).collect()
    };
    Some(match word {
        "ALL" | "DEFAULT" | "HIGH" | "AEAD" | "TLSv1.2" | "EECDH" | "ECDHE" | "kEECDH"
        | "kECDHE" | "ECDH" | "kECDH" | "FIPS" => pick(&|_| true),
        "aRSA" => pick(&|s| s.auth == "RSA"),
        "aECDSA" | "ECDSA" => pick(&|s| s.auth == "ECDSA"),
        "AESGCM" => pick(&|s| s.enc == "AESGCM"),
        "AES" => pick(&|s| s.enc == "AESGCM"),
        "AES128" => pick(&|s| s.enc == "AESGCM" && s.bits == 128),
        "AES256" => pick(&|s| s.enc == "AESGCM" && s.bits == 256),
        "CHACHA20" => pick(&|s| s.enc == "CHACHA20"),
        "SHA256" => pick(&|s| s.mac == "SHA256"),
        "SHA384" => pick(&|s| s.mac == "SHA384"),
        "EDH"
        | "DHE"
        | "kEDH"
        | "kDHE"
        | "DH"
        | "kDH"
        | "ADH"
        | "AECDH"
        | "RSA"
        | "kRSA"
        | "aNULL"
        | "eNULL"
        | "NULL"
        | "COMPLEMENTOFDEFAULT"
        | "COMPLEMENTOFALL"
        | "EXP"
        | "EXPORT"
        | "LOW"
        | "MEDIUM"
        | "RC4"
        | "MD5"
        | "DES"
        | "3DES"
        | "SHA1"
        | "SHA"
        | "PSK"
        | "kPSK"
        | "aPSK"
        | "ECDHEPSK"
        | "DHEPSK"
        | "RSAPSK"
        | "SRP"
        | "kSRP"
        | "aSRP"
        | "CAMELLIA"
        | "CAMELLIA128"
        | "CAMELLIA256"
        | "ARIA"
        | "ARIA128"
        | "ARIA256"
        | "SEED"
        | "IDEA"
        | "RC2"
        | "CCM"
        | "CCM8"
        | "AESCCM"
        | "AESCCM8"
        | "aDSS"
        | "DSS"
        | "aDH"
        | "aECDH"
        | "SSLv3"
        | "TLSv1"
        | "TLSv1.0"
        | "SUITEB128"
        | "SUITEB128ONLY"
        | "SUITEB192"
        | "aGOST"
        | "aGOST01"
        | "kGOST"
        | "GOST94"
        | "GOST89MAC"
        | "kRSAPSK"
        | "kECDHEPSK"
        | "kDHEPSK"
        | "CBC"
        | "SSLv2"
        | "EXPORT40"
        | "EXPORT56"
        | "EXP40"
        | "EXP56" => Vec::new(),
        _ => return None,
    })
}

/// An OpenSSL cipher string (`ECDHE-RSA-AES128-GCM-SHA256:…`, `HIGH:!aNULL`, `+`, `-`, `!`,
/// `@STRENGTH`) evaluated over what rustls has: the TLS 1.2 suites in preference order, and
/// the TLS 1.3 suites (all of them unless the string names some: OpenSSL's cipher list does
/// not govern TLS 1.3 either). A specific suite rustls lacks is an error, not a silent skip.
pub fn parse_ciphers(
    list: &str,
) -> Result<(Vec<SupportedCipherSuite>, Vec<SupportedCipherSuite>), String> {
    let all = suites12();
    let all13 = suites13();
    let mut chosen: Vec<usize> = Vec::new();
    let mut banned: Vec<usize> = Vec::new();
    let mut named13: Vec<usize> = Vec::new();
    let mut banned13: Vec<usize> = Vec::new();
    for token in list
        .split([':', ',', ' ', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if token.eq_ignore_ascii_case("@STRENGTH") {
            chosen.sort_by_key(|&i| std::cmp::Reverse(all[i].bits));
            continue;
        }
        if token.starts_with('@') {
            // @SECLEVEL=n and friends: rustls' suites are all above any security level.
            continue;
        }
        let (op, body) = match token.as_bytes()[0] {
            b'!' | b'-' | b'+' => (token.as_bytes()[0], &token[1..]),
            _ => (b' ', token),
        };
        if let Some(i) = all13.iter().position(|(n, _)| *n == body) {
            match op {
                b'!' | b'-' => {
                    named13.retain(|&j| j != i);
                    if op == b'!' {
                        banned13.push(i);
                    }
                }
                _ if !named13.contains(&i) && !banned13.contains(&i) => named13.push(i),
                _ => {}
            }
            continue;
        }
        let mut set: Option<Vec<usize>> = None;
        for part in body.split('+').filter(|p| !p.is_empty()) {
            let sel = if let Some(i) = all.iter().position(|s| s.name == part) {
                vec![i]
            } else if let Some(s) = alias(part) {
                s
            } else if op == b'!' || op == b'-' {
                // Removing something rustls never offers is harmless.
                Vec::new()
            } else if part.contains('-') || part.starts_with("TLS_") {
                let hint = if part.starts_with("DHE-") || part.starts_with("EDH-") {
                    " (rustls has no finite-field DHE suites: remove the DHE-… names)"
                } else {
                    ""
                };
                return Err(format!(
                    "cipher '{part}' is not available in rustls{hint}; it has {} (TLS 1.2) and {} (TLS 1.3)",
                    all.iter().map(|s| s.name).collect::<Vec<_>>().join(", "),
                    all13.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                ));
            } else {
                return Err(format!("unknown cipher name or keyword '{part}'"));
            };
            set = Some(match set {
                None => sel,
                Some(prev) => prev.into_iter().filter(|i| sel.contains(i)).collect(),
            });
        }
        let set = set.unwrap_or_default();
        match op {
            b'!' => {
                chosen.retain(|i| !set.contains(i));
                banned.extend(set);
            }
            b'-' => chosen.retain(|i| !set.contains(i)),
            b'+' => {
                let (moved, kept): (Vec<usize>, Vec<usize>) =
                    chosen.iter().partition(|i| set.contains(i));
                chosen = kept;
                chosen.extend(moved);
            }
            _ => {
                for i in set {
                    if !chosen.contains(&i) && !banned.contains(&i) {
                        chosen.push(i);
                    }
                }
            }
        }
    }
    let tls13: Vec<SupportedCipherSuite> = if named13.is_empty() {
        (0..all13.len())
            .filter(|i| !banned13.contains(i))
            .map(|i| all13[i].1)
            .collect()
    } else {
        named13.iter().map(|&i| all13[i].1).collect()
    };
    if chosen.is_empty() && named13.is_empty() {
        return Err(format!(
            "'{list}' selects no cipher suite rustls has (its TLS 1.2 suites: {})",
            all.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok((chosen.into_iter().map(|i| all[i].suite).collect(), tls13))
}

/// OpenSSL's name of a negotiated suite (for logs and tests).
pub fn openssl_name(suite: SupportedCipherSuite) -> &'static str {
    let s = suite.suite();
    if let Some(x) = suites12().iter().find(|x| x.suite.suite() == s) {
        return x.name;
    }
    suites13()
        .iter()
        .find(|x| x.1.suite() == s)
        .map_or("unknown", |x| x.0)
}

// ---------------------------------------------------------------------------------------
// Client certificates

fn client_verifier(
    o: &TlsOptions,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ClientCertVerifier>, String> {
    let mut roots = RootCertStore::empty();
    let mut pinned = Vec::new();
    let mut add = |path: &str, what: &str| -> Result<(), String> {
        for cert in load_certs(path, what)? {
            roots
                .add(cert.clone())
                .map_err(|e| format!("{what} [{path}]: unusable CA certificate: {e}"))?;
            pinned.push(cert);
        }
        Ok(())
    };
    if let Some(p) = &o.client_cert_file {
        add(p, "ssl_client_cert_file")?;
    }
    if let Some(p) = &o.cafile {
        add(p, "ssl_cafile")?;
    }
    if let Some(dir) = &o.capath {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("ssl_capath [{dir}] cannot be read: {e}"))?;
        for e in entries.flatten() {
            let p = e.path();
            let pem = std::fs::read(&p).unwrap_or_default();
            if p.is_file() && pem.windows(17).any(|w| w == b"BEGIN CERTIFICATE") {
                add(&p.display().to_string(), "ssl_capath")?;
            }
        }
    }
    if roots.is_empty() {
        return Err("ssl_verify_peer needs the CA certificates client certificates are checked against: set 'ssl_client_cert_file' (or 'ssl_cafile' / 'ssl_capath')".into());
    }
    let inner = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| format!("ssl_client_cert_file: {e}"))?;
    Ok(Arc::new(ClientVerifier {
        inner,
        pinned,
        allow_self_signed: o.allow_self_signed,
        depth: o.verify_depth,
        provider: provider.clone(),
    }))
}

/// WebPKI verification plus OpenSSL's habits Swoole users rely on: a self-signed client
/// certificate listed in the CA file is trusted as it is, `ssl_allow_self_signed` accepts any
/// self-signed one (OpenSSL's `X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT` let through, as
/// Swoole's `ssl_verify()` does), and `ssl_verify_depth` bounds the chain.
struct ClientVerifier {
    inner: Arc<dyn ClientCertVerifier>,
    pinned: Vec<CertificateDer<'static>>,
    allow_self_signed: bool,
    depth: Option<u32>,
    provider: Arc<CryptoProvider>,
}

impl fmt::Debug for ClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientVerifier").finish_non_exhaustive()
    }
}

impl ClientCertVerifier for ClientVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if let Some(depth) = self.depth {
            // OpenSSL's depth counts the CAs above the peer: depth 1 allows no intermediate.
            if intermediates.len() as u64 + 1 > depth.max(1) as u64 {
                return Err(rustls::Error::General(format!(
                    "client certificate chain is longer than ssl_verify_depth {depth}"
                )));
            }
        }
        match self
            .inner
            .verify_client_cert(end_entity, intermediates, now)
        {
            Ok(v) => Ok(v),
            Err(e) => {
                if intermediates.is_empty()
                    && (self
                        .pinned
                        .iter()
                        .any(|p| p.as_ref() == end_entity.as_ref())
                        || (self.allow_self_signed && self_signed(end_entity, &self.provider)))
                {
                    return Ok(ClientCertVerified::assertion());
                }
                Err(e)
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// One DER element: (tag, the whole element, its contents, what follows it).
type DerSplit<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Splits the first DER element off `b`.
fn der_next(b: &[u8]) -> Option<DerSplit<'_>> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = len << 8 | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    if end > b.len() {
        return None;
    }
    Some((tag, &b[..end], &b[hdr..end], &b[end..]))
}

/// Whether a certificate's signature verifies with its own public key.
fn self_signed(cert: &CertificateDer<'_>, provider: &CryptoProvider) -> bool {
    let Some((0x30, _, body, _)) = der_next(cert.as_ref()) else {
        return false;
    };
    let Some((0x30, tbs, _, rest)) = der_next(body) else {
        return false;
    };
    let Some((0x30, _, _, rest)) = der_next(rest) else {
        return false;
    };
    let Some((0x03, _, sig, _)) = der_next(rest) else {
        return false;
    };
    let Some((&0, sig)) = sig.split_first() else {
        return false;
    };
    let Ok(ee) = webpki::EndEntityCert::try_from(cert) else {
        return false;
    };
    provider
        .signature_verification_algorithms
        .all
        .iter()
        .any(|alg| ee.verify_signature(*alg, tbs, sig).is_ok())
}

/// A DER certificate as OpenSSL's `PEM_write_X509` writes it (what Swoole returns in
/// `getClientInfo()['ssl_client_cert']`).
pub fn pem_certificate(der: &[u8]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

// ---------------------------------------------------------------------------------------
// The listener's acceptor

/// One listener's TLS state in a running worker: its options (kept to rebuild) and the
/// acceptor new connections use. [`TlsListener::reload`] swaps the acceptor; handshakes in
/// progress and open connections keep the config they started with. Plain Rust and
/// shareable across threads: a PROCESS-mode master's reactor threads hold a clone.
#[derive(Clone)]
pub struct TlsListener {
    opts: Arc<TlsOptions>,
    acceptor: Arc<std::sync::Mutex<TlsAcceptor>>,
    pub handshake_timeout: Duration,
}

impl TlsListener {
    pub fn new(opts: TlsOptions, config: Arc<ServerConfig>) -> TlsListener {
        TlsListener {
            handshake_timeout: opts.handshake_timeout,
            opts: Arc::new(opts),
            acceptor: Arc::new(std::sync::Mutex::new(TlsAcceptor::from(config))),
        }
    }

    pub fn acceptor(&self) -> TlsAcceptor {
        match self.acceptor.lock() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the certificate files; on any error the current config stays in use and the
    /// error is returned for a warning.
    pub fn reload(&self) -> Result<(), String> {
        let built = build(&self.opts)?;
        let mut a = match self.acceptor.lock() {
            Ok(a) => a,
            Err(poisoned) => poisoned.into_inner(),
        };
        *a = TlsAcceptor::from(built.config);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[SupportedCipherSuite]) -> Vec<&'static str> {
        v.iter().map(|s| openssl_name(*s)).collect()
    }

    #[test]
    fn swoole_default_list_is_ecdhe_aes_gcm() {
        let (t12, t13) = parse_ciphers(DEFAULT_CIPHERS).unwrap();
        assert_eq!(
            names(&t12),
            [
                "ECDHE-ECDSA-AES256-GCM-SHA384",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
        assert_eq!(t13.len(), 3);
    }

    #[test]
    fn explicit_names_keep_their_order() {
        let (t12, _) =
            parse_ciphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305").unwrap();
        assert_eq!(
            names(&t12),
            ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"]
        );
    }

    #[test]
    fn operators() {
        let (t12, _) = parse_ciphers("HIGH:!aRSA:-CHACHA20:+AES256").unwrap();
        assert_eq!(
            names(&t12),
            [
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-ECDSA-AES256-GCM-SHA384"
            ]
        );
        let (t12, _) = parse_ciphers("AES128:AES256:@STRENGTH").unwrap();
        assert_eq!(t12.len(), 4);
        assert_eq!(openssl_name(t12[0]), "ECDHE-ECDSA-AES256-GCM-SHA384");
        // Banned stays banned.
        let (t12, _) = parse_ciphers("!CHACHA20:ALL").unwrap();
        assert!(!names(&t12).iter().any(|n| n.contains("CHACHA")));
    }

    #[test]
    fn missing_suites_are_errors() {
        let e = parse_ciphers("ECDHE-RSA-AES128-SHA").unwrap_err();
        assert!(
            e.contains("'ECDHE-RSA-AES128-SHA' is not available in rustls"),
            "{e}"
        );
        let e = parse_ciphers("BOGUS").unwrap_err();
        assert!(e.contains("unknown cipher name or keyword 'BOGUS'"), "{e}");
        let e = parse_ciphers("EDH+AESGCM").unwrap_err();
        assert!(e.contains("selects no cipher suite"), "{e}");
        // Removing what rustls lacks is fine.
        assert!(parse_ciphers("HIGH:!DHE-RSA-AES128-SHA:!MD5").is_ok());
        let e = parse_ciphers("ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256").unwrap_err();
        assert!(e.contains("no finite-field DHE suites"), "{e}");
        // Lists seen in the wild.
        assert!(parse_ciphers(
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE:ECDH:AES:HIGH:!NULL:!aNULL:!MD5:!ADH:!RC4"
        )
        .is_ok());
        let (t12, _) =
            parse_ciphers("ALL:!ADH:!EXPORT56:RC4+RSA:+HIGH:+MEDIUM:+LOW:+SSLv2:+EXP").unwrap();
        assert_eq!(t12.len(), 6);
    }

    #[test]
    fn tls13_names() {
        let (t12, t13) = parse_ciphers("TLS_AES_128_GCM_SHA256").unwrap();
        assert!(t12.is_empty());
        assert_eq!(names(&t13), ["TLS_AES_128_GCM_SHA256"]);
        let (_, t13) = parse_ciphers("HIGH:!TLS_CHACHA20_POLY1305_SHA256").unwrap();
        assert_eq!(t13.len(), 2);
    }

    #[test]
    fn protocols_mask() {
        let mut w = Vec::new();
        assert_eq!(versions(0, &mut w).unwrap().len(), 2);
        assert_eq!(versions(SSL_TLSV1_3, &mut w).unwrap().len(), 1);
        assert!(w.is_empty());
        assert!(versions(SSL_TLSV1 | SSL_TLSV1_1, &mut w).is_err());
        assert_eq!(versions(SSL_TLSV1 | SSL_TLSV1_2, &mut w).unwrap().len(), 1);
        assert_eq!(w.len(), 1);
        assert!(versions(1 << 20, &mut w).is_err());
    }

    #[test]
    fn options_parse() {
        let mut o = TlsOptions::default();
        assert!(o
            .apply("ssl_cert_file", &OptValue::Str(b"/x.pem".to_vec()))
            .unwrap());
        assert_eq!(o.cert_file.as_deref(), Some("/x.pem"));
        assert!(!o.apply("ssl_sni_certs", &OptValue::Other("array")).unwrap());
        assert!(o.apply("ssl_verify_depth", &OptValue::Int(-1)).is_err());
        assert!(o.apply("ssl_verify_peer", &OptValue::Float(1.0)).is_err());
        assert!(o
            .apply("ssl_handshake_timeout", &OptValue::Float(0.5))
            .unwrap());
        assert_eq!(o.handshake_timeout, Duration::from_millis(500));
    }

    #[test]
    fn pem_encoding() {
        assert_eq!(
            pem_certificate(b"abcd"),
            "-----BEGIN CERTIFICATE-----\nYWJjZA==\n-----END CERTIFICATE-----\n"
        );
        let long = pem_certificate(&[0u8; 60]);
        assert_eq!(long.lines().nth(1).unwrap().len(), 64);
    }

    #[test]
    fn missing_files_are_named() {
        let mut o = TlsOptions::default();
        assert!(build(&o)
            .err()
            .unwrap()
            .contains("'ssl_cert_file' is missing"));
        o.cert_file = Some("/nonexistent/cert.pem".into());
        o.key_file = Some("/nonexistent/key.pem".into());
        let e = build(&o).err().unwrap();
        assert!(
            e.contains("ssl_cert_file [/nonexistent/cert.pem] not found"),
            "{e}"
        );
    }
}
