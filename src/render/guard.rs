//! The one guard for text written to a workbook cell from outside the program
//! (plan titles, labels, sources, messages that quote them): text that Excel
//! would read as a formula when the cell is edited gets the quote prefix, and
//! text longer than a cell holds is cut to Excel's limit. Every workbook
//! writer puts such text through [`write_text`].

use std::borrow::Cow;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// The most characters an Excel cell holds.
pub const MAX_CELL_CHARS: usize = 32_767;

/// True when Excel would read the text as a formula (or a formula's start)
/// once the cell is edited.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text cut to [`MAX_CELL_CHARS`] characters.
pub fn cell_text(text: &str) -> Cow<'_, str> {
    // A character is at least one byte: short text needs no count.
    if text.len() <= MAX_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => Cow::Borrowed(&text[..end]),
        None => Cow::Borrowed(text),
    }
}

/// Where a string cell with a format can be written: a worksheet, or a
/// [`crate::render::cells::Cells`].
pub trait StringCells {
    fn string_cell(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError>;
}

impl StringCells for Worksheet {
    fn string_cell(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.write_string_with_format(row, col, text, format)?;
        Ok(())
    }
}

impl StringCells for crate::render::cells::Cells<'_> {
    fn string_cell(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        self.write_string_with_format(row, col, text, format)?;
        Ok(())
    }
}

/// Writes outside text as a string cell in `format`, cut to a cell's limit,
/// with the quote prefix when it looks like a formula.
pub fn write_text(
    ws: &mut (impl StringCells + ?Sized),
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let text = cell_text(text);
    if looks_like_formula(&text) {
        ws.string_cell(row, col, &text, &format.clone().set_quote_prefix())
    } else {
        ws.string_cell(row, col, &text, format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_recognized() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(risky), "{risky:?}");
        }
        for safe in ["Plan", "1+1", " =1", "", "'=1"] {
            assert!(!looks_like_formula(safe), "{safe:?}");
        }
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit_in_characters() {
        assert_eq!(cell_text("short"), "short");
        let exact = "é".repeat(MAX_CELL_CHARS);
        assert_eq!(cell_text(&exact).chars().count(), MAX_CELL_CHARS);
        let long = format!("{exact}tail");
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with('é'));
    }

    #[test]
    fn a_workbook_takes_text_longer_than_a_cell() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let long = "x".repeat(MAX_CELL_CHARS + 10);
        assert!(ws.write_string(0, 0, &long).is_err());
        write_text(ws, 0, 0, &long, &Format::new()).unwrap();
        write_text(ws, 1, 0, &format!("={long}"), &Format::new()).unwrap();
        assert!(wb.save_to_buffer().is_ok());
    }
}
