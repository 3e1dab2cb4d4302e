//! Tests that need an outside engine: LibreOffice recalculates the example
//! workbooks, headless Chromium renders the example memos.
//!
//! This binary has its own harness so that a test whose engine is missing is
//! reported as ignored (skipped), never as passed. Under CI (`CI` set) a
//! missing engine is a failure instead: `.ci/run` installs the engines
//! (LibreOffice Calc, Chromium, poppler-utils).

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};

mod browser;
#[allow(dead_code)]
#[path = "../suite/common.rs"]
mod common;
mod libreoffice;
mod print;

/// An outside program that some tests need.
struct Engine {
    /// The executable's name on the PATH.
    program: &'static str,
    /// The Debian package that provides it.
    package: &'static str,
    /// Where it was found, if anywhere.
    found: Option<PathBuf>,
}

impl Engine {
    /// Looks `program` up on the PATH.
    fn find(program: &'static str, package: &'static str) -> Engine {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|p| p.is_file())
        });
        Engine {
            program,
            package,
            found,
        }
    }

    /// A trial of `test` with this engine: ignored when the engine is missing
    /// outside CI, failed when it is missing under CI.
    fn trial(&self, name: &str, test: fn(&Path)) -> Trial {
        let found = self.found.clone();
        let missing = format!(
            "{} is not installed and CI is set: install Debian's `{}` package (.ci/run does)",
            self.program, self.package
        );
        let skipped = found.is_none() && std::env::var_os("CI").is_none();
        Trial::test(name, move || match found {
            Some(program) => {
                test(&program);
                Ok(())
            }
            None => Err(Failed::from(missing)),
        })
        .with_ignored_flag(skipped)
    }
}

fn main() {
    let args = Arguments::from_args();
    let soffice = Engine::find("soffice", "libreoffice-calc");
    let chromium = Engine::find("chromium", "chromium");
    // The print test needs LibreOffice and poppler's pdftotext: it is gated
    // on pdftotext while that is missing, else on LibreOffice.
    let pdftotext = Engine::find("pdftotext", "poppler-utils");
    let printing = if pdftotext.found.is_some() {
        &soffice
    } else {
        &pdftotext
    };
    let trials = vec![
        soffice.trial(
            "libreoffice::recalculates_every_example_to_its_cached_values",
            libreoffice::libreoffice_recalculates_every_example_to_its_cached_values,
        ),
        soffice.trial(
            "libreoffice::follows_edited_inputs",
            libreoffice::libreoffice_follows_edited_inputs,
        ),
        soffice.trial(
            "libreoffice::flips_the_summary_words",
            libreoffice::libreoffice_flips_the_summary_words,
        ),
        printing.trial(
            "print::every_example_workbook_prints_without_cut_text",
            print::every_example_workbook_prints_without_cut_text,
        ),
        printing.trial(
            "print::customer_support_prints_on_20_pages_with_every_chart_whole",
            print::customer_support_prints_on_20_pages_with_every_chart_whole,
        ),
        chromium.trial(
            "browser::every_example_memo_renders_in_chromium",
            browser::every_example_memo_renders_in_chromium,
        ),
        chromium.trial(
            "browser::what_if_page_matches_the_tool",
            browser::what_if_page_matches_the_tool,
        ),
        chromium.trial(
            "browser::every_example_brief_prints_on_two_a4_pages",
            browser::every_example_brief_prints_on_two_a4_pages,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}
