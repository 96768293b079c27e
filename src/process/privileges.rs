//! `user`, `group` and `chroot`: a server started as root binds its ports first, then its
//! workers give up root. The names are resolved in the process that calls `start()` (before
//! any chroot hides `/etc/passwd`), so a typo fails `start()` instead of every worker.

use std::ffi::{CStr, CString};

/// Who the workers become.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub uid: Option<libc::uid_t>,
    pub gid: Option<libc::gid_t>,
    pub chroot: Option<CString>,
}

/// Resolves the options. None when nothing is to change, or when not running as root (as
/// in Swoole, the options only matter for a server started by root).
pub fn resolve(
    user: Option<&str>,
    group: Option<&str>,
    chroot: Option<&str>,
) -> Result<Option<Identity>, String> {
    if user.is_none() && group.is_none() && chroot.is_none() {
        return Ok(None);
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    let (mut uid, mut gid) = (None, None);
    if let Some(name) = user {
        let (u, g) = lookup_user(name)?;
        uid = Some(u);
        gid = Some(g);
    }
    if let Some(name) = group {
        gid = Some(lookup_group(name)?);
    }
    let chroot = match chroot {
        Some(dir) => {
            if !std::path::Path::new(dir).is_dir() {
                return Err(format!("chroot [{dir}] is not a directory"));
            }
            // Absolute, so that a worker forked after a chdir() (daemonize) confines itself
            // to the same directory and can name its files to the master (see `outside`).
            let abs = std::fs::canonicalize(dir)
                .map_err(|e| format!("chroot [{dir}] cannot be resolved: {e}"))?;
            let abs = abs.to_string_lossy().into_owned();
            Some(CString::new(abs).map_err(|_| format!("chroot [{dir}] contains a NUL byte"))?)
        }
        None => None,
    };
    Ok(Some(Identity { uid, gid, chroot }))
}

fn lookup_user(name: &str) -> Result<(libc::uid_t, libc::gid_t), String> {
    let c = CString::new(name).map_err(|_| format!("unknown user [{name}]"))?;
    // SAFETY: getpwnam_r with a caller-provided buffer and result slot, all valid locals.
    unsafe {
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        let mut out: *mut libc::passwd = std::ptr::null_mut();
        let r = libc::getpwnam_r(c.as_ptr(), &mut pw, buf.as_mut_ptr(), buf.len(), &mut out);
        if r != 0 || out.is_null() {
            return Err(format!(
                "unknown user [{name}]: set 'user' to an existing account"
            ));
        }
        Ok((pw.pw_uid, pw.pw_gid))
    }
}

fn lookup_group(name: &str) -> Result<libc::gid_t, String> {
    let c = CString::new(name).map_err(|_| format!("unknown group [{name}]"))?;
    // SAFETY: getgrnam_r with a caller-provided buffer and result slot, all valid locals.
    unsafe {
        let mut gr: libc::group = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        let mut out: *mut libc::group = std::ptr::null_mut();
        let r = libc::getgrnam_r(c.as_ptr(), &mut gr, buf.as_mut_ptr(), buf.len(), &mut out);
        if r != 0 || out.is_null() {
            return Err(format!(
                "unknown group [{name}]: set 'group' to an existing group"
            ));
        }
        Ok(gr.gr_gid)
    }
}

/// The directory this process chrooted into (a root-relative path in it names
/// `CHROOTED/path` for the processes outside, e.g. the SWOOLE_PROCESS master).
static CHROOTED: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// `path` (absolute, as this process sees it) as a process outside this one's chroot sees
/// it; unchanged when this process did not chroot.
pub fn outside(path: &std::path::Path) -> std::path::PathBuf {
    match CHROOTED.get() {
        Some(root) => join_outside(root, path),
        None => path.to_path_buf(),
    }
}

fn join_outside(root: &std::path::Path, path: &std::path::Path) -> std::path::PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

impl Identity {
    /// In a worker: chroot (then `/` is the new root), then the group, then the user (the
    /// order matters: after setuid the process may no longer change its group).
    pub fn apply(&self) -> Result<(), String> {
        let err = |what: &str| format!("{what} failed: {}", std::io::Error::last_os_error());
        // SAFETY: plain system calls with valid NUL-terminated paths and ids.
        unsafe {
            if let Some(dir) = &self.chroot {
                if libc::chroot(dir.as_ptr()) != 0 {
                    return Err(err(&format!("chroot({})", show(dir))));
                }
                if libc::chdir(c"/".as_ptr()) != 0 {
                    return Err(err("chdir(/)"));
                }
                let _ = CHROOTED.set(std::path::PathBuf::from(show(dir)));
            }
            if let Some(gid) = self.gid {
                if libc::setgroups(1, &gid) != 0 || libc::setgid(gid) != 0 {
                    return Err(err(&format!("setgid({gid})")));
                }
            }
            if let Some(uid) = self.uid {
                if libc::setuid(uid) != 0 {
                    return Err(err(&format!("setuid({uid})")));
                }
            }
        }
        Ok(())
    }
}

fn show(c: &CStr) -> String {
    c.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_or_fail_clearly() {
        if unsafe { libc::geteuid() } != 0 {
            assert_eq!(resolve(Some("nobody"), None, None), Ok(None));
            return;
        }
        let id = resolve(Some("root"), Some("root"), None).unwrap().unwrap();
        assert_eq!((id.uid, id.gid), (Some(0), Some(0)));
        assert!(resolve(Some("no-such-user-xyz"), None, None)
            .unwrap_err()
            .contains("unknown user [no-such-user-xyz]"));
        assert!(resolve(None, Some("no-such-group-xyz"), None)
            .unwrap_err()
            .contains("unknown group"));
        assert!(resolve(None, None, Some("/no/such/dir"))
            .unwrap_err()
            .contains("not a directory"));
        assert_eq!(resolve(None, None, None), Ok(None));
        // A relative chroot is made absolute (a daemonized server has chdir()ed to /).
        let dir = std::env::temp_dir().join(format!("swrs-priv-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        // Relative to the working directory (not changed: tests run in parallel).
        let up = "../".repeat(std::env::current_dir().unwrap().components().count());
        let rel = format!(
            "{up}{}",
            dir.join("sub").strip_prefix("/").unwrap().display()
        );
        let id = resolve(None, None, Some(&rel));
        let abs = std::fs::canonicalize(dir.join("sub")).unwrap();
        assert_eq!(
            id.unwrap().unwrap().chroot.unwrap().to_str().unwrap(),
            abs.to_str().unwrap()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_path_inside_the_chroot_is_named_from_outside_it() {
        let root = std::path::Path::new("/srv/jail");
        assert_eq!(
            join_outside(root, std::path::Path::new("/www/a.txt")),
            std::path::Path::new("/srv/jail/www/a.txt")
        );
        assert_eq!(
            join_outside(root, std::path::Path::new("/")),
            std::path::Path::new("/srv/jail")
        );
        // This process did not chroot: unchanged.
        assert_eq!(
            outside(std::path::Path::new("/www/a.txt")),
            std::path::Path::new("/www/a.txt")
        );
    }
}
