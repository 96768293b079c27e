//! Conversions between PHP values and the plain data the layers below use.

use std::borrow::Cow;
use std::os::raw::c_int;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::ffi::{zend_string, zval};
use ext_php_rs::types::{ZendStr, Zval};
use ext_php_rs::zend::ExecutorGlobals;

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

/// Binary-safe bytes of a PHP value. Strings are borrowed (no copy on the per-message path);
/// anything else is converted by PHP itself, with its own diagnostics: "Array to string
/// conversion" for an array (which sends `Array`, as in Swoole), and an `Error` left pending
/// for an object without `__toString` (None then).
pub fn zval_bytes(v: &Zval) -> Option<Cow<'_, [u8]>> {
    if let Some(s) = v.zend_str() {
        return Some(Cow::Borrowed(s.as_bytes()));
    }
    // SAFETY: zval_get_string_func reads the zval and returns a new reference to a string
    // (the empty string when it threw); ZBox releases it.
    let s = unsafe { ZBox::<ZendStr>::from_raw(zval_get_string_func(as_mut_ptr(v))) };
    if !ExecutorGlobals::get().exception.is_null() {
        return None;
    }
    Some(Cow::Owned(s.as_bytes().to_vec()))
}

/// An `int` argument (number `arg_num`) of the running method, converted with PHP's own
/// weak-mode rules ("5" and 5.0 are 5; null is 0 with PHP's deprecation). Anything else
/// throws PHP's own TypeError (`…(): Argument #1 ($fd) must be of type int, string given`)
/// and gives None: the method then returns and PHP raises the pending exception.
pub fn int_arg(v: &Zval, arg_num: u32) -> Option<i64> {
    if let Some(i) = v.long() {
        return Some(i);
    }
    let mut out: i64 = 0;
    // SAFETY: both functions only read the zval; they run inside the method's call, so the
    // TypeError names this method and parameter.
    unsafe {
        if zend_parse_arg_long_weak(as_mut_ptr(v), &mut out, arg_num) {
            return Some(out);
        }
        if ExecutorGlobals::get().exception.is_null() {
            zend_wrong_parameter_type_error(arg_num, Z_EXPECTED_LONG, as_mut_ptr(v));
        }
    }
    None
}

/// A user callable's answer read as an int: an int, or a float or numeric string holding
/// one (PHP's weak int conversion, without its coercion of null, bools and arrays, which
/// would turn a forgotten `return` into a silent answer).
pub fn weak_int(z: &Zval) -> Option<i64> {
    if let Some(l) = z.long() {
        return Some(l);
    }
    if let Some(d) = z.double() {
        return (d.fract() == 0.0 && d.abs() < 9.0e15).then_some(d as i64);
    }
    z.str().and_then(|s| s.trim().parse().ok())
}

/// The name PHP gives a callable in messages (`no_such_function`, `stdClass::nope`).
pub fn callable_name(v: &Zval) -> String {
    let mut name: *mut zend_string = std::ptr::null_mut();
    // SAFETY: zend_is_callable_ex only reads the zval and writes a new string reference to
    // `name`, which ZBox releases.
    unsafe {
        ext_php_rs::ffi::zend_is_callable_ex(
            as_mut_ptr(v),
            std::ptr::null_mut(),
            0,
            &mut name,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        if name.is_null() {
            return String::new();
        }
        let s = ZBox::<ZendStr>::from_raw(name);
        String::from_utf8_lossy(s.as_bytes()).into_owned()
    }
}

fn as_mut_ptr(v: &Zval) -> *mut zval {
    (v as *const Zval).cast_mut().cast()
}

/// `Z_EXPECTED_LONG` (the first of PHP's `zend_expected_type`): "must be of type int".
const Z_EXPECTED_LONG: c_int = 0;

extern "C" {
    fn zval_get_string_func(op: *mut zval) -> *mut zend_string;
    fn zend_parse_arg_long_weak(arg: *mut zval, dest: *mut i64, arg_num: u32) -> bool;
    fn zend_wrong_parameter_type_error(num: u32, expected_type: c_int, arg: *mut zval);
}

/// A session id argument: an int, or a string read as PHP's `(int)` reads it (leading
/// digits; "127.0.0.1" is 127, "abc" is 0), as Swoole's `zval_get_long` does.
pub fn fd_arg(fd: &Zval) -> Option<i64> {
    if let Some(i) = fd.long() {
        return Some(i);
    }
    let s = fd.str()?.trim_start();
    let (sign, digits) = match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    Some(sign * digits[..end].parse::<i64>().unwrap_or(0))
}
