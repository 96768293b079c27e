//! `stats_file`: event worker 0 writes `stats()` to a file every `stats_timer_interval` ms,
//! as Swoole's library does, so a monitoring agent can read the server's state without
//! talking to it. The format follows the file's extension: `.json` (`json_encode`), `.php`
//! (`<?php return [...];`, for `include`), else one `key: value` line per entry (Swoole's).
//! Each write goes to a temporary file renamed over the old one, so a reader never sees a
//! half-written file.

use std::rc::Rc;
use std::time::Duration;

use ext_php_rs::types::{ZendCallable, Zval};

use super::state::Shared;
use crate::php::errors::warning;

/// Writes the file at once and then every `every`, until the task is aborted.
pub(super) async fn run(sh: Rc<Shared>, path: String, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut warned = false;
    loop {
        tick.tick().await;
        match write_once(&sh, &path) {
            Ok(()) => warned = false,
            // Once per failure streak, not every second.
            Err(e) if !warned => {
                warning(&format!("cannot write stats_file [{path}]: {e}"));
                warned = true;
            }
            Err(_) => {}
        }
    }
}

fn write_once(sh: &Shared, path: &str) -> Result<(), String> {
    let stats = super::info::stats(sh).map_err(|e| format!("{e:?}"))?;
    if stats.array().is_none() {
        return Err("the server is not running".into());
    }
    let text = render(path, &stats)?;
    let tmp = format!("{path}.{}.tmp", crate::process::getpid());
    std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        e.to_string()
    })
}

fn render(path: &str, stats: &Zval) -> Result<String, String> {
    if path.ends_with(".json") {
        return php_string("json_encode", vec![stats]);
    }
    if path.ends_with(".php") {
        let code = php_string("var_export", vec![stats, &true])?;
        return Ok(format!("<?php\nreturn {code};\n"));
    }
    let Some(a) = stats.array() else {
        return Err("stats() is not an array".into());
    };
    let mut out = String::new();
    for (k, v) in a.iter() {
        let value = if v.is_array() {
            php_string("json_encode", vec![v])?
        } else if let Some(b) = v.bool().filter(|_| v.is_bool()) {
            (if b { "1" } else { "" }).to_string()
        } else if let Some(s) = v.string() {
            s
        } else if let Some(n) = v.long() {
            n.to_string()
        } else if let Some(f) = v.double() {
            f.to_string()
        } else {
            String::new()
        };
        out.push_str(&format!("{k}: {value}\n"));
    }
    Ok(out)
}

fn php_string(
    function: &str,
    args: Vec<&dyn ext_php_rs::convert::IntoZvalDyn>,
) -> Result<String, String> {
    let f =
        ZendCallable::try_from_name(function).map_err(|_| format!("{function}() is missing"))?;
    f.try_call(args)
        .ok()
        .and_then(|z| z.string())
        .ok_or_else(|| format!("{function}() failed"))
}
