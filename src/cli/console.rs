//! Standard output and standard error for the command line. A write that
//! fails (a full disk, a closed pipe) does not panic as `println!` does: the
//! first failure on stdout is reported on stderr in one line, later writes
//! to the failed stream are skipped, and the command exits 1
//! ([`write_failed`] tells `main`).

use std::fmt::Arguments;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout failed.
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);
/// Set once a write to stderr failed.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a line to stdout.
pub fn out(line: Arguments) {
    out_text(&format!("{line}\n"));
}

/// Writes text to stdout as it is.
pub fn out_text(text: &str) {
    out_bytes(text.as_bytes());
}

/// Writes bytes to stdout as they are (an output written to a pipe).
pub fn out_bytes(bytes: &[u8]) {
    if STDOUT_FAILED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        stdout_failed(&e);
    }
}

/// Writes a line to stderr.
pub fn err(line: Arguments) {
    if STDERR_FAILED.load(Ordering::Relaxed) {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    if stderr
        .write_all(format!("{line}\n").as_bytes())
        .and_then(|()| stderr.flush())
        .is_err()
    {
        stderr_failed();
    }
}

/// Records that stdout failed with `e` and says so on stderr, once; a
/// reader that closed the pipe (`| head`) left, and is not told.
pub fn stdout_failed(e: &std::io::Error) {
    if STDOUT_FAILED.swap(true, Ordering::Relaxed) || e.kind() == ErrorKind::BrokenPipe {
        return;
    }
    err(format_args!("error: cannot write to standard output: {e}"));
}

/// Records that stderr failed; there is nowhere left to say so.
pub fn stderr_failed() {
    STDERR_FAILED.store(true, Ordering::Relaxed);
}

/// True when a write to stdout or stderr failed.
pub fn write_failed() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed) || STDERR_FAILED.load(Ordering::Relaxed)
}

/// Rows as aligned columns two spaces apart: the first row is the header,
/// followed by a rule; the columns in `right` are right-aligned, the others
/// left-aligned; lines carry no trailing spaces.
pub(crate) fn aligned_columns(rows: &[Vec<String>], right: &[usize]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if right.contains(&c) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if c + 1 < columns {
                    line.push_str(&" ".repeat(pad));
                }
            }
            if c + 1 < columns {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}
