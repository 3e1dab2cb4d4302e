//! The Catalogue sheet: the catalogue's API prices and GPUs the plan's
//! lookups read, as tables the Inputs sheet's formulas index into.

use super::*;

/// The API table's columns on the Catalogue sheet: the catalogue's field
/// (which a lookup names, and the header's note shows) and its header.
const API_COLUMNS: [(&str, &str); 6] = [
    ("name", "Model"),
    ("provider", "Provider"),
    ("input_per_1m_tokens", "Input ($/1M tokens)"),
    ("output_per_1m_tokens", "Output ($/1M tokens)"),
    ("as_of", "Price as of"),
    ("source", "Source"),
];
/// The API table's other prices, from column [`API_EXTRA_COLUMN`] on (after
/// the source, which runs across two columns): the catalogue's own figure,
/// or the one the bill applies where the provider bills no other rate.
const API_EXTRA_COLUMNS: [(&str, &str); 11] = [
    ("cached_input_per_1m_tokens", "Cached input ($/1M tokens)"),
    ("cache_write_per_1m_tokens", "Cache write ($/1M tokens)"),
    ("batch_input_per_1m_tokens", "Batch input ($/1M tokens)"),
    ("batch_output_per_1m_tokens", "Batch output ($/1M tokens)"),
    (
        "priority_input_per_1m_tokens",
        "Priority input ($/1M tokens)",
    ),
    (
        "priority_output_per_1m_tokens",
        "Priority output ($/1M tokens)",
    ),
    ("flex_input_per_1m_tokens", "Flex input ($/1M tokens)"),
    ("flex_output_per_1m_tokens", "Flex output ($/1M tokens)"),
    (
        crate::id::LONG_CONTEXT_ABOVE_TOKENS,
        "Long-context prices above (tokens)",
    ),
    (
        "long_context_input_per_1m_tokens",
        "Long-context input ($/1M tokens)",
    ),
    (
        "long_context_output_per_1m_tokens",
        "Long-context output ($/1M tokens)",
    ),
];
/// The column of the first of [`API_EXTRA_COLUMNS`].
const API_EXTRA_COLUMN: u16 = 7;
/// The GPU table's columns on the Catalogue sheet.
const GPU_COLUMNS: [(&str, &str); 7] = [
    ("name", "GPU instance"),
    (
        "on_demand_per_instance_hour",
        "On demand ($ per instance-hour)",
    ),
    ("memory_gb", "Memory per GPU (GB)"),
    ("bf16_dense_tflops", "BF16 dense TFLOPS per GPU"),
    ("gpus_per_instance", "GPUs per instance"),
    ("as_of", "Price as of"),
    ("source", "Source"),
];
/// The GPU table's committed prices, from column [`API_EXTRA_COLUMN`] on
/// (after the source): "not sold" where the offer has no price for the term.
const GPU_EXTRA_COLUMNS: [(&str, &str); 2] = [
    (
        "reserved_1y_per_instance_hour",
        "Reserved 1 year ($ per instance-hour)",
    ),
    (
        "reserved_3y_per_instance_hour",
        "Reserved 3 years ($ per instance-hour)",
    ),
];
/// First data row of the API table; the GPU table follows it.
const CATALOGUE_API_ROW: u32 = 4;

/// The first data row of the GPU table.
fn catalogue_gpu_row(r: &Report) -> u32 {
    CATALOGUE_API_ROW + r.inputs.catalogue.api.len() as u32 + 3
}

/// The absolute ranges of a lookup's names and of its column.
pub(super) fn catalogue_ranges(
    r: &Report,
    lookup: &crate::inputs::Lookup,
) -> Result<(String, String), XlsxError> {
    let (first, count, columns): (u32, usize, &[(&str, &str)]) = match lookup.table {
        crate::inputs::Table::Api => (
            CATALOGUE_API_ROW,
            r.inputs.catalogue.api.len(),
            &API_COLUMNS,
        ),
        crate::inputs::Table::Gpus => (
            catalogue_gpu_row(r),
            r.inputs.catalogue.gpus.len(),
            &GPU_COLUMNS,
        ),
    };
    let last = first + count.max(1) as u32 - 1;
    let extra = match lookup.table {
        crate::inputs::Table::Api => API_EXTRA_COLUMNS
            .iter()
            .position(|(c, _)| *c == lookup.column)
            .map(|i| API_EXTRA_COLUMN + i as u16),
        crate::inputs::Table::Gpus => GPU_EXTRA_COLUMNS
            .iter()
            .position(|(c, _)| *c == lookup.column)
            .map(|i| API_EXTRA_COLUMN + i as u16),
    };
    let col = match extra {
        Some(c) => c,
        None => columns
            .iter()
            .position(|(c, _)| *c == lookup.column)
            .ok_or_else(|| {
                XlsxError::ParameterError(format!("no catalogue column `{}`", lookup.column))
            })? as u16,
    };
    let range = |c: u16| {
        format!(
            "{}!{}:{}",
            quote_sheet_name(CATALOGUE_SHEET),
            row_col_to_cell_absolute(first, c),
            row_col_to_cell_absolute(last, c)
        )
    };
    Ok((range(0), range(col)))
}

/// A catalogue table's header row: human headers, the catalogue's field
/// names as notes.
fn catalogue_header(
    ws: &mut Cells,
    fit: &mut Fit,
    row: u32,
    columns: &[(&str, &str)],
    s: &Styles,
) -> Result<(), XlsxError> {
    catalogue_header_at(ws, fit, row, 0, columns, s)
}

/// A catalogue table's header cells from column `first` on.
fn catalogue_header_at(
    ws: &mut Cells,
    fit: &mut Fit,
    row: u32,
    first: u16,
    columns: &[(&str, &str)],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (c, (id, h)) in columns.iter().enumerate() {
        let c = first + c as u16;
        ws.write_string_with_format(row, c, *h, &s.header)?;
        fit.header(row, c, h);
        ws.insert_note(
            row,
            c,
            &Note::new(format!("Catalogue field: {id}")).add_author_prefix(false),
        )?;
    }
    Ok(())
}

pub(super) fn catalogue_sheet(ws: &mut Cells, r: &Report, s: &Styles) -> Result<(), XlsxError> {
    let mut fit = Fit::new();
    ws.write_string_with_format(0, 0, CATALOGUE_SHEET, &s.title)?;
    ws.write_string_with_format(
        1,
        0,
        "The price catalogue's entries. Green inputs on the Inputs sheet look their values up here by the entry named on the Inputs sheet (INDEX/MATCH): change the name there, or a price here, and the model follows.",
        &s.subtitle,
    )?;
    master_check_header(ws, r, s)?;
    fit.width(0, 22.0);
    for c in 1..5 {
        fit.width(c, 14.0);
    }
    fit.width(5, 14.0);
    fit.width(6, 60.0);
    let used = &r.inputs.catalogue;
    ws.write_string_with_format(
        CATALOGUE_API_ROW - 2,
        0,
        "API models ($ per 1M tokens)",
        &s.group,
    )?;
    catalogue_header(ws, &mut fit, CATALOGUE_API_ROW - 1, &API_COLUMNS, s)?;
    catalogue_header_at(
        ws,
        &mut fit,
        CATALOGUE_API_ROW - 1,
        API_EXTRA_COLUMN,
        &API_EXTRA_COLUMNS,
        s,
    )?;
    for c in 0..API_EXTRA_COLUMNS.len() as u16 {
        fit.width(API_EXTRA_COLUMN + c, 14.0);
    }
    // Catalogue text may come from a user's catalogue: it goes through the
    // text guard like plan text.
    // Text beside a right-aligned figure is set off from it.
    let plain = s.unit.clone();
    let wrap = &s.wrap;
    for (k, (name, m)) in used.api.iter().enumerate() {
        let row = CATALOGUE_API_ROW + k as u32;
        let money = Styles::value(Unit::UsdPer1MTokens, false);
        write_text(ws, row, 0, name, wrap)?;
        fit.wrap(row, 0, name);
        write_text(ws, row, 1, &m.provider, &plain)?;
        fit.single(1, &m.provider);
        ws.write_number_with_format(row, 2, m.input_per_1m_tokens, &money)?;
        ws.write_number_with_format(row, 3, m.output_per_1m_tokens, &money)?;
        write_text(ws, row, 4, &m.as_of, &plain)?;
        // The source runs across the last two columns.
        ws.merge_range(row, 5, row, 6, "", wrap)?;
        write_text(ws, row, 5, &m.source, wrap)?;
        fit.wrap_merged(row, 5, 6, &m.source);
        for (c, (field, _)) in API_EXTRA_COLUMNS.iter().enumerate() {
            let x = m.billed(field).unwrap_or(0.0);
            let format = if *field == crate::id::LONG_CONTEXT_ABOVE_TOKENS {
                Styles::value(Unit::TokensPerRequest, false)
            } else {
                money.clone()
            };
            ws.write_number_with_format(row, API_EXTRA_COLUMN + c as u16, x, &format)?;
        }
    }
    let gpu_row = catalogue_gpu_row(r);
    ws.write_string_with_format(gpu_row - 2, 0, "GPU instances", &s.group)?;
    catalogue_header(ws, &mut fit, gpu_row - 1, &GPU_COLUMNS, s)?;
    catalogue_header_at(
        ws,
        &mut fit,
        gpu_row - 1,
        API_EXTRA_COLUMN,
        &GPU_EXTRA_COLUMNS,
        s,
    )?;
    for (k, (name, g)) in used.gpus.iter().enumerate() {
        let row = gpu_row + k as u32;
        write_text(ws, row, 0, name, wrap)?;
        fit.wrap(row, 0, name);
        ws.write_number_with_format(
            row,
            1,
            g.on_demand_per_instance_hour(),
            &Styles::value(Unit::UsdPerHour, false),
        )?;
        ws.write_number_with_format(row, 2, g.memory_gb, &Styles::value(Unit::Gigabytes, false))?;
        ws.write_number_with_format(
            row,
            3,
            g.bf16_dense_tflops,
            &Styles::value(Unit::Tflops, false),
        )?;
        ws.write_number_with_format(
            row,
            4,
            f64::from(g.gpus_per_instance),
            &Styles::value(Unit::Count, false),
        )?;
        write_text(ws, row, 5, &g.as_of, &plain)?;
        write_text(ws, row, 6, &g.source, wrap)?;
        fit.wrap(row, 6, &g.source);
        for (c, term) in [
            crate::plan::Commitment::Reserved1y,
            crate::plan::Commitment::Reserved3y,
        ]
        .into_iter()
        .enumerate()
        {
            let col = API_EXTRA_COLUMN + c as u16;
            match g.per_instance_hour(term) {
                Some(x) => {
                    ws.write_number_with_format(
                        row,
                        col,
                        x,
                        &Styles::value(Unit::UsdPerHour, false),
                    )?;
                }
                None => {
                    write_text(ws, row, col, "not sold", &plain)?;
                }
            }
        }
    }
    let named = names_in_use(r);
    let api_names = used.api.iter().map(|(name, _)| name);
    fold_unused(ws, CATALOGUE_API_ROW, api_names, &named)?;
    fold_unused(ws, gpu_row, used.gpus.iter().map(|(name, _)| name), &named)?;
    print_setup(
        ws,
        r,
        Print::Narrow {
            rows: CATALOGUE_API_ROW - 1,
            // The names, main prices and sources; the other prices stay
            // on screen.
            last_col: API_EXTRA_COLUMN - 1,
        },
        &fit,
    )?;
    fit.apply(ws)?;
    Ok(())
}

/// The catalogue entries the plan or one of its options names: an input's
/// or an option's text that is an entry's name.
fn names_in_use(r: &Report) -> Vec<&str> {
    let plan = r.inputs.items.iter().map(|i| &i.value);
    let options = r.options.iter().flat_map(|o| o.inputs.values());
    plan.chain(options)
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// Folds each run of a table's entries that nothing names into a collapsed
/// outline group: the entries the plan reads show and print, the rest are
/// one click away (and the lookups still find them).
fn fold_unused<'a>(
    ws: &mut Cells,
    first_row: u32,
    names: impl Iterator<Item = &'a String>,
    named: &[&str],
) -> Result<(), XlsxError> {
    let mut run: Option<(u32, u32)> = None;
    let mut runs = Vec::new();
    for (k, name) in names.enumerate() {
        let row = first_row + k as u32;
        if named.contains(&name.as_str()) {
            runs.extend(run.take());
        } else {
            run = Some(run.map_or((row, row), |(first, _)| (first, row)));
        }
    }
    runs.extend(run);
    for (first, last) in runs {
        ws.group_rows_collapsed(first, last)?;
    }
    Ok(())
}
