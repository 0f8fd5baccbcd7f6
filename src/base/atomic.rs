//! Writing results: whole files or nothing.
//!
//! A file is first written where no reader can see it and only then given
//! its name, so a reader — or the next run after a crash or `kill -9` —
//! sees the old file or the new one, never half of one. On Linux the data
//! goes into an unnamed file (`O_TMPFILE`) that vanishes with the process if
//! it dies before the file is linked in; elsewhere, and on file systems
//! without `O_TMPFILE`, into a hidden temporary file that is renamed over
//! the target, and that the next write to the same folder sweeps away if a
//! killed run left it behind.
//!
//! Files are not forced to disk one by one: that guards against a power
//! failure, not a killed process, and costs more than the rest of writing.
//! After a power failure `dossier verify` tells whether a bundle is whole,
//! and rendering again repairs it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How hidden temporary files start; nothing else in an output folder does.
const TEMP_PREFIX: &str = ".dossier-";
const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically, creating its folder if needed.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(path);
    fs::create_dir_all(dir)?;
    #[cfg(target_os = "linux")]
    match unnamed::write(dir, path, bytes) {
        Ok(()) => return Ok(()),
        Err(e) if unnamed::unsupported(&e) => {}
        Err(e) => return Err(e),
    }
    let temp = temp_path(dir, path);
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes the temporary files a killed run left in `dir`. Files of a
/// process that is still running are left alone.
pub(crate) fn sweep_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(TEMP_PREFIX)
            .filter(|_| name.ends_with(TEMP_SUFFIX))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without a cheap way to tell, leave the file to the user.
        true
    }
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A fresh hidden name in `dir` for a temporary copy of `path`.
fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        "{TEMP_PREFIX}{}-{n}-{name}{TEMP_SUFFIX}",
        std::process::id()
    ))
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::fs::{self, File};
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    use rustix::io::Errno;

    /// Writes into an unnamed file in `dir`, then links it in as `path`.
    pub fn write(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let fd = rustix::fs::openat(
            CWD,
            dir,
            OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o666),
        )?;
        let mut file = File::from(fd);
        file.write_all(bytes)?;
        let handle = format!("/proc/self/fd/{}", file.as_raw_fd());
        match rustix::fs::linkat(CWD, &handle, CWD, path, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => Ok(()),
            Err(Errno::EXIST) => {
                // Replacing a file: link under a hidden name, then rename
                // over the old one, which is atomic.
                let temp = super::temp_path(dir, path);
                rustix::fs::linkat(CWD, &handle, CWD, &temp, AtFlags::SYMLINK_FOLLOW)?;
                fs::rename(&temp, path).inspect_err(|_| {
                    let _ = fs::remove_file(&temp);
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `error` means "no unnamed files here", so the portable way
    /// should be taken instead.
    pub(crate) fn unsupported(error: &io::Error) -> bool {
        matches!(
            Errno::from_io_error(error),
            Some(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT | Errno::XDEV)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_whole_files_without_leaving_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.pdf"]);
    }

    #[test]
    fn sweeps_temporaries_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".dossier-4000000000-0-a.pdf.tmp");
        let mine = temp_path(dir.path(), Path::new("b.pdf"));
        let other = dir.path().join(".hidden.tmp");
        for p in [&dead, &mine, &other] {
            fs::write(p, b"x").unwrap();
        }
        sweep_temporaries(dir.path());
        if cfg!(target_os = "linux") {
            assert!(!dead.exists());
        }
        assert!(mine.exists());
        assert!(other.exists());
    }
}
