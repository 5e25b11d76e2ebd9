//! Code generation for fc-rs.
//!
//! This crate turns the OpenAPI documents under `spec/` into the checked-in Rust sources of the
//! `fc-models` and `fc-client` crates, one API version at a time. `spec/apis.yaml` lists the
//! versions ([`load_manifest`]); `cargo xtask regen` calls [`generate`] for each entry. It is a
//! library so that xtask (and tests) can drive it; nothing here is published.
//!
//! The pipeline, one module per step:
//!
//! 1. `spec` reads the YAML document and fingerprints it;
//! 2. `lint` checks the rules that progenitor would otherwise panic on (or silently get wrong),
//!    and reports each violation with the operation and the rule it breaks;
//! 3. `prepare` rewrites the document into what progenitor can take: validation keywords are
//!    stripped, enums are swapped for open Rust enums, and JSON-in-a-query-value parameters are
//!    swapped for `fc_models::JsonQuery<T>`;
//! 4. progenitor (Builder interface) generates one token stream, which `split` cuts in two: the
//!    `types` module goes to the models module, the client to the client module;
//! 5. `enums` and `tables` emit what hand-written code needs besides: the open enums and the
//!    API table (action name, method, path, paging shape and input checks of every operation,
//!    the checks collected by `constraints`); `pagination` emits `pages()`/`into_stream()` for
//!    every list operation that pages; `wire_calls` emits the wire-conformance test's call for
//!    every operation.
//!
//! Besides the sources, regen keeps the numbers the docs state about the specs (how many
//! operations each API has) current: [`doc_counts`].
//!
//! Generated code refers only to public, documented items: `fc_models::api`, `fc_models::rules`,
//! `fc_client::pagination` and the client's `ClientConfig`. Every output is formatted with
//! `prettyplease` and starts with an `@generated` header that names the spec and its SHA-256, so
//! the output is a pure function of the spec and this crate.
//!
//! ```no_run
//! let root = std::path::Path::new(".");
//! for api in codegen::load_manifest(&root.join("spec/apis.yaml")).unwrap() {
//!     for file in codegen::generate(root, &api).unwrap() {
//!         println!("{} ({} bytes)", file.path, file.contents.len());
//!     }
//! }
//! ```

mod constraints;
pub mod doc_counts;
mod enums;
mod error;
mod lint;
mod manifest;
mod pagination;
mod prepare;
mod request_url;
mod response_types;
mod setters;
mod spec;
pub mod spec_diff;
mod split;
mod surface;
mod syntax;
mod tables;
mod wire_calls;

use std::path::Path;

pub use error::{CodegenError, LintError};
pub use manifest::{ApiEntry, load_manifest, parse_manifest};
pub use spec::Spec;

/// The validation keywords a spec may put on request schemas and parameters: codegen strips them
/// before progenitor sees the document and turns them into input checks; spec-diff compares them.
/// `x-fc-allowed-values` is ours: the only numbers a field takes.
pub const CONSTRAINT_KEYWORDS: [&str; 12] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "x-fc-allowed-values",
];

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The complete file contents, header included.
    pub contents: String,
}

/// Generates every output file of the API `api`; `root` is the workspace root its paths are
/// relative to.
///
/// The returned files are, in order, under `api.models_dir`: `generated.rs` (request and
/// response types), `generated_enums.rs` (open enums), `generated_api.rs` (the `API` table);
/// under `api.client_dir`: `generated.rs` (the client and its request builders),
/// `generated_pagination.rs` (paging streams for list operations); and `api.wire_calls`
/// (conformance suite 4's per-operation calls) and `api.response_types` (suite 2's
/// schema-to-type dispatch), if set. The client file also marks every response
/// type whose answer carries an `ETag` header (`fc_client::conditional`).
pub fn generate(root: &Path, api: &ApiEntry) -> Result<Vec<GeneratedFile>, CodegenError> {
    let spec = Spec::load(&root.join(&api.spec))?;
    lint::check(&spec)?;
    let models_path: syn::Path = syn::parse_str(&api.models)
        .map_err(|e| CodegenError::Output(format!("models path {:?}: {e}", api.models)))?;
    let client_path: syn::Path = syn::parse_str(&api.client)
        .map_err(|e| CodegenError::Output(format!("client path {:?}: {e}", api.client)))?;
    let client_in_crate = in_crate(&client_path);
    let mut prepared = prepare::prepare(&spec, &api.models)?;
    // A shared type is another API's: no open enum of its own here.
    prepared
        .enums
        .retain(|open| manifest::shared_type(&api.shared_types, &open.name).is_none());
    let tokens = progenitor_tokens(&prepared, &api.models, &api.shared_types)?;
    // A regen that adds a field to a struct users build must not break their code: those
    // structs are `#[non_exhaustive]` (built with `X::builder()` or from `X::default()`).
    let built_by_users = spec
        .request_schemas()
        .into_iter()
        .map(|name| spec::struct_ident(name).to_string())
        .collect();
    let (mut models, mut client) = split::split(tokens, &models_path, &built_by_users)?;
    setters::reshape(&mut models)?;
    let table = tables::api(&spec, &api.version, &client)?;
    surface::reshape(
        &mut client,
        &surface::Context {
            spec: &spec,
            public: &api.client,
            shared_types: &api.shared_types,
        },
    )?;
    client.items.extend(tables::etag_markers(
        &spec,
        &client_in_crate,
        &api.shared_types,
    )?);
    let open_enums = enums::generate(&prepared.enums);
    let paging = pagination::generate(&spec, &client_in_crate)?;

    let header = spec.header();
    let models_file = |name: &str| format!("{}/{name}", api.models_dir);
    let client_file = |name: &str| format!("{}/{name}", api.client_dir);
    let mut files = vec![
        render(&models_file("generated.rs"), &header, models),
        render(&models_file("generated_enums.rs"), &header, open_enums),
        render(&models_file("generated_api.rs"), &header, table),
        render(&client_file("generated.rs"), &header, client),
        render(&client_file("generated_pagination.rs"), &header, paging),
    ];
    if let Some(path) = &api.response_types {
        let types = response_types::generate(&spec, &models_path, &api.shared_types)?;
        files.push(render(path, &header, types));
    }
    if let Some(path) = &api.wire_calls {
        files.push(render(
            path,
            &header,
            wire_calls::generate(
                &spec,
                &wire_calls::Types {
                    client: &client_path,
                    shared: &api.shared_types,
                },
            )?,
        ));
    }
    Ok(files)
}

/// Checks `spec` against our rules without generating anything; every violation is reported.
pub fn lint(spec: &Spec) -> Result<(), CodegenError> {
    lint::check(spec)
}

/// `fc_client::fc2` as seen from inside its crate: `crate::fc2`.
fn in_crate(path: &syn::Path) -> syn::Path {
    let mut inside = path.clone();
    if let Some(first) = inside.segments.first_mut() {
        first.ident = syn::Ident::new("crate", first.ident.span());
    }
    inside
}

fn progenitor_tokens(
    prepared: &prepare::Prepared,
    models: &str,
    shared_types: &[(String, String)],
) -> Result<proc_macro2::TokenStream, CodegenError> {
    use progenitor_impl::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::ClientConfig))
        .with_hooks(HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq");
    for open in &prepared.enums {
        settings.with_replacement(
            &open.name,
            format!("{models}::{}", open.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for json_query in &prepared.json_queries {
        settings.with_replacement(
            &json_query.schema_name,
            &json_query.rust_type,
            std::iter::empty(),
        );
    }
    for (schema, rust_type) in shared_types {
        settings.with_replacement(schema, rust_type, std::iter::empty());
    }
    let mut generator = progenitor_impl::Generator::new(&settings);
    generator
        .generate_tokens(&prepared.openapi)
        .map_err(|e| CodegenError::Progenitor(e.to_string()))
}

fn render(path: &str, header: &str, file: syn::File) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: format!("{header}\n{}", prettyplease::unparse(&file)),
    }
}
