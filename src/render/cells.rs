//! A worksheet that finds each cell's style once per run of cells instead of
//! once per cell.
//!
//! rust_xlsxwriter finds a format's style by hashing the whole format (font,
//! border, fill, alignment, number format) for every formatted cell, which
//! costs more than writing the cell. [`Cells`] writes a format's first cell as
//! usual, so styles are registered in the same order, and its other cells
//! without a format; when the sheet is dropped each block of such cells
//! gets its format in one call. The cells, their styles and the file are
//! the same as writing every cell with its format.

use std::ops::{Deref, DerefMut};

use rust_xlsxwriter::{Format, Formula, IntoExcelData, Worksheet, XlsxError};

/// A worksheet being written; the deferred formats are set when it is
/// dropped.
pub struct Cells<'w> {
    ws: &'w mut Worksheet,
    /// The formats written on this sheet, in order of first use.
    formats: Vec<Format>,
    /// The format last found, to look at first.
    last: usize,
    /// Every cell written through the sheet, in order: (row, column, the
    /// format it still needs, if it was written without it).
    written: Vec<(u32, u16, Option<usize>)>,
}

impl<'w> Cells<'w> {
    pub fn new(ws: &'w mut Worksheet) -> Cells<'w> {
        // A formula whose computed result is the empty text keeps it: the
        // writer's own default for an empty result is "0".
        ws.set_formula_result_default("");
        Cells {
            ws,
            formats: Vec::new(),
            last: 0,
            written: Vec::new(),
        }
    }

    /// Notes a cell about to be written in `format`; true when the format
    /// was used before on this sheet, so the cell is written without it.
    fn plain(&mut self, row: u32, col: u16, format: &Format) -> bool {
        let known = if self.formats.get(self.last) == Some(format) {
            Some(self.last)
        } else {
            self.formats.iter().position(|f| f == format)
        };
        match known {
            Some(at) => self.last = at,
            None => {
                self.last = self.formats.len();
                self.formats.push(format.clone());
            }
        }
        self.written.push((row, col, known));
        known.is_some()
    }

    /// Writes a cell of any kind in `format` (see [`Cells::plain`]).
    fn write_in(
        &mut self,
        row: u32,
        col: u16,
        data: impl IntoExcelData,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        if self.plain(row, col, format) {
            self.ws.write(row, col, data)
        } else {
            self.ws.write_with_format(row, col, data, format)
        }
    }

    pub fn write_string_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl Into<String>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_in(row, col, text.into(), format)
    }

    pub fn write_number_with_format(
        &mut self,
        row: u32,
        col: u16,
        number: impl Into<f64>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_in(row, col, number.into(), format)
    }

    pub fn write_boolean_with_format(
        &mut self,
        row: u32,
        col: u16,
        value: bool,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_in(row, col, value, format)
    }

    pub fn write_formula_with_format(
        &mut self,
        row: u32,
        col: u16,
        formula: Formula,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_in(row, col, formula, format)
    }

    /// The last row written (0 when none is).
    pub fn last_row(&self) -> u32 {
        self.written
            .iter()
            .map(|&(row, _, _)| row)
            .max()
            .unwrap_or(0)
    }

    /// Gives each cell written without its format the format: one call per
    /// block of neighbouring cells with the same format (a run in a row, or
    /// runs over the same columns in neighbouring rows). A cell written more
    /// than once keeps its last write's format.
    fn finish(&mut self) -> Result<(), XlsxError> {
        let mut written = std::mem::take(&mut self.written);
        // The last write of each cell (a stable sort keeps the order of writes).
        written.sort_by_key(|&(row, col, _)| (row, col));
        let mut pending: Vec<(usize, u32, u16)> = Vec::with_capacity(written.len());
        for (i, &(row, col, format)) in written.iter().enumerate() {
            let last = written
                .get(i + 1)
                .is_none_or(|&(r, c, _)| (r, c) != (row, col));
            if let (true, Some(f)) = (last, format) {
                pending.push((f, row, col));
            }
        }
        pending.sort_unstable();
        // Runs of neighbouring cells in a row: (format, row, first, last column).
        let mut runs: Vec<(usize, u32, u16, u16)> = Vec::new();
        for (f, row, col) in pending {
            match runs.last_mut() {
                Some((g, r, _, last)) if (*g, *r) == (f, row) && *last + 1 == col => *last = col,
                _ => runs.push((f, row, col, col)),
            }
        }
        // Runs with the same format and columns in neighbouring rows make one
        // block, so a column of cells takes one call.
        runs.sort_unstable_by_key(|&(f, row, first, last)| (f, first, last, row));
        let mut i = 0;
        while i < runs.len() {
            let (f, top, first, last) = runs[i];
            let mut bottom = top;
            while let Some(&(g, r, a, b)) = runs.get(i + 1) {
                if (g, a, b) != (f, first, last) || r != bottom + 1 {
                    break;
                }
                bottom = r;
                i += 1;
            }
            self.ws
                .set_range_format(top, first, bottom, last, &self.formats[f])?;
            i += 1;
        }
        Ok(())
    }
}

impl Drop for Cells<'_> {
    fn drop(&mut self) {
        // Every cell here was written already, so its row and column are in
        // range and setting its format cannot fail.
        let _ = self.finish();
    }
}

impl Deref for Cells<'_> {
    type Target = Worksheet;
    fn deref(&self) -> &Worksheet {
        self.ws
    }
}

impl DerefMut for Cells<'_> {
    fn deref_mut(&mut self) -> &mut Worksheet {
        self.ws
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

    /// The same cells, each written with its format or through [`Cells`]:
    /// formats repeated in rows, columns and blocks, a cell written twice
    /// with different formats, and a format first used on a rewrite.
    fn write(through_cells: bool) -> Vec<u8> {
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format("$#,##0");
        let pct = Format::new()
            .set_num_format("0.0%")
            .set_border(rust_xlsxwriter::FormatBorder::Thin);
        let mut wb = Workbook::new();
        let when = ExcelDateTime::from_ymd(2026, 12, 1).unwrap();
        wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
        let ws = wb.add_worksheet();
        macro_rules! cells {
            ($ws:ident) => {
                for col in 0..5u16 {
                    $ws.write_string_with_format(0, col, format!("h{col}"), &bold)
                        .unwrap();
                }
                for row in 1..8u32 {
                    $ws.write_string_with_format(row, 0, format!("r{row}"), &bold)
                        .unwrap();
                    for col in 1..4u16 {
                        let x = f64::from(row) * f64::from(col);
                        $ws.write_number_with_format(row, col, x, &money).unwrap();
                    }
                    $ws.write_number_with_format(row, 4, 0.1, &pct).unwrap();
                    $ws.write_boolean_with_format(row, 5, row % 2 == 0, &pct)
                        .unwrap();
                }
                let sum = Formula::new("=SUM(B2:B8)").set_result("28");
                $ws.write_formula_with_format(9, 1, sum, &money).unwrap();
                // Rewrites: a known format over another, then a new format.
                $ws.write_number_with_format(3, 2, 7.0, &pct).unwrap();
                $ws.write_number_with_format(4, 2, 8.0, &bold).unwrap();
                let italic = Format::new().set_italic();
                $ws.write_number_with_format(4, 2, 9.0, &italic).unwrap();
                $ws.write_number_with_format(5, 2, 1.0, &italic).unwrap();
            };
        }
        if through_cells {
            let mut cells = Cells::new(ws);
            cells!(cells);
        } else {
            cells!(ws);
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn the_file_is_the_same_as_writing_each_cell_with_its_format() {
        let (plain, cells) = (write(false), write(true));
        assert!(plain == cells, "the workbooks differ");
    }
}
