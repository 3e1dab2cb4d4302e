//! The brief (the memo before its appendix) speaks the reader's language:
//! no "lesson", no plan key, no path; the plan named by its file, and who
//! prepared it on which day.

use finetune_roi::inputs::docs::plan_reference;
use finetune_roi::render::memo;

use super::common::*;

/// The memo's Markdown before the appendix, its Markdown escapes removed.
fn brief(md: &str) -> String {
    let end = md.find("# Appendix").expect("the memo has an appendix");
    md[..end].replace('\\', "")
}

/// The plan keys a reader could meet: every field of the plan reference
/// written with a dot or an underscore (`plan` or `notes` are plain words).
fn plan_keys() -> Vec<String> {
    plan_reference()
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .flat_map(|path| {
            path.split('.')
                .map(str::to_string)
                .chain([path.to_string()])
                .collect::<Vec<_>>()
        })
        .filter(|k| k.contains('_') || k.contains('.'))
        .filter(|k| !k.starts_with('{'))
        .collect()
}

#[test]
fn no_brief_says_lesson_or_a_plan_key_or_a_path() {
    let keys = plan_keys();
    assert!(keys.iter().any(|k| k == "maintenance_hours_per_month"));
    for plan in example_plans() {
        let r = report_of(&plan);
        let text = brief(&memo::render_markdown(&r));
        let name = plan.display().to_string();
        assert!(
            !text.to_lowercase().contains("lesson"),
            "{name}: the brief says \"lesson\""
        );
        for key in &keys {
            assert!(
                !text.contains(key.as_str()),
                "{name}: the brief names {key}"
            );
        }
        let folder = plan.parent().unwrap().display().to_string();
        assert!(
            !text.contains(&folder),
            "{name}: the brief prints the plan's folder"
        );
        let file = plan.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            text.contains(&format!("**Plan:** {file}")),
            "{name}: the brief names the plan by its file"
        );
    }
}

#[test]
fn the_brief_says_who_prepared_it_and_when() {
    for plan in example_plans() {
        let r = report_of(&plan);
        let owner = r
            .inputs
            .meta
            .owner
            .clone()
            .unwrap_or_else(|| panic!("{}: every example names its owner", plan.display()));
        let text = brief(&memo::render_markdown(&r));
        let line = format!("**Prepared by:** {owner}, {}", fixed_time().date_naive());
        assert!(text.contains(&line), "{}: no line {line}", plan.display());
    }
}

#[test]
fn the_appendix_names_the_plan_fields_of_each_warning() {
    let reference = plan_reference();
    let mut seen = 0;
    for plan in example_plans() {
        let r = report_of(&plan);
        let md = memo::render_markdown(&r);
        let appendix = &md[md.find("# Appendix").unwrap()..];
        for w in &r.warnings {
            for field in &w.plan_fields {
                let in_reference = reference.lines().any(|l| {
                    l.starts_with(&format!("| `{field}` |"))
                        || l.starts_with(&format!("| `{field}."))
                });
                assert!(
                    in_reference,
                    "{}: the warning {} names {field}, which is not a plan field",
                    plan.display(),
                    w.id
                );
                assert!(
                    appendix.contains(&format!("`{field}`")),
                    "{}: the appendix does not name {field} for {}",
                    plan.display(),
                    w.id
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0, "no example has a warning with plan fields");
}
