//! `Swoole\Connection\Iterator` (`$server->connections`): the open session ids, with
//! `count()` and `isset($server->connections[$fd])`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use ext_php_rs::zend::ce;

use super::info::client_info;
use super::state::Shared;
use crate::php::convert::{false_zval, fd_arg, long};

/// Iterates the open session ids; also `count()` and `isset($server->connections[$fd])`.
#[php_class]
#[php(name = "Swoole\\Connection\\Iterator")]
#[php(implements(ce = ce::iterator, stub = "\\Iterator"))]
#[php(implements(ce = ce::arrayaccess, stub = "\\ArrayAccess"))]
#[php(implements(ce = ce::countable, stub = "\\Countable"))]
pub struct ConnectionIterator {
    shared: Option<Rc<Shared>>,
    /// `$port->connections`: only the sessions of this listener.
    port: Option<usize>,
    ids: RefCell<Vec<u64>>,
    pos: Cell<usize>,
}

impl ConnectionIterator {
    pub(super) fn new(shared: Option<Rc<Shared>>, port: Option<usize>) -> Self {
        ConnectionIterator {
            shared,
            port,
            ids: RefCell::new(Vec::new()),
            pos: Cell::new(0),
        }
    }

    /// The open sessions this iterator covers (server-wide, or one listener's).
    fn sessions(&self) -> Vec<u64> {
        let Some(s) = &self.shared else {
            return Vec::new();
        };
        let Some(r) = s.reactor() else {
            return Vec::new();
        };
        let mut ids = s.open_sessions(&r);
        if let Some(port) = self.port {
            ids.retain(|id| s.session_listener(&r, *id) == Some(port));
        }
        ids
    }

    /// Whether session `fd` is open (and, for a port's iterator, on that port).
    fn covers(&self, sh: &Shared, fd: i64) -> bool {
        let Some(r) = sh.reactor() else {
            return false;
        };
        let open = fd > 0 && r.get(fd as u64).is_some_and(|c| !c.is_closing())
            || sh.remote_owner(fd).is_some();
        open && self
            .port
            .is_none_or(|p| sh.session_listener(&r, fd as u64) == Some(p))
    }
}

#[php_impl]
impl ConnectionIterator {
    pub fn __construct() -> PhpResult<Self> {
        Err(PhpException::new(
            "please use the Swoole\\Server->connections".into(),
            0,
            ce::error(),
        ))
    }

    pub fn rewind(&self) {
        *self.ids.borrow_mut() = self.sessions();
        self.pos.set(0);
    }

    pub fn next(&self) {
        self.pos.set(self.pos.get() + 1);
    }

    pub fn current(&self) -> Zval {
        self.ids
            .borrow()
            .get(self.pos.get())
            .map(|id| long(*id as i64))
            .unwrap_or_default()
    }

    pub fn key(&self) -> i64 {
        self.pos.get() as i64
    }

    pub fn valid(&self) -> bool {
        self.pos.get() < self.ids.borrow().len()
    }

    pub fn count(&self) -> i64 {
        if self.port.is_some() {
            return self.sessions().len() as i64;
        }
        self.shared
            .as_ref()
            .and_then(|s| s.reactor().map(|r| s.open_session_count(&r) as i64))
            .unwrap_or(0)
    }

    pub fn offset_exists(&self, fd: &Zval) -> bool {
        let Some(sh) = &self.shared else { return false };
        fd_arg(fd).is_some_and(|fd| self.covers(sh, fd))
    }

    pub fn offset_get(&self, fd: &Zval) -> PhpResult<Zval> {
        let Some(sh) = &self.shared else {
            return Ok(false_zval());
        };
        let fd = fd_arg(fd).unwrap_or(0);
        if self.port.is_some() && !self.covers(sh, fd) {
            return Ok(false_zval());
        }
        client_info(sh, fd)
    }

    pub fn offset_set(&self, fd: &Zval, value: &Zval) {
        let _ = (fd, value);
    }

    pub fn offset_unset(&self, fd: &Zval) {
        let _ = fd;
    }
}
