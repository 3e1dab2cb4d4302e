//! `--paper a4|letter`: the workbook's paper size on every sheet and the
//! memo's print stylesheet, A4 unless asked.

use std::io::Read;
use std::process::Command;

use finetune_roi::format::Paper;
use finetune_roi::render::{memo, xlsx};

use super::common::*;

#[test]
fn the_paper_reaches_every_sheet_and_the_memo() {
    for (paper, size, css) in [
        (Paper::A4, "paperSize=\"9\"", "size: A4;"),
        (Paper::Letter, "paperSize=\"1\"", "size: letter;"),
    ] {
        let settings = finetune_roi::Settings {
            paper,
            ..finetune_roi::Settings::at(fixed_time())
        };
        let plan = root().join("inputs/customer-support-50m.yaml");
        let r = finetune_roi::evaluate_file_with(
            &plan,
            &settings,
            finetune_roi::report::History::default(),
        )
        .unwrap();
        let bytes = xlsx::render(&r).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let sheets: Vec<String> = zip
            .file_names()
            .filter_map(Result::ok)
            .filter(|n| n.starts_with("xl/worksheets/sheet"))
            .map(|n| n.to_string())
            .collect();
        assert!(sheets.len() > 10, "{sheets:?}");
        for name in sheets {
            let mut xml = String::new();
            zip.by_name(&name)
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            assert!(xml.contains(size), "{paper:?}: {name} lacks {size}");
        }
        assert!(memo::render_html(&r).contains(css), "{paper:?}: {css}");
    }
}

#[test]
fn run_paper_letter_prints_the_memo_on_letter() {
    let output = Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
        .args([
            "run",
            "inputs/customer-support-50m.yaml",
            "--paper",
            "letter",
            "--format",
            "html",
            "--out",
            "-",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let html = String::from_utf8(output.stdout).unwrap();
    assert!(html.contains("size: letter;"));
    let refused = Command::new(env!("CARGO_BIN_EXE_finetune-roi"))
        .args(["run", "inputs/customer-support-50m.yaml", "--paper", "a3"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}
