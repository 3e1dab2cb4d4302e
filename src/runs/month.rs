//! A month written whole or not at all. A dated run writes into a staging
//! folder beside the month's (`OUT/.finetune-roi-YYYY-MM-….tmp/`): its plans'
//! files, the files of the month it keeps (the plans it does not rerun, and
//! any other file, linked rather than copied), the JSON of each plan run it
//! replaces (`replaced/<stem>.json`), the portfolio and the month's record.
//! Then the staging folder takes the month folder's place in one rename
//! (an exchange where the system has one), so a reader, a kill or a full
//! disk finds the month as it was or as the new run left it, never a mix.
//! A kill leaves at most a `.finetune-roi-*.tmp` folder, which the next run
//! holding the lock removes ([`super::lock::remove_stale`]).
//!
//! The record (`.finetune-roi-month.json`) lists each plan in the folder,
//! its files and its portfolio row as the run that wrote it made it, so a
//! later run of the month lists the plans it did not rerun with the run
//! each came from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lock::{is_temporary, TEMPORARY_PREFIX, TEMPORARY_SUFFIX};
use crate::analysis::changes::Month;
use crate::render::portfolio::{self, Row};

/// The month's record in its folder.
pub const RECORD: &str = ".finetune-roi-month.json";

/// The folder of a month that keeps the JSON of each plan run a rerun of
/// the month replaced.
pub const REPLACED: &str = "replaced";

/// The extensions of a plan's files.
const PLAN_EXTENSIONS: [&str; 4] = ["xlsx", "md", "html", "json"];

/// The largest record read, in bytes.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// What a month folder holds: each plan's files and its row.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Record {
    pub plans: Vec<PlanRecord>,
}

/// One plan of a month folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanRecord {
    pub stem: String,
    /// Its files in the folder, by name.
    pub files: Vec<String>,
    /// Its portfolio row, as the run that wrote the files made it.
    pub row: Row,
}

/// Why a month cannot be staged or committed; the message names the path.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MonthError(pub String);

/// A dated run's staging folder; removed when dropped uncommitted.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    month: Month,
    month_dir: PathBuf,
    dir: PathBuf,
    /// The month folder's record, when the folder exists.
    earlier: Option<Record>,
    exists: bool,
    /// Set once the staging folder is the month folder.
    committed: std::sync::atomic::AtomicBool,
}

/// A path as messages show it.
fn shown(path: &Path) -> String {
    crate::yaml::inert(&path.display().to_string()).into_owned()
}

/// True for the name of one of a plan's files: `<stem>.<ext>` with one of
/// the four extensions; the stem returned.
fn plan_file_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (PLAN_EXTENSIONS.contains(&ext) && crate::output::is_plain_file_name(stem)).then_some(stem)
}

impl Staging {
    /// Checks the month folder of `out` (a link or anything but a folder is
    /// refused, and so is a folder or link inside it that this tool did not
    /// make, which the swap would drop), reads its record and makes the
    /// staging folder. Call it holding the output folder's lock.
    pub fn begin(out: &Path, month: Month) -> Result<Staging, MonthError> {
        let month_dir = out.join(month.to_string());
        let exists = match std::fs::symlink_metadata(&month_dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(MonthError(format!(
                    "error: {}: the month folder is a symbolic link; a dated run writes only inside --out and never through a link, so nothing was written: replace the link with a folder (or remove it)",
                    shown(&month_dir)
                )))
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(MonthError(format!(
                    "error: {}: expected the month's folder, found a file; nothing was written: move the file away",
                    shown(&month_dir)
                )))
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(MonthError(format!(
                    "error: {}: cannot read the month folder: {e}",
                    shown(&month_dir)
                )))
            }
        };
        if exists {
            check_contents(&month_dir)?;
        }
        let earlier = exists.then(|| read_record(&month_dir));
        let dir =
            make_staging_dir(out, month, exists.then_some(month_dir.as_path())).map_err(|e| {
                MonthError(format!(
                    "error: {}: cannot make the staging folder of the month: {e}",
                    shown(out)
                ))
            })?;
        Ok(Staging {
            out: out.to_path_buf(),
            month,
            month_dir,
            dir,
            earlier,
            exists,
            committed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The staging folder: where this run writes its files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The month folder the staging folder replaces.
    pub fn month_dir(&self) -> &Path {
        &self.month_dir
    }

    /// The JSON of the plan with this stem in the month folder, which this
    /// run replaces: a regular file, never a link.
    pub fn replaced_json(&self, stem: &str) -> Option<PathBuf> {
        if !self.exists {
            return None;
        }
        let path = self.month_dir.join(format!("{stem}.json"));
        std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file())
            .then_some(path)
    }

    /// Carries into the staging folder what the month folder holds that
    /// this run does not replace: every file but the portfolio, the record
    /// and the files of the plans in `rerun`, whose JSON goes to
    /// `replaced/`; each earlier `replaced/` JSON of a plan not rerun. Files
    /// are hard-linked (copied where links are refused). Returns the records
    /// of the plans kept, in the earlier record's order, then those the
    /// record lacks (each with a row that says so).
    pub fn carry(&self, rerun: &BTreeSet<String>) -> std::io::Result<Vec<PlanRecord>> {
        if !self.exists {
            return Ok(Vec::new());
        }
        let mut kept_stems: BTreeSet<String> = BTreeSet::new();
        for entry in std::fs::read_dir(&self.month_dir)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name == RECORD || is_temporary(&name) || name == REPLACED {
                continue;
            }
            let ours = plan_file_stem(&name);
            if ours.is_some_and(|stem| stem == portfolio::STEM) {
                continue;
            }
            if let Some(stem) = ours {
                if rerun.contains(stem) {
                    if name == format!("{stem}.json") {
                        link_or_copy(&entry.path(), &self.dir.join(REPLACED), &name)?;
                    }
                    continue;
                }
                if name.ends_with(".json") {
                    kept_stems.insert(stem.to_string());
                }
            }
            link_or_copy(&entry.path(), &self.dir, &name)?;
        }
        let replaced = self.month_dir.join(REPLACED);
        if std::fs::symlink_metadata(&replaced).is_ok_and(|m| m.is_dir()) {
            for entry in std::fs::read_dir(&replaced)? {
                let entry = entry?;
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                let target = self.dir.join(REPLACED);
                // A plan rerun now has its newer replaced JSON there already.
                if !entry.file_type()?.is_file()
                    || std::fs::symlink_metadata(target.join(&name)).is_ok()
                {
                    continue;
                }
                link_or_copy(&entry.path(), &target, &name)?;
            }
        }
        let mut kept: Vec<PlanRecord> = Vec::new();
        for plan in self.earlier.iter().flat_map(|r| &r.plans) {
            if rerun.contains(&plan.stem) {
                continue;
            }
            let files: Vec<String> = plan
                .files
                .iter()
                .filter(|f| self.dir.join(f).is_file())
                .cloned()
                .collect();
            if files.is_empty() {
                continue;
            }
            kept_stems.remove(&plan.stem);
            kept.push(PlanRecord {
                stem: plan.stem.clone(),
                files,
                row: plan.row.clone(),
            });
        }
        // Plans whose files an earlier version wrote without a record.
        for stem in kept_stems {
            let files: Vec<String> = PLAN_EXTENSIONS
                .iter()
                .map(|ext| format!("{stem}.{ext}"))
                .filter(|f| self.dir.join(f).is_file())
                .collect();
            let row = Row::failed(
                &stem,
                &format!("{stem}.json"),
                "kept from an earlier run of the month that left no record of its figures; its files are as that run wrote them",
            );
            kept.push(PlanRecord { stem, files, row });
        }
        Ok(kept)
    }

    /// Writes the record, then puts the staging folder in the month
    /// folder's place in one step, and removes the month's earlier folder.
    pub fn commit(&self, record: &Record) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        crate::output::write_own(&self.dir, RECORD, &bytes)?;
        sync_dir(&self.dir)?;
        // Where the earlier month folder ends up, to be removed.
        let earlier = if self.exists {
            match exchange(&self.dir, &self.month_dir) {
                Ok(()) => Some(self.dir.clone()),
                Err(e) if exchange_unsupported(&e) => Some(self.swap_in_two_steps()?),
                Err(e) => return Err(e),
            }
        } else {
            std::fs::rename(&self.dir, &self.month_dir)?;
            None
        };
        self.committed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        sync_dir(&self.out)?;
        // A kill before the earlier folder is gone leaves it, under a
        // temporary name, for the next run to remove.
        if let Some(earlier) = earlier {
            let _ = std::fs::remove_dir_all(earlier);
        }
        Ok(())
    }

    /// Where the system cannot exchange two names: the month folder moves
    /// aside to a name [`recover`] restores if a kill comes before the new
    /// one is in place; returns that name.
    fn swap_in_two_steps(&self) -> std::io::Result<PathBuf> {
        let aside = aside_name(&self.out, self.month);
        std::fs::rename(&self.month_dir, &aside)?;
        if let Err(e) = std::fs::rename(&self.dir, &self.month_dir) {
            let _ = std::fs::rename(&aside, &self.month_dir);
            return Err(e);
        }
        Ok(aside)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The name a month folder is moved aside to where names cannot be exchanged.
fn aside_name(out: &Path, month: Month) -> PathBuf {
    out.join(format!("{TEMPORARY_PREFIX}aside-{month}{TEMPORARY_SUFFIX}"))
}

/// Puts back a month folder that a killed run moved aside and never
/// replaced (see [`Staging::commit`]); call it holding the lock, before
/// removing stale temporary folders.
pub fn recover(out: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Some(month) = name
            .strip_prefix(TEMPORARY_PREFIX)
            .and_then(|n| n.strip_prefix("aside-"))
            .and_then(|n| n.strip_suffix(TEMPORARY_SUFFIX))
            .and_then(|m| m.parse::<Month>().ok())
        else {
            continue;
        };
        let month_dir = out.join(month.to_string());
        if std::fs::symlink_metadata(&month_dir).is_err() {
            std::fs::rename(entry.path(), &month_dir)?;
        }
    }
    Ok(())
}

/// Refuses a month folder holding a folder or link (or anything but a
/// regular file) this tool did not make: the swap would drop it.
fn check_contents(month_dir: &Path) -> Result<(), MonthError> {
    let fail = |e: std::io::Error| {
        MonthError(format!(
            "error: {}: cannot read the month folder: {e}",
            shown(month_dir)
        ))
    };
    for entry in std::fs::read_dir(month_dir).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let name = entry.file_name();
        let kind = entry.file_type().map_err(fail)?;
        let name_text = name.to_string_lossy();
        if kind.is_file() || is_temporary(&name_text) {
            continue;
        }
        if name_text == REPLACED && kind.is_dir() {
            continue;
        }
        let what = if kind.is_symlink() {
            "a symbolic link"
        } else if kind.is_dir() {
            "a folder"
        } else {
            "something that is not a file"
        };
        return Err(MonthError(format!(
            "error: {}: the month folder holds {what} that a run does not write; a dated run replaces the folder as a whole, so nothing was written: move it out of the month folder",
            shown(&entry.path())
        )));
    }
    Ok(())
}

/// The month folder's record; an empty one when it is missing or unreadable.
fn read_record(month_dir: &Path) -> Record {
    let path = month_dir.join(RECORD);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Record::default();
    }
    crate::yaml::read_bounded(&path, MAX_RECORD_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Makes a new staging folder in `out`, with the permissions of the month
/// folder it replaces when there is one.
fn make_staging_dir(out: &Path, month: Month, like: Option<&Path>) -> std::io::Result<PathBuf> {
    let mut attempt = 0u32;
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "{TEMPORARY_PREFIX}{month}-{}-{nanos:09}-{attempt}{TEMPORARY_SUFFIX}",
            std::process::id()
        );
        let dir = out.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                if let Some(like) = like {
                    std::fs::set_permissions(&dir, std::fs::metadata(like)?.permissions())?;
                }
                return Ok(dir);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Links `from` into `dir` as `name`, or copies it where links are refused.
fn link_or_copy(from: &Path, dir: &Path, name: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let to = dir.join(name);
    if std::fs::hard_link(from, &to).is_err() {
        std::fs::copy(from, &to)?;
    }
    Ok(())
}

/// Flushes a folder's entries to the disk.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Exchanges two paths in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths, relative to the working folder.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// True when the error says the system or file system cannot exchange names.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if is_unsupported_code(code))
}

#[cfg(unix)]
fn is_unsupported_code(code: i32) -> bool {
    code == libc::EINVAL || code == libc::ENOSYS || code == libc::EOPNOTSUPP
}

#[cfg(not(unix))]
fn is_unsupported_code(_: i32) -> bool {
    false
}
