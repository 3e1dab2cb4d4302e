//! The cell styles of every workbook written: the plan's workbook and the
//! portfolio's share these colours and formats, so the two look alike and a
//! style is changed in one place.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, FormatUnderline};

use crate::format::Unit;

/// Column headings on the plan's sheets.
const NAVY: u32 = 0x1F3864;
/// Group headings, and the portfolio's column headings.
const PALE_BLUE: u32 = 0xD9E1F2;
/// Subtitles and defined names.
const GREY: u32 = 0x595959;
/// An input's figures.
const INPUT_BLUE: u32 = 0x0000FF;
/// An input's ground.
const INPUT_YELLOW: u32 = 0xFFF2CC;
const INPUT_BORDER: u32 = 0xBFBFBF;
/// An input looked up in the price catalogue.
const LOOKED_UP_GREEN: u32 = 0x00704A;
/// A flipped verdict, a failed plan.
const ALERT_RED: u32 = 0xC00000;
const LINK_BLUE: u32 = 0x0563C1;

/// The formats of a workbook, built once per workbook.
pub struct Styles {
    /// A sheet's title.
    pub title: Format,
    pub subtitle: Format,
    /// Column headings of the plan's tables: white on navy, wrapped (the
    /// sheet's [`crate::render::fit::Fit`] sizes them).
    pub header: Format,
    /// Column headings of the portfolio's tables: wrapped, on pale blue.
    pub column_header: Format,
    /// A group's heading row.
    pub group: Format,
    /// Plain text (the guard adds the quote prefix where needed).
    pub text: Format,
    /// A unit beside its value: set off from the right-aligned figure.
    pub unit: Format,
    pub wrap: Format,
    /// Defined names and formula text.
    pub name: Format,
    /// Large bold text: the verdict, the portfolio's title.
    pub heading: Format,
    pub check: Format,
    /// What needs attention: a flipped verdict, a failed plan.
    pub alert: Format,
    pub link: Format,
}

impl Styles {
    pub fn new() -> Styles {
        Styles {
            title: Format::new().set_bold().set_font_size(16),
            subtitle: Format::new().set_italic().set_font_color(Color::RGB(GREY)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(NAVY))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            column_header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(PALE_BLUE)),
            group: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(PALE_BLUE)),
            text: Format::new().set_align(FormatAlign::Top),
            unit: Format::new()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::Top)
                .set_indent(1),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            name: Format::new()
                .set_align(FormatAlign::Top)
                .set_font_name("Consolas")
                .set_font_color(Color::RGB(GREY)),
            heading: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Top),
            check: Format::new()
                .set_bold()
                .set_num_format("0")
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top),
            alert: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(ALERT_RED)),
            link: Format::new()
                .set_font_color(Color::RGB(LINK_BLUE))
                .set_underline(FormatUnderline::Single),
        }
    }

    /// A value cell's format, right-aligned whether it holds a number or a
    /// word ("never"): inputs look like inputs (blue on pale yellow,
    /// unlocked).
    pub fn value(unit: Unit, input: bool) -> Format {
        let f = Format::new()
            .set_num_format(unit.excel_format())
            .set_align(FormatAlign::Right)
            .set_align(FormatAlign::Top);
        if input {
            f.set_font_color(Color::RGB(INPUT_BLUE))
                .set_background_color(Color::RGB(INPUT_YELLOW))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(INPUT_BORDER))
                .set_unlocked()
        } else {
            f
        }
    }

    /// An input looked up in the price catalogue: a formula, in green.
    pub fn looked_up(unit: Unit) -> Format {
        Styles::value(unit, false).set_font_color(Color::RGB(LOOKED_UP_GREEN))
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}
