//! Column widths and row heights that fit the text: a sheet notes its
//! widths, its headers and its wrapped cells as it writes them, and at the
//! end every header's column is widened so that its longest word fits and
//! every row is made tall enough for the lines its wrapped text needs.
//! One rule for every workbook written, so that no printed header is cut
//! and no wrapped text runs over the next row.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Characters that a unit of column width holds in print: LibreOffice
/// prints about 1.2 characters of 11-point prose per unit.
pub const CHARS_PER_WIDTH: f64 = 1.2;
/// The height of a printed line of 11-point text, in points.
pub const LINE_HEIGHT: f64 = 15.0;
/// The width of a column nobody set.
pub const DEFAULT_WIDTH: f64 = 8.43;
/// Bold text's width against regular text's.
pub const BOLD_SCALE: f64 = 1.1;
/// The points a unit of column width prints as, at 100%, in LibreOffice
/// (measured on its print of these workbooks).
pub const POINTS_PER_WIDTH: f64 = 7.0;
/// What a column's width in the file holds beyond the width set (Excel's
/// cell padding).
const FILE_WIDTH_PADDING: f64 = 0.71;
/// Room left in a column beside its text, in width units.
const PADDING: f64 = 1.0;

/// The characters a line of a column `width` wide holds.
fn capacity(width: f64) -> usize {
    ((width - PADDING).max(1.0) * CHARS_PER_WIDTH)
        .floor()
        .max(1.0) as usize
}

/// The lines a wrapped text needs in a column `width` wide: each paragraph's
/// words laid greedily, a word longer than a line taking as many as it needs.
pub fn wrapped_lines(text: &str, width: f64) -> u32 {
    let cap = capacity(width);
    // In ASCII text a word's characters are its bytes.
    let ascii = text.is_ascii();
    let mut lines = 0;
    for paragraph in text.split('\n') {
        let mut line = 0usize;
        let mut count = 1u32;
        for word in paragraph.split_whitespace() {
            let n = if ascii {
                word.len()
            } else {
                word.chars().count()
            };
            let needed = if line == 0 { n } else { line + 1 + n };
            if needed <= cap {
                line = needed;
            } else if line == 0 {
                // A word longer than a line breaks inside it.
                count += (n.saturating_sub(1) / cap) as u32;
                line = n % cap;
            } else {
                count += 1 + (n.saturating_sub(1) / cap) as u32;
                line = if n > cap { n % cap } else { n };
            }
        }
        lines += count;
    }
    lines.max(1)
}

/// The height of a row whose wrapped text fills a column `width` wide.
pub fn wrapped_height(text: &str, width: f64) -> f64 {
    LINE_HEIGHT * f64::from(wrapped_lines(text, width))
}

/// The width a column needs for `text` on one line.
pub fn one_line_width(text: &str) -> f64 {
    (text.chars().count() as f64 / CHARS_PER_WIDTH).ceil() + PADDING
}

/// The width a column needs for the longest word of `text`.
fn longest_word_width(text: &str) -> f64 {
    text.split_whitespace()
        .map(one_line_width)
        .fold(0.0, f64::max)
}

/// What a sheet's text needs, noted as the sheet is written and applied at
/// its end.
#[derive(Debug, Default)]
pub struct Fit {
    widths: BTreeMap<u16, f64>,
    /// Wrapped cells: row, first and last column, text, the font's size
    /// against 11 points.
    wrapped: Vec<(u32, u16, u16, String, f64)>,
    /// Headers on one line: column, text.
    single: Vec<(u16, String)>,
    /// The least height of a row (a large font's).
    least: BTreeMap<u32, f64>,
}

impl Fit {
    pub fn new() -> Fit {
        Fit::default()
    }

    /// Sets a column's width (widened later if a header needs more).
    pub fn width(&mut self, col: u16, width: f64) {
        self.widths.insert(col, width);
    }

    /// Widens a column to at least `width`.
    pub fn at_least_width(&mut self, col: u16, width: f64) {
        if width > self.width_of(col) {
            self.widths.insert(col, width);
        }
    }

    /// A column's width as it stands.
    pub fn width_of(&self, col: u16) -> f64 {
        self.widths.get(&col).copied().unwrap_or(DEFAULT_WIDTH)
    }

    /// A wrapped cell: its row is made tall enough for its lines.
    pub fn wrap(&mut self, row: u32, col: u16, text: &str) {
        self.wrapped.push((row, col, col, text.to_string(), 1.0));
    }

    /// A wrapped cell merged across `first..=last`.
    pub fn wrap_merged(&mut self, row: u32, first: u16, last: u16, text: &str) {
        self.wrapped.push((row, first, last, text.to_string(), 1.0));
    }

    /// A wrapped cell in a larger font: `scale` times 11-point text's width
    /// and height.
    pub fn wrap_large(&mut self, row: u32, first: u16, last: u16, text: &str, scale: f64) {
        self.wrapped
            .push((row, first, last, text.to_string(), scale.max(1.0)));
    }

    /// A wrapped header: its column is widened so its longest word fits,
    /// its row made tall enough for its lines.
    pub fn header(&mut self, row: u32, col: u16, text: &str) {
        let need = (longest_word_width(text) - PADDING) * BOLD_SCALE + PADDING;
        if need > self.width_of(col) {
            self.widths.insert(col, need.ceil());
        }
        self.wrap_large(row, col, col, text, BOLD_SCALE);
    }

    /// A header that stays on one line: its column is widened to hold it.
    pub fn single(&mut self, col: u16, text: &str) {
        self.single.push((col, text.to_string()));
    }

    /// A row at least `height` points tall.
    pub fn at_least(&mut self, row: u32, height: f64) {
        let h = self.least.entry(row).or_insert(0.0);
        *h = h.max(height);
    }

    /// Sets every column's width and every noted row's height.
    pub fn apply(mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, text) in &self.single {
            let need = one_line_width(text);
            if need > self.width_of(*col) {
                self.widths.insert(*col, need);
            }
        }
        for (col, width) in &self.widths {
            ws.set_column_width(*col, *width)?;
        }
        for (row, height) in self.heights() {
            if height > LINE_HEIGHT {
                ws.set_row_height(row, height)?;
            }
        }
        Ok(())
    }

    /// The height of every row the sheet's text makes taller than a line.
    fn heights(&self) -> BTreeMap<u32, f64> {
        let mut heights = self.least.clone();
        for (row, first, last, text, scale) in &self.wrapped {
            let width: f64 = (*first..=*last).map(|c| self.width_of(c)).sum();
            let h = heights.entry(*row).or_insert(0.0);
            *h = h.max(wrapped_height(text, width / scale) * scale);
        }
        heights
    }

    /// The printed height of rows `first..=last` in points, at 100%.
    pub fn rows_points(&self, first: u32, last: u32) -> f64 {
        let heights = self.heights();
        (first..=last)
            .map(|row| {
                heights
                    .get(&row)
                    .copied()
                    .unwrap_or(LINE_HEIGHT)
                    .max(LINE_HEIGHT)
            })
            .sum()
    }

    /// The printed width of columns `first..=last` in inches, at 100%, as
    /// Excel prints them: 7 pixels a unit of width and 5 more a column, at
    /// 96 pixels an inch (narrower than LibreOffice: what a chart laid over
    /// these columns may take).
    pub fn columns_inches_least(&self, first: u16, last: u16) -> f64 {
        (first..=last)
            .map(|col| (7.0 * self.width_of(col) + 5.0).floor() / 96.0)
            .sum()
    }

    /// The printed width of columns `first..=last` in inches, at 100%, as
    /// LibreOffice prints them (wider than Excel, so a page that holds them
    /// there holds them in Excel too). A header's width counts once noted.
    pub fn columns_inches(&self, first: u16, last: u16) -> f64 {
        (first..=last)
            .map(|col| {
                let mut width = self.width_of(col);
                for (c, text) in &self.single {
                    if *c == col {
                        width = width.max(one_line_width(text));
                    }
                }
                (width + FILE_WIDTH_PADDING) * POINTS_PER_WIDTH / 72.0
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_laid_greedily() {
        // 10 units of width hold 10 characters a line.
        assert_eq!(capacity(10.0), 10);
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("short", 10.0), 1);
        assert_eq!(wrapped_lines("one two three", 10.0), 2);
        assert_eq!(wrapped_lines("abcdefghij klm", 10.0), 2);
        assert_eq!(wrapped_lines("a\nb", 10.0), 2);
        // A word of 25 characters takes three lines.
        assert_eq!(wrapped_lines(&"x".repeat(25), 10.0), 3);
        assert_eq!(wrapped_height("one two three", 10.0), 30.0);
        // Characters, not bytes: nine characters in 17 bytes fit one line.
        assert_eq!(wrapped_lines("éééé éééé", 10.0), 1);
        assert_eq!(wrapped_lines("éééé éééé é", 10.0), 2);
    }

    #[test]
    fn a_header_widens_its_column_to_its_longest_word() {
        let mut fit = Fit::new();
        fit.width(2, 5.0);
        fit.header(3, 2, "Monthly fine-tuned total");
        assert!(fit.width_of(2) * CHARS_PER_WIDTH >= "fine-tuned".len() as f64);
    }
}
