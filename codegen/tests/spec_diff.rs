//! `cargo xtask spec-diff` on small documents of our own in the vendor metadata's format.

use codegen::Spec;
use codegen::spec_diff::{Baseline, Difference, Fragment, Kind, Outcome, Report, diff};
use serde_json::{Value, json};

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn vendor() -> Value {
    let text = std::fs::read_to_string(fixtures().join("vendor-api-docs.json")).expect("vendor");
    serde_json::from_str(&text).expect("vendor fixture is JSON")
}

fn spec() -> Value {
    Spec::load(&fixtures().join("spec.yaml"))
        .expect("spec fixture")
        .document
}

fn report() -> Report {
    diff(&vendor(), &spec())
}

fn subjects(list: &[Difference]) -> Vec<&str> {
    list.iter().map(|d| d.subject.as_str()).collect()
}

fn find<'r>(list: &'r [Difference], subject: &str) -> &'r Difference {
    list.iter()
        .find(|d| d.subject == subject)
        .unwrap_or_else(|| panic!("no {subject:?} in {:#?}", subjects(list)))
}

/// Adds a fragment to a document the way a maintainer pastes it: the YAML's keys merge into the
/// target mapping (recursively), a YAML list is appended to the target list.
fn paste(document: &mut Value, fragment: &Fragment) {
    let mut at = document;
    for key in &fragment.target {
        at = at
            .as_object_mut()
            .expect("the target is inside mappings")
            .entry(key.clone())
            .or_insert_with(|| json!({}));
    }
    let added: Value = serde_yaml::from_str(&fragment.yaml).expect("the fragment is YAML");
    merge(at, added);
}

fn merge(into: &mut Value, added: Value) {
    match (into, added) {
        (Value::Object(into), Value::Object(added)) => {
            for (key, value) in added {
                match into.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(into), Value::Array(added)) => into.extend(added),
        (slot, added) => *slot = added,
    }
}

#[test]
fn lists_what_each_side_lacks() {
    let report = report();
    assert_eq!(
        subjects(&report.only_in_vendor),
        [
            "operation ListThingEvents (POST /2023-03-30/things/{thingName}/events)",
            "operation OnlyInVendor (POST /2023-03-30/vendor-only)",
            "GetThing response field limits.cpu",
            "GetThing response field tags[].Value",
            "GetThing parameter query order enum value random",
            "PutThing request field oldField",
            "PutThing response field limits.cpu",
            "PutThing response field tags[].Value",
        ]
    );
    assert_eq!(
        subjects(&report.only_in_spec),
        [
            "operation OnlyInSpec (GET /2023-03-30/spec-only)",
            "GetThing parameter query newFilter",
            // The nested fields of `gpu` are not listed again.
            "GetThing response field limits.gpu",
            "PutThing response field limits.gpu",
        ]
    );
    assert!(report.unreadable.is_empty(), "{report}");
}

#[test]
fn method_and_path_mismatches_are_reported() {
    let report = report();
    find(
        &report.mismatched,
        "PutThing method and path: vendor PUT /2023-03-30/things/{thingName}, \
         spec POST /2023-03-30/things/{thingName}",
    );
}

#[test]
fn success_statuses_are_compared_where_the_vendor_states_them() {
    let mut vendor = vendor();
    vendor["apis"]["GetThing"]["responses"] = json!({"204": {}, "500": {}});
    let report = diff(&vendor, &spec());
    find(
        &report.mismatched,
        "GetThing success status: vendor 204, spec 200",
    );
    // The five other differences, and this one.
    assert_eq!(report.mismatched.len(), 6, "{report}");
}

#[test]
fn header_names_compare_case_insensitively() {
    let report = report();
    assert!(
        report
            .lines()
            .iter()
            .all(|line| !line.contains("x-fc-trace")),
        "{report}"
    );
}

#[test]
fn empty_documents_have_no_differences_and_the_summary_counts_every_line() {
    let empty_vendor = json!({"apis": {}});
    let against_itself = diff(&empty_vendor, &json!({"paths": {}}));
    assert!(against_itself.is_empty());
    assert!(!diff(&empty_vendor, &spec()).is_empty());
    let report = report();
    assert_eq!(report.len(), 17);
    assert!(report.to_string().ends_with("17 difference(s)\n"));
}

#[test]
fn a_new_operation_shows_its_method_path_parameters_and_yaml_in_our_conventions() {
    let report = report();
    let new = find(
        &report.only_in_vendor,
        "operation ListThingEvents (POST /2023-03-30/things/{thingName}/events)",
    );
    assert_eq!(
        new.details,
        [
            "parameters: header x-fc-cursor (string, required), path thingName (string, required), \
          query kind (string), query limit (integer/int32), query sources (array)"
        ]
    );
    let [path_item, schemas] = new.fragments.as_slice() else {
        panic!(
            "expected the path item and the schemas: {:#?}",
            new.fragments
        );
    };
    assert_eq!(path_item.target, ["paths"]);
    assert_eq!(schemas.target, ["components", "schemas"]);

    let item: Value = serde_yaml::from_str(&path_item.yaml).expect("the path item is YAML");
    let op = &item["/2023-03-30/things/{thingName}/events"]["post"];
    assert_eq!(op["operationId"], "ListThingEvents");
    // The tag of the spec operation with the nearest path.
    assert_eq!(op["tags"], json!(["Thing"]));
    assert_eq!(op["description"], "TODO");
    let parameters: Vec<(&str, &str, bool)> = op["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| {
            assert_eq!(p["description"], "TODO");
            let required = p["required"].as_bool().unwrap_or(false);
            (
                p["in"].as_str().unwrap(),
                p["name"].as_str().unwrap(),
                required,
            )
        })
        .collect();
    assert_eq!(
        parameters,
        [
            ("query", "kind", false),
            ("query", "limit", false),
            ("query", "sources", false),
            ("path", "thingName", true),
            ("header", "X-Fc-Cursor", true),
        ]
    );
    let parameter = |name: &str| {
        op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()
            .clone()
    };
    // Path parameters are strings; the vendor's "100" becomes a number; JSON-in-a-query-value is
    // `x-fc-style: json`; an inline enum becomes a named schema.
    assert_eq!(parameter("thingName")["schema"], json!({"type": "string"}));
    assert_eq!(
        parameter("limit")["schema"],
        json!({"type": "integer", "format": "int32", "maximum": 100})
    );
    assert_eq!(parameter("sources")["x-fc-style"], "json");
    assert_eq!(
        parameter("kind")["schema"],
        json!({"$ref": "#/components/schemas/Kind"})
    );
    assert_eq!(
        op["requestBody"],
        json!({"required": true, "content": {"application/json": {"schema":
            {"$ref": "#/components/schemas/ThingEventQueryInput"}}}})
    );
    let error = json!({"$ref": "#/components/responses/ErrorResponse"});
    assert_eq!(op["responses"]["4XX"], error);
    assert_eq!(op["responses"]["5XX"], error);
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/ThingEventList"})
    );

    let schemas: Value = serde_yaml::from_str(&schemas.yaml).expect("the schemas are YAML");
    // Constraints and required lists on the request side only, every response field optional.
    assert_eq!(
        schemas["ThingEventQueryInput"]["required"],
        json!(["since"])
    );
    assert_eq!(
        schemas["ThingEventQueryInput"]["properties"]["note"]["maxLength"],
        20
    );
    assert!(schemas["ThingEvent"].get("required").is_none());
    assert_eq!(
        schemas["ThingEvent"]["properties"]["kind"],
        json!({"$ref": "#/components/schemas/Kind"})
    );
    assert_eq!(
        schemas["Kind"],
        json!({"description": "TODO", "type": "string", "enum": ["start", "stop"]})
    );
}

#[test]
fn pasting_the_yaml_of_a_new_operation_makes_it_disappear_from_the_report() {
    let report = report();
    let new = find(
        &report.only_in_vendor,
        "operation ListThingEvents (POST /2023-03-30/things/{thingName}/events)",
    );
    let mut spec = spec();
    for fragment in &new.fragments {
        paste(&mut spec, fragment);
    }
    let after = diff(&vendor(), &spec);
    assert!(
        after
            .lines()
            .iter()
            .all(|line| !line.contains("ListThingEvents")),
        "{after}"
    );
    assert_eq!(after.len(), report.len() - 1, "{after}");
}

#[test]
fn pasting_the_yaml_of_new_fields_and_values_makes_them_disappear_from_the_report() {
    let report = report();
    let mut spec = spec();
    for difference in &report.only_in_vendor[2..] {
        assert!(!difference.fragments.is_empty(), "{}", difference.subject);
        for fragment in &difference.fragments {
            paste(&mut spec, fragment);
        }
    }
    let after = diff(&vendor(), &spec);
    assert_eq!(
        subjects(&after.only_in_vendor),
        [
            "operation ListThingEvents (POST /2023-03-30/things/{thingName}/events)",
            "operation OnlyInVendor (POST /2023-03-30/vendor-only)",
        ],
        "{after}"
    );
    assert_eq!(after.only_in_spec, report.only_in_spec);
    assert_eq!(after.mismatched, report.mismatched);
}

#[test]
fn a_new_field_gets_yaml_at_its_parent_with_request_constraints_only() {
    let report = report();
    let request = find(&report.only_in_vendor, "PutThing request field oldField");
    assert_eq!(
        request.fragments[0].target,
        ["components", "schemas", "ThingInput", "properties"]
    );
    assert_eq!(
        request.fragments[0].target_text(),
        "components.schemas.ThingInput.properties"
    );
    let field: Value = serde_yaml::from_str(&request.fragments[0].yaml).unwrap();
    assert_eq!(
        field,
        json!({"oldField": {"description": "TODO", "type": "string", "minLength": 2}})
    );

    let response = find(&report.only_in_vendor, "GetThing response field limits.cpu");
    assert_eq!(
        response.fragments[0].target,
        [
            "components",
            "schemas",
            "Thing",
            "properties",
            "limits",
            "properties"
        ]
    );
    let field: Value = serde_yaml::from_str(&response.fragments[0].yaml).unwrap();
    // The vendor's `maximum` is not written on a response field; `float` is our `double`.
    assert_eq!(
        field,
        json!({"cpu": {"description": "TODO", "type": "number", "format": "double"}})
    );
    let printed = report.to_string();
    assert!(
        printed.contains("      add to components.schemas.Thing.properties.limits.properties:\n"),
        "{printed}"
    );
    assert!(printed.contains("the same YAML as above"), "{printed}");
}

#[test]
fn a_new_enum_value_is_reported_with_yaml_for_the_enum_schema() {
    let report = report();
    let value = find(
        &report.only_in_vendor,
        "GetThing parameter query order enum value random",
    );
    assert_eq!(
        value.fragments,
        [Fragment {
            target: ["components", "schemas", "SortOrder", "enum"]
                .map(String::from)
                .to_vec(),
            yaml: "- random\n".to_owned(),
        }]
    );
    assert!(
        report
            .lines()
            .contains(&"vendor only: GetThing parameter query order enum value random".to_owned())
    );
}

#[test]
fn a_changed_maximum_is_reported_and_numbers_written_as_strings_are_normalised() {
    let report = report();
    find(
        &report.mismatched,
        "GetThing parameter query limit maximum: vendor 100, spec 50",
    );
    // The vendor's "minimum": "1" is the spec's `minimum: 1`, and its "maxLength": "64" the
    // spec's `maxLength: 64`.
    let lines = report.lines();
    assert!(
        lines
            .iter()
            .all(|l| !l.contains("minimum") && !l.contains("maxLength")),
        "{report}"
    );
}

#[test]
fn a_type_change_and_a_newly_required_parameter_or_field_are_reported() {
    let report = report();
    find(
        &report.mismatched,
        "GetThing parameter query page type: vendor integer/int32, spec string",
    );
    find(
        &report.mismatched,
        "GetThing parameter query qualifier required: vendor true, spec false",
    );
    find(
        &report.mismatched,
        "PutThing request field size required: vendor true, spec false",
    );
    assert_eq!(report.mismatched.len(), 5, "{report}");
}

#[test]
fn a_vendor_file_with_missing_or_odd_keys_is_reported_not_a_crash() {
    let spec = spec();
    for odd in [
        json!(null),
        json!([]),
        json!({"apis": 3}),
        json!({"apis": {"GetThing": {}}}),
        json!({"apis": {"GetThing": {"path": 1, "methods": "get", "parameters": {}}}}),
    ] {
        let report = diff(&odd, &spec);
        assert!(!report.unreadable.is_empty(), "{odd}: {report}");
    }
    let broken = json!({"apis": {"GetThing": {
        "path": "/2023-03-30/things/{thingName}",
        "methods": ["get"],
        "parameters": [
            {"in": "query"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": "lots"}},
            {"name": "order", "in": "query", "schema": {"type": "string", "enum": "asc"}}
        ],
        "responses": {"200": {"schema": {"$ref": "#/components/schemas/Missing"}}}
    }}});
    let report = diff(&broken, &spec);
    assert_eq!(
        subjects(&report.unreadable),
        [
            "vendor GetThing parameter #0 has no `name` or no `in`",
            "vendor GetThing parameter query limit: `maximum` is not a number: \"lots\"",
            "vendor GetThing parameter query order: `enum` is not a list",
            "vendor GetThing response body: $ref #/components/schemas/Missing is not defined",
        ]
    );
}

const BASELINE: &str = "\
# Known differences of the fixtures.

## The spec has a filter the vendor does not document.
spec only: GetThing parameter query newFilter

## GPU limits are newer than the metadata;
## they are documented elsewhere.
spec only: GetThing response field limits.gpu
spec only: PutThing response field limits.gpu
# Fixed long ago:
spec only: GetThing response field limits.tpu
";

#[test]
fn baseline_lines_suppress_known_differences_and_stale_ones_are_listed() {
    let baseline = Baseline::parse("baseline.txt", BASELINE).expect("baseline");
    assert_eq!(baseline.len(), 4);
    assert_eq!(
        baseline.reason("spec only: PutThing response field limits.gpu"),
        Some("GPU limits are newer than the metadata; they are documented elsewhere.")
    );
    let report = report();
    let outcome = baseline.apply(report.clone());
    assert_eq!(outcome.matched, 3);
    assert_eq!(outcome.new.len(), report.len() - 3);
    assert_eq!(
        subjects(&outcome.new.only_in_spec),
        ["operation OnlyInSpec (GET /2023-03-30/spec-only)"]
    );
    assert_eq!(outcome.new.only_in_vendor, report.only_in_vendor);
    assert_eq!(
        outcome.stale,
        ["spec only: GetThing response field limits.tpu"]
    );
    let printed = outcome.to_string();
    assert!(
        printed.contains("14 new difference(s); 3 known difference(s) matched the baseline\n"),
        "{printed}"
    );
    assert!(
        printed.contains("1 baseline line(s) no longer match"),
        "{printed}"
    );
    assert!(!printed.contains("limits.gpu"), "{printed}");
}

#[test]
fn a_baseline_of_every_line_leaves_nothing_new() {
    let report = report();
    let text = format!("## all of them\n{}\n", report.lines().join("\n"));
    let outcome = Baseline::parse("b", &text).unwrap().apply(report.clone());
    assert!(outcome.new.is_empty());
    assert!(outcome.stale.is_empty());
    assert_eq!(outcome.matched, report.len());
}

#[test]
fn a_baseline_needs_a_reason_for_every_line_and_each_line_once() {
    let error = Baseline::parse("b.txt", "# no group\nspec only: x\n").unwrap_err();
    assert!(error.to_string().starts_with("b.txt:2:"), "{error}");
    assert!(error.to_string().contains("no group"), "{error}");
    let error = Baseline::parse("b.txt", "##   \nspec only: x\n").unwrap_err();
    assert!(error.to_string().contains("reason"), "{error}");
    let error = Baseline::parse("b.txt", "## r\nspec only: x\n\nspec only: x\n").unwrap_err();
    assert!(error.to_string().starts_with("b.txt:4:"), "{error}");
    assert!(Baseline::parse("b.txt", "").unwrap().is_empty());
}

#[test]
fn check_fails_only_with_check_and_only_on_new_or_stale_lines() {
    let report = report();
    let all = format!("## all\n{}\n", report.lines().join("\n"));
    let clean = Baseline::parse("b", &all).unwrap().apply(report.clone());
    assert!(!clean.fails(true));
    assert!(!clean.fails(false));

    let new = Baseline::default().apply(report.clone());
    assert!(new.fails(true));
    assert!(
        !new.fails(false),
        "without --check the exit status is success"
    );

    let stale = Baseline::parse("b", &format!("{all}spec only: gone\n"))
        .unwrap()
        .apply(report);
    assert!(stale.new.is_empty());
    assert!(stale.fails(true), "a baseline line that no longer matches");
    assert!(!stale.fails(false));

    let nothing = Outcome::default();
    assert!(!nothing.fails(true));
}

#[test]
fn every_line_starts_with_its_kind() {
    let report = report();
    for (kind, list) in report.sections() {
        for difference in list {
            assert!(difference.line(kind).starts_with(kind.label()));
        }
    }
    assert_eq!(Kind::OnlyInVendor.label(), "vendor only");
    assert_eq!(report.lines().len(), report.len());
}

#[test]
fn the_checked_in_baselines_parse() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let apis = codegen::load_manifest(&root.join("spec/apis.yaml")).expect("manifest");
    let mut checked = 0;
    for path in apis
        .iter()
        .filter_map(|api| api.spec_diff_baseline.as_ref())
    {
        let text = std::fs::read_to_string(root.join(path)).expect("baseline file");
        let baseline = Baseline::parse(path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(!baseline.is_empty(), "{path}");
        checked += 1;
    }
    assert!(checked > 0, "spec/apis.yaml names no baseline");
}
