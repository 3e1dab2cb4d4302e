//! `prices`: list, show, export and import the price catalogue; and where a
//! command finds the user's catalogue: `--catalog`, else the environment
//! variable [`CATALOG_ENV`], else the platform's config folder
//! ([`config_catalog`]) when it holds one, else the built-in catalogue.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{console, shown, AddModels, PriceSource, EXIT_BAD_PLAN, EXIT_FAILURE, EXIT_OK};
use crate::catalog::{format_price, Catalog};
use crate::output;

/// The environment variable naming the user's catalogue (a folder or a file).
pub const CATALOG_ENV: &str = "FINETUNE_ROI_CATALOG";

/// The API price file's name in a catalogue folder.
const API_PRICES: &str = "api-prices.yaml";

/// What `prices list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListKind {
    /// API models and their prices per 1M tokens.
    Api,
    /// GPU instances: GPUs per instance, prices per GPU-hour and instance-hour.
    Gpu,
    /// Measured serving throughputs.
    Serving,
    /// Measured training throughputs.
    Training,
    /// Managed fine-tuning offers.
    Managed,
}

/// The user's catalogue, if any: `explicit` (`--catalog`), else
/// [`CATALOG_ENV`] when set and not empty, else [`config_catalog`] when that
/// folder exists. `None` means the built-in catalogue.
pub fn user_catalog(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(CATALOG_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    config_catalog().filter(|p| p.is_dir())
}

/// The platform's config folder for the catalogue:
/// `$XDG_CONFIG_HOME/finetune-roi/catalog` when XDG_CONFIG_HOME is an
/// absolute path, else `$HOME/.config/finetune-roi/catalog`.
pub fn config_catalog() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("finetune-roi").join("catalog"))
}

/// The catalogue a command reads: the user's, loaded, or the built-in one.
fn catalogue(explicit: Option<&Path>) -> Result<std::borrow::Cow<'static, Catalog>, u8> {
    match user_catalog(explicit) {
        None => Ok(std::borrow::Cow::Borrowed(Catalog::builtin())),
        Some(path) => match Catalog::load(&path) {
            Ok(c) => Ok(std::borrow::Cow::Owned(c)),
            Err(e) => {
                console::err(format_args!("{e}"));
                Err(EXIT_BAD_PLAN)
            }
        },
    }
}

/// The width `prices list` fits its lines to, unless `--wide`.
pub const LIST_WIDTH: usize = 120;

/// How a table is laid out: `shrink` lists the columns that give up width,
/// in the order they give it (with the least each keeps), when the lines
/// must fit [`LIST_WIDTH`].
struct Layout<'a> {
    header: &'a [&'a str],
    shrink: &'a [(usize, usize)],
}

/// Rows as aligned columns: a header, a rule, then the rows. Catalogue
/// text may come from a user's catalogue: each cell is made inert first.
/// Unless `wide`, the shrinkable columns are cut (ending in `…`) until
/// every line fits [`LIST_WIDTH`].
fn table(layout: &Layout, rows: &[Vec<String>], wide: bool) -> String {
    let mut all: Vec<Vec<String>> = vec![layout.header.iter().map(|h| h.to_string()).collect()];
    all.extend(rows.iter().map(|r| {
        r.iter()
            .map(|c| crate::yaml::inert(c).into_owned())
            .collect()
    }));
    if !wide {
        fit(&mut all, LIST_WIDTH, layout.shrink);
    }
    console::aligned_columns(&all, &[])
}

/// Cuts the `shrink` columns, in order and down to their least width,
/// until the rows' aligned lines (two spaces between columns) fit `width`.
fn fit(rows: &mut [Vec<String>], width: usize, shrink: &[(usize, usize)]) {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    for &(c, least) in shrink {
        let over = total(&widths).saturating_sub(width);
        if over == 0 {
            break;
        }
        widths[c] -= over.min(widths[c].saturating_sub(least));
    }
    for row in rows.iter_mut() {
        for (cell, w) in row.iter_mut().zip(&widths) {
            *cell = clip(cell, *w);
        }
    }
}

/// At most `width` characters of `text`, the last one `…` when cut.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A source as `prices list` shows it: its title, before the first
/// parenthesis or web address (the date is a column of its own), or whole
/// when wide.
fn source(text: &str, wide: bool) -> String {
    if wide {
        return text.to_string();
    }
    let cut = [" (", " http", ", http", "; "]
        .iter()
        .filter_map(|m| text.find(m))
        .filter(|at| *at > 0)
        .min();
    match cut {
        Some(at) => text[..at].trim_end_matches([' ', ',', ':']).to_string(),
        None => text.to_string(),
    }
}

fn money(x: f64) -> String {
    format!("${}", format_price(x))
}

/// A price in cents, for derived prices (a committed price).
fn cents(x: f64) -> String {
    format!("${x:.2}")
}

fn number(x: f64) -> String {
    crate::format::number(x, crate::format::Unit::Count)
}

/// `prices list [--kind K] [--wide]`: the catalogue's entries as tables,
/// each with its date and source; lines fit 120 columns unless `wide`.
pub fn list(kind: Option<ListKind>, wide: bool, catalog: Option<&Path>) -> u8 {
    let c = match catalogue(catalog) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let kinds = match kind {
        Some(k) => vec![k],
        None => vec![
            ListKind::Api,
            ListKind::Gpu,
            ListKind::Serving,
            ListKind::Training,
            ListKind::Managed,
        ],
    };
    let mut out = Vec::new();
    for kind in kinds {
        out.push(list_one(&c, kind, wide));
    }
    console::out_text(&out.join("\n"));
    EXIT_OK
}

/// The committed price per GPU-hour for a term, or `-` where not sold.
fn committed(g: &crate::catalog::Gpu, term: crate::plan::Commitment) -> String {
    g.per_gpu_hour(term).map_or_else(|| "-".to_string(), cents)
}

/// The billing increment in one word (`second`), or empty where unstated.
fn billed(g: &crate::catalog::Gpu) -> String {
    g.billing
        .as_deref()
        .map(|b| b.trim_start_matches("per_").to_string())
        .unwrap_or_default()
}

fn list_one(c: &Catalog, kind: ListKind, wide: bool) -> String {
    use crate::plan::Commitment;
    match kind {
        ListKind::Api => {
            let rows: Vec<Vec<String>> = c
                .api_models()
                .iter()
                .map(|(name, m)| {
                    vec![
                        name.clone(),
                        m.provider.clone(),
                        money(m.input_per_1m_tokens),
                        money(m.output_per_1m_tokens),
                        m.deprecated.clone().unwrap_or_default(),
                        m.as_of.clone(),
                        source(&m.source, wide),
                    ]
                })
                .collect();
            format!(
                "API models (US dollars per 1M tokens)\n{}",
                table(
                    &Layout {
                        header: &[
                            "name",
                            "provider",
                            "input",
                            "output",
                            "deprecated",
                            "as of",
                            "source"
                        ],
                        shrink: &[(6, 17), (1, 10), (0, 24)],
                    },
                    &rows,
                    wide
                )
            )
        }
        ListKind::Gpu if wide => {
            let rows: Vec<Vec<String>> = c
                .gpus()
                .iter()
                .map(|(name, g)| {
                    vec![
                        name.clone(),
                        g.name.clone(),
                        g.gpus_per_instance.to_string(),
                        money(g.on_demand_per_gpu_hour),
                        money(g.on_demand_per_instance_hour()),
                        committed(g, Commitment::Reserved1y),
                        committed(g, Commitment::Reserved3y),
                        billed(g),
                        number(g.memory_gb),
                        number(g.bf16_dense_tflops),
                        g.as_of.clone(),
                        format!("{}: {}", g.priced_as, g.source),
                        g.committed
                            .as_ref()
                            .map(|k| format!("{} ({})", k.source, k.as_of))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            format!(
                "GPU instances (US dollars per GPU-hour on demand and reserved for 1 or 3 years; per instance-hour on demand)\n{}",
                table(
                    &Layout {
                        header: &[
                            "name",
                            "GPU",
                            "GPUs",
                            "per GPU-hour",
                            "per instance-hour",
                            "1-year",
                            "3-year",
                            "billed per",
                            "GB per GPU",
                            "bf16 TFLOPS",
                            "as of",
                            "priced as: source",
                            "reserved prices: source (as of)"
                        ],
                        shrink: &[],
                    },
                    &rows,
                    wide
                )
            )
        }
        ListKind::Gpu => {
            let rows: Vec<Vec<String>> = c
                .gpus()
                .iter()
                .map(|(name, g)| {
                    vec![
                        name.clone(),
                        g.gpus_per_instance.to_string(),
                        money(g.on_demand_per_gpu_hour),
                        money(g.on_demand_per_instance_hour()),
                        committed(g, Commitment::Reserved1y),
                        committed(g, Commitment::Reserved3y),
                        billed(g),
                        number(g.memory_gb),
                        g.as_of.clone(),
                        g.priced_as.clone(),
                    ]
                })
                .collect();
            format!(
                "GPU instances (US dollars per GPU-hour: on demand, reserved 1 or 3 years; on demand per instance-hour)\n{}",
                table(
                    &Layout {
                        header: &[
                            "name",
                            "GPUs",
                            "on demand",
                            "instance",
                            "1-year",
                            "3-year",
                            "billed",
                            "GB",
                            "as of",
                            "priced as (--wide: sources)"
                        ],
                        shrink: &[(9, 16), (0, 16)],
                    },
                    &rows,
                    wide
                )
            )
        }
        ListKind::Serving => {
            let rows: Vec<Vec<String>> = c
                .serving_benchmarks()
                .iter()
                .map(|b| {
                    vec![
                        format!("{}B", b.model_size_b),
                        b.instance.clone(),
                        b.num_gpus.to_string(),
                        b.precision.clone(),
                        number(b.tokens_per_second),
                        b.batch_size.map(|x| x.to_string()).unwrap_or_default(),
                        b.engine.clone().unwrap_or_default(),
                        b.as_of.clone(),
                        source(&b.source, wide),
                    ]
                })
                .collect();
            format!(
                "Serving throughputs (generated tokens a second across the GPUs)\n{}",
                table(
                    &Layout {
                        header: &[
                            "model",
                            "instance",
                            "GPUs",
                            "precision",
                            "tokens/s",
                            "batch",
                            "engine",
                            "as of",
                            "source"
                        ],
                        shrink: &[(8, 12), (6, 8), (1, 12)],
                    },
                    &rows,
                    wide
                )
            )
        }
        ListKind::Training => {
            let rows: Vec<Vec<String>> = c
                .training_benchmarks()
                .iter()
                .map(|b| {
                    vec![
                        format!("{}B", b.model_size_b),
                        b.method.name().to_string(),
                        b.instance.clone(),
                        b.num_gpus.to_string(),
                        number(b.tokens_per_second),
                        money(b.cost_per_hour),
                        b.as_of.clone(),
                        source(&b.source, wide),
                    ]
                })
                .collect();
            format!(
                "Training throughputs (tokens a second across the run's GPUs)\n{}",
                table(
                    &Layout {
                        header: &[
                            "model", "method", "instance", "GPUs", "tokens/s", "per hour", "as of",
                            "source"
                        ],
                        shrink: &[(7, 12), (2, 12)],
                    },
                    &rows,
                    wide
                )
            )
        }
        ListKind::Managed => {
            let rows: Vec<Vec<String>> = c
                .managed_offers()
                .iter()
                .map(|(name, m)| {
                    vec![
                        name.clone(),
                        m.provider.clone(),
                        money(m.training_per_1m_tokens),
                        money(m.inference_input_per_1m_tokens),
                        money(m.inference_output_per_1m_tokens),
                        m.as_of.clone(),
                        source(&m.source, wide),
                    ]
                })
                .collect();
            format!(
                "Managed fine-tuning (US dollars per 1M tokens)\n{}",
                table(
                    &Layout {
                        header: &[
                            "name", "provider", "training", "input", "output", "as of", "source"
                        ],
                        shrink: &[(6, 12), (1, 9), (0, 24)],
                    },
                    &rows,
                    wide
                )
            )
        }
    }
}

/// `prices show NAME`: one API model, GPU instance or managed offer as
/// YAML, with the throughputs measured on a GPU instance.
pub fn show(name: &str, catalog: Option<&Path>) -> u8 {
    let c = match catalogue(catalog) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let yaml = |section: &str, value: &dyn erased::Yaml| -> String {
        let mut map = serde_yaml::Mapping::new();
        let mut inner = serde_yaml::Mapping::new();
        inner.insert(name.into(), value.to_yaml());
        map.insert(section.into(), serde_yaml::Value::Mapping(inner));
        serde_yaml::to_string(&map).unwrap_or_default()
    };
    if let Ok(m) = c.api(name) {
        console::out_text(&yaml("api", m));
        return EXIT_OK;
    }
    if let Ok(g) = c.gpu(name) {
        let mut text = yaml("gpus", g);
        text.push_str(&format!(
            "# one instance: {} GPU(s), {} an hour on demand\n",
            g.gpus_per_instance,
            money(g.on_demand_per_instance_hour())
        ));
        for term in g.terms().into_iter().skip(1) {
            if let Some(x) = g.per_instance_hour(term) {
                text.push_str(&format!(
                    "# {}: {} an hour per instance (serving.commitment: {})\n",
                    term.words(),
                    cents(x),
                    term.name()
                ));
            }
        }
        match g.billing.as_deref() {
            Some(b) => text.push_str(&format!("# billed {}\n", b.replace('_', " "))),
            None => text.push_str("# billing increment: not stated by a source\n"),
        }
        let serving: Vec<_> = c
            .serving_benchmarks()
            .iter()
            .filter(|b| b.instance == name)
            .collect();
        let training: Vec<_> = c
            .training_benchmarks()
            .iter()
            .filter(|b| b.instance == name)
            .collect();
        if !serving.is_empty() {
            text.push_str(
                &serde_yaml::to_string(&serde_yaml::Mapping::from_iter([(
                    "serving_benchmarks".into(),
                    serde_yaml::to_value(&serving).unwrap_or_default(),
                )]))
                .unwrap_or_default(),
            );
        }
        if !training.is_empty() {
            text.push_str(
                &serde_yaml::to_string(&serde_yaml::Mapping::from_iter([(
                    "training_benchmarks".into(),
                    serde_yaml::to_value(&training).unwrap_or_default(),
                )]))
                .unwrap_or_default(),
            );
        }
        console::out_text(&text);
        return EXIT_OK;
    }
    if let Ok(m) = c.managed(name) {
        console::out_text(&yaml("managed", m));
        return EXIT_OK;
    }
    let known: Vec<&str> = c
        .api_models()
        .keys()
        .chain(c.gpus().keys())
        .chain(c.managed_offers().keys())
        .map(String::as_str)
        .collect();
    let near = crate::catalog::nearest_names(name, known);
    let mut msg = format!(
        "error: no API model, GPU instance or managed offer `{}` in the catalogue",
        crate::yaml::inert(name)
    );
    if !near.is_empty() {
        msg.push_str(&format!(
            "; did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    } else {
        msg.push_str("; `prices list` shows every entry");
    }
    console::err(format_args!("{msg}"));
    EXIT_BAD_PLAN
}

/// Serializing an entry of any section to YAML.
mod erased {
    pub trait Yaml {
        fn to_yaml(&self) -> serde_yaml::Value;
    }
    impl<T: serde::Serialize> Yaml for T {
        fn to_yaml(&self) -> serde_yaml::Value {
            serde_yaml::to_value(self).unwrap_or_default()
        }
    }
}

/// Writes the built-in catalogue's files into `dir` (created if missing);
/// refuses, writing nothing, when one of them is already there. An error
/// comes with its exit code: 2 for a file already there, 1 for a file or
/// folder that could not be written.
fn write_builtin(dir: &Path, skip: Option<&str>) -> Result<(), (u8, String)> {
    std::fs::create_dir_all(dir)
        .map_err(|e| (EXIT_FAILURE, format!("{}: cannot create: {e}", shown(dir))))?;
    for (name, _) in Catalog::BUILTIN_FILES {
        if Some(name) != skip && dir.join(name).exists() {
            return Err((
                EXIT_BAD_PLAN,
                format!(
                    "{}: already exists; nothing was written (export into an empty folder)",
                    shown(&dir.join(name))
                ),
            ));
        }
    }
    for (name, text) in Catalog::BUILTIN_FILES {
        if Some(name) == skip {
            continue;
        }
        output::write_atomic(dir, name, text.as_bytes()).map_err(|e| {
            (
                EXIT_FAILURE,
                format!("{}: cannot write: {e}", shown(&dir.join(name))),
            )
        })?;
    }
    Ok(())
}

/// `prices export DIR`: the built-in catalogue's files, to edit and name
/// with `--catalog` (or FINETUNE_ROI_CATALOG, or the config folder).
pub fn export(dir: &Path) -> u8 {
    match write_builtin(dir, None) {
        Ok(()) => {
            for (name, _) in Catalog::BUILTIN_FILES {
                console::out(format_args!("{}", shown(&dir.join(name))));
            }
            EXIT_OK
        }
        Err((code, e)) => {
            console::err(format_args!("error: {e}"));
            code
        }
    }
}

/// How `prices import` was asked to run.
pub struct ImportArgs<'a> {
    pub source: PriceSource,
    pub file: &'a Path,
    pub as_of: NaiveDate,
    pub package: Option<&'a str>,
    pub catalog: Option<&'a Path>,
    pub add: AddModels,
    pub add_model: &'a [String],
    pub dry_run: bool,
}

/// `prices import litellm FILE --as-of DATE`: rewrites the catalogue's API
/// price file with the prices that changed (atomically), and reports the
/// changes. The catalogue is `--catalog`, else FINETUNE_ROI_CATALOG, else
/// the config folder; a folder without catalogue files first gets the
/// built-in catalogue, so that the import refreshes a whole catalogue.
pub fn import(args: &ImportArgs) -> u8 {
    use crate::catalog::{
        import_litellm, render_api_prices, AddPolicy, ApiPriceFile, ImportOptions,
    };
    let PriceSource::Litellm = args.source;
    let Some(catalog) = args.catalog.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(CATALOG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(config_catalog)
    }) else {
        console::err(format_args!(
            "error: no catalogue folder to import into: give --catalog DIR, or set {CATALOG_ENV} or HOME"
        ));
        return EXIT_BAD_PLAN;
    };
    if catalog.is_file() {
        console::err(format_args!(
            "error: {}: the import rewrites a catalogue folder's {API_PRICES}; give the folder",
            shown(&catalog)
        ));
        return EXIT_BAD_PLAN;
    }
    let target = catalog.join(API_PRICES);
    let holds_yaml = std::fs::read_dir(&catalog).is_ok_and(|mut entries| {
        entries.any(|e| {
            e.ok().is_some_and(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml")
            })
        })
    });
    let seeded = !target.exists() && !holds_yaml;
    let prices = if seeded {
        ApiPriceFile::parse(Catalog::BUILTIN_FILES[0].1, &shown(&target))
    } else {
        ApiPriceFile::read(&target)
    };
    let prices = match prices {
        Ok(p) => p,
        Err(e) => {
            console::err(format_args!("{e}"));
            return EXIT_BAD_PLAN;
        }
    };
    let text = match read_price_list(args.file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let options = ImportOptions {
        add: match args.add {
            AddModels::None => AddPolicy::None,
            AddModels::KnownProviders => AddPolicy::KnownProviders,
            AddModels::All => AddPolicy::All,
        },
        confirm: true,
        package: args.package.map(str::to_string),
        also_add: args.add_model.to_vec(),
    };
    let import = match import_litellm(&prices, &text, &shown(args.file), args.as_of, &options) {
        Ok(i) => i,
        Err(e) => {
            console::err(format_args!("{e}"));
            return EXIT_BAD_PLAN;
        }
    };
    console::out(format_args!("{}", import.summary()));
    if import.changes.is_empty() && !seeded {
        console::out(format_args!("{}: unchanged", shown(&target)));
        return EXIT_OK;
    }
    let rewritten = match render_api_prices(&prices, &import.changes) {
        Ok(t) => t,
        Err(e) => {
            console::err(format_args!("{e}"));
            return EXIT_FAILURE;
        }
    };
    if args.dry_run {
        console::out(format_args!("{}: not written (--dry-run)", shown(&target)));
        return EXIT_OK;
    }
    if seeded {
        if let Err((_, e)) = write_builtin(&catalog, Some(API_PRICES)) {
            console::err(format_args!("error: {e}"));
            return EXIT_FAILURE;
        }
        console::out(format_args!(
            "{}: the built-in catalogue written there",
            shown(&catalog)
        ));
    }
    if let Err(e) = output::write_atomic(&catalog, API_PRICES, rewritten.as_bytes()) {
        console::err(format_args!("error: {}: cannot write: {e}", shown(&target)));
        return EXIT_FAILURE;
    }
    console::out(format_args!(
        "{}: rewritten with {} change{}",
        shown(&target),
        import.changes.len(),
        if import.changes.len() == 1 { "" } else { "s" }
    ));
    if let Err(e) = Catalog::load(&catalog) {
        console::err(format_args!("{e}"));
        console::err(format_args!(
            "error: {}: the catalogue no longer loads after the import; review the file",
            shown(&catalog)
        ));
        return EXIT_FAILURE;
    }
    EXIT_OK
}

/// The price list's text, at most [`crate::catalog::MAX_LITELLM_BYTES`].
fn read_price_list(file: &Path) -> Result<String, u8> {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(file).and_then(|f| {
        f.take(crate::catalog::MAX_LITELLM_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        console::err(format_args!(
            "error: {}: cannot read the price list: {e}",
            shown(file)
        ));
        return Err(EXIT_BAD_PLAN);
    }
    String::from_utf8(bytes).map_err(|_| {
        console::err(format_args!("error: {}: expected UTF-8 JSON", shown(file)));
        EXIT_BAD_PLAN
    })
}
