//! Benchmark: `finetune-roi run DIR --month 2026-12` over 10, 100 and 1,000
//! synthetic plans, writing all four outputs of each plan and the portfolio,
//! with the previous month's run in the output folder (so every plan is also
//! compared with its last run). The plans are the example plans with their
//! traffic, prices, hours and serving figures scaled by seeded factors.
//!
//! Run with `cargo bench --bench batch`; `BATCH_SIZES=10,100` picks the
//! sizes, `BATCH_RUNS` the runs per size (the median is printed, default 3)
//! and `BATCH_ARGS` adds arguments to `run` (such as `--trials 1000`).
//!
//! Each size is stated in plans per second (wall, all cores), in CPU time per
//! plan (the runs' user and system time), and as a ratio of that CPU time to
//! the workbook writer's floor: the mean time rust_xlsxwriter alone takes to
//! write one example's workbook cells and charts, numbers in one number
//! format (see `benches/floor.rs`), on one core,
//! measured again before and after each timed run (this machine's speed
//! drifts by a third from minute to minute) and taken as the median of
//! those.
//!
//! `BATCH_WRITE_PLANS=DIR` only writes the synthetic plans, into `DIR/N/`,
//! so that two builds can be run over the same plans and their outputs
//! compared.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

/// The tool's own allocator, so that the floor is measured as the tool runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::TimeZone;

/// The fields scaled in the synthetic plans.
const SCALED: &[&str] = &[
    "requests_per_day",
    "input_price_per_1m_tokens",
    "output_price_per_1m_tokens",
    "avg_input_tokens_per_request",
    "avg_output_tokens_per_request",
    "hourly_rate",
    "cost_per_hour",
    "cost_per_review",
    "runs",
];

/// A small seeded generator (SplitMix64), so every run writes the same plans.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A factor from 0.5 to 2.
    fn factor(&mut self) -> f64 {
        0.5 + 1.5 * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The example plan with each plain-number scaled field multiplied by a factor.
fn vary(text: &str, rng: &mut SplitMix) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let scaled = SCALED.iter().find_map(|field| {
            let rest = trimmed.strip_prefix(field)?.strip_prefix(':')?;
            let (value, comment) = match rest.split_once('#') {
                Some((v, c)) => (v, format!(" #{c}")),
                None => (rest, String::new()),
            };
            let x: f64 = value.trim().parse().ok()?;
            let y = x * rng.factor();
            let y = if *field == "runs" || field.starts_with("avg_") || *field == "requests_per_day"
            {
                y.round().max(1.0)
            } else {
                (y * 100.0).round() / 100.0
            };
            Some(format!("{indent}{field}: {y}{comment}"))
        });
        out.push_str(scaled.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Writes `n` plans into `dir`, cycling through the examples.
fn write_plans(examples: &[String], n: usize, dir: &Path, seed: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = SplitMix(seed);
    for i in 0..n {
        let text = vary(&examples[i % examples.len()], &mut rng);
        std::fs::write(dir.join(format!("plan-{i:04}.yaml")), text).unwrap();
    }
}

/// The CPU time (user and system) of the finished child processes so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The floor: the mean milliseconds rust_xlsxwriter alone takes to write one
/// example's workbook cells and charts (median of `runs` per example), one
/// core.
fn floor_ms(examples: &[common::Content], runs: usize) -> f64 {
    let total: f64 = examples
        .iter()
        .map(|content| {
            common::median_ms(runs, || {
                std::hint::black_box(common::write_floor(content));
            })
        })
        .sum();
    total / examples.len() as f64
}

/// The content of each example's workbook, for the floor.
fn example_content(examples: &[PathBuf]) -> Vec<common::Content> {
    let at = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    examples
        .iter()
        .map(|plan| {
            let report = finetune_roi::evaluate_file(plan, at).unwrap();
            let bytes = finetune_roi::render::xlsx::render(&report).unwrap();
            common::content_of(&bytes)
        })
        .collect()
}

fn run(bin: &Path, plans: &Path, out: &Path, month: &str, extra: &[String]) -> Duration {
    let start = Instant::now();
    let output = Command::new(bin)
        .arg("run")
        .arg(plans)
        .args(["--quiet", "--month", month, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("the binary runs");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_finetune-roi"));
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    examples.sort();
    let paths = examples.clone();
    let examples: Vec<String> = examples
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let sizes: Vec<usize> = std::env::var("BATCH_SIZES")
        .unwrap_or_else(|_| "10,100,1000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("BATCH_SIZES: numbers"))
        .collect();
    let runs: usize = std::env::var("BATCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let extra: Vec<String> = std::env::var("BATCH_ARGS")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    if let Some(dir) = std::env::var_os("BATCH_WRITE_PLANS") {
        for n in sizes {
            write_plans(&examples, n, &PathBuf::from(&dir).join(n.to_string()), 11);
        }
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let contents = example_content(&paths);
    println!(
        "batch: run --month over N synthetic plans, 4 outputs each + the portfolio, {cores} cores{}",
        if extra.is_empty() {
            String::new()
        } else {
            format!(", extra arguments: {}", extra.join(" "))
        }
    );
    println!(
        "floor: rust_xlsxwriter alone writing a workbook's cells and charts, mean over the {} examples, one core, measured before and after each run",
        paths.len()
    );
    println!(
        "{:>6} {:>12} {:>12} {:>14} {:>10} {:>14}",
        "plans", "median wall", "plans/s", "CPU a plan", "floor", "CPU ÷ floor"
    );
    for n in sizes {
        let tmp = tempfile::tempdir().unwrap();
        let plans = tmp.path().join("plans");
        write_plans(&examples, n, &plans, 11);
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut floors = Vec::new();
        for r in 0..runs {
            let out = tmp.path().join(format!("out-{r}"));
            // The previous month, with other figures, so every plan is compared.
            let previous = tmp.path().join("previous");
            write_plans(&examples, n, &previous, 7);
            run(&bin, &previous, &out, "2026-11", &extra);
            floors.push(floor_ms(&contents, 5));
            let before = children_cpu();
            times.push(run(&bin, &plans, &out, "2026-12", &extra));
            cpu.push(children_cpu() - before);
            floors.push(floor_ms(&contents, 5));
            // Every plan's four outputs, the portfolio's four and the month's
            // record (`.finetune-roi-month.json`).
            let written = std::fs::read_dir(out.join("2026-12")).unwrap().count();
            assert_eq!(
                written,
                4 * n + 4 + 1,
                "every output, the portfolio and the record"
            );
        }
        times.sort();
        cpu.sort();
        floors.sort_by(f64::total_cmp);
        // Two floors a run: the median of an even count is the mean of the
        // middle two.
        let mid = floors.len() / 2;
        let floor = (floors[mid - 1] + floors[mid]) / 2.0;
        let median = times[times.len() / 2].as_secs_f64();
        let cpu_ms = cpu[cpu.len() / 2].as_secs_f64() * 1000.0 / n as f64;
        println!(
            "{n:>6} {:>10.3} s {:>12.1} {:>11.2} ms {:>7.2} ms {:>13.2}×   (wall {:.3}-{:.3} s, floor {:.2}-{:.2} ms, {runs} runs)",
            median,
            n as f64 / median,
            cpu_ms,
            floor,
            cpu_ms / floor,
            times[0].as_secs_f64(),
            times[times.len() - 1].as_secs_f64(),
            floors[0],
            floors[floors.len() - 1]
        );
    }
}
