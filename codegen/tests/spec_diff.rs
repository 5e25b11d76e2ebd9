//! `cargo xtask spec-diff` on small documents of our own in the vendor metadata's format.

use codegen::Spec;
use codegen::spec_diff::{Report, diff};

fn report() -> Report {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let vendor: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("vendor-api-docs.json")).expect("vendor fixture"),
    )
    .expect("vendor fixture is JSON");
    let spec = Spec::load(&fixtures.join("spec.yaml")).expect("spec fixture");
    diff(&vendor, &spec.document)
}

#[test]
fn lists_what_each_side_lacks() {
    let report = report();
    assert_eq!(
        report.only_in_vendor,
        [
            "operation OnlyInVendor",
            "GetThing response field limits.cpu",
            "GetThing response field tags[].Value",
            "PutThing request field oldField",
            "PutThing response field limits.cpu",
            "PutThing response field tags[].Value",
        ]
    );
    assert_eq!(
        report.only_in_spec,
        [
            "operation OnlyInSpec",
            "GetThing parameter query newFilter",
            // The nested fields of `gpu` are not listed again.
            "GetThing response field limits.gpu",
            "PutThing response field limits.gpu",
        ]
    );
}

#[test]
fn method_and_path_mismatches_are_reported() {
    assert_eq!(
        report().mismatched,
        [
            "PutThing: vendor PUT /2023-03-30/things/{thingName}, spec POST /2023-03-30/things/{thingName}"
        ]
    );
}

#[test]
fn header_names_compare_case_insensitively() {
    let report = report();
    let all = report.only_in_vendor.iter().chain(&report.only_in_spec);
    assert!(
        all.clone().all(|line| !line.contains("x-fc-trace")),
        "{report}"
    );
}

#[test]
fn empty_documents_have_no_differences_and_the_summary_counts_every_line() {
    let spec = Spec::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec.yaml"),
    )
    .expect("spec fixture");
    let empty_vendor = serde_json::json!({"apis": {}});
    let against_itself = diff(&empty_vendor, &serde_json::json!({"paths": {}}));
    assert!(against_itself.is_empty());
    assert!(!diff(&empty_vendor, &spec.document).is_empty());
    assert!(report().to_string().ends_with("11 difference(s)\n"));
}
