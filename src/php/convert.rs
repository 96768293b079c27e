//! Conversions between PHP values and the plain data the layers below use.

use std::borrow::Cow;

use ext_php_rs::types::{ZendStr, Zval};

use crate::options::OptValue;

/// A PHP int.
pub fn long(v: i64) -> Zval {
    let mut z = Zval::new();
    z.set_long(v);
    z
}

pub fn false_zval() -> Zval {
    let mut z = Zval::new();
    z.set_bool(false);
    z
}

/// A binary-safe PHP string (never through a Rust `String`).
pub fn bytes_zval(data: &[u8]) -> Zval {
    let mut z = Zval::new();
    z.set_zend_string(ZendStr::new(data, false));
    z
}

/// A `set()` value as the PHP-free option parser sees it.
pub fn opt_value(v: &Zval) -> OptValue {
    if v.is_null() {
        OptValue::Null
    } else if v.is_bool() {
        OptValue::Bool(v.is_true())
    } else if let Some(i) = v.long() {
        OptValue::Int(i)
    } else if let Some(f) = v.double() {
        OptValue::Float(f)
    } else if let Some(s) = v.zend_str() {
        OptValue::Str(s.as_bytes().to_vec())
    } else if v.is_array() {
        OptValue::Other("array")
    } else {
        OptValue::Other("object")
    }
}

/// Binary-safe bytes of a PHP value, converting scalars as `convert_to_string` would.
/// Strings are borrowed (no copy on the per-message path); scalars are converted.
pub fn zval_bytes(v: &Zval) -> Option<Cow<'_, [u8]>> {
    if let Some(s) = v.zend_str() {
        return Some(Cow::Borrowed(s.as_bytes()));
    }
    if v.is_array() || v.is_object() && v.coerce_to_string().is_none() {
        return None;
    }
    v.coerce_to_string().map(|s| Cow::Owned(s.into_bytes()))
}

/// A session id argument: an int, or a numeric string as Swoole accepts.
pub fn fd_arg(fd: &Zval) -> Option<i64> {
    if let Some(i) = fd.long() {
        return Some(i);
    }
    fd.str().and_then(|s| s.trim().parse::<i64>().ok())
}
