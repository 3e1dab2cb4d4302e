//! Benchmark: the workbook writer's own floor against the tool.
//!
//! For each example plan, the tool's workbook is read back once (IronCalc's
//! importer and the charts' parts, untimed) into plain content: formulas with
//! their cached results, numbers and strings by sheet, and each chart's type,
//! place and ranges. The floor is writing that again with rust_xlsxwriter
//! alone, numbers and formulas in one number format: no model, no layout, no
//! other styles, no notes. Against it: the tool's workbook alone
//! (`xlsx::render` of an evaluated report), and the whole of one plan (read,
//! evaluate, render all four outputs), each as a ratio to the floor.
//!
//! Run with `cargo bench --bench floor`; `FLOOR_RUNS` sets the repetitions
//! (the median is printed, default 15). One core.

use std::path::PathBuf;

use chrono::TimeZone;

mod common;

/// The tool's own allocator, so that the floor is measured as the tool runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{content_of, median_ms, write_floor};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runs: usize = std::env::var("FLOOR_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
        .max(1);
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    println!(
        "floor: each example's workbook cells and charts written by rust_xlsxwriter alone, against the tool; median of {runs} runs, one core"
    );
    println!(
        "{:<32} {:>6} {:>6} {:>9} {:>10} {:>7} {:>13} {:>7}",
        "plan", "cells", "charts", "floor ms", "workbook", "ratio", "all outputs", "ratio"
    );
    let (mut floor_total, mut workbook_total, mut all_total) = (0.0, 0.0, 0.0);
    for plan in &plans {
        let report = finetune_roi::evaluate_file(plan, at).unwrap();
        let bytes = finetune_roi::render::xlsx::render(&report).unwrap();
        let content = content_of(&bytes);
        let count: usize = content.sheets.iter().map(|(_, c)| c.len()).sum();
        let floor = median_ms(runs, || {
            std::hint::black_box(write_floor(&content));
        });
        let workbook = median_ms(runs, || {
            std::hint::black_box(finetune_roi::render::xlsx::render(&report).unwrap());
        });
        let all = median_ms(runs, || {
            let r = finetune_roi::evaluate_file(plan, at).unwrap();
            for format in finetune_roi::render::Format::ALL {
                std::hint::black_box(finetune_roi::render(&r, format).unwrap());
            }
        });
        floor_total += floor;
        workbook_total += workbook;
        all_total += all;
        println!(
            "{:<32} {:>6} {:>6} {:>9.1} {:>10.1} {:>6.1}× {:>13.1} {:>6.1}×",
            plan.file_name().unwrap().to_string_lossy(),
            count,
            content.charts.len(),
            floor,
            workbook,
            workbook / floor,
            all,
            all / floor
        );
    }
    println!(
        "{:<32} {:>6} {:>6} {:>9.1} {:>10.1} {:>6.1}× {:>13.1} {:>6.1}×",
        "all examples",
        "",
        "",
        floor_total,
        workbook_total,
        workbook_total / floor_total,
        all_total,
        all_total / floor_total
    );
}
