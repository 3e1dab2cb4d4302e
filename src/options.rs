//! Options now live in the inputs layer; this path is kept so that
//! `crate::options::...` still resolves.

pub use crate::inputs::options::*;
