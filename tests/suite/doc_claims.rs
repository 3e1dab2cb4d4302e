//! What the README and the manual in docs/ say about an example is what the
//! tool says about it: each claim is the sentence the example's figures give,
//! and the page must contain it. The README's table of examples quotes no
//! figure that a claim does not hold.

use finetune_roi::format::{money0, percent};
use serde_json::Value as Json;

use super::common::{report_of, root};

/// A sentence a page quotes about an example, made from the example's JSON.
struct Claim {
    page: &'static str,
    example: &'static str,
    says: fn(&Json) -> String,
}

fn num(doc: &Json, pointer: &str) -> f64 {
    doc.pointer(pointer)
        .and_then(Json::as_f64)
        .unwrap_or_else(|| panic!("{pointer} is not a number in the JSON"))
}

/// A figure of the recommended candidate: the plan's own or its option's.
fn recommended(doc: &Json, id: &str) -> f64 {
    let chosen = doc["recommended"].as_str().unwrap();
    if chosen == "plan" || chosen == "api" {
        return num(doc, &format!("/results/{id}"));
    }
    let option = doc["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == chosen)
        .unwrap();
    num(option, &format!("/results/{id}"))
}

fn option(doc: &Json, id: &str) -> Json {
    doc["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("no option {id}"))
        .clone()
}

/// "50M" for 50,000,000 tokens.
fn millions(x: f64) -> String {
    format!("{}M", (x / 1e6).round())
}

/// "61%": a share to the whole percent.
fn whole_percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round())
}

/// "$2.50", "$10": a price, its cents only when it has some.
fn price(x: f64) -> String {
    if x.fract() == 0.0 {
        money0(x)
    } else {
        format!("${x:.2}")
    }
}

fn stays_on_the_api(doc: &Json) -> bool {
    doc["verdict"] == "Stay on the API"
}

const CLAIMS: &[Claim] = &[
    Claim {
        page: "README.md",
        example: "roi-worked-example",
        says: |d| {
            let extra = num(d, "/results/monthly_review_cost_ft")
                - num(d, "/results/monthly_review_cost_api");
            let api = num(d, "/results/monthly_api_cost");
            let swamps = if extra > api && stays_on_the_api(d) {
                "swamps"
            } else {
                "does not swamp"
            };
            format!(
                "the extra human review ({}/month) {swamps} the {} API bill",
                money0(extra),
                money0(api)
            )
        },
    },
    Claim {
        page: "README.md",
        example: "document-classification",
        says: |d| {
            // Cheaper by the money; the verdict may still be the requirements'.
            let cheaper = if num(d, "/results/npv") < 0.0 {
                "the API is cheaper"
            } else {
                "fine-tuning is cheaper"
            };
            let ruled_out =
                if d.pointer("/results/api_meets_requirements") == Some(&Json::Bool(false)) {
                    ", but the requirements (PII, 50 ms) rule it out"
                } else {
                    ""
                };
            format!(
                "{} tokens/day at GPT-3.5 prices: {cheaper}{ruled_out}",
                millions(num(d, "/results/current_daily_tokens"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "customer-support-50m",
        says: |d| {
            format!(
                "{} tokens/day against GPT-4o",
                millions(num(d, "/results/current_daily_tokens"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "code-generation-200m",
        says: |d| {
            format!(
                "{} tokens/day on a 13B",
                millions(num(d, "/results/current_daily_tokens"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "startup-gpt4-8k",
        says: |d| {
            format!(
                "an {}/month GPT-4 bill",
                money0(num(d, "/results/monthly_api_cost"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "support-bot-uncertain",
        says: |d| {
            format!(
                "pays back within its lifetime in {} of trials",
                whole_percent(num(d, "/simulation/probability_payback_within_lifetime"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "whole-cost-of-ownership",
        says: |d| {
            format!(
                "discounted at {} a year, API prices falling {} a year",
                whole_percent(num(d, "/inputs/discount_rate_per_year/value")),
                whole_percent(-num(d, "/inputs/api_price_change_per_year/value"))
            )
        },
    },
    Claim {
        page: "README.md",
        example: "whole-cost-of-ownership",
        says: |d| {
            format!(
                "a net present value of {}, and the option stays the pick unless API prices fall faster than {} a year",
                money0(recommended(d, "npv")),
                percent(-num(d, "/flip_api_price_change_per_year"))
            )
        },
    },
    Claim {
        page: "docs/outputs.md",
        example: "support-bot-uncertain",
        says: |d| format!("(\"**{}**\")", d["answer"].as_str().unwrap()),
    },
    Claim {
        page: "docs/outputs.md",
        example: "support-bot-uncertain",
        says: |d| {
            let headline = d["headline"].as_str().unwrap();
            let first = headline.split(". ").next().unwrap();
            format!("(\"{first}\")")
        },
    },
    Claim {
        page: "docs/catalogue.md",
        example: "seven-or-seventy",
        says: |d| {
            let verdict = if stays_on_the_api(d) {
                "stays on the API"
            } else {
                "fine-tunes"
            };
            format!(
                "at today's {}/{} it {verdict}",
                price(num(d, "/inputs/input_price_per_1m_tokens/value")),
                price(num(d, "/inputs/output_price_per_1m_tokens/value"))
            )
        },
    },
    Claim {
        page: "docs/method.md",
        example: "seven-or-seventy",
        says: |d| {
            let single = option(d, "70b-on-1xa100");
            let fits = if single["feasible"] == false {
                "does not fit"
            } else {
                "fits"
            };
            format!(
                "a 70B in bf16 ({} GB with headroom) {fits} one A100 {} GB",
                num(&single, "/results/serving_memory_required_gb"),
                num(&single, "/results/serving_memory_available_gb")
            )
        },
    },
];

fn page(name: &str) -> String {
    let text = std::fs::read_to_string(root().join(name)).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn document(example: &str) -> Json {
    let path = root().join(format!("inputs/{example}.yaml"));
    finetune_roi::render::json::document(&report_of(&path))
}

#[test]
fn the_pages_quote_each_example_as_the_tool_gives_it() {
    let mut wrong = Vec::new();
    for claim in CLAIMS {
        let says = (claim.says)(&document(claim.example));
        if !page(claim.page).contains(&says) {
            wrong.push(format!(
                "{} should say of {}: {says}",
                claim.page, claim.example
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The figures of a piece of text: money, shares and token volumes.
fn figures(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "()[];:/".contains(c))
        .map(|w| w.trim_end_matches(['.', ',']))
        .filter(|w| {
            let digits = w.chars().any(|c| c.is_ascii_digit());
            digits && (w.starts_with('$') || w.ends_with('%') || w.ends_with('M'))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_figure_in_the_readme_examples_table_is_a_claim() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut rows = 0;
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let example = cells[0]
            .trim_start_matches("| `")
            .trim_end_matches('`')
            .trim_end_matches(".yaml");
        let claimed: Vec<String> = CLAIMS
            .iter()
            .filter(|c| c.page == "README.md" && c.example == example)
            .map(|c| (c.says)(&document(example)))
            .collect();
        for figure in figures(cells[1]) {
            assert!(
                claimed.iter().any(|c| figures(c).contains(&figure)),
                "README.md quotes {figure} about {example}, and no claim holds it"
            );
        }
        rows += 1;
    }
    assert!(rows >= 8, "the README's table of examples has {rows} rows");
}

#[test]
fn the_figure_finder_finds_money_shares_and_volumes() {
    assert_eq!(
        figures("a bill of $8,250 (61%) at 50M tokens/day on 4×A10G, GPT-4o."),
        ["$8,250", "61%", "50M"]
    );
}
