//! Renderers: each lays out one [`Report`](crate::report::Report) in one format.
//! They format and arrange; every figure comes from the report.
//!
//! Shared by the renderers: [`layout`] (where each input and quantity stands
//! in the workbook, which the memo's audit trail cites), [`styles`] (the
//! workbooks' cell formats) and [`guard`] (plan text made safe for a cell).
//! [`portfolio`] renders the run of many plans in the same four formats.

pub mod cells;
pub mod fit;
pub mod guard;
pub mod json;
pub mod layout;
pub mod memo;
pub mod portfolio;
pub mod styles;
pub mod svg;
pub mod xlsx;

use std::fmt;
use std::str::FromStr;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Xlsx,
    Md,
    Html,
    Json,
}

impl Format {
    /// All formats, in the order they are written.
    pub const ALL: [Format; 4] = [Format::Xlsx, Format::Md, Format::Html, Format::Json];

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "md" | "markdown" => Ok(Format::Md),
            "html" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`; choose from: xlsx, md, html, json"
            )),
        }
    }
}
