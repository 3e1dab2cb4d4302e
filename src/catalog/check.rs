//! Reading one catalogue file and checking its entries, then merging the
//! files into one catalogue: every problem of every file, with file, line
//! and field.

use std::collections::HashMap;
use std::path::Path;

use super::layout::{diagnostic, show_path, walk, Layout, Pos};
use super::{
    nearest_names, parse_date, shorten, ApiModel, Catalog, CatalogFile, Dated, Gpu,
    ManagedFineTuning, ServingBenchmark, TrainingBenchmark, MAX_NAME_CHARS, MAX_PROBLEMS,
    PRECISIONS,
};
use crate::yaml::{keep_first, read_bounded, words, Diagnostic, ReadError};

/// One catalogue file read, parsed and located.
#[derive(Debug, Clone)]
pub(super) struct ParsedFile {
    pub(super) display: String,
    /// The text, without a byte-order mark.
    pub(super) text: String,
    pub(super) bom: bool,
    pub(super) raw: CatalogFile,
    pub(super) layout: Layout,
}

/// A catalogue file's bytes, at most `limit` of them.
pub(super) fn read_text(path: &Path, limit: u64) -> Result<Vec<u8>, Diagnostic> {
    read_bounded(path, limit).map_err(|e| {
        let message = match e {
            ReadError::Io(e) => format!("cannot read it: {e}"),
            ReadError::Folder => "this is a folder, not a file".to_string(),
            ReadError::NotAFile(kind) => format!("expected a regular file, found {kind}"),
            ReadError::TooLarge { .. } => format!("the file is larger than {limit} bytes; refused"),
        };
        diagnostic(&path.display().to_string(), None, "", message)
    })
}

pub(super) fn parse_file(bytes: &[u8], display: &str) -> Result<ParsedFile, Vec<Diagnostic>> {
    let one = |pos: Option<Pos>, field: &str, message: String| {
        vec![diagnostic(display, pos, field, message)]
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        one(
            None,
            "",
            format!(
                "expected text encoded as UTF-8, found a byte that is not UTF-8 at offset {}",
                e.valid_up_to()
            ),
        )
    })?;
    let bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let layout = walk(text).map_err(|e| one(Some(e.pos), &show_path(&e.path), e.message))?;
    parse_located(text, bom, layout, display)
}

/// A file built into the program, parsed without locating its fields: the
/// walk that records where each field stands (for messages) and refuses
/// hostile YAML is most of a parse's time, and a unit test holds every
/// built-in file to the full [`parse_file`].
pub(super) fn parse_builtin(text: &str, display: &str) -> Result<ParsedFile, Vec<Diagnostic>> {
    parse_located(text, false, Layout::default(), display)
}

/// Parses a file's text whose fields `layout` locates.
fn parse_located(
    text: &str,
    bom: bool,
    layout: Layout,
    display: &str,
) -> Result<ParsedFile, Vec<Diagnostic>> {
    let one = |pos: Option<Pos>, field: &str, message: String| {
        vec![diagnostic(display, pos, field, message)]
    };
    if !layout.duplicates.is_empty() {
        return Err(layout
            .duplicates
            .iter()
            .map(|(pos, path)| {
                diagnostic(
                    display,
                    Some(*pos),
                    &show_path(path),
                    format!(
                        "`{}` is given twice in one mapping; keep one",
                        shorten(path.last().map_or("", String::as_str))
                    ),
                )
            })
            .collect());
    }
    let raw: CatalogFile = if text.trim().is_empty() {
        CatalogFile::default()
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let (field, message) = split_serde_message(&e.to_string());
            let pos = match e.location() {
                Some(l) => Some(Pos {
                    line: l.line(),
                    column: l.column(),
                }),
                None => layout.find(&field_path(&field)),
            };
            one(pos, &field, message)
        })?
    };
    Ok(ParsedFile {
        display: display.to_string(),
        text: text.to_string(),
        bom,
        raw,
        layout,
    })
}

/// A shown path back into segments (the names in the catalogue hold no
/// brackets; dots inside names make this approximate, which only affects
/// which line a message points at).
fn field_path(shown: &str) -> Vec<String> {
    shown
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// serde_yaml says "api.gpt-4o: unknown field `x`, expected one of … at line
/// 3 column 5": split off the field path and put the rest in plain words.
fn split_serde_message(msg: &str) -> (String, String) {
    let (field, rest) = words::split_serde_message(msg, |path| !path.contains(' '));
    (field.to_string(), plain_words(rest))
}

/// serde's wording in the catalogue's words.
fn plain_words(rest: &str) -> String {
    if rest.starts_with("unknown field ") || rest.starts_with("unknown variant ") {
        let what = if rest.starts_with("unknown field") {
            "field"
        } else {
            "value"
        };
        match words::backticked(rest).split_first() {
            Some((found, allowed)) => match nearest_names(found, allowed.iter().copied()).first() {
                Some(best) => format!("unknown {what} `{found}`; did you mean `{best}`?"),
                None => format!(
                    "unknown {what} `{found}`; expected one of {}",
                    allowed.join(", ")
                ),
            },
            None => rest.to_string(),
        }
    } else if rest.starts_with("missing field ") {
        format!("{rest}, which is required")
    } else if let Some(r) = rest.strip_prefix("invalid type: ") {
        let r = r
            .replace("expected f64", "expected a number")
            .replace("expected u32", "expected a whole number")
            .replace("expected a string", "expected text");
        format!("wrong type: {r}")
    } else {
        rest.to_string()
    }
}

/// Collects the problems of one file's entries, located by field.
pub(super) struct Checker<'a> {
    pub(super) file: &'a ParsedFile,
    pub(super) problems: &'a mut Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn bad(&mut self, path: &[&str], message: String) {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let pos = self.file.layout.find(&path);
        self.problems.push(diagnostic(
            &self.file.display,
            pos,
            &show_path(&path),
            message,
        ));
    }

    fn name(&mut self, section: &str, name: &str) {
        if name.trim().is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
            || name != name.trim()
        {
            self.bad(
                &[section, name],
                format!(
                    "expected a name of 1 to {MAX_NAME_CHARS} characters without surrounding spaces or control characters"
                ),
            );
        }
    }

    fn price(&mut self, path: &[&str], value: f64) {
        if !value.is_finite() || value < 0.0 {
            self.bad(
                path,
                format!("expected a price in US dollars of at least 0, found {value}"),
            );
        }
    }

    fn positive(&mut self, path: &[&str], value: f64, what: &str) {
        if !value.is_finite() || value <= 0.0 {
            self.bad(
                path,
                format!("expected {what} greater than 0, found {value}"),
            );
        }
    }

    fn count(&mut self, path: &[&str], value: u32, what: &str) {
        if value == 0 {
            self.bad(path, format!("expected {what}, at least 1, found 0"));
        }
    }

    fn fraction(&mut self, path: &[&str], value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.bad(
                path,
                format!(
                    "expected a fraction from 0 to 1 (0.35 means 35% of on-demand), found {value}"
                ),
            );
        }
    }

    fn text(&mut self, path: &[&str], value: &str, what: &str) {
        if value.trim().is_empty() {
            self.bad(path, format!("expected {what}, found nothing"));
        }
    }

    fn dated(&mut self, path: &[&str], entry: &dyn Dated) {
        if parse_date(entry.as_of()).is_none() {
            let mut p = path.to_vec();
            p.push("as_of");
            self.bad(
                &p,
                format!(
                    "expected a date written YYYY-MM-DD that exists, found `{}`",
                    shorten(entry.as_of())
                ),
            );
        }
        let mut p = path.to_vec();
        p.push("source");
        self.text(&p, entry.source(), "where the figures came from");
    }

    pub(super) fn check(&mut self) {
        let file: &'a ParsedFile = self.file;
        let raw = &file.raw;
        for (name, m) in &raw.api {
            self.api(name, m);
        }
        for (name, g) in &raw.gpus {
            self.gpu(name, g);
        }
        for (i, b) in raw.training_benchmarks.iter().enumerate() {
            self.training(i, b);
        }
        for (i, b) in raw.serving_benchmarks.iter().enumerate() {
            self.serving(i, b);
        }
        for (name, m) in &raw.managed {
            self.managed(name, m);
        }
    }

    fn api(&mut self, name: &str, m: &ApiModel) {
        let n = name;
        self.name("api", n);
        self.text(&["api", n, "provider"], &m.provider, "the provider");
        self.price(&["api", n, "input_per_1m_tokens"], m.input_per_1m_tokens);
        self.price(&["api", n, "output_per_1m_tokens"], m.output_per_1m_tokens);
        if let Some(d) = m.deprecated.as_deref().filter(|d| parse_date(d).is_none()) {
            self.bad(
                &["api", n, "deprecated"],
                format!(
                    "expected the date the model is retired, written YYYY-MM-DD, found `{}`",
                    shorten(d)
                ),
            );
        }
        for field in super::API_EXTRA_FIELDS.iter().map(|(f, _)| *f).chain([
            "long_context_input_per_1m_tokens",
            "long_context_output_per_1m_tokens",
        ]) {
            if let Some(x) = m.extra(field) {
                self.price(&["api", n, field], x);
            }
        }
        if let Some(x) = m.long_context_above_tokens {
            self.positive(
                &["api", n, "long_context_above_tokens"],
                x,
                "the prompt tokens above which long-context prices apply",
            );
        }
        let lc = [
            m.long_context_above_tokens.is_some(),
            m.long_context_input_per_1m_tokens.is_some(),
            m.long_context_output_per_1m_tokens.is_some(),
        ];
        if lc.iter().any(|x| *x) && !lc.iter().all(|x| *x) {
            self.bad(
                &["api", n, "long_context_above_tokens"],
                "expected long_context_above_tokens, long_context_input_per_1m_tokens and long_context_output_per_1m_tokens together".to_string(),
            );
        }
        if let Some(d) = m
            .not_in_map_since
            .as_deref()
            .filter(|d| parse_date(d).is_none())
        {
            self.bad(
                &["api", n, "not_in_map_since"],
                format!(
                    "expected the date of the price map that no longer lists the model, written YYYY-MM-DD, found `{}`",
                    shorten(d)
                ),
            );
        }
        if let Some(key) = &m.litellm {
            self.text(&["api", n, "litellm"], key, "LiteLLM's name for the model");
        }
        self.dated(&["api", n], m);
    }

    fn gpu(&mut self, name: &str, g: &Gpu) {
        let n = name;
        self.name("gpus", n);
        self.text(&["gpus", n, "name"], &g.name, "the GPU's name");
        self.text(
            &["gpus", n, "priced_as"],
            &g.priced_as,
            "the instance priced",
        );
        self.count(
            &["gpus", n, "gpus_per_instance"],
            g.gpus_per_instance,
            "the GPUs in one instance",
        );
        self.price(
            &["gpus", n, "on_demand_per_gpu_hour"],
            g.on_demand_per_gpu_hour,
        );
        self.fraction(&["gpus", n, "spot_price_factor"], g.spot_price_factor);
        self.positive(
            &["gpus", n, "memory_gb"],
            g.memory_gb,
            "the GPU memory in GB",
        );
        self.positive(
            &["gpus", n, "memory_bandwidth_gb_per_s"],
            g.memory_bandwidth_gb_per_s,
            "the memory bandwidth in GB/s",
        );
        self.positive(
            &["gpus", n, "bf16_dense_tflops"],
            g.bf16_dense_tflops,
            "the dense BF16 TFLOPS",
        );
        self.text(
            &["gpus", n, "spec_source"],
            &g.spec_source,
            "where the hardware figures came from",
        );
        if let Some(b) = &g.billing {
            if !super::BILLING_INCREMENTS.contains(&b.as_str()) {
                self.bad(
                    &["gpus", n, "billing"],
                    format!(
                        "expected how the offer bills time: {}, found `{}`",
                        super::BILLING_INCREMENTS.join(", "),
                        shorten(b)
                    ),
                );
            }
            match &g.billing_source {
                Some(src) => self.text(
                    &["gpus", n, "billing_source"],
                    src,
                    "where the billing increment is stated",
                ),
                None => self.bad(
                    &["gpus", n, "billing_source"],
                    "expected where the billing increment is stated, found nothing".to_string(),
                ),
            }
        }
        if let Some(c) = &g.committed {
            for (field, x) in [
                ("reserved_1y_discount", c.reserved_1y_discount),
                ("reserved_3y_discount", c.reserved_3y_discount),
            ] {
                if let Some(x) = x.filter(|x| !(0.0..1.0).contains(x)) {
                    self.bad(
                        &["gpus", n, "committed", field],
                        format!(
                            "expected the share off the on-demand price, from 0 to below 1 (0.37 means 37% off), found {x}"
                        ),
                    );
                }
            }
            if c.reserved_1y_discount.is_none() && c.reserved_3y_discount.is_none() {
                self.bad(
                    &["gpus", n, "committed"],
                    "expected reserved_1y_discount, reserved_3y_discount or both".to_string(),
                );
            }
            self.dated(&["gpus", n, "committed"], c);
        }
        self.dated(&["gpus", n], g);
    }

    fn training(&mut self, i: usize, b: &TrainingBenchmark) {
        let idx = format!("[{i}]");
        let p = ["training_benchmarks", idx.as_str()];
        let at = |f: &'static str| [p[0], p[1], f];
        self.positive(
            &at("model_size_b"),
            b.model_size_b,
            "the model size in billions",
        );
        self.text(&at("instance"), &b.instance, "the instance type");
        self.positive(
            &at("tokens_per_second"),
            b.tokens_per_second,
            "the training tokens a second",
        );
        self.count(&at("num_gpus"), b.num_gpus, "the GPUs of the run");
        self.price(&at("cost_per_hour"), b.cost_per_hour);
        self.dated(&p, b);
    }

    fn serving(&mut self, i: usize, b: &ServingBenchmark) {
        let idx = format!("[{i}]");
        let p = ["serving_benchmarks", idx.as_str()];
        let at = |f: &'static str| [p[0], p[1], f];
        self.positive(
            &at("model_size_b"),
            b.model_size_b,
            "the model size in billions",
        );
        self.text(&at("instance"), &b.instance, "the instance type");
        self.count(&at("num_gpus"), b.num_gpus, "the GPUs serving one copy");
        self.positive(
            &at("tokens_per_second"),
            b.tokens_per_second,
            "the generated tokens a second",
        );
        if let Some(batch) = b.batch_size {
            self.count(&at("batch_size"), batch, "the batch size");
        }
        if !PRECISIONS.contains(&b.precision.as_str()) {
            let near = nearest_names(&b.precision, PRECISIONS.iter().copied());
            let hint = words::suggestion(&near).unwrap_or_default();
            self.bad(
                &at("precision"),
                format!(
                    "expected one of {}, found `{}`{hint}",
                    PRECISIONS.join(", "),
                    shorten(&b.precision)
                ),
            );
        }
        self.dated(&p, b);
    }

    fn managed(&mut self, name: &str, m: &ManagedFineTuning) {
        let n = name;
        self.name("managed", n);
        self.text(&["managed", n, "provider"], &m.provider, "the provider");
        self.text(
            &["managed", n, "base_model"],
            &m.base_model,
            "the base model",
        );
        if let Some(size) = m.model_size_b {
            self.positive(
                &["managed", n, "model_size_b"],
                size,
                "the model size in billions",
            );
        }
        let training = ["managed", n, "training_per_1m_tokens"];
        self.price(&training, m.training_per_1m_tokens);
        if let Some([low, high]) = m.training_per_1m_tokens_range {
            let range = ["managed", n, "training_per_1m_tokens_range"];
            self.price(&range, low);
            self.price(&range, high);
            if !(low <= m.training_per_1m_tokens && m.training_per_1m_tokens <= high) {
                self.bad(
                    &range,
                    format!(
                        "expected [low, high] around training_per_1m_tokens ({}), found [{low}, {high}]",
                        m.training_per_1m_tokens
                    ),
                );
            }
        }
        self.price(
            &["managed", n, "inference_input_per_1m_tokens"],
            m.inference_input_per_1m_tokens,
        );
        self.price(
            &["managed", n, "inference_output_per_1m_tokens"],
            m.inference_output_per_1m_tokens,
        );
        self.dated(&["managed", n], m);
    }
}

/// Keeps the first [`MAX_PROBLEMS`] problems, counting the rest in a last line.
pub(super) fn limit(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    keep_first(problems, MAX_PROBLEMS, |more| {
        format!("and {more} more problems not listed; fix these first")
    })
}

/// Checks each file, merges them (a name defined twice is a problem), and
/// checks the references between sections.
pub(super) fn merge(parsed: &[ParsedFile], problems: &mut Vec<Diagnostic>) -> Catalog {
    let mut catalog = Catalog::default();
    let mut named = Named::default();
    for (fi, file) in parsed.iter().enumerate() {
        Checker { file, problems }.check();
        named.add(parsed, fi, &mut catalog, problems);
    }
    // Benchmarks: unique rows, instances that exist.
    let mut training_seen: HashMap<String, String> = HashMap::new();
    let mut serving_seen: HashMap<String, String> = HashMap::new();
    for file in parsed {
        let mut rows = Rows {
            file,
            catalog: &mut catalog,
            problems,
        };
        rows.training(&mut training_seen);
        rows.serving(&mut serving_seen);
        rows.base_apis();
    }
    catalog
}

/// Where each named entry was defined first: (section, name) → file index.
#[derive(Default)]
struct Named(HashMap<(&'static str, String), usize>);

impl Named {
    /// Adds the named entries of file `fi` that no earlier file defined.
    fn add(
        &mut self,
        parsed: &[ParsedFile],
        fi: usize,
        catalog: &mut Catalog,
        problems: &mut Vec<Diagnostic>,
    ) {
        let file = &parsed[fi];
        for (name, m) in &file.raw.api {
            if self.once(parsed, fi, "api", name, problems) {
                catalog.api.insert(name.clone(), m.clone());
            }
        }
        for (name, g) in &file.raw.gpus {
            if self.once(parsed, fi, "gpus", name, problems) {
                catalog.gpus.insert(name.clone(), g.clone());
            }
        }
        for (name, m) in &file.raw.managed {
            if self.once(parsed, fi, "managed", name, problems) {
                catalog.managed.insert(name.clone(), m.clone());
            }
        }
    }

    /// True the first time `section.name` is seen; a problem after that.
    fn once(
        &mut self,
        parsed: &[ParsedFile],
        fi: usize,
        section: &'static str,
        name: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> bool {
        let file = &parsed[fi];
        match self.0.get(&(section, name.to_string())) {
            Some(&first) => {
                let path = vec![section.to_string(), name.to_string()];
                problems.push(diagnostic(
                    &file.display,
                    file.layout.keys.get(&path).copied(),
                    &show_path(&path),
                    format!(
                        "`{}` is already defined in {}; keep one",
                        shorten(name),
                        parsed[first].display
                    ),
                ));
                false
            }
            None => {
                self.0.insert((section, name.to_string()), fi);
                true
            }
        }
    }
}

/// The rows and references of one file checked against the merged names.
struct Rows<'a> {
    file: &'a ParsedFile,
    catalog: &'a mut Catalog,
    problems: &'a mut Vec<Diagnostic>,
}

impl Rows<'_> {
    fn bad(&mut self, path: Vec<String>, message: String) {
        let pos = self.file.layout.find(&path);
        let field = show_path(&path);
        self.problems
            .push(diagnostic(&self.file.display, pos, &field, message));
    }

    fn unknown_instance(&self, name: &str) -> String {
        let gpu_names = || self.catalog.gpus.keys().map(String::as_str);
        let near = nearest_names(name, gpu_names());
        let hint = words::suggestion(&near).unwrap_or_else(|| {
            format!(
                "; the catalogue has {}",
                gpu_names().collect::<Vec<_>>().join(", ")
            )
        });
        format!(
            "unknown GPU instance `{}` (not in the `gpus` section){hint}",
            shorten(name)
        )
    }

    /// A benchmark row's instance must be a GPU of the catalogue; a row
    /// measured twice (by `key`) is a problem. True for a new row.
    fn row(
        &mut self,
        section: &str,
        i: usize,
        instance: &str,
        key: String,
        seen: &mut HashMap<String, String>,
    ) -> bool {
        let row = |f: &str| vec![section.to_string(), format!("[{i}]"), f.to_string()];
        if !self.catalog.gpus.contains_key(instance) {
            let message = self.unknown_instance(instance);
            self.bad(row("instance"), message);
        }
        if let Some(first) = seen.get(&key) {
            let message = format!("a second row for {key} (the first is in {first}); keep one");
            self.bad(row("model_size_b"), message);
            false
        } else {
            seen.insert(key, self.file.display.clone());
            true
        }
    }

    fn training(&mut self, seen: &mut HashMap<String, String>) {
        for (i, b) in self.file.raw.training_benchmarks.iter().enumerate() {
            let key = format!("{}B {} on {}", b.model_size_b, b.method.name(), b.instance);
            if self.row("training_benchmarks", i, &b.instance, key, seen) {
                self.catalog.training.push(b.clone());
            }
        }
    }

    fn serving(&mut self, seen: &mut HashMap<String, String>) {
        for (i, b) in self.file.raw.serving_benchmarks.iter().enumerate() {
            let key = format!(
                "{}B with {}-bit weights on {}",
                b.model_size_b,
                super::weight_bits(&b.precision),
                b.instance
            );
            if self.row("serving_benchmarks", i, &b.instance, key, seen) {
                self.catalog.serving.push(b.clone());
            }
        }
    }

    /// A managed offer's `base_api` must be an API model of the catalogue.
    fn base_apis(&mut self) {
        for (name, m) in &self.file.raw.managed {
            let Some(base) = &m.base_api else { continue };
            if self.catalog.api.contains_key(base) {
                continue;
            }
            let near = nearest_names(base, self.catalog.api.keys().map(String::as_str));
            let hint = words::suggestion(&near).unwrap_or_default();
            let path = vec!["managed".to_string(), name.clone(), "base_api".to_string()];
            let message = format!(
                "unknown API model `{}` (not in the `api` section){hint}",
                shorten(base)
            );
            self.bad(path, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    #[test]
    fn problems_name_file_line_and_field() {
        let text = "\
gpus:
  a10g:
    name: NVIDIA A10G
    priced_as: test
    gpus_per_instance: 1
    on_demand_per_gpu_hour: -1.03
    spot_price_factor: 1.5
    memory_gb: 24
    memory_bandwidth_gb_per_s: 600
    bf16_dense_tflops: 70
    as_of: 2024-02-30
    source: test
    spec_source: test
";
        let err = Catalog::from_text(text, "gpus.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("gpus.yaml:6:29: gpus.a10g.on_demand_per_gpu_hour: expected a price"),
            "{msg}"
        );
        assert!(
            msg.contains("gpus.yaml:7:24: gpus.a10g.spot_price_factor"),
            "{msg}"
        );
        assert!(
            msg.contains("gpus.yaml:11:12: gpus.a10g.as_of: expected a date written YYYY-MM-DD that exists, found `2024-02-30`"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_fields_suggest_the_nearest_field() {
        let text = "api:\n  m:\n    provider: x\n    input_per_1m_tokns: 1\n";
        let msg = Catalog::from_text(text, "api.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("api.yaml:4:5: api.m: unknown field `input_per_1m_tokns`; did you mean `input_per_1m_tokens`?"),
            "{msg}"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        let text = "api:\n  m: {provider: x}\n  m: {provider: y}\n";
        let msg = Catalog::from_text(text, "api.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("api.yaml:3:3: api.m: `m` is given twice"),
            "{msg}"
        );
    }
}
