//! `swoole_set_process_name()`: Swoole users name their processes in WorkerStart or
//! ManagerStart so `ps` tells the manager and the workers apart.

use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendCallable;

use super::errors::warning;

/// Sets what `ps` shows for this process: the command line through PHP's own
/// `cli_set_process_title()` (as Swoole does), and also the kernel's short name (the first 15
/// bytes, what `top` and `ps -o comm` show), which Swoole leaves as `php`. False, after PHP's
/// or our warning, where it cannot be set.
#[php_function]
pub fn swoole_set_process_name(process_name: &str) -> bool {
    let Ok(title) = ZendCallable::try_from_name("cli_set_process_title") else {
        warning("cannot set the process name: cli_set_process_title() is not available (not the CLI SAPI)");
        return false;
    };
    let arg = process_name.to_string();
    let ok = matches!(title.try_call(vec![&arg]), Ok(v) if v.bool() == Some(true));
    if !ok {
        return false;
    }
    let mut comm = [0u8; 16];
    let short = &process_name.as_bytes()[..process_name.len().min(15)];
    comm[..short.len()].copy_from_slice(short);
    // SAFETY: PR_SET_NAME reads a NUL-terminated buffer of at most 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, comm.as_ptr()) };
    true
}

/// Adds `swoole_set_process_name()` to the extension.
pub fn register_functions(m: ModuleBuilder) -> ModuleBuilder {
    m.function(wrap_function!(swoole_set_process_name))
}
