//! A test table: the Rust type of every JSON 200 response schema.
//!
//! Conformance suite 2 deserializes each recorded response body into the type the spec gives its
//! operation's 200 response and serializes it back. Naming a type by its schema needs code per
//! schema, so codegen writes the dispatch from the spec; a new response schema needs no hand
//! edit. The emitted module lives in fc-models' tests and relies on a generic
//! `crate::round_trip::<T>(body)` defined by the test.

use std::collections::BTreeSet;

use quote::quote;

use crate::CodegenError;
use crate::spec::Spec;

/// `models` is the path of the models module (`fc_models`, `fc_models::fc2`); schemas listed in
/// `shared_types` resolve to their owner's type.
pub(crate) fn generate(
    spec: &Spec,
    models: &syn::Path,
    shared_types: &[(String, String)],
) -> Result<syn::File, CodegenError> {
    let names: BTreeSet<&str> = spec
        .operations()
        .iter()
        .filter_map(|op| op.success_schema_name())
        .collect();
    let mut arms = Vec::new();
    for name in names {
        let ty: syn::Path = match crate::manifest::shared_type(shared_types, name) {
            Some(path) => syn::parse_str(path)
                .map_err(|e| CodegenError::Output(format!("shared type {path}: {e}")))?,
            None => {
                let ident = crate::spec::struct_ident(name);
                syn::parse_quote!(#models::#ident)
            }
        };
        arms.push(quote! { #name => Some(crate::round_trip::<#ty>(body)), });
    }
    let tokens = quote! {
        /// Round-trips `body` through the generated type of the response schema `schema`
        /// (`crate::round_trip`); `None` if no JSON 200 response of the spec uses that schema.
        pub fn round_trip(
            schema: &str,
            body: &::serde_json::Value,
        ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
            match schema {
                #(#arms)*
                _ => None,
            }
        }
    };
    syn::parse2(tokens).map_err(|e| CodegenError::Output(format!("response types: {e}")))
}
