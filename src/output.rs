//! Writing outputs: each file goes to a temporary file in the target folder
//! and is renamed into place, so a reader never sees a half-written file.
//! The files get the permissions of any file the user writes: read and write
//! for everyone, less the umask (and as the folder's default ACL says).

use std::io::Write;
use std::path::{Path, PathBuf};

/// True for a bare file name that stays inside the folder it is joined to:
/// not empty, not starting with a dot, no path separator, no control character.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Writes `bytes` to `dir/name` atomically. `name` must be a plain file name
/// ([`is_plain_file_name`]); anything else is refused, so nothing is ever
/// written outside `dir`. A symbolic link at the target is replaced, not followed.
/// An error names no file: the caller names the user's, never the temporary one.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    if !is_plain_file_name(name) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{name:?} is not a plain file name"),
        ));
    }
    write_in(dir, name, bytes)
}

/// Writes one of this program's own files (a month's record, whose name
/// starts with a dot) to `dir/name` atomically, as [`write_atomic`] does.
pub fn write_own(dir: &Path, name: &'static str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    write_in(dir, name, bytes)
}

/// Writes `bytes` to `dir/name` through a temporary file renamed into place.
fn write_in(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    pause_if_asked();
    let target = dir.join(name);
    let mut tmp = temporary_file_in(dir)?;
    if injected_failure() {
        // Stop halfway, as a full disk or a dying process would; dropping
        // the temporary file removes it.
        tmp.as_file_mut().write_all(&bytes[..bytes.len() / 2])?;
        return Err(std::io::Error::other(
            "the write was stopped halfway (injected by FINETUNE_ROI_FAIL_WRITES_AFTER)",
        ));
    }
    // Through the file itself: the temporary file's own writer would add
    // its internal name to an error.
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(target)
}

/// A new hidden temporary file in `dir`, removed when dropped unless
/// persisted; an error that it cannot be made names no path (tempfile's
/// `tempfile_in` would add the temporary file's). It is opened as `File::create` opens a file (mode 0666 on Unix,
/// which the umask narrows), not with tempfile's private 0600: the renamed
/// file keeps the mode it was created with.
fn temporary_file_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".finetune-roi-")
        .suffix(".tmp")
        .make_in(dir, |path| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
            options.open(path)
        })
}

/// Test hook: with `FINETUNE_ROI_FAIL_WRITES_AFTER=N` in the environment,
/// every [`write_atomic`] after the first `N` of the process fails halfway
/// through its temporary file. It takes a count only: no name or path.
#[doc(hidden)]
pub const FAIL_WRITES_AFTER_ENV: &str = "FINETUNE_ROI_FAIL_WRITES_AFTER";

/// True when the test hook says this write fails.
fn injected_failure() -> bool {
    static LIMIT: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let limit = LIMIT.get_or_init(|| {
        std::env::var(FAIL_WRITES_AFTER_ENV)
            .ok()?
            .trim()
            .parse()
            .ok()
    });
    match limit {
        Some(limit) => WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= *limit,
        None => false,
    }
}

/// Test hook: with `FINETUNE_ROI_PAUSE_WRITES_AFTER=N` in the environment,
/// the process stops for good before its write number `N + 1` (counting
/// [`write_atomic`] and [`write_own`]), after saying so on stderr, so that a
/// test can kill it at a known point of a run. It takes a count only.
#[doc(hidden)]
pub const PAUSE_WRITES_AFTER_ENV: &str = "FINETUNE_ROI_PAUSE_WRITES_AFTER";

/// The line the test hook writes on stderr when the process stops.
#[doc(hidden)]
pub const PAUSED: &str = "paused for the test hook";

/// Stops the process for good when the test hook says this write is the one.
fn pause_if_asked() {
    static LIMIT: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static SAID: std::sync::Once = std::sync::Once::new();
    let Some(limit) = *LIMIT.get_or_init(|| {
        std::env::var(PAUSE_WRITES_AFTER_ENV)
            .ok()?
            .trim()
            .parse()
            .ok()
    }) else {
        return;
    };
    if WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < limit {
        return;
    }
    SAID.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{PAUSED}");
    });
    loop {
        std::thread::park();
    }
}

/// Writes `bytes` to a new file at `path`, atomically; fails with
/// `AlreadyExists` if anything (a file, a folder, a link) is there already.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = temporary_file_in(dir)?;
    // Through the file itself: the temporary file's own writer would add
    // its internal name to an error.
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_written() {
        for bad in [
            "",
            ".",
            "..",
            ".hidden.json",
            "a/b.json",
            "a\\b.json",
            "a\nb.json",
            "../x.json",
        ] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
        for good in [
            "plan.json",
            "roi-worked-example.xlsx",
            "plan with spaces.md",
            "été.html",
        ] {
            assert!(is_plain_file_name(good), "{good:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(dir.path(), "../escape.json", b"x").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(!dir.path().parent().unwrap().join("escape.json").exists());
    }

    #[test]
    fn errors_name_no_temporary_file() {
        // A folder that cannot be: it would be under a regular file, which
        // fails for every user, root included.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("somefile");
        std::fs::write(&file, "x").unwrap();
        let under_file = file.join("out");
        let err = write_atomic(&under_file, "plan.json", b"{}").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotADirectory);
        let err = err.to_string();
        assert!(
            !err.contains(".tmp") && !err.contains("finetune-roi"),
            "{err}"
        );
        let err = write_new(&under_file.join("plan.yaml"), b"x")
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains(".tmp") && !err.contains("finetune-roi"),
            "{err}"
        );
        // A folder where the file should be: the rename fails.
        std::fs::create_dir(dir.path().join("plan.json")).unwrap();
        let err = write_atomic(dir.path(), "plan.json", b"{}")
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains(".tmp") && !err.contains("finetune-roi"),
            "{err}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "the temporary file was left behind");
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.yaml");
        write_new(&path, b"first").unwrap();
        let err = write_new(&path, b"second").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file was left behind");
    }
}
