//! Located YAML and the diagnostics built on it, shared by the plan
//! ([`crate::plan`]) and the price catalogue ([`crate::catalog`]).
//!
//! - [`walk`] goes through a file's YAML event stream once, before any value
//!   is built: it refuses what the caller's [`Limits`] refuse (deep nesting,
//!   alias bombs, over-long keys, a second document), notes keys given twice,
//!   and tells a [`Visitor`] where every key, scalar and collection stands.
//! - [`Locator`] keeps, by field path, the line and column a walk found.
//! - [`Diagnostic`] is one problem with file, line, column and field; its
//!   text is made [`inert`] for a terminal; [`keep_first`] bounds a list.
//! - [`words`] holds what both callers say the same way: serde messages split
//!   into field and text, the nearest names for a typo, shortened text.
//! - [`read_bounded`] reads a file without ever reading more than a limit.
//!
//! What a plan or a catalogue *says* about a problem stays with them: this
//! module reports the kind of a problem ([`Refusal`], [`ReadError`]) and they
//! word it.

mod diagnostic;
mod locator;
mod read;
mod walk;
pub mod words;

pub use diagnostic::{inert, keep_first, Diagnostic, MAX_PROBLEMS};
pub use locator::Locator;
pub use read::{read_bounded, ReadError};
pub use walk::{join, walk, FieldPath, Limits, Refusal, Visitor, WalkError, Within};
