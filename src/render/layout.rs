//! Where everything stands in the workbook: each input and quantity's sheet,
//! row and cell (with a defined name equal to its id), the timeline's rows on
//! the Cash flow sheet and the cases' rows and columns. The workbook writes
//! at these places and the memo's audit trail cites them, so both read one
//! layout.

use crate::collections::IndexMap;
use rust_xlsxwriter::utility::{quote_sheet_name, row_col_to_cell_absolute};

use crate::inputs::Group;
use crate::model::{Role, Sheet};
use crate::report::Report;

/// Sheet names that are not calculation sheets.
pub const COVER_SHEET: &str = "Cover";
pub const SUMMARY_SHEET: &str = "Summary";
pub const INPUTS_SHEET: &str = "Inputs";
pub const SENSITIVITY_SHEET: &str = "Sensitivity";

/// Columns of the label/value tables.
pub(crate) const COL_LABEL: u16 = 0;
pub const COL_VALUE: u16 = 1;
pub(crate) const COL_UNIT: u16 = 2;
pub(crate) const COL_FOURTH: u16 = 3;
pub(crate) const COL_NOTE: u16 = 4;
pub(crate) const COL_NAME: u16 = 5;
/// First row of items under the header.
pub(crate) const FIRST_ROW: u32 = 4;
/// First column of the timeline's periods.
pub(crate) const TIMELINE_FIRST_COL: u16 = 2;

/// The name of the options sheet.
pub const OPTIONS_SHEET: &str = "Options";
/// The name of the simulation sheet.
pub const SIMULATION_SHEET: &str = "Simulation";
/// The name of the tornado sheet.
pub const TORNADO_SHEET: &str = "Tornado";
/// The name of the catalogue sheet.
pub const CATALOGUE_SHEET: &str = "Catalogue";
/// Columns of a ranged input's low and high ends on the Inputs sheet.
pub(crate) const COL_RANGE_LOW: u16 = 6;
pub(crate) const COL_RANGE_HIGH: u16 = 7;
/// Columns of an input's smallest and largest allowed values on the Inputs
/// sheet, which the range check reads.
pub(crate) const COL_BOUND_MIN: u16 = 8;
pub(crate) const COL_BOUND_MAX: u16 = 9;

/// The Summary's row of the verdict's sentence (the answer's first words).
pub const SUMMARY_VERDICT_ROW: u32 = 4;
pub(crate) const SUMMARY_FIRST_FIGURE_ROW: u32 = 10;
/// The Simulation sheet's trials cell and its candidates' rows (the plan's
/// first, then each option's).
pub(crate) const SIMULATION_TRIALS_ROW: u32 = 3;
pub(crate) const SIMULATION_CANDIDATES_ROW: u32 = 17;

/// Where an input or quantity lives in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub sheet: &'static str,
    /// 0-based row and column.
    pub row: u32,
    pub col: u16,
}

impl Place {
    /// The absolute reference, such as `'ROI'!$B$7`.
    pub fn reference(&self) -> String {
        format!(
            "{}!{}",
            quote_sheet_name(self.sheet),
            row_col_to_cell_absolute(self.row, self.col)
        )
    }
}

/// Where the monthly timeline stands on the Cash flow sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineLayout {
    /// The row of month numbers.
    pub header_row: u32,
    /// Row of each timeline row id.
    pub rows: IndexMap<String, u32>,
    /// The number of periods (months 0 to lifetime).
    pub periods: u16,
}

impl TimelineLayout {
    /// The column of a period.
    pub fn col(&self, period: u16) -> u16 {
        TIMELINE_FIRST_COL + period
    }
    /// The last period's column.
    pub fn last_col(&self) -> u16 {
        self.col(self.periods - 1)
    }
}

/// Where the sensitivity cases stand on the Sensitivity sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioLayout {
    /// The row of the first case; cases follow in the model's order.
    pub first_row: u32,
    /// The column of each replaced input and dependent quantity.
    pub columns: IndexMap<String, u16>,
    /// The columns of what the key columns are computed from, after the
    /// replaced inputs and the key columns, if any.
    pub supporting: Option<(u16, u16)>,
}

/// Where the comparison's table of candidates stands on the Verdict sheet:
/// its header row, then a row per candidate, a column per figure.
#[derive(Debug, Clone, PartialEq)]
pub struct TableLayout {
    pub header_row: u32,
    /// The first column.
    pub first_col: u16,
}

impl TableLayout {
    /// The row of the `k`-th candidate (0-based).
    pub fn row(&self, k: usize) -> u32 {
        self.header_row + 1 + k as u32
    }
}

/// Every place in the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The ranges named by the table's column ids: column id → absolute
    /// reference, such as `'Verdict'!$D$30:$D$33`.
    pub ranges: IndexMap<String, String>,
    pub candidates: TableLayout,
    /// Every input and scalar quantity by id.
    pub places: IndexMap<String, Place>,
    /// Group headings on the Inputs sheet: (row, group).
    pub input_groups: Vec<(u32, Group)>,
    /// The key figures on the Summary sheet: (row, id).
    pub summary_rows: Vec<(u32, String)>,
    pub timeline: TimelineLayout,
    pub scenarios: ScenarioLayout,
    pub tornado: CasesLayout,
    pub options: CasesLayout,
    /// Each option's own timeline, below the plan's on the Cash flow sheet.
    pub option_timelines: Vec<TimelineLayout>,
}

/// A sheet of cases, a column each: the replaced inputs on top, then every
/// quantity they move.
#[derive(Debug, Clone, PartialEq)]
pub struct CasesLayout {
    /// The row of each replaced input.
    pub input_rows: IndexMap<String, u32>,
    /// The row of each quantity that a replaced input moves.
    pub rows: IndexMap<String, u32>,
    /// The column of the first case; cases follow in the model's order.
    pub first_col: u16,
}

impl CasesLayout {
    /// A sheet of cases; an option's column also holds what it moves on its
    /// own timeline (`with_timeline`).
    fn new(r: &Report, cases: &[crate::model::Scenario], with_timeline: bool) -> CasesLayout {
        let mut ids: Vec<&str> = Vec::new();
        for case in cases {
            for (id, _) in &case.overrides {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
        }
        // Inputs in sheet order.
        ids.sort_by_key(|id| r.inputs.items.iter().position(|i| i.id == *id));
        let input_rows: IndexMap<String, u32> = ids
            .iter()
            .zip(FIRST_ROW..)
            .map(|(id, row)| (id.to_string(), row))
            .collect();
        let first = FIRST_ROW + input_rows.len() as u32 + 1;
        let moved = if with_timeline {
            r.model.option_dependents(&ids)
        } else {
            r.model.dependents(&ids)
        };
        let rows = moved
            .iter()
            .zip(first..)
            .map(|(q, row)| (q.id.clone(), row))
            .collect();
        CasesLayout {
            input_rows,
            rows,
            first_col: 2,
        }
    }
}

/// Assigns every input, quantity, timeline row and case its place.
pub fn layout(r: &Report) -> Layout {
    let mut places = IndexMap::default();
    let input_groups = place_inputs(r, &mut places);
    let (cash_flow_end, comparison_end) = place_quantities(r, &mut places);
    let (candidates, ranges) = place_candidates(r, comparison_end, &mut places);
    place_ranges(r, &mut places);
    place_bounds(r, &mut places);
    let tornado = CasesLayout::new(r, &r.model.tornado, false);
    let options = CasesLayout::new(r, &r.model.options, true);
    place_option_inputs(r, &options, &mut places);
    place_option_figures(r, &options, &mut places);
    place_simulated(r, &mut places);
    let timeline = timeline_layout(r, cash_flow_end);
    let option_timelines = option_timelines(r, &timeline);
    // The key figures are the recommended candidate's where the candidates
    // table carries them (the plan's when the API is recommended), as the
    // memo's are.
    let summary_rows = r
        .model
        .with_role(Role::Headline)
        .into_iter()
        .map(|id| {
            crate::model::comparison::recommended_counterpart(id)
                .filter(|c| r.model.get(c).is_some())
                .unwrap_or(id)
        })
        .enumerate()
        .map(|(k, id)| (SUMMARY_FIRST_FIGURE_ROW + k as u32, id.to_string()))
        .collect();
    Layout {
        ranges,
        candidates,
        places,
        input_groups,
        summary_rows,
        timeline,
        tornado,
        options,
        option_timelines,
        scenarios: scenario_layout(r),
    }
}

/// Places the inputs on the Inputs sheet, group by group with a heading row
/// and a blank row after each; returns the headings.
fn place_inputs(r: &Report, places: &mut IndexMap<String, Place>) -> Vec<(u32, Group)> {
    let mut input_groups = Vec::new();
    let mut row = FIRST_ROW;
    for group in Group::ALL {
        let items: Vec<_> = r.inputs.items.iter().filter(|i| i.group == group).collect();
        if items.is_empty() {
            continue;
        }
        input_groups.push((row, group));
        row += 1;
        for i in items {
            places.insert(
                i.id.clone(),
                Place {
                    sheet: INPUTS_SHEET,
                    row,
                    col: COL_VALUE,
                },
            );
            row += 1;
        }
        row += 1;
    }
    input_groups
}

/// Places each quantity on its sheet, a row each in the model's order (the
/// table's cells apart); returns the last row of the Cash flow sheet's
/// quantities and of the Verdict sheet's, if any.
fn place_quantities(
    r: &Report,
    places: &mut IndexMap<String, Place>,
) -> (Option<u32>, Option<u32>) {
    let mut cash_flow_end = None;
    let mut comparison_end = None;
    for sheet in Sheet::ALL {
        let rows = r
            .model
            .quantities
            .iter()
            .filter(|q| q.sheet == sheet && !q.has(Role::TableCell));
        for (row, q) in (FIRST_ROW..).zip(rows) {
            places.insert(
                q.id.clone(),
                Place {
                    sheet: sheet.name(),
                    row,
                    col: COL_VALUE,
                },
            );
            if sheet == Sheet::CashFlow {
                cash_flow_end = Some(row);
            }
            if sheet == Sheet::Comparison {
                comparison_end = Some(row);
            }
        }
    }
    (cash_flow_end, comparison_end)
}

/// Rows between the Verdict sheet's figures and its table's header (a
/// blank row and the table's title).
pub(crate) const TABLE_GAP_ROWS: u32 = 3;

/// Places the table of candidates under the Verdict sheet's figures: a row
/// per candidate, a column per figure, each column a named range.
fn place_candidates(
    r: &Report,
    comparison_end: Option<u32>,
    places: &mut IndexMap<String, Place>,
) -> (TableLayout, IndexMap<String, String>) {
    let table = TableLayout {
        header_row: comparison_end.unwrap_or(FIRST_ROW) + TABLE_GAP_ROWS,
        first_col: 0,
    };
    let mut ranges = IndexMap::default();
    let rows = r.model.candidates.candidates.len();
    for (j, column) in r.model.candidates.columns.iter().enumerate() {
        let col = table.first_col + j as u16;
        for (k, cell) in column.column.cells.iter().enumerate() {
            places.insert(
                cell.id().to_string(),
                Place {
                    sheet: Sheet::Comparison.name(),
                    row: table.row(k),
                    col,
                },
            );
        }
        if rows > 0 {
            ranges.insert(
                column.column.id.clone(),
                format!(
                    "{}!{}",
                    quote_sheet_name(Sheet::Comparison.name()),
                    rust_xlsxwriter::utility::cell_range_absolute(
                        table.row(0),
                        col,
                        table.row(rows - 1),
                        col
                    )
                ),
            );
        }
    }
    (table, ranges)
}

/// The timeline, three rows under the Cash flow sheet's quantities.
fn timeline_layout(r: &Report, cash_flow_end: Option<u32>) -> TimelineLayout {
    let header_row = cash_flow_end.unwrap_or(FIRST_ROW) + 3;
    TimelineLayout {
        header_row,
        rows: r
            .model
            .timeline
            .iter()
            .zip(header_row + 1..)
            .map(|(t, row)| (t.id.clone(), row))
            .collect(),
        periods: (r.model.periods + 1) as u16,
    }
}

/// Each option's timeline: a block of the same rows, each below the one
/// before.
fn option_timelines(r: &Report, plan: &TimelineLayout) -> Vec<TimelineLayout> {
    let mut last = plan.rows.values().max().copied().unwrap_or(plan.header_row);
    r.model
        .options
        .iter()
        .map(|_| {
            let header_row = last + 3;
            let rows: IndexMap<String, u32> = r
                .model
                .timeline
                .iter()
                .zip(header_row + 1..)
                .map(|(t, row)| (t.id.clone(), row))
                .collect();
            last = rows.values().max().copied().unwrap_or(header_row);
            TimelineLayout {
                header_row,
                rows,
                periods: plan.periods,
            }
        })
        .collect()
}

/// Places each option's figures that the comparison reads: its own cell
/// on the Options sheet where the option moves the figure, the plan's cell
/// where it does not; and the option's label, its column's header.
fn place_option_figures(r: &Report, options: &CasesLayout, places: &mut IndexMap<String, Place>) {
    use crate::inputs::options::option_input_id;
    let figures = r.model.with_role(Role::CandidateFigure);
    for (k, case) in r.model.options.iter().enumerate() {
        let col = options.first_col + k as u16;
        let ids: Vec<&str> = case.overrides.iter().map(|(id, _)| id.as_str()).collect();
        let moved = r.model.option_dependents(&ids);
        for fig in &figures {
            let place = match options.rows.get(*fig) {
                Some(&row) if moved.iter().any(|q| q.id == *fig) => Some(Place {
                    sheet: OPTIONS_SHEET,
                    row,
                    col,
                }),
                _ => places.get(*fig).cloned(),
            };
            if let Some(place) = place {
                places.insert(option_input_id(k, fig), place);
            }
        }
        places.insert(
            crate::model::comparison::option_label_id(k),
            Place {
                sheet: OPTIONS_SHEET,
                row: FIRST_ROW - 1,
                col,
            },
        );
    }
}

/// Places the simulation's figures that the comparison reads: the trials,
/// and each candidate's odds and median payback.
fn place_simulated(r: &Report, places: &mut IndexMap<String, Place>) {
    use crate::model::comparison::{
        SIMULATED_MEDIAN_PAYBACK, SIMULATED_PAYBACK_SHARE, SIMULATION_TRIALS,
    };
    if r.inputs.ranges.is_empty() {
        return;
    }
    let at = |row, col| Place {
        sheet: SIMULATION_SHEET,
        row,
        col,
    };
    places.insert(SIMULATION_TRIALS.to_string(), at(SIMULATION_TRIALS_ROW, 1));
    for k in 0..=r.inputs.options.len() {
        let id = |x: &str| match k {
            0 => x.to_string(),
            k => crate::inputs::options::option_input_id(k - 1, x),
        };
        let row = SIMULATION_CANDIDATES_ROW + k as u32;
        places.insert(id(SIMULATED_PAYBACK_SHARE), at(row, 1));
        places.insert(id(SIMULATED_MEDIAN_PAYBACK), at(row, 2));
    }
}

/// The Sensitivity sheet's columns: the replaced inputs, the key columns the
/// cases move, then what the key columns are computed from.
fn scenario_layout(r: &Report) -> ScenarioLayout {
    let mut columns = IndexMap::default();
    let layout = |columns, supporting| ScenarioLayout {
        first_row: FIRST_ROW + 1,
        columns,
        supporting,
    };
    let Some(first) = r.model.scenarios.first() else {
        return layout(columns, None);
    };
    let replaced: Vec<&str> = first.overrides.iter().map(|(id, _)| id.as_str()).collect();
    let mut ids: Vec<String> = replaced.iter().map(|id| id.to_string()).collect();
    let dependents: Vec<String> = r
        .model
        .dependents(&replaced)
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let key_columns = r.model.with_role(Role::SensitivityKey);
    ids.extend(
        key_columns
            .iter()
            .filter(|k| dependents.iter().any(|d| d == *k))
            .map(|k| k.to_string()),
    );
    let key_end = ids.len() as u16;
    // Only what the key columns are computed from: the rest of the model
    // does not change the savings, the payback or the chart.
    let needed = r.model.ancestors(&key_columns);
    ids.extend(
        dependents
            .into_iter()
            .filter(|d| !key_columns.contains(&d.as_str()) && needed.contains(d)),
    );
    let last = ids.len() as u16;
    for (k, id) in ids.into_iter().enumerate() {
        columns.insert(id, 1 + k as u16);
    }
    let supporting = (last > key_end).then_some((1 + key_end, last));
    layout(columns, supporting)
}

/// Places each ranged input's low and high ends beside its value.
fn place_ranges(r: &Report, places: &mut IndexMap<String, Place>) {
    for range in &r.inputs.ranges {
        let Some(row) = places.get(&range.id).map(|p| p.row) else {
            continue;
        };
        let at = |col| Place {
            sheet: INPUTS_SHEET,
            row,
            col,
        };
        places.insert(crate::model::range_low_id(&range.id), at(COL_RANGE_LOW));
        places.insert(crate::model::range_high_id(&range.id), at(COL_RANGE_HIGH));
    }
}

/// Places each input's smallest and largest allowed values beside it.
fn place_bounds(r: &Report, places: &mut IndexMap<String, Place>) {
    for i in &r.inputs.items {
        let Some(row) = places.get(&i.id).map(|p| p.row) else {
            continue;
        };
        if !matches!(i.value, crate::value::Value::Num(_)) {
            continue;
        }
        for (id, _) in crate::model::bound_values(&i.id, &i.bounds) {
            let col = if id == crate::model::bound_min_id(&i.id) {
                COL_BOUND_MIN
            } else {
                COL_BOUND_MAX
            };
            places.insert(
                id,
                Place {
                    sheet: INPUTS_SHEET,
                    row,
                    col,
                },
            );
        }
    }
}

/// Places each option's replaced inputs in its column of the Options sheet.
fn place_option_inputs(r: &Report, options: &CasesLayout, places: &mut IndexMap<String, Place>) {
    for (k, case) in r.model.options.iter().enumerate() {
        for (id, _) in &case.overrides {
            let Some(&row) = options.input_rows.get(id) else {
                continue;
            };
            places.insert(
                crate::inputs::options::option_input_id(k, id),
                Place {
                    sheet: OPTIONS_SHEET,
                    row,
                    col: options.first_col + k as u16,
                },
            );
        }
    }
}
