//! The integration test suite: one binary, one module per feature.

mod suite;
