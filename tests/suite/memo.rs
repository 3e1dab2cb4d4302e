//! The memo: verdict first, warnings with their figures, plan text inert.

use finetune_roi::render::memo;

use super::common::*;

#[test]
fn the_worked_examples_review_cost_is_a_warning() {
    let r = report_of(&root().join("inputs/roi-worked-example.yaml"));
    let md = memo::render_markdown(&r);
    let warnings = md.split("## Warnings").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(warnings.contains("Review cost larger than the API bill"), "{warnings}");
    assert!(warnings.contains("225,000/month"), "{warnings}");
    assert!(warnings.contains("8,250/month"), "{warnings}");
    // The verdict comes first.
    let answer = md.find("## The answer").unwrap();
    assert!(answer < md.find("## Key figures").unwrap());
    assert!(md[answer..].starts_with("## The answer\n\n**Stay on the API.**"));
}

#[test]
fn plan_text_is_inert_in_markdown_and_html() {
    let text = replace_once(
        &worked_example_text(),
        "plan: Customer support chatbot — GPT-4o to a fine-tuned 7B",
        "plan: \"<script>alert(1)</script> [x](javascript:alert(1)) | **bold** ![i](http://e.x/i.png)\"",
    );
    let text = replace_once(&text, "{data: 40,", "{\"<img src=x onerror=alert(1)>\": 40,");
    let r = report_of_text(&text);
    let html = memo::render_html(&r);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:alert(1)\""), "a javascript: link survived");
    assert!(!html.contains("href=\"javascript"), "a javascript: link survived");
    assert!(!html.contains("<strong>bold</strong>"), "plan emphasis became markup");
    assert!(html.contains("&lt;script&gt;"), "the title should show as text");
    let md = memo::render_markdown(&r);
    assert!(md.contains("\\<script\\>"), "the Markdown must escape plan text");
    assert!(md.contains("\\*\\*bold\\*\\*"));
    assert!(md.contains("\\|"));
}

#[test]
fn raw_html_and_bad_links_are_neutralized_in_markdown_conversion() {
    let html = memo::markdown_to_html("<b>x</b> [a](javascript:alert(1)) [b](https://example.com) ![c](data:image/png;base64,xx)");
    assert!(!html.contains("<b>"));
    assert!(html.contains("href=\"#\""));
    assert!(html.contains("href=\"https://example.com\""));
    assert!(!html.contains("data:image"));
}
