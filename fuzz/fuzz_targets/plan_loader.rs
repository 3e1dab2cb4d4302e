//! Fuzzes the plan loader: any bytes must give a plan or problems, never a
//! panic, a hang or unbounded memory; and any plan that loads must evaluate
//! without a model defect.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problems) = finetune_roi::plan::parse(data, "fuzz.yaml") {
        assert!(!problems.is_empty());
        return;
    }
    let text = std::str::from_utf8(data).expect("a plan that loads is UTF-8");
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    if let Err(finetune_roi::PlanError::Model { source, .. }) =
        finetune_roi::evaluate_text(text, "fuzz.yaml", at)
    {
        panic!("model defect: {source}");
    }
});
