//! Analyses over the model, each a function of the layers below: the Monte
//! Carlo simulation of the ranged inputs ([`simulate`]), the values at which
//! the verdict flips ([`levers`]) and what moved
//! between two runs of a plan ([`changes`]). The report runs them once, when
//! it is built.

pub mod changes;
pub mod levers;
pub mod simulate;
