//! A test table: one call per operation, driven by the inputs of an expected request.
//!
//! Conformance suite 4 gives fc-client the inputs of each request the official SDK recorded (or,
//! for an operation with no official recording, of its spec-derived request) and checks that the
//! same request reaches the wire. Calling every typed builder needs code per operation, so codegen
//! writes it from the spec: for each operation, set every parameter the input carries (converted
//! to the parameter's Rust type) and the body, then send. The expected requests come from the
//! recordings or the spec-derived requests of the test, not from this code.
//!
//! The emitted module lives in fc-client's tests and relies on a `crate::WireInput` type defined
//! by the test (`string`, `parse`, `boolean`, `json`, `numbered`, `json_body`, `raw_body`).

use heck::ToSnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::CodegenError;
use crate::spec::Spec;

/// Where the generated types live: the client module's `types` (`fc_client::fc2::types`), or,
/// for a shared schema, the owning API's type.
pub(crate) struct Types<'a> {
    /// The path of the client module (`fc_client`, `fc_client::fc2`).
    pub client: &'a syn::Path,
    /// Schema name to Rust path, for schemas another API owns.
    pub shared: &'a [(String, String)],
}

impl Types<'_> {
    /// The Rust path of the type generated for the schema `name`: typify's struct name, or the
    /// open enum's (named as the schema), or the shared type.
    fn of(&self, name: &str, is_enum: bool) -> TokenStream {
        if let Some(path) = crate::manifest::shared_type(self.shared, name) {
            return path.parse().unwrap_or_default();
        }
        let client = self.client;
        let ident = if is_enum {
            Ident::new(name, Span::call_site())
        } else {
            crate::spec::struct_ident(name)
        };
        quote!(#client::types::#ident)
    }
}

pub(crate) fn generate(spec: &Spec, types: &Types<'_>) -> Result<syn::File, CodegenError> {
    let client = types.client;
    let mut arms = Vec::new();
    for op in spec.operations() {
        let action = op.id;
        let method = Ident::new(&op.id.to_snake_case(), Span::call_site());
        let mut setters = Vec::new();
        for param in op.parameters(spec) {
            setters.push(parameter_setter(spec, types, param)?);
        }
        let body = body_setter(types, op.body)?;
        arms.push(quote! {
            #action => {
                let mut builder = client.#method();
                #(#setters)*
                #body
                builder.send().await.map(|_| ()).map_err(|e| e.to_string())
            }
        });
    }
    let tokens = quote! {
        #![allow(clippy::all, unused_mut)]

        /// Calls `action` with the inputs in `input` (a recording's or a spec-derived request's);
        /// the result only says whether the call got an answer (the tests look at what reached
        /// the server).
        pub async fn call(
            client: &#client::Client,
            action: &str,
            input: &crate::WireInput,
        ) -> ::std::result::Result<(), ::std::string::String> {
            match action {
                #(#arms)*
                other => Err(format!("no operation named {other}")),
            }
        }
    };
    syn::parse2(tokens).map_err(|e| CodegenError::Output(format!("wire call table: {e}")))
}

fn parameter_setter(
    spec: &Spec,
    types: &Types<'_>,
    param: &Value,
) -> Result<TokenStream, CodegenError> {
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
    let setter = Ident::new(&name.to_snake_case(), Span::call_site());
    let schema = param.get("schema").unwrap_or(&Value::Null);
    let style = param.get("x-fc-style").and_then(Value::as_str);
    if style == Some("numbered") {
        return Ok(quote! {
            if let Some(values) = input.numbered(#location, #name) {
                builder = builder.#setter(values);
            }
        });
    }
    let value = if style == Some("json") {
        let items = schema.get("items").unwrap_or(&Value::Null);
        let item = rust_type(spec, types, items).ok_or_else(|| unsupported(name))?;
        quote!(input.json::<::std::vec::Vec<#item>>(#location, #name))
    } else {
        match schema_kind(spec, types, schema) {
            Kind::String => {
                return Ok(quote! {
                    if let Some(value) = input.string(#location, #name) {
                        builder = builder.#setter(value);
                    }
                });
            }
            Kind::Boolean => {
                return Ok(quote! {
                    if let Some(value) = input.boolean(#location, #name) {
                        builder = builder.#setter(value?);
                    }
                });
            }
            Kind::Parsed(ty) => quote!(input.parse::<#ty>(#location, #name)),
            Kind::Unsupported => return Err(unsupported(name)),
        }
    };
    Ok(quote! {
        if let Some(value) = #value {
            builder = builder.#setter(value?);
        }
    })
}

fn body_setter(types: &Types<'_>, op: &Value) -> Result<TokenStream, CodegenError> {
    let Some(content) = op.pointer("/requestBody/content") else {
        return Ok(TokenStream::new());
    };
    if content.get("application/octet-stream").is_some() {
        return Ok(quote! {
            if let Some(bytes) = input.raw_body() {
                builder = builder.body(bytes);
            }
        });
    }
    let reference = content
        .pointer("/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .ok_or_else(|| CodegenError::Output("a JSON request body must be a $ref".into()))?;
    let body_type = types.of(reference.rsplit('/').next().unwrap_or_default(), false);
    Ok(quote! {
        if let Some(body) = input.json_body::<#body_type>() {
            builder = builder.body(body?);
        }
    })
}

enum Kind {
    String,
    Boolean,
    Parsed(TokenStream),
    Unsupported,
}

fn schema_kind(spec: &Spec, types: &Types<'_>, schema: &Value) -> Kind {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let is_enum = spec
            .resolve(reference)
            .is_some_and(|s| s.get("enum").is_some());
        return match (is_enum, reference.rsplit('/').next()) {
            (true, Some(name)) => Kind::Parsed(types.of(name, true)),
            _ => Kind::Unsupported,
        };
    }
    let format = schema.get("format").and_then(Value::as_str);
    match (schema.get("type").and_then(Value::as_str), format) {
        (Some("string"), _) => Kind::String,
        (Some("boolean"), _) => Kind::Boolean,
        (Some("integer"), Some("int32")) => Kind::Parsed(quote!(i32)),
        (Some("integer"), _) => Kind::Parsed(quote!(i64)),
        (Some("number"), _) => Kind::Parsed(quote!(f64)),
        _ => Kind::Unsupported,
    }
}

/// The Rust type of an array item inside a JSON query value.
fn rust_type(spec: &Spec, types: &Types<'_>, schema: &Value) -> Option<TokenStream> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let is_enum = spec.resolve(reference)?.get("enum").is_some();
            Some(types.of(reference.rsplit('/').next()?, is_enum))
        }
        None if schema.get("type").and_then(Value::as_str) == Some("string") => {
            Some(quote!(::std::string::String))
        }
        None => None,
    }
}

fn unsupported(name: &str) -> CodegenError {
    CodegenError::Output(format!(
        "parameter `{name}` has a schema the wire call table cannot set"
    ))
}
