//! Code generation for fc-rs.
//!
//! This crate turns one of the OpenAPI documents under `spec/` into the checked-in Rust sources of
//! the `fc-models` and `fc-client` crates. It is a library so that `cargo xtask regen` (and tests)
//! can drive it; nothing here is published.
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
//!    `types` module goes to `fc-models`, the client to `fc-client`;
//! 5. `enums` and `tables` emit what hand-written code needs besides: the open enums and the
//!    operation table (action name, method, path and paging shape of every operation);
//!    `pagination` emits `pages()`/`into_stream()` for every list operation that pages;
//!    `constraints` collects the documented input limits the client checks before sending;
//!    `wire_calls` emits the wire-conformance test's call for every operation.
//!
//! Every output is formatted with `prettyplease` and starts with an `@generated` header that names
//! the spec and its SHA-256, so the output is a pure function of the spec and this crate.
//!
//! ```no_run
//! let files = codegen::generate(std::path::Path::new("spec/fc-2023-03-30.yaml")).unwrap();
//! for file in files {
//!     println!("{} ({} bytes)", file.path, file.contents.len());
//! }
//! ```

mod constraints;
mod enums;
mod error;
mod lint;
mod pagination;
mod prepare;
mod spec;
pub mod spec_diff;
mod split;
mod tables;
mod wire_calls;

use std::path::Path;

pub use error::{CodegenError, LintError};
pub use spec::Spec;

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The complete file contents, header included.
    pub contents: String,
}

/// Generates every output file for the FC 3.0 document at `spec_path`.
///
/// The returned files are, in order: `fc-models/src/generated.rs` (request and response types),
/// `fc-models/src/generated_enums.rs` (open enums), `fc-client/src/generated.rs` (the client and
/// its request builders), `fc-client/src/generated_operations.rs` (the operation table),
/// `fc-client/src/generated_pagination.rs` (paging streams for list operations),
/// `fc-client/src/generated_constraints.rs` (input checks from the spec's constraints) and
/// `fc-client/tests/generated/wire_calls.rs` (conformance suite 4's per-operation calls).
pub fn generate(spec_path: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let spec = Spec::load(spec_path)?;
    lint::check(&spec)?;
    let prepared = prepare::prepare(&spec)?;
    let tokens = progenitor_tokens(&prepared)?;
    let (models, client) = split::split(tokens)?;
    let operations = tables::operations(&spec, &client)?;
    let open_enums = enums::generate(&prepared.enums);
    let wire_calls = wire_calls::generate(&spec)?;
    let paging = pagination::generate(&spec)?;
    let checks = constraints::generate(&spec)?;

    let header = spec.header();
    Ok(vec![
        render("fc-models/src/generated.rs", &header, models),
        render("fc-models/src/generated_enums.rs", &header, open_enums),
        render("fc-client/src/generated.rs", &header, client),
        render("fc-client/src/generated_operations.rs", &header, operations),
        render("fc-client/src/generated_pagination.rs", &header, paging),
        render("fc-client/src/generated_constraints.rs", &header, checks),
        render(
            "fc-client/tests/generated/wire_calls.rs",
            &header,
            wire_calls,
        ),
    ])
}

/// Checks `spec` against our rules without generating anything; every violation is reported.
pub fn lint(spec: &Spec) -> Result<(), CodegenError> {
    lint::check(spec)
}

fn progenitor_tokens(
    prepared: &prepare::Prepared,
) -> Result<proc_macro2::TokenStream, CodegenError> {
    use progenitor_impl::{GenerationSettings, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::Runtime))
        .with_hooks(HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap")
        .with_derive("PartialEq");
    for open in &prepared.enums {
        settings.with_replacement(
            &open.name,
            format!("fc_models::{}", open.name),
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
