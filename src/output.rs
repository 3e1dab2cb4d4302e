//! Writing outputs: each file goes to a temporary file in the target folder
//! and is renamed into place, so a reader never sees a half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/name` atomically. `name` must be a bare file name.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    debug_assert!(!name.contains(['/', '\\']) && name != ".." && name != ".");
    let target = dir.join(name);
    let mut tmp = tempfile::Builder::new()
        .prefix(".finetune-roi-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(target)
}
