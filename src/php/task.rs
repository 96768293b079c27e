//! `Swoole\Server\Task`: what onTask gets with `task_enable_coroutine` / `task_object`, and
//! `pack()`/`unpack()`.

use std::rc::Rc;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use ext_php_rs::zend::ce;

use super::server::{finish_task, ServerShared};

/// One task, as the task worker received it.
#[php_class]
#[php(name = "Swoole\\Server\\Task")]
pub struct Task {
    pub(crate) data: Zval,
    pub(crate) id: i64,
    pub(crate) worker_id: i64,
    pub(crate) flags: i64,
    pub(crate) dispatch_time: f64,
    /// The server that received the task (None for a `new Task` made by user code).
    pub(crate) server: Option<Rc<ServerShared>>,
}

#[php_impl]
impl Task {
    pub fn __construct() -> Self {
        Task {
            data: Zval::new(),
            id: -1,
            worker_id: -1,
            flags: 0,
            dispatch_time: 0.0,
            server: None,
        }
    }

    /// Sends the result to the worker that sent the task (its onFinish or callback).
    pub fn finish(&self, data: &Zval) -> bool {
        match &self.server {
            Some(sh) => finish_task(sh, self.worker_id as u16, self.id as u64, self.flags, data),
            None => {
                crate::php::errors::warning("this task was not received by a running server");
                false
            }
        }
    }

    /// A value as a task message carries it: a flag byte (1: `serialize()`d) and the bytes.
    pub fn pack(data: &Zval) -> PhpResult<Zval> {
        let (bytes, flags) = super::server::encode_value(data)
            .ok_or_else(|| PhpException::new("cannot serialize the data".into(), 0, ce::error()))?;
        let mut out = Vec::with_capacity(bytes.len() + 1);
        out.push(u8::from(flags != 0));
        out.extend_from_slice(&bytes);
        Ok(super::convert::bytes_zval(&out))
    }

    /// The inverse of `pack()`; false for a string `pack()` did not make.
    pub fn unpack(data: &Zval) -> Zval {
        let Some(s) = data.zend_str() else {
            return super::convert::false_zval();
        };
        match s.as_bytes().split_first() {
            Some((0, rest)) => super::convert::bytes_zval(rest),
            Some((1, rest)) => {
                super::server::unserialize(rest).unwrap_or_else(super::convert::false_zval)
            }
            _ => super::convert::false_zval(),
        }
    }

    #[php(getter, name = "data")]
    pub fn prop_data(&self) -> Zval {
        self.data.shallow_clone()
    }

    #[php(getter, name = "id")]
    pub fn prop_id(&self) -> i64 {
        self.id
    }

    #[php(getter, name = "worker_id")]
    pub fn prop_worker_id(&self) -> i64 {
        self.worker_id
    }

    #[php(getter, name = "flags")]
    pub fn prop_flags(&self) -> i64 {
        self.flags
    }

    #[php(getter, name = "dispatch_time")]
    pub fn prop_dispatch_time(&self) -> f64 {
        self.dispatch_time
    }
}
