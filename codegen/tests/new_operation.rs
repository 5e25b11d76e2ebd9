//! "A new operation is one command": a copy of the real spec with one more paginated operation
//! (`ListFunctionProbes`), generated from a manifest entry in a temporary directory, yields every
//! item the operation needs in every output, and every output parses as Rust.

use std::path::PathBuf;

use serde_json::{Value, json};

/// The real spec plus `ListFunctionProbes` and its two new schemas.
fn spec_with_new_operation() -> Value {
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fc-2023-03-30.yaml");
    let text = std::fs::read_to_string(&real).expect("the real spec is readable");
    let mut spec: Value = serde_yaml::from_str(&text).expect("the real spec is YAML");
    let path = "/2023-03-30/functions/{functionName}/probes";
    assert!(
        spec["paths"].get(path).is_none(),
        "the real spec has no {path} yet"
    );
    spec["paths"][path] = json!({
        "get": {
            "operationId": "ListFunctionProbes",
            "tags": ["Function"],
            "summary": "List a function's probes.",
            "description": "Lists the probes of a function, one page at a time.",
            "parameters": [
                {"name": "functionName", "in": "path", "required": true,
                 "description": "Function name.", "schema": {"type": "string"}},
                {"name": "limit", "in": "query",
                 "description": "Maximum number of probes per page (1 to 100).",
                 "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100}},
                {"name": "nextToken", "in": "query",
                 "description": "Token from the previous page's nextToken.",
                 "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "One page of probes.",
                    "headers": {"x-fc-request-id": {"$ref": "#/components/headers/RequestId"}},
                    "content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/ListFunctionProbesOutput"}}}
                },
                "4XX": {"$ref": "#/components/responses/ErrorResponse"},
                "5XX": {"$ref": "#/components/responses/ErrorResponse"}
            },
            "x-fc-pagination": {
                "inputToken": "nextToken",
                "outputToken": "nextToken",
                "items": "probes",
                "pageSize": "limit"
            }
        }
    });
    let schemas = &mut spec["components"]["schemas"];
    assert!(schemas.get("FunctionProbe").is_none());
    schemas["FunctionProbe"] = json!({
        "description": "One probe of a function.",
        "type": "object",
        "properties": {
            "name": {"description": "Probe name.", "type": "string"},
            "value": {"description": "Probe value.", "type": "number", "format": "double"}
        }
    });
    schemas["ListFunctionProbesOutput"] = json!({
        "description": "One page of probes.",
        "type": "object",
        "properties": {
            "probes": {"type": "array", "items": {"$ref": "#/components/schemas/FunctionProbe"}},
            "nextToken": {
                "description": "Token for the next page; absent or empty on the last page.",
                "type": "string"
            }
        }
    });
    spec
}

/// How many operations the real spec has.
fn real_operation_count() -> usize {
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fc-2023-03-30.yaml");
    let spec = codegen::Spec::load(&real).expect("the real spec loads");
    let paths = spec.document["paths"].as_object().expect("paths");
    paths
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|ops| ops.values()))
        .filter(|op| op.get("operationId").is_some())
        .count()
}

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempRoot(PathBuf);

impl TempRoot {
    fn new() -> TempRoot {
        let dir =
            std::env::temp_dir().join(format!("codegen-new-operation-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec")).expect("temp dir");
        TempRoot(dir)
    }
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whitespace-free text, so the assertions do not depend on prettyplease's line breaks.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_new_paginated_operation_reaches_every_output() {
    let root = TempRoot::new();
    let spec = spec_with_new_operation();
    std::fs::write(
        root.0.join("spec/fc-2023-03-30.yaml"),
        serde_yaml::to_string(&spec).expect("YAML"),
    )
    .expect("write spec");
    std::fs::write(
        root.0.join("spec/apis.yaml"),
        "- name: fc3\n  spec: spec/fc-2023-03-30.yaml\n  version: \"2023-03-30\"\n  \
         models: fc_models\n  models_dir: fc-models/src\n  client: fc_client\n  \
         client_dir: fc-client/src\n  wire_calls: fc-client/tests/generated/wire_calls.rs\n",
    )
    .expect("write manifest");
    let entries = codegen::load_manifest(&root.0.join("spec/apis.yaml")).expect("manifest");
    let [entry] = entries.as_slice() else {
        panic!("one entry: {entries:?}")
    };

    let files = codegen::generate(&root.0, entry).expect("generates");
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "fc-models/src/generated.rs",
            "fc-models/src/generated_enums.rs",
            "fc-models/src/generated_api.rs",
            "fc-client/src/generated.rs",
            "fc-client/src/generated_pagination.rs",
            "fc-client/tests/generated/wire_calls.rs",
        ]
    );
    for file in &files {
        syn::parse_file(&file.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.path));
    }
    let output = |path: &str| {
        squeeze(
            &files
                .iter()
                .find(|f| f.path == path)
                .expect("generated")
                .contents,
        )
    };

    // The golden of the items, whitespace removed.
    let models = output("fc-models/src/generated.rs");
    for item in [
        "pubstructListFunctionProbesOutput{",
        "pubprobes:::std::vec::Vec<FunctionProbe>",
        "pubstructFunctionProbe{",
        "pubvalue:::std::option::Option<f64>",
    ] {
        assert!(models.contains(item), "models lack `{item}`");
    }
    // Structs a request carries cannot be written as struct expressions, so a new field is not a
    // breaking change; response-only structs stay plain.
    for request_struct in [
        "CreateFunctionInput",
        "Tag",
        "VpcConfigInput",
        "InputCodeLocation",
    ] {
        assert!(
            models.contains(&format!("#[non_exhaustive]pubstruct{request_struct}{{")),
            "{request_struct} is not #[non_exhaustive]"
        );
    }
    for response_struct in [
        "ListFunctionProbesOutput",
        "FunctionProbe",
        "ListFunctionsOutput",
        "VpcConfig",
    ] {
        assert!(
            models.contains(&format!("pubstruct{response_struct}{{"))
                && !models.contains(&format!("#[non_exhaustive]pubstruct{response_struct}{{")),
            "{response_struct} should be a plain struct"
        );
    }
    let enums = output("fc-models/src/generated_enums.rs");
    assert!(
        enums.contains("#[non_exhaustive]pubenumRuntime{"),
        "enums are #[non_exhaustive]"
    );

    let api = output("fc-models/src/generated_api.rs");
    let rows = real_operation_count() + 1;
    assert!(
        api.contains(&format!("[Operation;{rows}usize]")),
        "the table has the real spec's rows + 1"
    );
    let row_start = api
        .find("action:\"ListFunctionProbes\"")
        .expect("a table row for ListFunctionProbes");
    let row_end = api[row_start..]
        .find("Operation{")
        .map_or(api.len(), |end| row_start + end);
    let row = &api[row_start..row_end];
    for item in [
        "method:\"GET\"",
        "path:\"/2023-03-30/functions/{functionName}/probes\"",
        "pagination:Some(Pagination{",
        "input_token:\"nextToken\"",
        "output_token:\"nextToken\"",
        "items:\"probes\"",
        "page_size:Some(\"limit\")",
        "path:&[\"limit\"],rule:Rule::Minimum(1f64)",
        "path:&[\"limit\"],rule:Rule::Maximum(100f64)",
    ] {
        assert!(
            row.contains(item),
            "the ListFunctionProbes row lacks `{item}`: {row}"
        );
    }

    let client = output("fc-client/src/generated.rs");
    for item in [
        "pubfnlist_function_probes(&self)->builder::ListFunctionProbes",
        "pubstructListFunctionProbes<'a>",
        "pubfnfunction_name<V>(mutself,value:V)",
        "\"{}/2023-03-30/functions/{}/probes\"",
    ] {
        assert!(client.contains(item), "the client lacks `{item}`");
    }

    let paging = output("fc-client/src/generated_pagination.rs");
    let start = paging
        .find("impl<'a>crate::builder::ListFunctionProbes<'a>{")
        .expect("paging for ListFunctionProbes");
    let paging_item = &paging[start..];
    let paging_item = &paging_item[..paging_item[1..]
        .find("impl<")
        .map_or(paging_item.len(), |e| e + 1)];
    for item in ["pubfnpages(", "pubfninto_stream("] {
        assert!(
            paging_item.contains(item),
            "paging lacks `{item}`: {paging_item}"
        );
    }

    let wire_calls = output("fc-client/tests/generated/wire_calls.rs");
    for item in [
        "\"ListFunctionProbes\"=>{letmutbuilder=client.list_function_probes();",
        "input.string(\"path\",\"functionName\")",
        "input.parse::<i32>(\"query\",\"limit\")",
    ] {
        assert!(wire_calls.contains(item), "the wire calls lack `{item}`");
    }
}
