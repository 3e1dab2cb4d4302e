//! The map type keyed by ids, on the ground floor so that every layer can
//! use it without reaching up into the crate root.

/// The maps keyed by ids (values, layout places, catalogue entries): they
/// keep their insertion order, so outputs list things in the order they
/// were defined, and hash with FxHash, which is several times cheaper than
/// the standard hasher on short ids; the keys come from this program and the
/// user's own plan.
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
