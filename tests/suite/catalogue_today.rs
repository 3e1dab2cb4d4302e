//! Today's catalogue: LiteLLM's prices imported with their date and source,
//! deprecated models warned about, stale figures warned about, the capacity
//! check running for every example, and the `prices` commands working from a
//! folder outside the repository.

use std::path::Path;
use std::process::{Command, Output};

use finetune_roi::catalog::Catalog;

use super::common::*;

fn bin(cwd: &Path, home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_finetune-roi"));
    c.current_dir(cwd)
        .env_remove("FINETUNE_ROI_CATALOG")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"));
    c
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn fixture() -> std::path::PathBuf {
    root().join("tests/fixtures/litellm/litellm-2026-07-24-subset.json")
}

fn warning_ids(r: &finetune_roi::report::Report) -> Vec<String> {
    r.warnings.iter().map(|w| w.id.clone()).collect()
}

#[test]
fn an_import_of_litellms_map_prices_gpt_4o_at_today_s_price_with_its_source_and_date() {
    // A catalogue priced in 2024 (gpt-4o at $5/$15), refreshed from a copy of
    // LiteLLM's map as of 2026-07-24, from a folder outside the repository.
    let tmp = tempfile::tempdir().unwrap();
    let catalog = tmp.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/litellm/api-prices.yaml"),
        catalog.join("api-prices.yaml"),
    )
    .unwrap();
    let out = bin(tmp.path(), tmp.path())
        .args(["prices", "import", "litellm"])
        .arg(fixture())
        .args(["--as-of", "2026-07-24", "--add", "all", "--catalog"])
        .arg(&catalog)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("updated gpt-4o: input $5.00 → $2.50, output $15.00 → $10.00"),
        "{stdout}"
    );
    let c = Catalog::load(&catalog).unwrap_or_else(|e| panic!("{e}"));
    let m = c.api("gpt-4o").unwrap();
    assert_eq!((m.input_per_1m_tokens, m.output_per_1m_tokens), (2.5, 10.0));
    assert_eq!(m.as_of, "2026-07-24", "the date of the prices, not today");
    assert_eq!(m.source, "LiteLLM price map, 2026-07-24 (key `gpt-4o`)");
    // A model whose price the map confirms now cites it too.
    assert_eq!(c.api("gpt-4").unwrap().as_of, "2026-07-24");
    // LiteLLM's retirement date is carried over.
    assert_eq!(
        c.api("claude-3-opus-20240229")
            .unwrap()
            .deprecated
            .as_deref(),
        Some("2026-05-01")
    );
    assert!(stdout.contains("deprecated 2026-05-01"), "{stdout}");

    // The shipped catalogue holds the same.
    let shipped = Catalog::builtin();
    let m = shipped.api("gpt-4o").unwrap();
    assert_eq!((m.input_per_1m_tokens, m.output_per_1m_tokens), (2.5, 10.0));
    assert_eq!(m.as_of, "2026-12-06");
    assert_eq!(
        m.source,
        "LiteLLM price map (package 1.110.2), taken 2026-12-06 (key `gpt-4o`)"
    );
    assert_eq!(
        shipped.api("claude-3-opus").unwrap().deprecated.as_deref(),
        Some("2026-05-01")
    );
}

#[test]
fn an_import_without_the_date_of_the_prices_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin(tmp.path(), tmp.path())
        .args(["prices", "import", "litellm"])
        .arg(fixture())
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--as-of"), "{stderr}");
    assert!(!tmp.path().join("config").exists());
}

#[test]
fn the_prices_commands_work_from_a_folder_outside_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&cwd).unwrap();
    let run = |args: &[&str]| bin(&cwd, tmp.path()).args(args).output().unwrap();

    let out = run(&["prices", "list", "--kind", "gpu"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("per GPU-hour"), "{stdout}");
    assert!(stdout.contains("h100-aws-8x"), "{stdout}");
    assert!(!stdout.contains("gpt-4o"), "only GPUs: {stdout}");

    let out = run(&["prices", "list"]);
    let (stdout, _) = text(&out);
    for heading in [
        "API models",
        "GPU instances",
        "Serving",
        "Training",
        "Managed",
    ] {
        assert!(stdout.contains(heading), "{heading}: {stdout}");
    }

    let out = run(&["prices", "show", "gpt-4o"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("input_per_1m_tokens: 2.5"), "{stdout}");
    assert!(
        stdout.contains("LiteLLM price map (package 1.110.2), taken 2026-12-06"),
        "{stdout}"
    );

    let out = run(&["prices", "show", "h100"]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("gpus_per_instance: 1"), "{stdout}");
    assert!(stdout.contains("serving_benchmarks"), "{stdout}");

    let out = run(&["prices", "show", "gpt4o"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean `gpt-4o`"), "{stderr}");

    // Export the built-in catalogue, and refuse to write over it.
    let out = run(&["prices", "export", "mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    for (name, body) in Catalog::BUILTIN_FILES {
        assert_eq!(
            std::fs::read_to_string(cwd.join("mine").join(name)).unwrap(),
            body
        );
    }
    let out = run(&["prices", "export", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("already exists"));

    // Import without --catalog: into the config folder, seeded from the
    // built-in catalogue, and `check` then reads it without being told.
    let fixture = fixture();
    let out = bin(&cwd, tmp.path())
        .args(["prices", "import", "litellm"])
        .arg(&fixture)
        .args(["--as-of", "2026-07-24"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let config = tmp.path().join("config/finetune-roi/catalog");
    assert!(config.join("api-prices.yaml").is_file(), "{stdout}");
    assert!(config.join("gpus.yaml").is_file());
    // An edit of the user's catalogue reaches `check`, `run` and `prices`.
    let gpus = std::fs::read_to_string(config.join("gpus.yaml")).unwrap();
    std::fs::write(
        config.join("gpus.yaml"),
        gpus.replace(
            "on_demand_per_gpu_hour: 1.006",
            "on_demand_per_gpu_hour: 0.5",
        ),
    )
    .unwrap();
    let out = run(&["prices", "show", "a10g"]);
    assert!(text(&out).0.contains("on_demand_per_gpu_hour: 0.5"));
    // FINETUNE_ROI_CATALOG comes before the config folder, --catalog first.
    let out = bin(&cwd, tmp.path())
        .env("FINETUNE_ROI_CATALOG", cwd.join("mine"))
        .args(["prices", "show", "a10g"])
        .output()
        .unwrap();
    assert!(text(&out).0.contains("on_demand_per_gpu_hour: 1.006"));
    let out = bin(&cwd, tmp.path())
        .env("FINETUNE_ROI_CATALOG", cwd.join("nowhere"))
        .args(["prices", "show", "a10g", "--catalog"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(text(&out).0.contains("on_demand_per_gpu_hour: 0.5"));
    let plan = cwd.join("plan.yaml");
    std::fs::write(&plan, root_example("seven-or-seventy.yaml")).unwrap();
    let out = run(&["check", "plan.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    // --catalog names another catalogue, for `check` as for `run`.
    let out = run(&["check", "plan.yaml", "--catalog", "mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = run(&["check", "plan.yaml", "--catalog", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("nowhere"), "{}", text(&out).1);
}

fn root_example(name: &str) -> String {
    std::fs::read_to_string(root().join("inputs").join(name)).unwrap()
}

/// A plan taking its API prices from the catalogue.
fn plan_naming(api: &str, extra: &str) -> String {
    let text = worked_example_text();
    let text = replace_once(&text, "  input_price_per_1m_tokens: 5.00\n", "");
    let text = replace_once(&text, "  output_price_per_1m_tokens: 15.00\n", "");
    let text = replace_once(&text, "api: gpt-4o", &format!("api: {api}"));
    format!("{text}{extra}")
}

#[test]
fn a_stale_catalogue_figure_warns_and_a_current_one_does_not() {
    // gpt-4o is priced as of 2026-07-24: four months before the plan.
    let current = report_of_text(&plan_naming("gpt-4o", ""));
    assert!(
        !warning_ids(&current).contains(&"stale_catalogue".to_string()),
        "{:?}",
        current.warnings
    );
    // claude-3-5-sonnet keeps the lesson's 2024 price: LiteLLM no longer lists it.
    let stale = report_of_text(&plan_naming("claude-3-5-sonnet", ""));
    let w = stale
        .warnings
        .iter()
        .find(|w| w.id == "stale_catalogue")
        .unwrap_or_else(|| panic!("{:?}", stale.warnings));
    assert!(w.message.contains("2024-07-01"), "{}", w.message);
    assert!(w.message.contains("28 months"), "{}", w.message);
    // A plan may accept older figures.
    let accepted = report_of_text(&plan_naming(
        "claude-3-5-sonnet",
        "catalogue_max_age_months: 36\n",
    ));
    assert!(!warning_ids(&accepted).contains(&"stale_catalogue".to_string()));
    // A price written in the plan is not the catalogue's: nothing to warn.
    let written = report_of_text(&replace_once(
        &worked_example_text(),
        "api: gpt-4o",
        "api: claude-3-5-sonnet",
    ));
    assert!(!warning_ids(&written).contains(&"stale_catalogue".to_string()));
}

#[test]
fn a_plan_naming_a_deprecated_model_is_warned() {
    let r = report_of_text(&plan_naming("claude-3-opus", ""));
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "api_deprecated")
        .unwrap_or_else(|| panic!("{:?}", r.warnings));
    assert!(w.message.contains("2026-05-01"), "{}", w.message);
    let r = report_of_text(&plan_naming("gpt-6-sol", ""));
    assert!(!warning_ids(&r).contains(&"api_deprecated".to_string()));
}

#[test]
fn the_capacity_is_checked_for_every_example() {
    for plan in example_plans() {
        let r = report_of(&plan);
        assert!(
            !warning_ids(&r).contains(&"capacity_not_checked".to_string()),
            "{}: {:?}",
            plan.display(),
            r.warnings
        );
    }
}

#[test]
fn a_plan_without_a_throughput_the_catalogue_lacks_says_its_capacity_was_not_checked() {
    // An 8B on an L4: the catalogue measures a 7B there, not an 8B.
    let text = replace_once(
        &worked_example_text(),
        "  throughput_tokens_per_second: 5000\n",
        "",
    );
    let text = replace_once(
        &text,
        "  instance: a10g\n  instances: 2",
        "  instance: l4\n  instances: 2",
    );
    let text = replace_once(&text, "model_size_b: 7", "model_size_b: 8");
    let r = report_of_text(&text);
    let w = r
        .warnings
        .iter()
        .find(|w| w.id == "capacity_not_checked")
        .unwrap_or_else(|| panic!("{:?}", r.warnings));
    assert!(w.message.contains("not checked"), "{}", w.message);
    assert!(
        w.message.contains("Add the serving throughput"),
        "{}",
        w.message
    );
    assert_eq!(w.plan_fields, ["serving.throughput_tokens_per_second"]);
    // The same model size the catalogue measures on that GPU is checked.
    let seven = replace_once(&text, "model_size_b: 8", "model_size_b: 7");
    let seven = replace_once(
        &seven,
        "  instance: l4\n",
        "  instance: l4\n  precision: int4\n",
    );
    let r = report_of_text(&seven);
    assert!(!warning_ids(&r).contains(&"capacity_not_checked".to_string()));
}

#[test]
fn the_efficiency_warning_stays_quiet_when_the_plan_gives_its_cost_per_run() {
    let mut checked = 0;
    for plan in example_plans() {
        let text = std::fs::read_to_string(&plan).unwrap();
        let r = report_of(&plan);
        let given = text.contains("cost_per_run:");
        if given {
            checked += 1;
            assert!(
                !warning_ids(&r).contains(&"implausible_gpu_efficiency".to_string()),
                "{}: {:?}",
                plan.display(),
                r.warnings
            );
        }
    }
    // The check is not empty: some examples give their cost per run.
    assert!(checked > 0, "no example gives cost_per_run");
}

#[test]
fn an_unknown_api_name_is_the_one_problem_reported() {
    let text = plan_naming("gpt-4oo", "");
    let err = match finetune_roi::evaluate_text(&text, "test.yaml", fixed_time()) {
        Ok(_) => panic!("an unknown model is refused"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("unknown API model `gpt-4oo`"), "{err}");
    assert!(err.contains("did you mean `gpt-4o`"), "{err}");
    assert!(!err.contains("missing; it is required"), "{err}");
}

#[test]
fn every_gpu_and_throughput_figure_has_a_source_a_reader_can_follow() {
    let c = Catalog::builtin();
    for (name, g) in c.gpus() {
        assert!(g.source.contains("https://"), "{name}: {}", g.source);
        assert!(
            g.spec_source.contains("datasheet"),
            "{name}: {}",
            g.spec_source
        );
    }
    // Measured rows cite a page by title and address, or the lesson itself.
    let followable = |s: &str| s.contains("https://") || s.starts_with("the lesson");
    for b in c.serving_benchmarks() {
        assert!(
            followable(&b.source),
            "{}B on {}: {}",
            b.model_size_b,
            b.instance,
            b.source
        );
        assert!(!b.precision.is_empty());
    }
    for b in c.training_benchmarks() {
        assert!(
            followable(&b.source),
            "{}B on {}: {}",
            b.model_size_b,
            b.instance,
            b.source
        );
    }
    // The common pairs are measured: 7-8B, 13-14B and 70B on the common GPUs.
    for (size, instance, precision) in [
        (7.0, "a10g", "bf16"),
        (7.0, "l4", "bf16"),
        (7.0, "l4", "int4"),
        (7.0, "a100_80g", "bf16"),
        (8.0, "h100", "bf16"),
        (13.0, "a100_40g", "bf16"),
        (14.0, "a100_80g", "bf16"),
        (70.0, "a100_80g", "bf16"),
        (70.0, "h100", "int8"),
        // Another offer of the same GPU reads the same rows.
        (8.0, "h100-lambda", "bf16"),
    ] {
        c.serving_throughput(size, instance, precision)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn prices_list_fits_a_120_column_terminal_and_wide_shows_whole_sources() {
    use finetune_roi::plan::Commitment;
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = bin(tmp.path(), tmp.path()).args(args).output().unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        stdout
    };
    let mut every = run(&["prices", "list"]);
    for kind in ["api", "gpu", "serving", "training", "managed"] {
        every.push_str(&run(&["prices", "list", "--kind", kind]));
    }
    for line in every.lines() {
        assert!(
            line.chars().count() <= 120,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    // The GPU list: the B200, an L40S beyond Modal, and the committed
    // prices the catalogue gives (per GPU-hour, in cents).
    let gpus = run(&["prices", "list", "--kind", "gpu"]);
    let row = |name: &str| -> Vec<String> {
        gpus.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{gpus}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    assert!(row("b200-runpod").len() > 5);
    assert!(row("l40s-runpod").len() > 5);
    let l40s = Catalog::builtin().gpu("l40s").unwrap();
    let shown = |t| format!("${:.2}", l40s.per_gpu_hour(t).unwrap());
    assert_eq!(
        row("l40s")[4..6],
        [shown(Commitment::Reserved1y), shown(Commitment::Reserved3y)]
    );
    assert_eq!(row("h100-runpod")[4..6], ["-", "-"]);
    // Cut sources end in an ellipsis; --wide prints them whole.
    assert!(!gpus.contains("https://"), "{gpus}");
    let wide = run(&["prices", "list", "--kind", "gpu", "--wide"]);
    assert!(wide.contains(&l40s.source), "{wide}");
    assert!(wide.contains(&l40s.committed.as_ref().unwrap().source));
    assert!(wide.lines().any(|l| l.chars().count() > 120));
    // prices show states the committed prices and the billing increment.
    let show = run(&["prices", "show", "l40s"]);
    assert!(show.contains("# billed per second"), "{show}");
    assert!(show.contains("serving.commitment: reserved_3y"), "{show}");
}
