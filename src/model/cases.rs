//! The cases evaluated beside the plan: sensitivity, tornado and options.

use super::expr::build::*;
use super::{range_high_id, range_low_id, Scenario};
use crate::inputs::Inputs;
use crate::value::Value;

/// The sensitivity cases: each volume multiple at the plan's instances, then at each instance count.
pub(super) fn sensitivity() -> Vec<Scenario> {
    // --- Sensitivity cases ---
    let volumes = crate::inputs::SENSITIVITY_VOLUME_MULTIPLIERS.len();
    let counts = crate::inputs::SENSITIVITY_INSTANCE_COUNTS.len();
    let mut scenarios = Vec::new();
    let volume = |k: usize| {
        mul(
            r("requests_per_day"),
            r(&format!("sensitivity_volume_multiplier_{k}")),
        )
    };
    for k in 1..=volumes {
        scenarios.push(Scenario {
            id: format!("volume_{k}"),
            label: format!("Volume case {k}, plan's instances"),
            overrides: vec![
                ("requests_per_day".to_string(), volume(k)),
                ("serving_instances".to_string(), r("serving_instances")),
            ],
        });
    }
    for k in 1..=volumes {
        for j in 1..=counts {
            scenarios.push(Scenario {
                id: format!("volume_{k}_instances_{j}"),
                label: format!("Volume case {k}, instance case {j}"),
                overrides: vec![
                    ("requests_per_day".to_string(), volume(k)),
                    (
                        "serving_instances".to_string(),
                        r(&format!("sensitivity_instances_{j}")),
                    ),
                ],
            });
        }
    }
    scenarios
}

/// The tornado cases: each ranged input swung to its low, then its high, the others at base.
pub(super) fn tornado(inputs: &Inputs) -> Vec<Scenario> {
    inputs
        .ranges
        .iter()
        .flat_map(|range| {
            let label = inputs
                .get(&range.id)
                .map_or(range.id.as_str(), |i| i.label.as_str());
            [
                Scenario {
                    id: format!("tornado_{}_low", range.id),
                    label: format!("{label}: low"),
                    overrides: vec![(range.id.clone(), r(&range_low_id(&range.id)))],
                },
                Scenario {
                    id: format!("tornado_{}_high", range.id),
                    label: format!("{label}: high"),
                    overrides: vec![(range.id.clone(), r(&range_high_id(&range.id)))],
                },
            ]
        })
        .collect()
}

/// The options as cases: every input whose value differs from the plan's
/// (a number, a yes or no, or a choice such as `kind`) is replaced by the
/// option's value.
pub(super) fn options(inputs: &Inputs) -> Vec<Scenario> {
    inputs
        .options
        .iter()
        .enumerate()
        .map(|(k, option)| Scenario {
            id: format!("option_{}", option.id),
            label: option.label.clone(),
            overrides: inputs
                .items
                .iter()
                .filter_map(|base| {
                    let theirs = option.inputs.get(&base.id)?;
                    let differs = match (&base.value, &theirs.value) {
                        (Value::Num(a), Value::Num(b)) => a != b,
                        (Value::Bool(a), Value::Bool(b)) => a != b,
                        (Value::Text(a), Value::Text(b)) => a != b,
                        _ => false,
                    };
                    differs.then(|| {
                        (
                            base.id.clone(),
                            r(&crate::inputs::options::option_input_id(k, &base.id)),
                        )
                    })
                })
                .collect(),
        })
        .collect()
}
