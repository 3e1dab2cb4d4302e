//! One writer at a time: a run holds an exclusive lock on its output folder
//! from before it reads anything there until it has written everything, so
//! two runs never interleave their files. The lock is the operating
//! system's (`flock` on the folder itself, no lock file), released when the
//! process ends however it ends.

use std::fs::File;
use std::path::Path;

/// The output folder's lock, held until dropped.
#[derive(Debug)]
pub struct Lock {
    _folder: File,
}

/// Locks the output folder `out` (created if missing); when another run
/// holds the lock, calls `waiting` with what is known of the holder (its
/// process id, from its staging folder's name) and waits for it.
pub fn acquire(out: &Path, waiting: impl FnOnce(Option<u32>)) -> std::io::Result<Lock> {
    std::fs::create_dir_all(out)?;
    let folder = File::open(out)?;
    match folder.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting(holder(out));
            folder.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    Ok(Lock { _folder: folder })
}

/// The process id in the name of a staging folder in `out`, if one is there.
fn holder(out: &Path) -> Option<u32> {
    std::fs::read_dir(out)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| is_temporary(name))
        .find_map(|name| {
            // .finetune-roi-YYYY-MM-PID-NANOS-N.tmp
            let rest = name.strip_prefix(TEMPORARY_PREFIX)?;
            rest.split('-').nth(2)?.parse().ok()
        })
}

/// The prefix and suffix of every temporary file and folder a run makes.
pub const TEMPORARY_PREFIX: &str = ".finetune-roi-";
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// True for the name of a temporary file or folder of a run.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMPORARY_PREFIX)
        && name.ends_with(TEMPORARY_SUFFIX)
        && name.len() > TEMPORARY_PREFIX.len() + TEMPORARY_SUFFIX.len()
}

/// Removes the temporary files and folders that killed runs left in `dir`
/// (links are removed, never followed); returns how many. Only the holder
/// of the lock may call it: a running writer's files look the same.
pub fn remove_stale(dir: &Path) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if !is_temporary(&name) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_folder_waits_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = acquire(&out, |_| panic!("nobody holds it")).unwrap();
        std::fs::create_dir(out.join(".finetune-roi-2026-12-4242-000000001-0.tmp")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = out.clone();
        let second = std::thread::spawn(move || {
            acquire(&path, |holder| tx.send(holder).unwrap()).unwrap();
        });
        // The second waits, told who holds the lock, until the first lets go.
        assert_eq!(rx.recv().unwrap(), Some(4242));
        drop(first);
        second.join().unwrap();
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn stale_temporary_files_and_folders_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep.json"), "x").unwrap();
        std::fs::write(dir.path().join(".finetune-roi-abc.tmp"), "x").unwrap();
        std::fs::create_dir(dir.path().join(".finetune-roi-2026-12-x.tmp")).unwrap();
        std::fs::write(dir.path().join(".finetune-roi-2026-12-x.tmp/a.json"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), dir.path().join(".finetune-roi-l.tmp")).unwrap();
        for keep in [
            "plan.json",
            ".finetune-roi-month.json",
            ".finetune-roi-.tmp",
            "x.tmp",
        ] {
            std::fs::write(dir.path().join(keep), "x").unwrap();
        }
        remove_stale(dir.path()).unwrap();
        assert_eq!(
            files(dir.path()),
            [
                ".finetune-roi-.tmp",
                ".finetune-roi-month.json",
                "plan.json",
                "x.tmp"
            ]
        );
        assert!(
            outside.path().join("keep.json").exists(),
            "a link was followed"
        );
    }
}
