//! Reading a file that may be anything: huge, a folder, a device, a pipe.

use std::io::Read;
use std::path::Path;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading it failed.
    Io(std::io::Error),
    /// It is a folder.
    Folder,
    /// It holds more than the limit: `bytes` is its size when the file
    /// system says so before reading, `None` when reading found out.
    TooLarge { bytes: Option<u64> },
}

/// Reads a file's bytes, never more than `limit` + 1 of them, whatever the
/// file is.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            bytes: Some(meta.len()),
        });
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { bytes: None });
    }
    Ok(bytes)
}
