//! The price catalogue: the shipped files load and hold the seed's figures,
//! unknown names suggest the nearest, and the LiteLLM import changes only
//! what changed.

use std::path::PathBuf;

use chrono::NaiveDate;
use finetune_roi::catalog::{
    import_litellm, render_api_prices, AddPolicy, ApiPriceFile, Catalog, CatalogError, Change,
    Dated, ImportOptions, Section,
};
use finetune_roi::plan::Method;

use super::common::root;

fn shipped() -> Catalog {
    Catalog::load(&root().join("inputs/catalog")).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/litellm").join(name)
}

fn litellm_json() -> String {
    std::fs::read_to_string(fixture("model_prices_and_context_window.json")).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn import_fixture(options: &ImportOptions) -> (ApiPriceFile, finetune_roi::catalog::LitellmImport) {
    let file = ApiPriceFile::read(&fixture("api-prices.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let import = import_litellm(
        &file,
        &litellm_json(),
        "tests/fixtures/litellm/model_prices_and_context_window.json",
        today(),
        options,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (file, import)
}

/// The lines of one `api` entry: its key line and the more indented lines
/// under it.
fn entry_block(text: &str, name: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let quoted = format!("\"{name}\"");
    let start = lines
        .iter()
        .position(|l| {
            l.strip_prefix("  ").is_some_and(|l| {
                [name, quoted.as_str()].iter().any(|key| {
                    l.strip_prefix(key)
                        .is_some_and(|rest| rest.starts_with(':'))
                })
            })
        })
        .unwrap_or_else(|| panic!("no entry `{name}`"));
    let mut block = vec![lines[start]];
    block.extend(
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("    "))
            .copied(),
    );
    block.join("\n")
}

#[test]
fn the_shipped_catalogue_loads_with_every_required_entry_dated_and_sourced() {
    let c = shipped();
    assert_eq!(c.files().len(), 4, "{:?}", c.files());
    for name in [
        "gpt-4o",
        "gpt-3.5-turbo",
        "claude-3-5-sonnet",
        "claude-3-haiku",
        "gpt-4",
    ] {
        c.api(name).unwrap_or_else(|e| panic!("{e}"));
    }
    for name in ["a10g", "l4", "a100_40g", "a100_80g", "h100"] {
        c.gpu(name).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut entries: Vec<&dyn Dated> = Vec::new();
    entries.extend(c.api_models().values().map(|e| e as &dyn Dated));
    entries.extend(c.gpus().values().map(|e| e as &dyn Dated));
    entries.extend(c.training_benchmarks().iter().map(|e| e as &dyn Dated));
    entries.extend(c.serving_benchmarks().iter().map(|e| e as &dyn Dated));
    entries.extend(c.managed_offers().values().map(|e| e as &dyn Dated));
    assert!(entries.len() >= 30, "{} entries", entries.len());
    for e in entries {
        let date = e.as_of_date().expect("a loaded catalogue has real dates");
        assert!(date.format("%Y").to_string().as_str() >= "2024");
        assert!(e.source().len() > 10, "source `{}`", e.source());
    }
}

#[test]
fn the_seed_lessons_figures_are_in_the_catalogue() {
    let c = shipped();
    // API prices: the seed's reference list, where LiteLLM's map of
    // 2026-07-24 still prices the model the same; gpt-4o is no longer $5/$15
    // (the examples that illustrate the lesson write that price themselves).
    for (name, input, output, from_litellm) in [
        ("gpt-4o", 2.50, 10.00, true),
        ("gpt-3.5-turbo", 0.50, 1.50, true),
        ("claude-3-5-sonnet", 3.00, 15.00, false),
        ("claude-3-haiku", 0.25, 1.25, true),
    ] {
        let m = c.api(name).unwrap();
        assert_eq!(
            (m.input_per_1m_tokens, m.output_per_1m_tokens),
            (input, output),
            "{name}"
        );
        let source = if from_litellm {
            "LiteLLM price map"
        } else {
            "the lesson"
        };
        assert!(m.source.contains(source), "{name}: {}", m.source);
    }
    // GPU prices are 2026's now; the training table keeps the lesson's
    // per-GPU rates (below).
    // The seed's training benchmark table, row by row.
    let table = [
        (7.0, Method::Lora, "a100_80g", 4000.0, 1, 3.10),
        (7.0, Method::Qlora, "a100_80g", 3200.0, 1, 3.10),
        (7.0, Method::Full, "a100_80g", 1800.0, 4, 12.40),
        (7.0, Method::Lora, "a10g", 1800.0, 1, 1.03),
        (7.0, Method::Qlora, "a10g", 1400.0, 1, 1.03),
        (13.0, Method::Lora, "a100_80g", 2500.0, 1, 3.10),
        (13.0, Method::Qlora, "a100_80g", 2000.0, 1, 3.10),
        (13.0, Method::Full, "a100_80g", 900.0, 8, 24.80),
        (70.0, Method::Lora, "a100_80g", 800.0, 4, 12.40),
        (70.0, Method::Qlora, "a100_80g", 600.0, 2, 6.20),
        (70.0, Method::Full, "a100_80g", 220.0, 16, 49.60),
    ];
    assert_eq!(c.training_benchmarks().len(), table.len());
    for (size, method, instance, tps, gpus, cost) in table {
        let b = c.training_benchmark(size, method, instance).unwrap();
        assert_eq!(
            (b.tokens_per_second, b.num_gpus, b.cost_per_hour),
            (tps, gpus, cost),
            "{size}B {} on {instance}",
            method.name()
        );
    }
    // The seed's serving throughputs.
    let s = c.serving_throughput(7.0, "a10g", "fp16").unwrap();
    assert_eq!(
        (s.tokens_per_second, s.num_gpus, s.batch_size),
        (5000.0, 1, Some(32))
    );
    assert_eq!(s.engine.as_deref(), Some("vLLM"));
    assert_eq!(
        c.serving_throughput(13.0, "a100_40g", "bf16")
            .unwrap()
            .tokens_per_second,
        3000.0
    );
    let s = c.serving_throughput(70.0, "a100_80g", "bf16").unwrap();
    assert_eq!((s.tokens_per_second, s.num_gpus), (800.0, 2));
    // Managed fine-tuning: OpenAI $8 per 1M training tokens, Together $1-3.
    let openai = c.managed("openai-gpt-3.5-turbo").unwrap();
    assert_eq!(openai.training_per_1m_tokens, 8.00);
    assert_eq!(openai.base_api.as_deref(), Some("gpt-3.5-turbo"));
    for name in ["together-8b", "together-70b"] {
        let t = c.managed(name).unwrap();
        assert_eq!(t.training_per_1m_tokens_range, Some([1.00, 3.00]), "{name}");
    }
}

#[test]
fn the_seeds_serving_costs_follow_from_its_prices_and_today_s_from_the_catalogue() {
    let c = shipped();
    // The lesson: $742 a month around the clock (30 days) at $1.03 an hour,
    // and $0.057 per 1M tokens at full utilization for a 7B at 5,000 tokens
    // a second (the catalogue's row for a 7B on an A10G).
    let lesson_a10g = 1.03;
    assert_eq!((lesson_a10g * 24.0 * 30.0_f64).round(), 742.0);
    let tokens_per_hour_m = c
        .serving_throughput(7.0, "a10g", "fp16")
        .unwrap()
        .tokens_per_second
        * 3600.0
        / 1e6;
    assert_eq!(
        ((lesson_a10g / tokens_per_hour_m) * 1000.0).round() / 1000.0,
        0.057
    );
    // Today: AWS's g5.xlarge at $1.006, $724 a month.
    let a10g = c.gpu("a10g").unwrap();
    assert_eq!((a10g.on_demand_per_instance_hour() * 720.0).round(), 724.0);
}

#[test]
fn training_rows_cost_their_gpus_at_the_lessons_rate_per_gpu() {
    // The training table is the lesson's, priced at its 2024 rates ($3.10 an
    // A100 80GB, $1.03 an A10G), not at today's catalogue prices: each row
    // costs its GPUs at one rate per instance type.
    let c = shipped();
    for b in c.training_benchmarks() {
        let rate = match b.instance.as_str() {
            "a100_80g" => 3.10,
            "a10g" => 1.03,
            other => panic!("a training row on {other}"),
        };
        let expected = rate * f64::from(b.num_gpus);
        assert!(
            (b.cost_per_hour - expected).abs() < 1e-9,
            "{}B {} on {}: {} per hour, but {} GPUs × {rate}",
            b.model_size_b,
            b.method.name(),
            b.instance,
            b.cost_per_hour,
            b.num_gpus,
        );
    }
}

#[test]
fn gpu_figures_are_the_datasheets() {
    let c = shipped();
    for (name, memory, bandwidth, tflops) in [
        ("a10g", 24.0, 600.0, 70.0),
        ("l4", 24.0, 300.0, 121.0),
        ("a100_40g", 40.0, 1555.0, 312.0),
        ("a100_80g", 80.0, 2039.0, 312.0),
        ("h100", 80.0, 3350.0, 989.0),
    ] {
        let g = c.gpu(name).unwrap();
        assert_eq!(
            (
                g.memory_gb,
                g.memory_bandwidth_gb_per_s,
                g.bf16_dense_tflops
            ),
            (memory, bandwidth, tflops),
            "{name}"
        );
        assert!(
            g.spec_source.contains("datasheet"),
            "{name}: {}",
            g.spec_source
        );
        assert!((0.0..=1.0).contains(&g.spot_price_factor));
    }
    // The plain name is one GPU; the whole node is named for it.
    let h100 = c.gpu("h100").unwrap();
    assert_eq!(h100.gpus_per_instance, 1);
    assert!((h100.on_demand_per_instance_hour() - 6.88).abs() < 1e-9);
    let node = c.gpu("h100-aws-8x").unwrap();
    assert_eq!(node.gpus_per_instance, 8);
    assert!((node.on_demand_per_instance_hour() - 55.04).abs() < 1e-9);
    assert!((node.memory_gb_per_instance() - 640.0).abs() < 1e-9);
    // Every plain GPU name is one GPU, and every entry is dated from
    // August 2025 on (the L40S's AWS list price is the latest found, of
    // 2025-08-12; the others are of 2026).
    for (name, g) in c.gpus() {
        if !name.contains('-') {
            assert_eq!(g.gpus_per_instance, 1, "{name}");
        }
        assert!(g.as_of.as_str() >= "2025-08-01", "{name}: {}", g.as_of);
        assert!(g.source.contains("https://"), "{name}: {}", g.source);
    }
}

#[test]
fn an_unknown_name_suggests_the_nearest() {
    let c = shipped();
    let err = c.gpu("a100-80g").unwrap_err();
    match &err {
        CatalogError::Unknown {
            section,
            name,
            suggestions,
            ..
        } => {
            assert_eq!(*section, Section::Gpus);
            assert_eq!(name, "a100-80g");
            assert_eq!(suggestions[0], "a100_80g");
        }
        other => panic!("expected an unknown name, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "unknown GPU instance `a100-80g` in the catalogue; did you mean `a100_80g` or `a100_40g`?"
    );
    let msg = c.api("gpt4o").unwrap_err().to_string();
    assert!(msg.contains("did you mean `gpt-4o`"), "{msg}");
    let msg = c.api("claude-3.5-sonnet").unwrap_err().to_string();
    assert!(msg.contains("did you mean `claude-3-5-sonnet`"), "{msg}");
    let msg = c.managed("openai-gpt-35-turbo").unwrap_err().to_string();
    assert!(msg.contains("did you mean `openai-gpt-3.5-turbo`"), "{msg}");
    // Nothing near: the message lists what there is.
    let msg = c.gpu("tpu-v5e").unwrap_err().to_string();
    assert!(
        msg.ends_with("; the catalogue has a10g, a10-lambda, l4, l4-modal, l40s-modal, l40s, l40s-runpod, a100_40g, a100_40g-lambda, a100_80g, a100_80g-modal, h100, h100-aws-8x, h100-lambda, h100-runpod, h100-modal, h200, h200-runpod, b200-runpod, b200-spheron"),
        "{msg}"
    );
    // Benchmarks: an unknown instance is an unknown name; a known one
    // without the row lists the rows it has.
    let msg = c
        .training_benchmark(7.0, Method::Lora, "a10")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("did you mean `a10g`"), "{msg}");
    let msg = c
        .training_benchmark(7.0, Method::Full, "a10g")
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "no training benchmark for a 7B model, full, on a10g in the catalogue; measured on that instance: 7B lora, 7B qlora"
    );
    let msg = c
        .serving_throughput(70.0, "h100", "bf16")
        .unwrap_err()
        .to_string();
    assert!(
        msg.ends_with("measured on that instance: 8B at bf16, 70B at fp8"),
        "{msg}"
    );
    let msg = c
        .serving_throughput(7.0, "h200", "bf16")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("none is measured on that instance"), "{msg}");
}

#[test]
fn gpus_as_rented_in_2026_include_the_b200_an_l40s_beyond_modal_and_committed_prices() {
    use finetune_roi::plan::Commitment;
    let c = shipped();
    let b200 = c.gpu("b200-runpod").unwrap();
    assert_eq!(b200.name, "NVIDIA B200");
    assert_eq!(b200.billing.as_deref(), Some("per_second"));
    let l40s: Vec<_> = c
        .gpus()
        .iter()
        .filter(|(n, g)| g.name == "NVIDIA L40S" && !n.contains("modal"))
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(l40s, ["l40s", "l40s-runpod"]);
    assert!(c.gpu("h200-runpod").unwrap().source.contains("https://"));
    // The AWS L40S sells 1- and 3-year terms: each cheaper than the last.
    let g = c.gpu("l40s").unwrap();
    let [on_demand, one, three] = Commitment::ALL.map(|t| g.per_gpu_hour(t).unwrap());
    assert!(three < one && one < on_demand, "{on_demand} {one} {three}");
    assert_eq!(on_demand, g.on_demand_per_gpu_hour);
    // An offer without a committed price sells on demand only.
    let runpod = c.gpu("h100-runpod").unwrap();
    assert_eq!(runpod.terms(), [Commitment::OnDemand]);
    assert_eq!(runpod.per_instance_hour(Commitment::Reserved1y), None);
    // Every billing increment has its source, every committed price its own.
    for (name, g) in c.gpus() {
        if g.billing.is_some() {
            assert!(
                g.billing_source
                    .as_deref()
                    .is_some_and(|s| s.contains("https://")),
                "{name}"
            );
        }
        if let Some(k) = &g.committed {
            assert!(k.source.contains("https://"), "{name}");
        }
    }
}

#[test]
fn a_committed_price_or_billing_increment_without_its_facts_is_refused() {
    let text = "\
gpus:
  x:
    name: NVIDIA X
    priced_as: somewhere
    gpus_per_instance: 1
    on_demand_per_gpu_hour: 2
    spot_price_factor: 1
    memory_gb: 24
    memory_bandwidth_gb_per_s: 600
    bf16_dense_tflops: 70
    as_of: 2026-01-01
    source: a price list
    spec_source: a datasheet
    billing: per_fortnight
    committed:
      reserved_1y_discount: 1.2
      as_of: 2026-13-01
      source: a quote
";
    let msg = Catalog::from_text(text, "x.yaml").unwrap_err().to_string();
    for expected in [
        "gpus.x.billing: expected how the offer bills time: per_second, per_minute, per_hour, found `per_fortnight`",
        "gpus.x.billing_source: expected where the billing increment is stated, found nothing",
        "gpus.x.committed.reserved_1y_discount: expected the share off the on-demand price, from 0 to below 1 (0.37 means 37% off), found 1.2",
        "gpus.x.committed.as_of: expected a date written YYYY-MM-DD that exists, found `2026-13-01`",
    ] {
        assert!(msg.contains(expected), "missing\n  {expected}\nin\n{msg}");
    }
}

#[test]
fn a_broken_catalogue_reports_every_problem_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let gpus = std::fs::read_to_string(root().join("inputs/catalog/gpus.yaml")).unwrap();
    std::fs::write(dir.path().join("a-gpus.yaml"), &gpus).unwrap();
    std::fs::write(
        dir.path().join("b-more.yaml"),
        "\
gpus:
  a10g:
    name: NVIDIA A10G again
    priced_as: elsewhere
    gpus_per_instance: 1
    on_demand_per_gpu_hour: 0.9
    spot_price_factor: 0.4
    memory_gb: 24
    memory_bandwidth_gb_per_s: 600
    bf16_dense_tflops: 70
    as_of: 2024-08-01
    source: a second price
    spec_source: a datasheet
training_benchmarks:
  - {model_size_b: 7, method: lora, instance: a100-80g, tokens_per_second: 4000, num_gpus: 1, cost_per_hour: 3.10, as_of: 2024-07-01, source: test}
api:
  cheap:
    provider: test
    input_per_1m_tokens: -0.5
    output_per_1m_tokens: .nan
    as_of: 2024-08-01
    source: \"\"
",
    )
    .unwrap();
    let msg = Catalog::load(dir.path()).unwrap_err().to_string();
    let b = dir.path().join("b-more.yaml").display().to_string();
    let a = dir.path().join("a-gpus.yaml").display().to_string();
    for expected in [
        format!("{b}:2:3: gpus.a10g: `a10g` is already defined in {a}; keep one"),
        format!("{b}:15:47: training_benchmarks[0].instance: unknown GPU instance `a100-80g` (not in the `gpus` section); did you mean `a100_80g`?"),
        format!("{b}:19:26: api.cheap.input_per_1m_tokens: expected a price in US dollars of at least 0, found -0.5"),
        format!("{b}:20:27: api.cheap.output_per_1m_tokens: expected a price in US dollars of at least 0, found NaN"),
        format!("{b}:22:13: api.cheap.source: expected where the figures came from, found nothing"),
    ] {
        assert!(msg.contains(&expected), "missing\n  {expected}\nin\n{msg}");
    }
    assert_eq!(msg.lines().count(), 5, "{msg}");
}

#[test]
fn a_folder_without_yaml_files_is_not_a_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let msg = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(
        msg.ends_with("the catalogue folder holds no .yaml files"),
        "{msg}"
    );
}

#[test]
fn one_file_is_a_catalogue_too() {
    let c = Catalog::load(&fixture("api-prices.yaml")).unwrap();
    assert_eq!(c.api_models().len(), 5);
    assert!(c.gpus().is_empty());
    let msg = c.gpu("a10g").unwrap_err().to_string();
    assert!(
        msg.contains("(the catalogue has no `gpus` section)"),
        "{msg}"
    );
}

#[test]
fn the_litellm_import_updates_adds_and_counts_what_it_skips() {
    let (_, import) = import_fixture(&ImportOptions::default());
    let source = |key: &str| format!("LiteLLM price map, 2026-11-01 (key `{key}`)");
    assert_eq!(
        import.changes,
        vec![
            Change::Updated {
                name: "gpt-4o".into(),
                litellm_key: "gpt-4o".into(),
                old_input_per_1m_tokens: 5.0,
                old_output_per_1m_tokens: 15.0,
                input_per_1m_tokens: 2.5,
                output_per_1m_tokens: 10.0,
                deprecated: None,
                extras: vec![("cached_input_per_1m_tokens", 1.25)],
                as_of: today(),
                source: source("gpt-4o"),
            },
            Change::Added {
                name: "claude-3-5-sonnet-20240620".into(),
                provider: "anthropic".into(),
                input_per_1m_tokens: 3.0,
                output_per_1m_tokens: 15.0,
                deprecated: None,
                extras: vec![
                    ("cached_input_per_1m_tokens", 0.3),
                    ("cache_write_per_1m_tokens", 3.75)
                ],
                as_of: today(),
                source: source("claude-3-5-sonnet-20240620"),
            },
            Change::Added {
                name: "ft:gpt-3.5-turbo".into(),
                provider: "openai".into(),
                input_per_1m_tokens: 3.0,
                output_per_1m_tokens: 6.0,
                deprecated: None,
                extras: Vec::new(),
                as_of: today(),
                source: source("ft:gpt-3.5-turbo"),
            },
            // 1.1e-06 and 4.4e-06 per token: exactly 1.10 and 4.40 per 1M.
            Change::Added {
                name: "o1-mini".into(),
                provider: "openai".into(),
                input_per_1m_tokens: 1.1,
                output_per_1m_tokens: 4.4,
                deprecated: None,
                extras: vec![("cached_input_per_1m_tokens", 0.55)],
                as_of: today(),
                source: source("o1-mini"),
            },
        ]
    );
    // gpt-4, gpt-3.5-turbo (read as gpt-3.5-turbo-0125) and claude-3-haiku.
    assert_eq!(import.unchanged, 3);
    assert_eq!(import.not_in_litellm, vec!["in-house-model".to_string()]);
    let s = &import.skipped;
    assert_eq!(s.sample_spec, 1);
    assert_eq!(s.not_chat, 3, "the image, embedding and audio models");
    assert_eq!(s.without_prices, 1);
    assert_eq!(s.invalid, 1, "the negative price");
    // bedrock, mistral and text-completion-openai are providers the
    // catalogue does not list; LiteLLM's gpt-3.5-turbo is not the catalogue's.
    assert_eq!(s.not_added, 4);
    let summary = import.summary();
    assert!(
        summary.starts_with(
            "updated gpt-4o: input $5.00 → $2.50, output $15.00 → $10.00 per 1M tokens; cached_input $1.25\n"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("\n1 updated, 3 added, 0 marked as gone from the map, 3 unchanged\n"),
        "{summary}"
    );
}

#[test]
fn the_add_policy_decides_which_new_models_are_added() {
    let (_, none) = import_fixture(&ImportOptions {
        add: AddPolicy::None,
        ..Default::default()
    });
    assert_eq!(none.changes.len(), 1, "{:?}", none.changes);
    assert_eq!(none.skipped.not_added, 7);
    let (_, mistral) = import_fixture(&ImportOptions {
        add: AddPolicy::Providers(vec!["mistral".into()]),
        ..Default::default()
    });
    let added: Vec<&str> = mistral.changes[1..].iter().map(|c| c.name()).collect();
    assert_eq!(added, ["mistral/mistral-small-latest"]);
    let (_, all) = import_fixture(&ImportOptions {
        add: AddPolicy::All,
        ..Default::default()
    });
    // Everything usable but LiteLLM's gpt-3.5-turbo, whose name the
    // catalogue uses for gpt-3.5-turbo-0125.
    assert_eq!(all.changes.len(), 1 + 6);
    assert_eq!(all.skipped.not_added, 1);
}

#[test]
fn the_rendered_file_changes_only_what_changed() {
    let (file, import) = import_fixture(&ImportOptions::default());
    let original = std::fs::read_to_string(fixture("api-prices.yaml")).unwrap();
    let rendered = render_api_prices(&file, &import.changes).unwrap();

    // Untouched entries and comments, byte for byte.
    for name in ["gpt-4", "gpt-3.5-turbo", "claude-3-haiku", "in-house-model"] {
        assert_eq!(
            entry_block(&rendered, name),
            entry_block(&original, name),
            "{name}"
        );
    }
    // The whole file: the original with four values replaced, the cached
    // price the map gives on a new line after the source, and the added
    // entries inserted after the last entry, before the closing comment.
    let added = "  claude-3-5-sonnet-20240620:
    provider: anthropic
    input_per_1m_tokens: 3.00
    output_per_1m_tokens: 15.00
    as_of: 2026-11-01
    source: \"LiteLLM price map, 2026-11-01 (key `claude-3-5-sonnet-20240620`)\"
    cached_input_per_1m_tokens: 0.30
    cache_write_per_1m_tokens: 3.75
  \"ft:gpt-3.5-turbo\":
    provider: openai
    input_per_1m_tokens: 3.00
    output_per_1m_tokens: 6.00
    as_of: 2026-11-01
    source: \"LiteLLM price map, 2026-11-01 (key `ft:gpt-3.5-turbo`)\"
  o1-mini:
    provider: openai
    input_per_1m_tokens: 1.10
    output_per_1m_tokens: 4.40
    as_of: 2026-11-01
    source: \"LiteLLM price map, 2026-11-01 (key `o1-mini`)\"
    cached_input_per_1m_tokens: 0.55
";
    let last = "    source: \"our own figure\"\n";
    let expected = original
        .replacen(
            "input_per_1m_tokens: 5.00\n",
            "input_per_1m_tokens: 2.50\n",
            1,
        )
        .replacen(
            "output_per_1m_tokens: 15.00 ",
            "output_per_1m_tokens: 10.00 ",
            1,
        )
        .replacen("as_of: 2024-07-01\n", "as_of: 2026-11-01\n", 1)
        .replacen(
            "source: \"the seed lesson\"\n",
            "source: \"LiteLLM price map, 2026-11-01 (key `gpt-4o`)\"\n    cached_input_per_1m_tokens: 1.25\n",
            1,
        )
        .replacen(last, &format!("{last}{added}"), 1);
    assert_eq!(rendered, expected);
    assert!(rendered.ends_with("\n\n# A comment after the section, which stays where it is.\n"));

    // The result is a catalogue with the new prices.
    let c = Catalog::from_text(&rendered, "api-prices.yaml").unwrap();
    let m = c.api("gpt-4o").unwrap();
    assert_eq!((m.input_per_1m_tokens, m.output_per_1m_tokens), (2.5, 10.0));
    assert_eq!(m.as_of_date(), Some(today()));
    assert_eq!(m.notes.as_deref(), Some("kept as written"));
    let ft = c.api("ft:gpt-3.5-turbo").unwrap();
    assert_eq!(
        (ft.input_per_1m_tokens, ft.output_per_1m_tokens),
        (3.0, 6.0)
    );
    assert_eq!(c.api("in-house-model").unwrap().source, "our own figure");
}

#[test]
fn importing_again_changes_nothing() {
    let (file, import) = import_fixture(&ImportOptions::default());
    let once = render_api_prices(&file, &import.changes).unwrap();
    let updated = ApiPriceFile::parse(&once, "api-prices.yaml").unwrap();
    let again = import_litellm(
        &updated,
        &litellm_json(),
        "model_prices_and_context_window.json",
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(again.changes, vec![]);
    assert_eq!(
        again.unchanged,
        3 + 1 + 3,
        "the three unchanged, gpt-4o and the three added"
    );
    let twice = render_api_prices(&updated, &again.changes).unwrap();
    assert_eq!(twice, once);
    // With no changes at all, the original comes back byte for byte.
    let original = std::fs::read_to_string(fixture("api-prices.yaml")).unwrap();
    assert_eq!(render_api_prices(&file, &[]).unwrap(), original);
}

#[test]
fn importing_into_the_shipped_catalogue_keeps_every_other_entry() {
    let path = root().join("inputs/catalog/api-prices.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let file = ApiPriceFile::read(&path).unwrap();
    let import = import_litellm(
        &file,
        &litellm_json(),
        "model_prices_and_context_window.json",
        today(),
        &ImportOptions {
            add: AddPolicy::None,
            ..Default::default()
        },
    )
    .unwrap();
    let rendered = render_api_prices(&file, &import.changes).unwrap();
    let changed: Vec<&str> = import.changes.iter().map(Change::name).collect();
    for name in file.models().keys() {
        if !changed.contains(&name.as_str()) {
            assert_eq!(
                entry_block(&rendered, name),
                entry_block(&original, name),
                "{name}"
            );
        }
    }
    // The rendered file still loads with the rest of the catalogue.
    let dir = tempfile::tempdir().unwrap();
    for f in ["gpus.yaml", "benchmarks.yaml", "managed.yaml"] {
        std::fs::copy(root().join("inputs/catalog").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("api-prices.yaml"), &rendered).unwrap();
    let c = Catalog::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    for change in &import.changes {
        if let Change::Updated {
            name,
            input_per_1m_tokens,
            ..
        } = change
        {
            assert_eq!(
                c.api(name).unwrap().input_per_1m_tokens,
                *input_per_1m_tokens
            );
        }
    }
}

#[test]
fn a_file_that_is_not_the_price_map_is_refused() {
    let file = ApiPriceFile::read(&fixture("api-prices.yaml")).unwrap();
    let err = import_litellm(
        &file,
        "[1, 2]",
        "prices.json",
        today(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("prices.json: expected LiteLLM's price map, a JSON object of models"),
        "{err}"
    );
}

#[test]
fn a_value_written_over_several_lines_is_not_rewritten_blindly() {
    let text = "\
api:
  gpt-4o:
    provider: openai
    input_per_1m_tokens: 5.00
    output_per_1m_tokens: 15.00
    as_of: 2024-07-01
    source: >
      the seed lesson,
      folded over two lines
";
    let file = ApiPriceFile::parse(text, "api.yaml").unwrap();
    let import = import_litellm(
        &file,
        &litellm_json(),
        "model_prices_and_context_window.json",
        today(),
        &ImportOptions {
            add: AddPolicy::None,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(import.changes.len(), 1);
    let msg = render_api_prices(&file, &import.changes)
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "api.yaml:8:7: api.gpt-4o.source: cannot rewrite this value: write it on one line, plain or in quotes"
    );
}
