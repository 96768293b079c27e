//! The PHP side of TLS: `ssl_sni_certs` (an array, which plain option parsing cannot take)
//! and building the listener's rustls config at `start()`, where a bad certificate becomes a
//! `Swoole\Exception` before anything forks. The logic itself is `crate::net::tls`.

use std::rc::Rc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ArrayKey, Zval};

use crate::net::tls::{self, TlsListener, TlsOptions};
use crate::php::errors::warning;
use crate::php::exception::swoole_exception;

/// Swoole's `SWOOLE_ERROR_SSL_CREATE_CONTEXT_FAILED`.
const SSL_CREATE_CONTEXT_FAILED: i64 = 1019;

/// `ssl_sni_certs => ['host' => ['ssl_cert_file' => …, 'ssl_key_file' => …], …]`.
pub(super) fn sni_certs(value: &Zval) -> Result<Vec<(String, String, String)>, String> {
    let Some(map) = value.array() else {
        return Err(
            "option 'ssl_sni_certs' expects array of host name => ['ssl_cert_file' => …, 'ssl_key_file' => …]"
                .into(),
        );
    };
    let mut out = Vec::new();
    for (host, entry) in map.iter() {
        let host = match host {
            ArrayKey::Long(i) => i.to_string(),
            ArrayKey::String(s) => s,
            ArrayKey::Str(s) => s.to_string(),
            ArrayKey::ZendString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        };
        let file = |key: &str| -> Result<String, String> {
            entry
                .array()
                .and_then(|a| a.get(key))
                .and_then(|v| v.string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    format!("option 'ssl_sni_certs': entry '{host}' needs a string '{key}'")
                })
        };
        out.push((
            host.to_ascii_lowercase(),
            file("ssl_cert_file")?,
            file("ssl_key_file")?,
        ));
    }
    Ok(out)
}

/// Builds the listener's TLS at `start()`; every problem is an exception naming the file
/// and what is wrong, and notes on options rustls ignores harmlessly are warnings.
pub(super) fn listener(opts: &TlsOptions) -> PhpResult<Rc<TlsListener>> {
    let built = tls::build(opts).map_err(|e| {
        swoole_exception(
            format!("failed to create the SSL context: {e}"),
            SSL_CREATE_CONTEXT_FAILED,
        )
    })?;
    for w in &built.warnings {
        warning(w);
    }
    Ok(Rc::new(TlsListener::new(opts.clone(), built.config)))
}

/// In the manager, before it forks a worker: re-read the certificate files, so a worker
/// started by `reload()` (or recycled by `max_request`) serves renewed certificates. A broken
/// new certificate keeps the last good ones, with a warning.
pub(super) fn refresh(listener: &TlsListener) {
    if let Err(e) = listener.reload() {
        warning(&format!(
            "SSL certificates not reloaded, still serving the previous ones: {e}"
        ));
    }
}
