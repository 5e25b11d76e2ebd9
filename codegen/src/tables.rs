//! The operation table: what the spec knows about each operation, as `fc_models::api::Api`.
//!
//! progenitor tells hooks only the snake_case operation name. Signing needs the real ACS action
//! (`PutLayerACL`, not `put_layer_acl`), retries need the method, paging needs the token and item
//! field names from `x-fc-pagination`, and input checks need the documented limits; fc-local
//! routes and validates with the same rows. This module emits all of that as one static `API` in
//! the models crate (`generated_api.rs`), sorted by the snake_case name.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::CodegenError;
use crate::spec::{Operation, Spec};

/// The resolved JSON schema of the operation's 200 response, if it has one.
pub(crate) fn success_schema<'a>(spec: &'a Spec, op: &Operation<'a>) -> Option<&'a Value> {
    let schema = op
        .body
        .pointer("/responses/200/content/application~1json/schema")?;
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.resolve(reference),
        None => Some(schema),
    }
}

pub(crate) fn api(
    spec: &Spec,
    version: &str,
    client: &syn::File,
) -> Result<syn::File, CodegenError> {
    let client_text = quote!(#client).to_string();
    let mut rows: Vec<(String, TokenStream)> = Vec::new();
    for op in spec.operations() {
        let id = op.id.to_snake_case();
        if !client_text.contains(&format!("operation_id : \"{id}\"")) {
            return Err(CodegenError::Output(format!(
                "progenitor did not name operation {} `{id}`; the operation table would not match",
                op.id
            )));
        }
        let action = op.id;
        let method = op.method.to_uppercase();
        let path = op.path;
        let pagination = match op.body.get("x-fc-pagination") {
            Some(paging) => {
                let field = |key: &str| paging.get(key).and_then(Value::as_str).unwrap_or_default();
                let (input, output, items) =
                    (field("inputToken"), field("outputToken"), field("items"));
                let page_size = match paging.get("pageSize").and_then(Value::as_str) {
                    Some(name) => quote!(Some(#name)),
                    None => quote!(None),
                };
                quote! {
                    Some(Pagination {
                        input_token: #input,
                        output_token: #output,
                        items: #items,
                        page_size: #page_size,
                    })
                }
            }
            None => quote!(None),
        };
        let checks = crate::constraints::checks(spec, &op)?;
        let numbered: Vec<&str> = op
            .parameters(spec)
            .into_iter()
            .filter(|p| p.get("x-fc-style").and_then(Value::as_str) == Some("numbered"))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        let row = quote! {
            Operation {
                id: #id,
                action: #action,
                method: #method,
                path: #path,
                pagination: #pagination,
                numbered_query: &[#(#numbered),*],
                checks: &[#(#checks),*],
            }
        };
        rows.push((id, row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let count = rows.len();
    let rows = rows.into_iter().map(|(_, row)| row);
    let tokens = quote! {
        use crate::api::{Api, Operation, Pagination};
        use crate::rules::{Check, Location, Rule};

        /// Every operation of this API version, sorted by `id` (the generated client's snake_case
        /// operation name), with its action, method, path, paging shape and input checks.
        pub static API: Api = Api {
            version: #version,
            operations: &OPERATIONS,
        };

        static OPERATIONS: [Operation; #count] = [#(#rows),*];
    };
    syn::parse2(tokens).map_err(|e| CodegenError::Output(format!("operation table: {e}")))
}

/// `impl crate::conditional::CarriesETag for <client>::types::X {}` for every schema `X` that is
/// the JSON 200 body of an operation whose 200 response documents an `ETag` header (any case).
/// Shared types (owned by another API) are skipped.
pub(crate) fn etag_markers(
    spec: &Spec,
    client: &syn::Path,
    shared_types: &[(String, String)],
) -> Result<Vec<syn::Item>, CodegenError> {
    let mut names = std::collections::BTreeSet::new();
    for op in spec.operations() {
        let Some(response) = op.body.pointer("/responses/200") else {
            continue;
        };
        let has_etag = response
            .get("headers")
            .and_then(Value::as_object)
            .is_some_and(|headers| headers.keys().any(|h| h.eq_ignore_ascii_case("etag")));
        let schema = op.success_schema_name();
        match (has_etag, schema) {
            (true, Some(name)) if crate::manifest::shared_type(shared_types, name).is_none() => {
                names.insert(name.to_owned());
            }
            (true, None) => {
                return Err(CodegenError::Output(format!(
                    "{}: an ETag header needs a named JSON 200 body to hang `.etag()` on",
                    op.id
                )));
            }
            _ => {}
        }
    }
    names
        .into_iter()
        .map(|name| {
            let ty = crate::spec::struct_ident(&name);
            let doc = format!("`{name}` answers carry an `ETag` header.");
            syn::parse2(quote! {
                #[doc = #doc]
                impl crate::conditional::CarriesETag for #client::types::#ty {}
            })
            .map_err(|e| CodegenError::Output(format!("ETag markers: {e}")))
        })
        .collect()
}
