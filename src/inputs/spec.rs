//! Every input of the model, declared once: where the plan writes it, its id,
//! label, unit, one-line doc, group, bounds, default and how a catalogue entry
//! fills it. The validator, the starter plan, the plan reference in docs/
//! and the JSON Schema's annotations all read this table.
//!
//! Adding an input is one entry in [`INPUTS`] (in sheet order within its
//! group) plus its use in the model. This file holds what an entry is; the
//! entries themselves are in `spec/table.rs`.

use crate::format::Unit;
use crate::plan::RawPlan;

use super::{Group, Table};

mod table;

pub use table::{
    ENGINEERING_PHASE, INPUTS, REQUESTS_OBSERVED, SENSITIVITY_INSTANCES, SENSITIVITY_VOLUME,
};

/// What a number must be: at least (or above) `min`, at most `max`, and
/// whole when `whole` is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: f64,
    /// `x ≥ min` when set, else `x > min`.
    pub min_inclusive: bool,
    /// The inclusive upper bound, if any.
    pub max: Option<f64>,
    pub whole: bool,
}

impl Bounds {
    /// Any number (the decision rules' points may be negative).
    pub const ANY: Bounds = Bounds {
        min: f64::NEG_INFINITY,
        min_inclusive: true,
        max: None,
        whole: false,
    };
    /// ≥ 0.
    pub const NON_NEGATIVE: Bounds = Bounds {
        min: 0.0,
        min_inclusive: true,
        max: None,
        whole: false,
    };
    /// > 0.
    pub const POSITIVE: Bounds = Bounds {
        min_inclusive: false,
        ..Bounds::NON_NEGATIVE
    };
    /// From 0 to 1.
    pub const RATE: Bounds = Bounds::NON_NEGATIVE.at_most(1.0);
    /// Above 0 and at most 1.
    pub const UTILIZATION: Bounds = Bounds::POSITIVE.at_most(1.0);
    /// A whole number ≥ 0.
    pub const WHOLE: Bounds = Bounds {
        whole: true,
        ..Bounds::NON_NEGATIVE
    };
    /// A whole number ≥ 1.
    pub const WHOLE_POSITIVE: Bounds = Bounds {
        min: 1.0,
        ..Bounds::WHOLE
    };

    /// These bounds with an upper bound.
    pub const fn at_most(self, max: f64) -> Bounds {
        Bounds {
            max: Some(max),
            ..self
        }
    }

    /// These bounds without their upper bound.
    pub const fn unbounded_above(self) -> Bounds {
        Bounds { max: None, ..self }
    }

    /// Whether `x` is within the bounds.
    pub fn holds(&self, x: f64) -> bool {
        let above_min = if self.min_inclusive {
            x >= self.min
        } else {
            x > self.min
        };
        above_min && self.max.is_none_or(|m| x <= m) && (!self.whole || x.fract() == 0.0)
    }

    /// What a number within the bounds is, as a message says it.
    pub fn expected(&self) -> String {
        let (min, max) = (self.min, self.max);
        let fraction = min == 0.0 && max == Some(1.0);
        match (self.whole, max, self.min_inclusive) {
            (true, None, _) => format!("a whole number ≥ {min}"),
            (false, _, true) if fraction => "a fraction from 0 to 1 (0.05 means 5%)".to_string(),
            (false, _, false) if fraction => "a fraction above 0 and at most 1".to_string(),
            (false, None, true) => format!("a number ≥ {min}"),
            (false, None, false) => format!("a number > {min}"),
            (_, Some(max), _) => format!("a number from {min} to {max}"),
        }
    }
}

/// The value an input takes when the plan gives none, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultValue {
    pub value: f64,
    pub why: &'static str,
}

/// An upper bound checked apart from the others, with its own message
/// (the message names the unit: "at most 24 hours a day").
#[derive(Debug, Clone, Copy)]
pub struct AboveMax {
    pub message: fn(f64) -> String,
    /// Only values up to [`super::MAX_MAGNITUDE`] get this message (larger
    /// ones get the magnitude message alone).
    pub capped: bool,
}

/// Reads a number from the plan.
pub type Read = fn(&RawPlan) -> Option<f64>;

/// Where a catalogue entry's value comes from: the workbook looks it up in
/// `table` by the name held in the input `key`, in `column`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Catalogued {
    pub table: Table,
    pub key: &'static str,
    pub column: &'static str,
}

/// How an input gets its value.
#[derive(Debug, Clone, Copy)]
pub enum Fill {
    /// The plan's number, else the default; required when there is none.
    Plan(Read),
    /// Never written in the plan: always the default.
    Fixed,
    /// The plan's number, else the catalogue entry's.
    Catalogue(Read, Catalogued),
    /// The plan's number, else the training benchmark row's `column`
    /// (`tokens_per_second`, `num_gpus` or `cost_per_hour`).
    Benchmark(Read, &'static str),
    /// Text: the plan's, else the default (value, why).
    Text(
        fn(&RawPlan) -> Option<String>,
        Option<(&'static str, &'static str)>,
    ),
    /// Yes or no: the plan's, else the default (value, why).
    YesNo(fn(&RawPlan) -> Option<bool>, (bool, &'static str)),
    /// Filled by dedicated code in the validator (observed months, values
    /// implied by other fields, optional fields with their own messages).
    Dedicated,
}

/// When an input is part of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// The plan gives `compute.training`.
    Training,
    /// The training instance is in the catalogue.
    TrainingGpu,
    /// `baseline.api` names a catalogue entry.
    Api,
    /// `serving.instance` names a catalogue entry.
    ServingGpu,
    /// `offer` names a managed fine-tuning offer of the catalogue.
    Offer,
    /// The plan or one of its options says `kind: managed`.
    Managed,
    /// The plan has `requirements`.
    Requirements,
}

/// One input of the model.
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    /// Where the plan writes it (`serving.target_utilization`); empty when
    /// the plan cannot write it.
    pub path: &'static str,
    /// Identifier; also the workbook's defined name.
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    /// One line: what the number means.
    pub doc: &'static str,
    pub group: Group,
    /// What a number must be ([`Bounds::ANY`] for text and yes/no inputs).
    pub bounds: Bounds,
    /// An upper bound with its own message (else the upper bound is part of
    /// the bounds' message).
    pub above_max: Option<AboveMax>,
    pub default: Option<DefaultValue>,
    pub fill: Fill,
    pub when: When,
}

impl InputSpec {
    /// The bounds checked together, with one message: all but an upper
    /// bound that has its own message.
    pub fn checked_bounds(&self) -> Bounds {
        match self.above_max {
            Some(_) => self.bounds.unbounded_above(),
            None => self.bounds,
        }
    }
}

/// The spec of the input `id`.
///
/// # Panics
/// When no input has this id: ids passed here are written in this crate,
/// and a test walks them all.
pub fn spec(id: &str) -> &'static InputSpec {
    INPUTS
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no input spec with id {id}"))
}
