//! Reading a `set()` array: shared by `Server::set()` and `Port::set()`, so a port's options
//! are validated exactly like the server's (same TypeError/ValueError texts).

use std::cell::RefCell;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ArrayKey, ZendHashTable, Zval};
use ext_php_rs::zend::ce;

use crate::options::{Applied, OptValue, Settings};
use crate::php::convert::opt_value;
use crate::php::errors::warning;

fn key_string(key: ArrayKey<'_>) -> String {
    match key {
        ArrayKey::Long(i) => i.to_string(),
        ArrayKey::String(s) => s,
        ArrayKey::Str(s) => s.to_string(),
        ArrayKey::ZendString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
    }
}

/// What one `set()` array changes.
pub(super) struct Parsed {
    /// Every option that `Settings` reads, in order (a port re-applies them over the
    /// server's settings at `start()`).
    pub options: Vec<(String, OptValue)>,
    /// `package_length_func`: Some(None) when set to null, Some(callable) when given.
    pub length_func: Option<Option<Zval>>,
    /// `ssl_sni_certs` (an array, which `Settings::apply` cannot take): (host, cert, key).
    pub sni_certs: Option<Vec<(String, String, String)>>,
}

/// Validates `settings` against `st` (applying them), for `method` (`Swoole\Server::set`).
/// Unknown keys warn as Swoole does; a wrong type or value throws, naming the option.
pub(super) fn parse(
    settings: &ZendHashTable,
    st: &mut Settings,
    method: &str,
) -> PhpResult<Parsed> {
    let mut parsed = Parsed {
        options: Vec::new(),
        length_func: None,
        sni_certs: None,
    };
    for (key, value) in settings.iter() {
        let key = key_string(key);
        if key == "ssl_sni_certs" {
            let certs = super::tls::sni_certs(value)
                .map_err(|m| PhpException::new(format!("{method}(): {m}"), 0, ce::type_error()))?;
            st.tls.sni_certs = certs.clone();
            parsed.sni_certs = Some(certs);
            continue;
        }
        if key == "package_length_func" {
            if value.is_null() {
                parsed.length_func = Some(None);
            } else if value.is_callable() {
                parsed.length_func = Some(Some(value.shallow_clone()));
            } else {
                return Err(PhpException::new(
                    format!("{method}(): option 'package_length_func' expects a callable"),
                    0,
                    ce::type_error(),
                ));
            }
            continue;
        }
        if key == "dispatch_func" && !value.is_null() && !value.is_callable() {
            // As Swoole: a warning, and no dispatch_func.
            let name = value
                .str()
                .map(str::to_string)
                .or_else(|| value.long().map(|l| l.to_string()))
                .unwrap_or_else(|| value.get_type().to_string());
            warning(&format!("function '{name}' is not callable"));
            continue;
        }
        let v = opt_value(value);
        match st.apply(&key, &v) {
            Ok(Applied::Ok) => parsed.options.push((key, v)),
            Ok(Applied::Unknown) => warning(&format!("unsupported option [{key}]")),
            Err(msg) => {
                let class = if msg.contains(" expects ") {
                    ce::type_error()
                } else {
                    ce::value_error()
                };
                return Err(PhpException::new(format!("{method}(): {msg}"), 0, class));
            }
        }
    }
    if (st.open_eof_check || st.open_eof_split) && st.open_length_check {
        warning("open_eof_check/open_eof_split and open_length_check are both enabled: only one framing applies per port, and EOF framing wins (as in Swoole); disable one of them");
    }
    Ok(parsed)
}

/// Merges `settings` into a `setting` property (null until the first `set()`).
pub(super) fn merge_setting(
    cell: &RefCell<Option<Zval>>,
    settings: &ZendHashTable,
) -> PhpResult<()> {
    let mut merged = match cell.borrow_mut().take() {
        Some(z) => z
            .array()
            .map(|a| a.to_owned())
            .unwrap_or_else(ZendHashTable::new),
        None => ZendHashTable::new(),
    };
    for (key, value) in settings.iter() {
        let v = value.shallow_clone();
        match key {
            ArrayKey::Long(i) => merged.insert_at_index(i, v)?,
            ArrayKey::String(s) => merged.insert(s.as_str(), v)?,
            ArrayKey::Str(s) => merged.insert(s, v)?,
            ArrayKey::ZendString(s) => {
                merged.insert(String::from_utf8_lossy(s.as_bytes()).as_ref(), v)?
            }
        }
    }
    let mut z = Zval::new();
    z.set_hashtable(merged);
    *cell.borrow_mut() = Some(z);
    Ok(())
}
