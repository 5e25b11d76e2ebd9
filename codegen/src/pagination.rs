//! Paging methods for every list operation the spec marks with `x-fc-pagination`.
//!
//! For each such operation, the request builder gets `pages()` and `into_stream()` (see
//! fc-client's `pagination` module for their behaviour). The extension names the query parameter
//! that carries the token, the response field holding the next token, and the response field
//! holding the items; the generated code wires those into the generic paginator.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use quote::quote;
use serde_json::Value;

use crate::CodegenError;
use crate::spec::Spec;

/// `client` is the client module as seen from inside its crate (`crate`, `crate::fc2`).
pub(crate) fn generate(spec: &Spec, client: &syn::Path) -> Result<syn::File, CodegenError> {
    let mut impls = Vec::new();
    for op in spec.operations() {
        let Some(paging) = op.body.get("x-fc-pagination") else {
            continue;
        };
        let field = |key: &str| paging.get(key).and_then(Value::as_str).unwrap_or_default();
        let ident = |name: &str| Ident::new(&name.to_snake_case(), Span::call_site());
        let builder = Ident::new(&op.id.to_upper_camel_case(), Span::call_site());
        let set_token = ident(field("inputToken"));
        let next_token = ident(field("outputToken"));
        let items = ident(field("items"));

        // A numeric token parameter (FC 2.0's `startVersion`) is parsed from the carried text.
        let token_schema = op
            .parameters(spec)
            .into_iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(field("inputToken")))
            .and_then(|p| p.get("schema"));
        let numeric = token_schema.and_then(|schema| {
            let format = schema.get("format").and_then(Value::as_str);
            match (schema.get("type").and_then(Value::as_str), format) {
                (Some("integer"), Some("int32")) => Some(quote!(i32)),
                (Some("integer"), _) => Some(quote!(i64)),
                (Some("number"), _) => Some(quote!(f64)),
                _ => None,
            }
        });
        let token = match numeric {
            Some(ty) => quote!(crate::pagination::numeric_token::<#ty>(&token)?),
            None => quote!(token),
        };
        let output = crate::tables::success_schema(spec, &op)
            .ok_or_else(|| missing(op.id, "a JSON 200 response"))?;
        let output_name = op
            .success_schema_name()
            .ok_or_else(|| missing(op.id, "a named 200 response schema"))?;
        let item_name = output
            .pointer(&format!("/properties/{}/items/$ref", field("items")))
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .ok_or_else(|| missing(op.id, "items that are a named schema"))?;
        let output_type = crate::spec::struct_ident(output_name);
        let item_type = crate::spec::struct_ident(item_name);

        let pages_doc = format!(
            "Every page of `{}`, one request per page as the stream is polled. The builder's \
             settings are sent with every page; `{}` is set from each page's `{}`.",
            op.id,
            field("inputToken"),
            field("outputToken"),
        );
        let items_doc = format!(
            "Every `{item_name}` of every page of `{}`, fetched page by page; see [`Self::pages`].",
            op.id
        );
        impls.push(quote! {
            impl<'a> #client::builder::#builder<'a> {
                #[doc = #pages_doc]
                pub fn pages(self) -> PageStream<'a, #client::types::#output_type> {
                    crate::pagination::pages(self, |builder: Self, token: Option<String>| async move {
                        let builder = match token {
                            Some(token) => builder.#set_token(#token),
                            None => builder,
                        };
                        let page = builder.send().await?.into_inner();
                        let next = page.#next_token.as_ref().map(|token| token.to_string());
                        Ok((page, next))
                    })
                }

                #[doc = #items_doc]
                pub fn into_stream(self) -> ItemStream<'a, #client::types::#item_type> {
                    crate::pagination::items(self.pages(), |page: #client::types::#output_type| page.#items)
                }
            }
        });
    }
    let tokens = quote! {
        use crate::pagination::{ItemStream, PageStream};

        #(#impls)*
    };
    syn::parse2(tokens).map_err(|e| CodegenError::Output(format!("pagination: {e}")))
}

fn missing(operation: &str, what: &str) -> CodegenError {
    CodegenError::Output(format!("{operation} is paginated but has no {what}"))
}
