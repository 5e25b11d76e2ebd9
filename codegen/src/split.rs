//! Cuts progenitor's single output into the models file and the client file.
//!
//! progenitor emits one module tree: a `pub mod types { ... }` holding every request and
//! response type, and the client beside it. The types move to `fc-models` (so that fc-local and
//! other users can depend on them without the HTTP client) and the module is replaced by
//! `pub use fc_models as types;` (or the API's own models module), which keeps every `types::X` path of the client valid.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;

use crate::CodegenError;

/// Returns `(models, client)`; the client refers to the types through the module `models`.
/// The structs named in `built_by_users` become `#[non_exhaustive]`.
pub(crate) fn split(
    tokens: TokenStream,
    models: &syn::Path,
    built_by_users: &BTreeSet<String>,
) -> Result<(syn::File, syn::File), CodegenError> {
    let mut client: syn::File = syn::parse2(tokens)
        .map_err(|e| CodegenError::Output(format!("progenitor output does not parse: {e}")))?;

    let position = client
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or_else(|| CodegenError::Output("no `types` module in progenitor output".into()))?;
    let syn::Item::Mod(types) = client.items.remove(position) else {
        unreachable!("the item at `position` was matched as a module above");
    };
    let (_, type_items) = types
        .content
        .ok_or_else(|| CodegenError::Output("the `types` module has no body".into()))?;

    let reexport: syn::Item = syn::parse_quote! {
        /// The request and response types, from the `fc-models` crate.
        #[doc(inline)]
        pub use #models as types;
    };
    client.items.insert(position, reexport);
    client
        .attrs
        .push(syn::parse_quote!(#![allow(clippy::all, missing_docs)]));

    let mut models: syn::File = syn::parse_quote!(#![allow(clippy::all, missing_docs)]);
    models.items = type_items;
    for item in &mut models.items {
        if let syn::Item::Struct(s) = item
            && built_by_users.contains(&s.ident.to_string())
            && matches!(s.fields, syn::Fields::Named(_))
        {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    Ok((models, client))
}
