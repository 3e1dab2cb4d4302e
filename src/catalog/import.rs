//! The API price file kept as written, compared with LiteLLM's price map
//! (`model_prices_and_context_window.json`), and written back with only the
//! changed values replaced and the added models appended.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use crate::collections::IndexMap;
use chrono::NaiveDate;
use serde_json::Value as Json;

use super::check::{limit, parse_file, read_text, Checker, ParsedFile};
use super::layout::{diagnostic, show_path, Layout};
use super::{
    shorten, ApiModel, CatalogError, API_EXTRA_FIELDS, MAX_CATALOG_FILE_BYTES, MAX_LITELLM_BYTES,
    MAX_NAME_CHARS,
};

/// The file that holds the catalogue's API prices, kept as written so that
/// it can be rewritten with only the changed values replaced.
#[derive(Debug, Clone)]
pub struct ApiPriceFile {
    parsed: ParsedFile,
}

impl ApiPriceFile {
    /// Reads and checks the file (its entries on their own: references to
    /// other files are checked by [`Catalog::load`]).
    pub fn read(path: &Path) -> Result<ApiPriceFile, CatalogError> {
        let bytes =
            read_text(path, MAX_CATALOG_FILE_BYTES).map_err(|d| CatalogError::Invalid(vec![d]))?;
        Self::parse_bytes(&bytes, &path.display().to_string())
    }

    /// Parses and checks the text of the file (named `file` in messages).
    pub fn parse(text: &str, file: &str) -> Result<ApiPriceFile, CatalogError> {
        Self::parse_bytes(text.as_bytes(), file)
    }

    fn parse_bytes(bytes: &[u8], file: &str) -> Result<ApiPriceFile, CatalogError> {
        let parsed = parse_file(bytes, file).map_err(CatalogError::Invalid)?;
        let mut problems = Vec::new();
        Checker {
            file: &parsed,
            problems: &mut problems,
        }
        .check();
        if problems.is_empty() {
            Ok(ApiPriceFile { parsed })
        } else {
            Err(CatalogError::Invalid(limit(problems)))
        }
    }

    /// The API models, in file order.
    pub fn models(&self) -> &IndexMap<String, ApiModel> {
        &self.parsed.raw.api
    }

    /// The file's text as read (without a byte-order mark).
    pub fn text(&self) -> &str {
        &self.parsed.text
    }
}

/// Which models of LiteLLM's map that the catalogue lacks are added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AddPolicy {
    /// Add none: only update the models the catalogue has.
    None,
    /// Add those of the providers the catalogue already lists.
    #[default]
    KnownProviders,
    /// Add those of these providers (LiteLLM's `litellm_provider`).
    Providers(Vec<String>),
    /// Add every chat and completion model (LiteLLM has thousands).
    All,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub add: AddPolicy,
    /// Whether an entry whose prices the map confirms takes the map's date
    /// and source (so that every entry it prices cites it); otherwise only
    /// changed entries are rewritten.
    pub confirm: bool,
    /// The LiteLLM package version the map was taken from (`1.110.2`),
    /// named in each source when given.
    pub package: Option<String>,
    /// Keys of the map added whatever the add policy says.
    pub also_add: Vec<String>,
}

/// The source an imported entry cites: the map, its package, its date and the key.
pub fn litellm_source(package: Option<&str>, as_of: NaiveDate, key: &str) -> String {
    match package {
        Some(p) => format!("LiteLLM price map (package {p}), taken {as_of} (key `{key}`)"),
        None => format!("LiteLLM price map, {as_of} (key `{key}`)"),
    }
}

/// One change the import makes to the API price file.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A catalogue model whose prices differ from LiteLLM's.
    Updated {
        name: String,
        /// The key in LiteLLM's map.
        litellm_key: String,
        old_input_per_1m_tokens: f64,
        old_output_per_1m_tokens: f64,
        input_per_1m_tokens: f64,
        output_per_1m_tokens: f64,
        /// LiteLLM's retirement date, when it gives one the entry lacks.
        deprecated: Option<NaiveDate>,
        /// The other prices (cached, batch, tiers, long context) that are
        /// new or differ: (catalogue field, value).
        extras: Vec<(&'static str, f64)>,
        as_of: NaiveDate,
        source: String,
    },
    /// A catalogue model the map no longer lists: marked with the map's date.
    Gone {
        name: String,
        /// The date of the map that lacks it.
        since: NaiveDate,
    },
    /// A model of LiteLLM's map the catalogue did not have.
    Added {
        name: String,
        provider: String,
        input_per_1m_tokens: f64,
        output_per_1m_tokens: f64,
        /// LiteLLM's retirement date for the model, if any.
        deprecated: Option<NaiveDate>,
        /// The other prices the map gives: (catalogue field, value).
        extras: Vec<(&'static str, f64)>,
        as_of: NaiveDate,
        source: String,
    },
}

impl Change {
    /// The catalogue name of the model changed.
    pub fn name(&self) -> &str {
        match self {
            Change::Updated { name, .. }
            | Change::Added { name, .. }
            | Change::Gone { name, .. } => name,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Updated {
                name,
                litellm_key,
                old_input_per_1m_tokens: oi,
                old_output_per_1m_tokens: oo,
                input_per_1m_tokens: ni,
                output_per_1m_tokens: no,
                deprecated,
                extras,
                ..
            } => {
                let confirmed = to_micro(*oi) == to_micro(*ni) && to_micro(*oo) == to_micro(*no);
                let verb = if confirmed { "confirmed" } else { "updated" };
                write!(f, "{verb} {}", shorten(name))?;
                if litellm_key != name {
                    write!(f, " (LiteLLM's {})", shorten(litellm_key))?;
                }
                if confirmed {
                    write!(
                        f,
                        ": input ${}, output ${} per 1M tokens, now dated and sourced from the map",
                        format_price(*ni),
                        format_price(*no)
                    )?;
                } else {
                    write!(
                        f,
                        ": input ${} → ${}, output ${} → ${} per 1M tokens",
                        format_price(*oi),
                        format_price(*ni),
                        format_price(*oo),
                        format_price(*no)
                    )?;
                }
                write_extras(f, extras)?;
                match deprecated {
                    Some(d) => write!(f, "; deprecated {d}"),
                    None => Ok(()),
                }
            }
            Change::Gone { name, since } => write!(
                f,
                "marked {}: not in the map of {since}; its last known prices are kept",
                shorten(name)
            ),
            Change::Added {
                name,
                provider,
                input_per_1m_tokens,
                output_per_1m_tokens,
                deprecated,
                extras,
                ..
            } => {
                write!(
                    f,
                    "added {} ({}): input ${}, output ${} per 1M tokens",
                    shorten(name),
                    shorten(provider),
                    format_price(*input_per_1m_tokens),
                    format_price(*output_per_1m_tokens)
                )?;
                write_extras(f, extras)?;
                match deprecated {
                    Some(d) => write!(f, "; deprecated {d}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The other prices of a change, as `; cached_input $1.25, batch_input $1.25`.
fn write_extras(f: &mut fmt::Formatter<'_>, extras: &[(&'static str, f64)]) -> fmt::Result {
    if extras.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = extras
        .iter()
        .map(|(field, x)| match *field {
            "long_context_above_tokens" => format!("long context above {x} tokens"),
            _ => format!(
                "{} ${}",
                field.trim_end_matches("_per_1m_tokens"),
                format_price(*x)
            ),
        })
        .collect();
    write!(f, "; {}", shown.join(", "))
}

/// Entries of LiteLLM's map that were not used, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// `sample_spec`, the map's description of its own fields.
    pub sample_spec: usize,
    /// Models whose `mode` is not chat or completion (embeddings, images…).
    pub not_chat: usize,
    /// Chat models without both `input_cost_per_token` and `output_cost_per_token`.
    pub without_prices: usize,
    /// Entries with prices that are not finite numbers of at least 0, or
    /// names that cannot be catalogue names.
    pub invalid: usize,
    /// Usable models not added: left out by the [`AddPolicy`], or named
    /// like a catalogue model that reads another key (its `litellm`).
    pub not_added: usize,
}

/// What an import found and would change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LitellmImport {
    /// Updates in the file's order, then additions in name order.
    pub changes: Vec<Change>,
    /// Catalogue models whose prices LiteLLM gives unchanged.
    pub unchanged: usize,
    /// Catalogue models LiteLLM's map has no usable price for (those it
    /// does not list at all are also marked, as [`Change::Gone`]).
    pub not_in_litellm: Vec<String>,
    pub skipped: Skipped,
}

impl LitellmImport {
    /// A report for people: one line per change, then the counts.
    pub fn summary(&self) -> String {
        let mut lines: Vec<String> = self.changes.iter().map(|c| c.to_string()).collect();
        let updated = self
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Updated { .. }))
            .count();
        let gone = self
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Gone { .. }))
            .count();
        let added = self.changes.len() - updated - gone;
        lines.push(format!(
            "{updated} updated, {added} added, {gone} marked as gone from the map, {} unchanged",
            self.unchanged
        ));
        if !self.not_in_litellm.is_empty() {
            lines.push(format!(
                "kept as they were, without a usable LiteLLM price: {}",
                self.not_in_litellm
                    .iter()
                    .map(|n| shorten(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let s = &self.skipped;
        lines.push(format!(
            "skipped in LiteLLM's map: {} sample_spec, {} not chat or completion, {} without both prices, {} invalid, {} not added by the add policy",
            s.sample_spec, s.not_chat, s.without_prices, s.invalid, s.not_added
        ));
        lines.join("\n")
    }
}

/// A per-token price as dollars per million tokens, to a millionth of a dollar.
pub fn per_1m_tokens(per_token: f64) -> f64 {
    (per_token * 1e12).round() / 1e6
}

/// A price to a millionth of a dollar, as prices are compared.
fn to_micro(price: f64) -> f64 {
    (price * 1e6).round() / 1e6
}

/// A price as written in the catalogue: at least two decimals, at most six,
/// no trailing zeros beyond two (5 → `5.00`, 0.075 → `0.075`).
pub fn format_price(price: f64) -> String {
    let s = format!("{price:.6}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    format!("{int}.{frac}")
}

/// One usable entry of LiteLLM's map.
struct LitellmPrice {
    provider: String,
    input: f64,
    output: f64,
    /// `deprecation_date`, when it is a date.
    deprecated: Option<NaiveDate>,
    /// The other prices: (catalogue field, value per 1M tokens, or tokens
    /// for the long-context threshold).
    extras: Vec<(&'static str, f64)>,
}

/// Compares the API price file with LiteLLM's price map (the text of
/// `model_prices_and_context_window.json`; `litellm_file` names it in
/// messages and, by its file name, in the `source` of changed entries).
///
/// Each catalogue model is looked up under its `litellm` key, else its name;
/// its prices change when LiteLLM's, per token × 1,000,000 and rounded to a
/// millionth of a dollar, differ. Only entries whose `mode` is `chat` or
/// `completion` with both token prices are used; `sample_spec` is skipped.
/// Models the catalogue lacks are added as [`ImportOptions::add`] says.
/// Changed and added entries get `as_of` (the date of the map's prices, not
/// the day of the import) and a `source` naming the map, that date and the
/// key; a model LiteLLM gives a `deprecation_date` gets `deprecated`. A
/// model whose only change is a new retirement date is updated too.
/// Nothing is written: see [`render_api_prices`].
pub fn import_litellm(
    file: &ApiPriceFile,
    litellm_json: &str,
    litellm_file: &str,
    as_of: NaiveDate,
    options: &ImportOptions,
) -> Result<LitellmImport, CatalogError> {
    let fail = |message: String| CatalogError::Litellm {
        file: litellm_file.to_string(),
        message,
    };
    if litellm_json.len() > MAX_LITELLM_BYTES {
        return Err(fail(format!(
            "the file is larger than {MAX_LITELLM_BYTES} bytes; refused"
        )));
    }
    let map: serde_json::Map<String, Json> = serde_json::from_str(litellm_json).map_err(|e| {
        fail(format!(
            "expected LiteLLM's price map, a JSON object of models: {e}"
        ))
    })?;
    let package = options.package.clone();
    let source_for = |key: &str| litellm_source(package.as_deref(), as_of, key);

    let mut import = LitellmImport::default();
    let usable = usable_prices(&map, &mut import.skipped);
    let listed: HashSet<&str> = map.keys().map(String::as_str).collect();
    let claimed = update_known(
        file.models(),
        &listed,
        &usable,
        (as_of, options.confirm),
        &source_for,
        &mut import,
    );
    add_new(
        file.models(),
        &usable,
        &claimed,
        options,
        as_of,
        &source_for,
        &mut import,
    );
    Ok(import)
}

/// Why an entry of LiteLLM's map is not used.
enum Unusable {
    SampleSpec,
    NotChat,
    WithoutPrices,
    Invalid,
}

/// The entries of LiteLLM's map that can be catalogue entries, by key; the
/// others are counted in `skipped`.
fn usable_prices<'m>(
    map: &'m serde_json::Map<String, Json>,
    skipped: &mut Skipped,
) -> BTreeMap<&'m str, LitellmPrice> {
    let mut usable = BTreeMap::new();
    for (key, entry) in map {
        match usable_price(key, entry) {
            Ok(price) => {
                usable.insert(key.as_str(), price);
            }
            Err(Unusable::SampleSpec) => skipped.sample_spec += 1,
            Err(Unusable::NotChat) => skipped.not_chat += 1,
            Err(Unusable::WithoutPrices) => skipped.without_prices += 1,
            Err(Unusable::Invalid) => skipped.invalid += 1,
        }
    }
    usable
}

/// One entry of LiteLLM's map, per million tokens, if it can be used.
fn usable_price(key: &str, entry: &Json) -> Result<LitellmPrice, Unusable> {
    if key == "sample_spec" {
        return Err(Unusable::SampleSpec);
    }
    let fields = entry.as_object().ok_or(Unusable::Invalid)?;
    let mode = fields.get("mode").and_then(Json::as_str);
    if !matches!(mode, Some("chat" | "completion")) {
        return Err(Unusable::NotChat);
    }
    let (Some(input), Some(output)) = (
        fields.get("input_cost_per_token"),
        fields.get("output_cost_per_token"),
    ) else {
        return Err(Unusable::WithoutPrices);
    };
    let (Some(input), Some(output)) = (input.as_f64(), output.as_f64()) else {
        return Err(Unusable::Invalid);
    };
    let (input, output) = (per_1m_tokens(input), per_1m_tokens(output));
    let name_ok = !key.trim().is_empty()
        && key == key.trim()
        && key.chars().count() <= MAX_NAME_CHARS
        && !key.chars().any(char::is_control);
    if !input.is_finite() || !output.is_finite() || input < 0.0 || output < 0.0 || !name_ok {
        return Err(Unusable::Invalid);
    }
    let provider = fields
        .get("litellm_provider")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let deprecated = fields
        .get("deprecation_date")
        .and_then(Json::as_str)
        .and_then(super::parse_date);
    Ok(LitellmPrice {
        provider,
        input,
        output,
        deprecated,
        extras: extra_prices(fields),
    })
}

/// The other prices of an entry: cached input, cache writes, batch,
/// priority, flex, reasoning and the lowest long-context step (its
/// threshold and both prices), each when it is a finite price ≥ 0.
fn extra_prices(fields: &serde_json::Map<String, Json>) -> Vec<(&'static str, f64)> {
    let price = |key: &str| {
        fields
            .get(key)
            .and_then(Json::as_f64)
            .map(per_1m_tokens)
            .filter(|x| x.is_finite() && *x >= 0.0)
    };
    let mut extras: Vec<(&'static str, f64)> = API_EXTRA_FIELDS
        .iter()
        .filter_map(|(field, key)| price(key).map(|x| (*field, x)))
        .collect();
    let step = fields
        .keys()
        .filter_map(|k| {
            k.strip_prefix("input_cost_per_token_above_")?
                .strip_suffix("k_tokens")?
                .parse::<u32>()
                .ok()
        })
        .filter_map(|thousands| {
            let input = price(&format!("input_cost_per_token_above_{thousands}k_tokens"))?;
            let output = price(&format!("output_cost_per_token_above_{thousands}k_tokens"))?;
            Some((thousands, input, output))
        })
        .min_by_key(|(thousands, _, _)| *thousands);
    if let Some((thousands, input, output)) = step {
        extras.push(("long_context_above_tokens", f64::from(thousands) * 1000.0));
        extras.push(("long_context_input_per_1m_tokens", input));
        extras.push(("long_context_output_per_1m_tokens", output));
    }
    extras
}

/// Compares each catalogue model with its LiteLLM entry; returns the keys
/// the catalogue's models read.
fn update_known<'f>(
    models: &'f IndexMap<String, ApiModel>,
    listed: &HashSet<&str>,
    usable: &BTreeMap<&str, LitellmPrice>,
    (as_of, confirm): (NaiveDate, bool),
    source_for: &dyn Fn(&str) -> String,
    import: &mut LitellmImport,
) -> HashSet<&'f str> {
    let mut claimed: HashSet<&str> = HashSet::new();
    for (name, model) in models {
        let key = model.litellm.as_deref().unwrap_or(name);
        claimed.insert(key);
        let Some(price) = usable.get(key) else {
            import.not_in_litellm.push(name.clone());
            // Only an entry that came from the map can be gone from it.
            let from_map = model.litellm.is_some() || model.source.starts_with("LiteLLM price map");
            if from_map && !listed.contains(key) && model.not_in_map_since.is_none() {
                import.changes.push(Change::Gone {
                    name: name.clone(),
                    since: as_of,
                });
            }
            continue;
        };
        let deprecated = price
            .deprecated
            .filter(|d| model.deprecated.as_deref().and_then(super::parse_date) != Some(*d));
        let extras: Vec<(&'static str, f64)> = price
            .extras
            .iter()
            .filter(|(field, x)| model.extra(field).map(to_micro) != Some(*x))
            .copied()
            .collect();
        // An entry already citing this map at this date, at its prices.
        let same = to_micro(model.input_per_1m_tokens) == price.input
            && to_micro(model.output_per_1m_tokens) == price.output
            && deprecated.is_none()
            && extras.is_empty()
            && (!confirm
                || (model.as_of == as_of.format("%Y-%m-%d").to_string()
                    && model.source == source_for(key)));
        if same {
            import.unchanged += 1;
        } else {
            import.changes.push(Change::Updated {
                name: name.clone(),
                litellm_key: key.to_string(),
                old_input_per_1m_tokens: model.input_per_1m_tokens,
                old_output_per_1m_tokens: model.output_per_1m_tokens,
                input_per_1m_tokens: price.input,
                output_per_1m_tokens: price.output,
                deprecated,
                extras,
                as_of,
                source: source_for(key),
            });
        }
    }
    claimed
}

/// Adds the usable models no catalogue model reads, as the policy says.
fn add_new(
    models: &IndexMap<String, ApiModel>,
    usable: &BTreeMap<&str, LitellmPrice>,
    claimed: &HashSet<&str>,
    options: &ImportOptions,
    as_of: NaiveDate,
    source_for: &dyn Fn(&str) -> String,
    import: &mut LitellmImport,
) {
    let known_providers: HashSet<&str> = models.values().map(|m| m.provider.as_str()).collect();
    for (key, price) in usable {
        if claimed.contains(key) {
            continue;
        }
        if models.contains_key(*key) {
            // The catalogue's model of that name reads another LiteLLM key.
            import.skipped.not_added += 1;
            continue;
        }
        let add = options.also_add.iter().any(|k| k == key)
            || match &options.add {
                AddPolicy::None => false,
                AddPolicy::KnownProviders => known_providers.contains(price.provider.as_str()),
                AddPolicy::Providers(list) => list.contains(&price.provider),
                AddPolicy::All => true,
            };
        if !add {
            import.skipped.not_added += 1;
            continue;
        }
        if price.provider.trim().is_empty() {
            import.skipped.invalid += 1;
            continue;
        }
        import.changes.push(Change::Added {
            name: key.to_string(),
            provider: price.provider.clone(),
            input_per_1m_tokens: price.input,
            output_per_1m_tokens: price.output,
            deprecated: price.deprecated,
            extras: price.extras.clone(),
            as_of,
            source: source_for(key),
        });
    }
}

/// An other price as written: a price, or a whole count of tokens.
fn extra_text(field: &str, x: f64) -> String {
    if field == "long_context_above_tokens" {
        format!("{}", x.round() as u64)
    } else {
        format_price(x)
    }
}

/// Text as a YAML double-quoted scalar.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A name or word as YAML: plain when that cannot be misread, else quoted.
fn yaml_plain_or_quoted(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        yaml_quoted(s)
    }
}

/// Writes the API price file with the import's changes: each updated entry
/// has only its changed prices, its `as_of` and its `source` replaced in
/// place (comments and layout kept); added entries are appended after the
/// last entry of the `api` section, in name order. Every other byte stays as
/// read, so rendering with no changes gives the file back unchanged. The
/// result is read back and checked before it is returned.
pub fn render_api_prices(file: &ApiPriceFile, changes: &[Change]) -> Result<String, CatalogError> {
    let parsed = &file.parsed;
    let text = parsed.text.as_str();
    let mut rewrite = Rewrite {
        parsed,
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        expected: parsed.raw.api.clone(),
        edits: Vec::new(),
    };
    let mut added: Vec<&Change> = Vec::new();
    for change in changes {
        match change {
            Change::Updated { .. } => rewrite.update(change)?,
            Change::Gone { .. } => rewrite.mark_gone(change)?,
            Change::Added { .. } => {
                rewrite.expect_added(change)?;
                added.push(change);
            }
        }
    }
    added.sort_by(|a, b| a.name().cmp(b.name()));
    rewrite.append(&added)?;
    let out = rewrite.apply()?;

    // Read it back: the models must be exactly those intended.
    let display = parsed.display.as_str();
    let back = ApiPriceFile::parse(&out, display)?;
    if back.models() != &rewrite.expected {
        return Err(CatalogError::Invalid(vec![diagnostic(
            display,
            None,
            "api",
            "the rewritten file does not read back as intended; it was not written (a defect of this tool)"
                .to_string(),
        )]));
    }
    Ok(out)
}

/// The API price file being rewritten: the byte ranges replaced, and the
/// models the result must read back as.
struct Rewrite<'p> {
    parsed: &'p ParsedFile,
    newline: &'static str,
    expected: IndexMap<String, ApiModel>,
    /// (start, end, new text), in byte offsets of the text as read.
    edits: Vec<(usize, usize, String)>,
}

impl Rewrite<'_> {
    /// Why the value at `p` cannot be rewritten.
    fn cannot(&self, p: &[String], why: &str) -> CatalogError {
        CatalogError::Invalid(vec![diagnostic(
            &self.parsed.display,
            self.parsed.layout.find(p),
            &show_path(p),
            format!("cannot rewrite this value: {why}"),
        )])
    }

    /// Replaces an updated model's changed prices, `as_of` and `source` in
    /// place; fields the entry lacks are written on new lines after its source.
    fn update(&mut self, change: &Change) -> Result<(), CatalogError> {
        let Change::Updated {
            name,
            old_input_per_1m_tokens,
            old_output_per_1m_tokens,
            input_per_1m_tokens,
            output_per_1m_tokens,
            deprecated,
            extras,
            as_of,
            source,
            ..
        } = change
        else {
            return Ok(());
        };
        let Some(model) = self.expected.get_mut(name) else {
            let entry = ["api".to_string(), name.clone()];
            return Err(self.cannot(&entry, "the file has no such model"));
        };
        let mut values: Vec<(&str, String)> = Vec::new();
        let mut inserts: Vec<(&str, String)> = Vec::new();
        if to_micro(*old_input_per_1m_tokens) != to_micro(*input_per_1m_tokens) {
            values.push(("input_per_1m_tokens", format_price(*input_per_1m_tokens)));
            model.input_per_1m_tokens = *input_per_1m_tokens;
        }
        if to_micro(*old_output_per_1m_tokens) != to_micro(*output_per_1m_tokens) {
            values.push(("output_per_1m_tokens", format_price(*output_per_1m_tokens)));
            model.output_per_1m_tokens = *output_per_1m_tokens;
        }
        values.push(("as_of", as_of.format("%Y-%m-%d").to_string()));
        values.push(("source", yaml_quoted(source)));
        model.as_of = as_of.format("%Y-%m-%d").to_string();
        model.source = source.clone();
        for (field, x) in extras {
            let text = extra_text(field, *x);
            if model.extra(field).is_some() {
                values.push((field, text));
            } else {
                inserts.push((field, text));
            }
            model.set_extra(field, Some(*x));
        }
        if let Some(d) = deprecated {
            let date = d.format("%Y-%m-%d").to_string();
            if model.deprecated.is_some() {
                values.push(("deprecated", date.clone()));
            } else {
                inserts.push(("deprecated", date.clone()));
            }
            model.deprecated = Some(date);
        }
        if model.not_in_map_since.take().is_some() {
            // Listed again: the mark goes.
            self.remove_line(name, "not_in_map_since")?;
        }
        self.insert_after_source(name, &inserts)?;
        for (field, new_text) in values {
            let p = vec!["api".to_string(), name.to_string(), field.to_string()];
            let at = self.parsed.layout.scalars.get(&p);
            let at = at.ok_or_else(|| self.cannot(&p, "it is not a plain value"))?;
            let end = at
                .end
                .ok_or_else(|| self.cannot(&p, "write it on one line, plain or in quotes"))?;
            self.edits.push((at.start, end, new_text));
        }
        Ok(())
    }

    /// Marks a model the map no longer lists with the map's date.
    fn mark_gone(&mut self, change: &Change) -> Result<(), CatalogError> {
        let Change::Gone { name, since } = change else {
            return Ok(());
        };
        let Some(model) = self.expected.get_mut(name) else {
            let entry = ["api".to_string(), name.clone()];
            return Err(self.cannot(&entry, "the file has no such model"));
        };
        let date = since.format("%Y-%m-%d").to_string();
        model.not_in_map_since = Some(date.clone());
        self.insert_after_source(name, &[("not_in_map_since", date)])
    }

    /// Removes the line of a one-line field of an entry.
    fn remove_line(&mut self, name: &str, field: &str) -> Result<(), CatalogError> {
        let p = vec!["api".to_string(), name.to_string(), field.to_string()];
        let key = self.parsed.layout.keys.get(&p);
        let key = key.ok_or_else(|| self.cannot(&p, "the entry has no such field"))?;
        let at = self.parsed.layout.scalars.get(&p);
        let at = at.ok_or_else(|| self.cannot(&p, "it is not a plain value"))?;
        let end = at
            .end
            .ok_or_else(|| self.cannot(&p, "write it on one line, plain or in quotes"))?;
        let text = self.parsed.text.as_str();
        let line_start = text[..at.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        if key.column - 1 != text[line_start..at.start].find(field).unwrap_or(usize::MAX) {
            return Err(self.cannot(&p, "write it on a line of its own"));
        }
        self.edits.push((line_start, line_end, String::new()));
        Ok(())
    }

    /// New `field: value` lines after the entry's `source` line, indented like it.
    fn insert_after_source(
        &mut self,
        name: &str,
        lines: &[(&str, String)],
    ) -> Result<(), CatalogError> {
        if lines.is_empty() {
            return Ok(());
        }
        let p = vec!["api".to_string(), name.to_string(), "source".to_string()];
        let key = self.parsed.layout.keys.get(&p);
        let key = key.ok_or_else(|| self.cannot(&p, "the entry has no source"))?;
        let at = self.parsed.layout.scalars.get(&p);
        let at = at.ok_or_else(|| self.cannot(&p, "it is not a plain value"))?;
        let end = at
            .end
            .ok_or_else(|| self.cannot(&p, "write it on one line, plain or in quotes"))?;
        let text = self.parsed.text.as_str();
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let line_end = if text[..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        };
        let indent = " ".repeat(key.column - 1);
        let block: String = lines
            .iter()
            .map(|(field, value)| format!("{}{indent}{field}: {value}", self.newline))
            .collect();
        self.edits.push((line_end, line_end, block));
        Ok(())
    }

    /// Notes an added model among those the result must hold.
    fn expect_added(&mut self, change: &Change) -> Result<(), CatalogError> {
        let Change::Added {
            name,
            provider,
            input_per_1m_tokens,
            output_per_1m_tokens,
            deprecated,
            extras,
            as_of,
            source,
        } = change
        else {
            return Ok(());
        };
        if self.expected.contains_key(name) {
            let entry = ["api".to_string(), name.clone()];
            return Err(self.cannot(&entry, "the file already has this model"));
        }
        let mut model = ApiModel {
            provider: provider.clone(),
            input_per_1m_tokens: *input_per_1m_tokens,
            output_per_1m_tokens: *output_per_1m_tokens,
            litellm: None,
            deprecated: deprecated.map(|d| d.format("%Y-%m-%d").to_string()),
            cached_input_per_1m_tokens: None,
            cache_write_per_1m_tokens: None,
            batch_input_per_1m_tokens: None,
            batch_output_per_1m_tokens: None,
            priority_input_per_1m_tokens: None,
            priority_output_per_1m_tokens: None,
            flex_input_per_1m_tokens: None,
            flex_output_per_1m_tokens: None,
            reasoning_per_1m_tokens: None,
            long_context_above_tokens: None,
            long_context_input_per_1m_tokens: None,
            long_context_output_per_1m_tokens: None,
            not_in_map_since: None,
            as_of: as_of.format("%Y-%m-%d").to_string(),
            source: source.clone(),
            notes: None,
        };
        for (field, x) in extras {
            model.set_extra(field, Some(*x));
        }
        self.expected.insert(name.clone(), model);
        Ok(())
    }

    /// Appends the added models after the last entry of the `api` section.
    fn append(&mut self, added: &[&Change]) -> Result<(), CatalogError> {
        if added.is_empty() {
            return Ok(());
        }
        let (layout, text) = (&self.parsed.layout, self.parsed.text.as_str());
        let place = append_place(layout, text, self.newline)
            .map_err(|why| self.cannot(&["api".to_string()], why))?;
        let mut block = place.header;
        for change in added {
            block.push_str(&added_entry(
                change,
                place.entry_indent,
                place.field_indent,
                self.newline,
            ));
        }
        self.edits.push((place.at, place.at, block));
        Ok(())
    }

    /// The text with every edit made (and the byte-order mark kept).
    fn apply(&mut self) -> Result<String, CatalogError> {
        let text = self.parsed.text.as_str();
        self.edits.sort_by_key(|(start, end, _)| (*start, *end));
        let mut out = String::with_capacity(text.len() + 256);
        if self.parsed.bom {
            out.push('\u{feff}');
        }
        let mut at = 0;
        for (start, end, new_text) in &self.edits {
            if *start < at {
                return Err(self.cannot(&["api".to_string()], "two changes overlap"));
            }
            out.push_str(&text[at..*start]);
            out.push_str(new_text);
            at = *end;
        }
        out.push_str(&text[at..]);
        Ok(out)
    }
}

/// Where entries are appended to the `api` section, and how they are indented.
struct AppendPlace {
    /// Byte offset to insert at.
    at: usize,
    entry_indent: usize,
    field_indent: usize,
    /// Text that must precede the entries (`api:` when the file has none).
    header: String,
}

/// The line after the last entry of the `api` section, indented like its
/// first entry; the end of the file when there is no `api` section.
fn append_place(layout: &Layout, text: &str, newline: &str) -> Result<AppendPlace, &'static str> {
    let api = vec!["api".to_string()];
    let Some(first) = layout.children.get(&api).and_then(|e| e.first()) else {
        if layout.keys.contains_key(&api) {
            return Err("the `api` section has no entries to append to; give it one entry, or remove the empty key");
        }
        let header = if text.is_empty() || text.ends_with('\n') {
            format!("api:{newline}")
        } else {
            format!("{newline}api:{newline}")
        };
        return Ok(AppendPlace {
            at: text.len(),
            entry_indent: 2,
            field_indent: 4,
            header,
        });
    };
    let entry = vec!["api".to_string(), first.clone()];
    let first_key = layout.keys[&entry];
    if first_key.line <= layout.keys[&api].line {
        return Err("write the `api` section as an indented block, not {…}");
    }
    let entry_indent = first_key.column - 1;
    let field_indent = layout
        .children
        .get(&entry)
        .and_then(|fields| fields.first())
        .and_then(|f| {
            let mut p = entry.clone();
            p.push(f.clone());
            layout.keys.get(&p)
        })
        .filter(|p| p.line > first_key.line)
        .map_or(entry_indent + 2, |p| p.column - 1);
    let end = layout.ends.get(&api).copied().unwrap_or(text.len());
    // A value ends mid-line (then the entries go after that line) or, for a
    // block scalar, at the start of the line after it.
    let at_line_start = end == 0 || text[..end].ends_with('\n');
    let (at, header) = if at_line_start {
        (end, String::new())
    } else {
        match text[end..].find('\n') {
            Some(i) => (end + i + 1, String::new()),
            None => (text.len(), newline.to_string()),
        }
    };
    Ok(AppendPlace {
        at,
        entry_indent,
        field_indent,
        header,
    })
}

/// The text of one added entry.
fn added_entry(change: &Change, entry_indent: usize, field_indent: usize, newline: &str) -> String {
    let Change::Added {
        name,
        provider,
        input_per_1m_tokens,
        output_per_1m_tokens,
        deprecated,
        extras,
        as_of,
        source,
    } = change
    else {
        return String::new();
    };
    let e = " ".repeat(entry_indent);
    let f = " ".repeat(field_indent);
    let deprecated = deprecated.map(|d| format!("{f}deprecated: {}", d.format("%Y-%m-%d")));
    [
        format!("{e}{}:", yaml_plain_or_quoted(name)),
        format!("{f}provider: {}", yaml_plain_or_quoted(provider)),
        format!(
            "{f}input_per_1m_tokens: {}",
            format_price(*input_per_1m_tokens)
        ),
        format!(
            "{f}output_per_1m_tokens: {}",
            format_price(*output_per_1m_tokens)
        ),
        format!("{f}as_of: {}", as_of.format("%Y-%m-%d")),
        format!("{f}source: {}", yaml_quoted(source)),
    ]
    .into_iter()
    .chain(
        extras
            .iter()
            .map(|(field, x)| format!("{f}{field}: {}", extra_text(field, *x))),
    )
    .chain(deprecated)
    .map(|line| format!("{line}{newline}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_written_with_two_to_six_decimals() {
        for (price, text) in [
            (5.0, "5.00"),
            (0.5, "0.50"),
            (0.075, "0.075"),
            (2.5, "2.50"),
            (0.0375, "0.0375"),
            (60.0, "60.00"),
            (0.000001, "0.000001"),
        ] {
            assert_eq!(format_price(price), text, "{price}");
        }
    }

    #[test]
    fn per_token_prices_become_exact_per_million_prices() {
        for (per_token, per_1m) in [
            (2.5e-06, 2.5),
            (1e-05, 10.0),
            (1.1e-06, 1.1),
            (1.5e-07, 0.15),
            (3e-05, 30.0),
            (7.5e-08, 0.075),
        ] {
            assert_eq!(per_1m_tokens(per_token), per_1m, "{per_token}");
        }
    }

    #[test]
    fn keys_are_quoted_when_plain_text_would_be_misread() {
        assert_eq!(yaml_plain_or_quoted("gpt-4o"), "gpt-4o");
        assert_eq!(
            yaml_plain_or_quoted("openrouter/openai/gpt-4o"),
            "openrouter/openai/gpt-4o"
        );
        assert_eq!(
            yaml_plain_or_quoted("ft:gpt-3.5-turbo"),
            "\"ft:gpt-3.5-turbo\""
        );
        assert_eq!(yaml_plain_or_quoted("yes"), "\"yes\"");
        assert_eq!(yaml_plain_or_quoted("1.5"), "\"1.5\"");
        assert_eq!(
            yaml_quoted("a \"b\" \\ c\n"),
            "\"a \\\"b\\\" \\\\ c\\u000a\""
        );
    }

    fn added(name: &str) -> Change {
        Change::Added {
            name: name.to_string(),
            provider: "openai".to_string(),
            input_per_1m_tokens: 1.0,
            output_per_1m_tokens: 2.0,
            deprecated: None,
            extras: Vec::new(),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            source: "test".to_string(),
        }
    }

    const ADDED: &str = "  new-model:\n    provider: openai\n    input_per_1m_tokens: 1.00\n    output_per_1m_tokens: 2.00\n    as_of: 2026-11-01\n    source: \"test\"\n";

    #[test]
    fn added_entries_go_after_the_last_entry_whatever_the_file_looks_like() {
        let entry = "  m:\n    provider: x\n    input_per_1m_tokens: 1\n    output_per_1m_tokens: 1\n    as_of: 2024-01-01\n    source: s\n";
        let cases = [
            // No api section: one is appended, with a newline before it.
            ("gpus: {}".to_string(), format!("gpus: {{}}\napi:\n{ADDED}")),
            (String::new(), format!("api:\n{ADDED}")),
            // The last value a block scalar, then another section.
            (
                format!("api:\n{entry}    notes: |\n      two\n      lines\ngpus: {{}}\n"),
                format!("api:\n{entry}    notes: |\n      two\n      lines\n{ADDED}gpus: {{}}\n"),
            ),
            // No newline at the end of the file.
            (
                format!("api:\n{}", entry.trim_end()),
                format!("api:\n{entry}{ADDED}"),
            ),
        ];
        for (text, expected) in cases {
            let file = ApiPriceFile::parse(&text, "api.yaml").unwrap();
            let out = render_api_prices(&file, &[added("new-model")]).unwrap();
            assert_eq!(out, expected, "from {text:?}");
        }
    }

    #[test]
    fn crlf_line_endings_and_a_byte_order_mark_are_kept() {
        let text = "\u{feff}api:\r\n  m:\r\n    provider: x\r\n    input_per_1m_tokens: 1\r\n    output_per_1m_tokens: 1\r\n    as_of: 2024-01-01\r\n    source: s\r\n";
        let file = ApiPriceFile::parse(text, "api.yaml").unwrap();
        let out = render_api_prices(&file, &[added("new-model")]).unwrap();
        assert_eq!(out, format!("{text}{}", ADDED.replace('\n', "\r\n")));
    }

    #[test]
    fn an_empty_or_inline_api_section_is_not_appended_to() {
        for text in ["api: {}\n", "api: {m: {provider: x, input_per_1m_tokens: 1, output_per_1m_tokens: 1, as_of: 2024-01-01, source: s}}\n"] {
            let file = ApiPriceFile::parse(text, "api.yaml").unwrap();
            let err = render_api_prices(&file, &[added("new-model")]).unwrap_err();
            assert!(err.to_string().starts_with("api.yaml:1:1: api: cannot rewrite"), "{err}");
        }
    }
}
