//! The Sensitivity sheet (savings and payback at other volumes and instance
//! counts, its grids and chart) and the case sheets, each case's inputs and
//! quantities as formulas over its own column.

use super::*;
use crate::id;

pub(super) fn sensitivity(
    ws: &mut Cells,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let sc = &lay.scenarios;
    let mut fit = Fit::new();
    ws.write_string_with_format(0, 0, SENSITIVITY_SHEET, &s.title)?;
    ws.write_string_with_format(
        1,
        0,
        "Each row is the whole model again with today's traffic scaled and the instance count replaced; the multiples and counts are inputs.",
        &s.subtitle,
    )?;
    master_check_header(ws, r, s)?;
    let header_row = sc.first_row - 1;
    fit.width(0, 36.0);
    ws.write_string_with_format(header_row, 0, "Case", &s.header)?;
    fit.header(header_row, 0, "Case");
    for (id, col) in &sc.columns {
        fit.width(*col, 14.0);
        ws.write_string_with_format(header_row, *col, r.label(id), &s.header)?;
        fit.header(header_row, *col, r.label(id));
        // The defined name stays at hand as the header's note.
        ws.insert_note(
            header_row,
            *col,
            &Note::new(format!("Defined name: {id}")).add_author_prefix(false),
        )?;
    }
    sensitivity_cases(ws, &mut fit, r, lay, s)?;
    ws.set_freeze_panes(sc.first_row, 1)?;
    let grids = sc.first_row + r.model.scenarios.len() as u32 + 2;
    let top = sensitivity_grids(ws, r, lay, s)?;
    // The columns the key figures are computed from fold away (one click
    // shows them), and so do the cases of the grids (the grids show their
    // figures): the sheet prints one page wide.
    let volumes = crate::inputs::SENSITIVITY_VOLUME_MULTIPLIERS.len() as u32;
    let shown_cases = sc.first_row + volumes.min(r.model.scenarios.len() as u32);
    if shown_cases < grids - 2 {
        ws.group_rows_collapsed(shown_cases, grids - 3)?;
    }
    let shown = match sc.supporting {
        Some((first, last)) => {
            ws.group_columns_collapsed(first, last)?;
            first - 1
        }
        None => sc.columns.values().max().copied().unwrap_or(1),
    };
    // The chart beside the grids where the printed columns hold it (in
    // Excel's narrower columns too), else under them.
    let beside = crate::inputs::SENSITIVITY_INSTANCE_COUNTS.len() as u16 + 1;
    let chart_at = if fit.columns_inches_least(beside, shown) >= CHART_INCHES {
        (grids, beside)
    } else {
        (top + 1, 0)
    };
    sensitivity_chart(ws, lay, header_row, chart_at)?;
    let cases = fit.rows_points(0, shown_cases - 1) + fit.rows_points(grids - 2, grids - 1);
    let under = if chart_at.1 == 0 { CHART_POINTS } else { 0.0 };
    let grids_and_chart = (fit.rows_points(grids, top)).max(CHART_POINTS) + under;
    let inches = fit.columns_inches(0, shown).max(CHART_INCHES);
    // One page when it is readable there, else the grids and chart on a
    // page of their own.
    let mut scale = fitting_scale(r, inches, cases + grids_and_chart);
    let mut row_breaks = Vec::new();
    if scale < LEAST_SCALE {
        scale = fitting_scale(r, inches, cases.max(grids_and_chart));
        row_breaks.push(grids);
    }
    print_setup(
        ws,
        r,
        Print::Pages {
            last_col: shown,
            rows: Some(1),
            cols: None,
            scale,
            row_breaks,
            col_breaks: Vec::new(),
        },
        &fit,
    )?;
    fit.apply(ws)
}

/// The Sensitivity chart's size in pixels, and in inches and points in print
/// (96 pixels an inch at 100%).
const CHART_WIDTH: u32 = 600;
const CHART_HEIGHT: u32 = 360;
const CHART_INCHES: f64 = CHART_WIDTH as f64 / 96.0;
const CHART_POINTS: f64 = CHART_HEIGHT as f64 * 72.0 / 96.0;

/// A row per sensitivity case: its replaced inputs and what they move.
fn sensitivity_cases(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let sc = &lay.scenarios;
    for (k, (case, result)) in r.model.scenarios.iter().zip(&r.scenarios).enumerate() {
        let row = sc.first_row + k as u32;
        ws.write_string_with_format(row, 0, &case.label, &s.wrap)?;
        fit.wrap(row, 0, &case.label);
        let refs = CaseRefs { lay, row };
        for (id, e) in &case.overrides {
            let col = sc.columns[id];
            write_formula(
                ws,
                row,
                col,
                e.to_excel_with(&ScalarRefs { lay }),
                cell_of(&result.inputs, id)?,
                &Styles::value(r.unit(id), false),
            )?;
        }
        for q in r.model.dependents(
            &case
                .overrides
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>(),
        ) {
            let Some(&col) = sc.columns.get(&q.id) else {
                continue;
            };
            write_formula(
                ws,
                row,
                col,
                q.expr.to_excel_with(&refs),
                cell_of(&result.values, &q.id)?,
                &Styles::value(q.unit, false),
            )?;
        }
    }
    Ok(())
}

/// Grids over the cases: savings and payback by volume and instance count;
/// returns the row under the last grid.
fn sensitivity_grids(
    ws: &mut Cells,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<u32, XlsxError> {
    let sc = &lay.scenarios;

    let volumes = crate::inputs::SENSITIVITY_VOLUME_MULTIPLIERS.len();
    let counts = crate::inputs::SENSITIVITY_INSTANCE_COUNTS.len();
    let mut top = sc.first_row + r.model.scenarios.len() as u32 + 2;
    for (id, title) in [
        (
            id::MONTHLY_SAVINGS_IF_FEASIBLE,
            "Monthly savings by volume (rows) and serving instances (columns)",
        ),
        (
            id::PAYBACK_MONTHS_IF_FEASIBLE,
            "Payback in months by volume (rows) and serving instances (columns)",
        ),
    ] {
        ws.write_string_with_format(top, 0, title, &s.group)?;
        ws.write_string_with_format(top + 1, 0, "Tokens/day \\ instances", &s.header)?;
        for j in 0..counts {
            let case_row = sc.first_row + (volumes + j) as u32;
            let col = *cell_of(&sc.columns, id::SERVING_INSTANCES)?;
            let case = r.scenarios.get(volumes + j).ok_or_else(|| {
                XlsxError::ParameterError("a sensitivity case is missing".to_string())
            })?;
            let inst = cell_of(&case.inputs, id::SERVING_INSTANCES)?;
            write_formula(
                ws,
                top + 1,
                1 + j as u16,
                row_col_to_cell(case_row, col),
                inst,
                &s.header,
            )?;
        }
        for k in 0..volumes {
            let row = top + 2 + k as u32;
            let tokens_col = sc.columns[id::CURRENT_DAILY_TOKENS];
            write_formula(
                ws,
                row,
                0,
                row_col_to_cell(sc.first_row + k as u32, tokens_col),
                r.scenarios[k].value(r, id::CURRENT_DAILY_TOKENS),
                &Styles::value(Unit::TokensPerDay, false),
            )?;
            for j in 0..counts {
                let case = volumes + k * counts + j;
                let case_row = sc.first_row + case as u32;
                write_formula(
                    ws,
                    row,
                    1 + j as u16,
                    row_col_to_cell(case_row, sc.columns[id]),
                    r.scenarios[case].value(r, id),
                    &Styles::value(r.unit(id), false),
                )?;
            }
        }
        top += volumes as u32 + 4;
    }
    Ok(top)
}

/// The break-even picture beside or under the grids, its top left corner
/// at `(row, col)`: API and fine-tuned monthly cost across volume.
fn sensitivity_chart(
    ws: &mut Cells,
    lay: &Layout,
    header_row: u32,
    (row, col): (u32, u16),
) -> Result<(), XlsxError> {
    let sc = &lay.scenarios;
    let volumes = crate::inputs::SENSITIVITY_VOLUME_MULTIPLIERS.len();
    let x = sc.columns[id::CURRENT_DAILY_TOKENS];
    let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
    chart.title().set_name("Monthly cost across volume");
    let last = sc.first_row + volumes as u32 - 1;
    for figure in [id::MONTHLY_API_COST, id::MONTHLY_FT_TOTAL] {
        chart
            .add_series()
            .set_name((SENSITIVITY_SHEET, header_row, sc.columns[figure]))
            .set_categories((SENSITIVITY_SHEET, sc.first_row, x, last, x))
            .set_values((
                SENSITIVITY_SHEET,
                sc.first_row,
                sc.columns[figure],
                last,
                sc.columns[figure],
            ));
    }
    chart
        .x_axis()
        .set_name("Tokens per day")
        .set_num_format("#,##0");
    chart
        .y_axis()
        .set_name("$ per month")
        .set_num_format("$#,##0");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
    ws.insert_chart(row, col, &chart)?;
    Ok(())
}

/// A case's column: its replaced inputs from the rows on top, the
/// quantities it moves in the same column, everything else by name.
struct ColumnRefs<'a> {
    lay: &'a CasesLayout,
    replaced: &'a [String],
    moved: &'a [String],
    col: u16,
    /// An option's own timeline, which its figures read.
    timeline: Option<&'a TimelineLayout>,
}

impl Resolve for ColumnRefs<'_> {
    fn name(&self, id: &str, out: &mut String) {
        if self.replaced.iter().any(|x| x == id) {
            return match self.lay.input_rows.get(id) {
                Some(row) => push_cell(out, *row, self.col, false, false),
                None => out.push_str(MISSING_REF),
            };
        }
        match self.lay.rows.get(id) {
            Some(row) if self.moved.iter().any(|m| m == id) => {
                push_cell(out, *row, self.col, false, false)
            }
            _ => out.push_str(id),
        }
    }
    fn cum_range(&self, id: &str, out: &mut String) {
        match self.timeline {
            Some(t) => full_row(t, id, out),
            None => out.push_str(MISSING_REF),
        }
    }
    fn row_range(&self, id: &str, out: &mut String) {
        self.cum_range(id, out);
    }
    fn row_range_part(&self, id: &str, part: RowPart, out: &mut String) {
        match self.timeline {
            Some(t) => super::row_part(t, id, part, out),
            None => out.push_str(MISSING_REF),
        }
    }
}

/// Which cases a sheet shows.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Cases {
    Tornado,
    Options,
}

pub(super) fn cases_sheet(
    ws: &mut Cells,
    which: Cases,
    r: &Report,
    lay: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let (t, title, about, cases, results) = match which {
        Cases::Tornado => (
            &lay.tornado,
            TORNADO_SHEET,
            "Each column is the model with one ranged input at its low or high end and every other input at base.",
            &r.model.tornado,
            &r.tornado,
        ),
        Cases::Options => (
            &lay.options,
            OPTIONS_SHEET,
            "Each column is the model for one option: the inputs it changes (blue, editable) on top, every figure they move below.",
            &r.model.options,
            &r.options,
        ),
    };
    let mut fit = Fit::new();
    ws.write_string_with_format(0, 0, title, &s.title)?;
    ws.write_string_with_format(1, 0, about, &s.subtitle)?;
    master_check_header(ws, r, s)?;
    let header = FIRST_ROW - 1;
    fit.width(0, 40.0);
    fit.width(1, 14.0);
    headers(ws, &mut fit, header, 0, &["Input or quantity", "Unit"], s)?;
    for (id, row) in t.input_rows.iter().chain(&t.rows) {
        ws.write_string_with_format(*row, 0, r.label(id), &s.wrap)?;
        fit.wrap(*row, 0, r.label(id));
        ws.write_string_with_format(*row, 1, r.unit(id).label(), &s.wrap)?;
        fit.wrap(*row, 1, r.unit(id).label());
    }
    for (k, (case, result)) in cases.iter().zip(results).enumerate() {
        let col = t.first_col + k as u16;
        // A tornado's many ends in narrower columns, so more share a page.
        fit.width(col, if which == Cases::Tornado { 11.0 } else { 14.0 });
        // An option's label is plan text.
        write_text(ws, header, col, &case.label, &s.header)?;
        fit.header(header, col, &case.label);
        case_inputs(ws, which, r, lay, (case, result), col)?;
        let timeline = match which {
            Cases::Options => lay.option_timelines.get(k),
            Cases::Tornado => None,
        };
        case_quantities(ws, &mut fit, r, t, (case, result), col, timeline)?;
    }
    ws.set_freeze_panes(FIRST_ROW, 2)?;
    let print = match which {
        Cases::Tornado => tornado_print(ws, &fit, r, t, cases.len() as u16)?,
        // An option a column: one page wide, as many tall as it takes.
        Cases::Options => Print::Narrow {
            rows: header,
            last_col: t.first_col + cases.len().max(1) as u16 - 1,
        },
    };
    print_setup(ws, r, print, &fit)?;
    fit.apply(ws)
}

/// The least scale a page of tornado cases prints at, in percent.
const TORNADO_SCALE: f64 = 0.5;

/// The Tornado sheet prints its key figures: the rows of the other
/// quantities fold away (one click shows them), and the cases run across
/// as few pages as keep them at [`TORNADO_SCALE`] or more, the label and
/// unit columns repeated on each.
fn tornado_print(
    ws: &mut Cells,
    fit: &Fit,
    r: &Report,
    t: &CasesLayout,
    cases: u16,
) -> Result<Print, XlsxError> {
    let key = |id: &str| {
        r.model.get(id).is_some_and(|q| {
            q.has(Role::Headline) || q.has(Role::KeyFigure) || q.has(Role::SensitivityKey)
        })
    };
    let mut run: Option<(u32, u32)> = None;
    let mut folded = Vec::new();
    for (id, &row) in &t.rows {
        if key(id) {
            folded.extend(run.take());
        } else {
            run = Some(run.map_or((row, row), |(first, _)| (first, row)));
        }
    }
    folded.extend(run);
    for &(first, last) in &folded {
        ws.group_rows_collapsed(first, last)?;
    }
    let last_row = t.rows.values().max().copied().unwrap_or(FIRST_ROW);
    let hidden: f64 = folded
        .iter()
        .map(|&(first, last)| fit.rows_points(first, last))
        .sum();
    let points = fit.rows_points(0, last_row) - hidden;
    let (width, _) = printable(r);
    let labels = fit.columns_inches(0, t.first_col - 1);
    let case = fit.columns_inches(t.first_col, t.first_col);
    let per_page =
        (((width / TORNADO_SCALE - labels) / case).floor() as u16).clamp(1, cases.max(1));
    let col_breaks: Vec<u16> = (1..)
        .map(|k| t.first_col + k * per_page)
        .take_while(|&c| c < t.first_col + cases)
        .collect();
    let page = labels + fit.columns_inches(t.first_col, t.first_col + per_page - 1);
    Ok(Print::Pages {
        last_col: t.first_col + cases.max(1) - 1,
        rows: Some(FIRST_ROW - 1),
        cols: Some(t.first_col - 1),
        scale: fitting_scale(r, page, points),
        row_breaks: Vec::new(),
        col_breaks,
    })
}

/// A case's replaced inputs at the top of its column: an option's own value
/// as an input cell, a tornado end as a formula over the Inputs sheet.
fn case_inputs(
    ws: &mut Cells,
    which: Cases,
    r: &Report,
    lay: &Layout,
    (case, result): (&Scenario, &ScenarioResult),
    col: u16,
) -> Result<(), XlsxError> {
    let t = match which {
        Cases::Tornado => &lay.tornado,
        Cases::Options => &lay.options,
    };
    let refs = ScalarRefs { lay };
    for (id, e) in &case.overrides {
        let row = *cell_of(&t.input_rows, id)?;
        let unit = r.unit(id);
        match which {
            // The option's own value: an input cell.
            Cases::Options => match cell_of(&result.inputs, id)? {
                Value::Num(x) => {
                    ws.write_number_with_format(row, col, *x, &Styles::value(unit, true))?;
                }
                Value::Bool(b) => {
                    ws.write_boolean_with_format(row, col, *b, &Styles::value(unit, true))?;
                }
                // A choice's text comes from the plan.
                other => {
                    write_text(
                        ws,
                        row,
                        col,
                        &other.to_excel_result(),
                        &Styles::value(unit, true),
                    )?;
                }
            },
            // The low or high end, from the Inputs sheet.
            Cases::Tornado => {
                write_formula(
                    ws,
                    row,
                    col,
                    e.to_excel_with(&refs),
                    cell_of(&result.inputs, id)?,
                    &Styles::value(unit, false),
                )?;
            }
        }
    }
    Ok(())
}

/// The quantities a case's replaced inputs move, down its column.
fn case_quantities(
    ws: &mut Cells,
    fit: &mut Fit,
    r: &Report,
    t: &CasesLayout,
    (case, result): (&Scenario, &ScenarioResult),
    col: u16,
    timeline: Option<&TimelineLayout>,
) -> Result<(), XlsxError> {
    let replaced: Vec<String> = case.overrides.iter().map(|(id, _)| id.clone()).collect();
    let ids: Vec<&str> = replaced.iter().map(String::as_str).collect();
    let moved_quantities = if timeline.is_some() {
        r.model.option_dependents(&ids)
    } else {
        r.model.dependents(&ids)
    };
    let moved: Vec<String> = moved_quantities.iter().map(|q| q.id.clone()).collect();
    let case_refs = ColumnRefs {
        lay: t,
        replaced: &replaced,
        moved: &moved,
        col,
        timeline,
    };
    for q in moved_quantities {
        let row = *cell_of(&t.rows, &q.id)?;
        let value = cell_of(&result.values, &q.id)?;
        let format = match value {
            // Words (a verdict, a choice) wrap in the narrow column.
            Value::Text(text) => {
                fit.wrap(row, col, text);
                Styles::value(q.unit, false).set_text_wrap()
            }
            _ => Styles::value(q.unit, false),
        };
        write_formula(
            ws,
            row,
            col,
            q.expr.to_excel_with(&case_refs),
            value,
            &format,
        )?;
    }
    Ok(())
}
