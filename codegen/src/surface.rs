//! The generated client as users see it, reshaped from progenitor's output.
//!
//! - `send()` returns `fc_client::Error` (progenitor's error stays inside, as the private
//!   `exchange()`), so `?` into `anyhow` or `Box<dyn Error>` keeps the one-line form and downcasts;
//! - request builders hold a `Cow` of the client: `.owned()` makes a builder (and the paging
//!   streams made from it) `'static`, and `.with_overrides(..)` gives one request its own
//!   timeouts or retry policy;
//! - every setter carries its parameter's description from the spec, and every operation's
//!   method a compiled example that sets its required inputs (the body built with its builder);
//! - the operation methods are grouped by resource (the spec's tags, one `impl` block each, in the
//!   spec's tag order), and progenitor's internals (`Client::new`, `ClientInfo`, its `Error`,
//!   builders' `new`) are hidden from the docs.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use quote::format_ident;
use serde_json::Value;

use crate::CodegenError;
use crate::spec::{Operation, Spec};
use crate::syntax::{BuilderFields, builder_fields, generic_args, type_name};

/// What the reshaping needs to know besides progenitor's output.
pub(crate) struct Context<'a> {
    pub spec: &'a Spec,
    /// The client module's public path (`fc_client`, `fc_client::fc2`), for the examples.
    pub public: &'a str,
    /// Schemas whose Rust type another API owns.
    pub shared_types: &'a [(String, String)],
}

/// Reshapes `client` (see the module docs).
pub(crate) fn reshape(client: &mut syn::File, context: &Context<'_>) -> Result<(), CodegenError> {
    let operations: BTreeMap<String, Operation<'_>> = context
        .spec
        .operations()
        .into_iter()
        .map(|op| (op.id.to_snake_case(), op))
        .collect();
    let mut items = Vec::with_capacity(client.items.len());
    for item in client.items.drain(..) {
        match item {
            syn::Item::Use(import) if is_progenitor_reexport(&import) => {
                items.push(syn::parse_quote! {
                    pub use progenitor_client::{ByteStream, ResponseValue};
                });
                items.push(syn::parse_quote! {
                    #[allow(unused_imports)]
                    use progenitor_client::{ClientInfo, Error};
                });
            }
            syn::Item::Impl(mut block) if is_trait_impl(&block, "ClientInfo") => {
                block.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                items.push(syn::Item::Impl(block));
            }
            syn::Item::Impl(mut block) if is_inherent(&block, "Client") => {
                if block.items.iter().any(|m| member_named(m, "new")) {
                    hide_public_fns(&mut block);
                    items.push(syn::Item::Impl(block));
                } else {
                    items.extend(group_by_tag(block, &operations, context)?);
                }
            }
            syn::Item::Mod(mut module) if module.ident == "builder" => {
                if let Some((_, members)) = &mut module.content {
                    let fields = builder_fields(members, &["client"])?;
                    for member in members.iter_mut() {
                        reshape_builder_item(member, context.spec, &operations, &fields)?;
                    }
                }
                items.push(syn::Item::Mod(module));
            }
            syn::Item::Mod(mut module) if module.ident == "prelude" => {
                // progenitor's `prelude` re-exports `Client` alone: nothing a user needs.
                module.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                items.push(syn::Item::Mod(module));
            }
            other => items.push(other),
        }
    }
    client.items = items;
    Ok(())
}

/// progenitor's `pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};`.
fn is_progenitor_reexport(import: &syn::ItemUse) -> bool {
    matches!(import.vis, syn::Visibility::Public(_))
        && matches!(&import.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
}

fn is_inherent(block: &syn::ItemImpl, name: &str) -> bool {
    block.trait_.is_none() && type_name(&block.self_ty).as_deref() == Some(name)
}

fn is_trait_impl(block: &syn::ItemImpl, name: &str) -> bool {
    block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|segment| segment.ident == name)
}

fn member_named(member: &syn::ImplItem, name: &str) -> bool {
    matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == name)
}

fn hide_public_fns(block: &mut syn::ItemImpl) {
    for member in &mut block.items {
        if let syn::ImplItem::Fn(function) = member
            && matches!(function.vis, syn::Visibility::Public(_))
        {
            function.attrs.push(syn::parse_quote!(#[doc(hidden)]));
        }
    }
}

/// The operation methods, one `impl` block per tag (in the spec's tag order), each method with
/// a compiled example.
fn group_by_tag(
    block: syn::ItemImpl,
    operations: &BTreeMap<String, Operation<'_>>,
    context: &Context<'_>,
) -> Result<Vec<syn::Item>, CodegenError> {
    let tags = context.spec.tags();
    let mut groups: Vec<Vec<syn::ImplItem>> = vec![Vec::new(); tags.len()];
    for member in block.items {
        let syn::ImplItem::Fn(mut function) = member else {
            return Err(CodegenError::Output(
                "the operations' `impl Client` holds something other than methods".into(),
            ));
        };
        let name = function.sig.ident.to_string();
        let op = operations.get(&name).ok_or_else(|| {
            CodegenError::Output(format!("`Client::{name}` is no operation of the spec"))
        })?;
        let tag = op
            .body
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let index = tags.iter().position(|(t, _)| *t == tag).ok_or_else(|| {
            CodegenError::Output(format!(
                "{}: tag {tag:?} is not in the spec's `tags`",
                op.id
            ))
        })?;
        replace_example(&mut function, &example(op, context));
        groups[index].push(syn::ImplItem::Fn(function));
    }
    let mut out = Vec::new();
    for ((tag, description), methods) in tags.iter().zip(groups) {
        if methods.is_empty() {
            continue;
        }
        let doc = format!("**{tag}**: {description}");
        out.push(syn::parse_quote! {
            #[doc = #doc]
            impl Client {
                #(#methods)*
            }
        });
    }
    Ok(out)
}

/// Swaps progenitor's ```` ```ignore ```` example for `example`.
fn replace_example(function: &mut syn::ImplItemFn, example: &str) {
    for attr in &mut function.attrs {
        let syn::Meta::NameValue(meta) = &mut attr.meta else {
            continue;
        };
        let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) = &meta.value
        else {
            continue;
        };
        let doc = text.value();
        if let Some(start) = doc.find("```ignore") {
            let replaced = format!("{}{example}", &doc[..start]);
            meta.value = syn::parse_quote!(#replaced);
        }
    }
}

/// A compiled (`no_run`) example of the operation: its required parameters and the required
/// fields of its body, with placeholder values.
fn example(op: &Operation<'_>, context: &Context<'_>) -> String {
    let public = context.public;
    let method = op.id.to_snake_case();
    let mut lines = vec![
        "```no_run".to_owned(),
        format!("# async fn example(client: &{public}::Client) -> Result<(), fc_client::Error> {{"),
        "let output = client".to_owned(),
        format!("    .{method}()"),
    ];
    for param in op.parameters(context.spec) {
        if param.get("required").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let schema = param.get("schema").unwrap_or(&Value::Null);
        if let Some(value) = param_value(context, name, schema) {
            lines.push(format!("    .{}({value})", name.to_snake_case()));
        }
    }
    let content = op.body.pointer("/requestBody/content");
    if let Some(schema) = content.and_then(|c| c.pointer("/application~1json/schema/$ref")) {
        let name = schema
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or_default();
        lines.push(format!("    .body({})", builder_value(context, name, 0)));
    } else if content
        .and_then(|c| c.get("application/octet-stream"))
        .is_some()
    {
        lines.push(r##"    .body(r#"{"hello": "fc-rs"}"#)"##.to_owned());
    }
    lines.extend([
        "    .send()".to_owned(),
        "    .await?".to_owned(),
        "    .into_inner();".to_owned(),
        "# let _ = output;".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ]);
    lines.join("\n")
}

/// A request builder setter's argument for a required parameter.
fn param_value(context: &Context<'_>, name: &str, schema: &Value) -> Option<String> {
    let schema = resolved(context.spec, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = scalar_value(context, name, schema.get("items")?)?;
            Some(format!("vec![{item}.to_owned()]"))
        }
        _ => scalar_value(context, name, schema),
    }
}

/// A model builder with the required fields of the schema `name` set.
fn builder_value(context: &Context<'_>, name: &str, depth: usize) -> String {
    let path = match crate::manifest::shared_type(context.shared_types, name) {
        Some(path) => path.to_owned(),
        None => format!(
            "{}::types::{}",
            context.public,
            crate::spec::struct_ident(name)
        ),
    };
    let mut out = format!("{path}::builder()");
    let Some(schema) = context
        .spec
        .resolve(&format!("#/components/schemas/{name}"))
    else {
        return out;
    };
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for field in required {
        let Some(property) = schema.pointer(&format!("/properties/{field}")) else {
            continue;
        };
        if let Some(value) = field_value(context, field, property, depth) {
            out.push_str(&format!(".{}({value})", field_ident(field)));
        }
    }
    out
}

/// A model builder setter's argument for the property `field`.
fn field_value(
    context: &Context<'_>,
    field: &str,
    property: &Value,
    depth: usize,
) -> Option<String> {
    if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
        let target = context.spec.resolve(reference)?;
        if target.get("type").and_then(Value::as_str) == Some("object") {
            let name = reference.rsplit('/').next()?;
            return (depth < 2).then(|| builder_value(context, name, depth + 1));
        }
        return scalar_value(context, field, target);
    }
    match property.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = property.get("items")?;
            Some(format!("[{}]", field_value(context, field, items, depth)?))
        }
        Some("object") => {
            let values = property.get("additionalProperties")?;
            let value = scalar_value(context, "value", values)?;
            Some(format!("[(\"key\", {value})]"))
        }
        _ => scalar_value(context, field, property),
    }
}

/// A literal for a scalar schema: the spec's example or first enum value, or a placeholder.
fn scalar_value(context: &Context<'_>, name: &str, schema: &Value) -> Option<String> {
    let schema = resolved(context.spec, schema);
    let example = schema
        .get("example")
        .or_else(|| schema.pointer("/enum/0"))
        .filter(|v| !v.is_null());
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let text = match example.and_then(Value::as_str) {
                Some(text) => text.to_owned(),
                None => placeholder(name),
            };
            Some(format!("{text:?}"))
        }
        Some("integer") => Some(example.map_or("10".to_owned(), Value::to_string)),
        Some("number") => Some(example.map_or("1.0".to_owned(), |v| {
            format!("{:?}", v.as_f64().unwrap_or(1.0))
        })),
        Some("boolean") => Some("true".to_owned()),
        _ => None,
    }
}

/// `functionName` → `my-function`, `instanceId` → `my-instance-id`.
fn placeholder(name: &str) -> String {
    let stem = name
        .strip_suffix("Name")
        .filter(|s| !s.is_empty())
        .unwrap_or(name);
    format!("my-{}", stem.to_kebab_case())
}

fn resolved<'a>(spec: &'a Spec, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| spec.resolve(r))
        .unwrap_or(schema)
}

/// typify's name for the field of the property `name`.
fn field_ident(name: &str) -> String {
    let snake = name.to_snake_case();
    match snake.as_str() {
        "type" | "match" | "ref" | "self" | "async" | "await" | "use" | "mod" | "fn" | "impl"
        | "in" | "loop" | "move" | "static" | "struct" | "trait" | "where" | "yield" => {
            format!("{snake}_")
        }
        _ => snake,
    }
}

/// One member of the `builder` module: each request builder holds a `Cow` of the client, its
/// setters are documented, `send()` returns `crate::Error`, and it gains `owned()` and
/// `with_overrides()`.
fn reshape_builder_item(
    item: &mut syn::Item,
    spec: &Spec,
    operations: &BTreeMap<String, Operation<'_>>,
    fields: &BuilderFields,
) -> Result<(), CodegenError> {
    match item {
        syn::Item::Struct(s) => {
            if let syn::Fields::Named(named) = &mut s.fields {
                for field in &mut named.named {
                    if field.ident.as_ref().is_some_and(|i| i == "client") {
                        field.ty = syn::parse_quote!(::std::borrow::Cow<'a, super::Client>);
                    }
                }
            }
            Ok(())
        }
        syn::Item::Impl(block) if block.trait_.is_none() => {
            let Some(name) = type_name(&block.self_ty) else {
                return Ok(());
            };
            let op = operations
                .iter()
                .find(|(snake, _)| snake.to_upper_camel_case() == name)
                .map(|(_, op)| op)
                .ok_or_else(|| {
                    CodegenError::Output(format!("builder::{name} matches no operation"))
                })?;
            let types = fields.get(&name).cloned().unwrap_or_default();
            reshape_builder_impl(block, &name, spec, op, &types)
        }
        _ => Ok(()),
    }
}

fn reshape_builder_impl(
    block: &mut syn::ItemImpl,
    name: &str,
    spec: &Spec,
    op: &Operation<'_>,
    types: &BTreeMap<String, syn::Type>,
) -> Result<(), CodegenError> {
    let ident = format_ident!("{name}");
    let mut fields: Vec<syn::Ident> = Vec::new();
    let mut members = Vec::with_capacity(block.items.len() + 3);
    for member in block.items.drain(..) {
        let syn::ImplItem::Fn(mut function) = member else {
            members.push(member);
            continue;
        };
        let fn_name = function.sig.ident.to_string();
        match fn_name.as_str() {
            "new" => {
                fields = constructed_fields(&function);
                rewrite_client_init(&mut function);
                function.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                members.push(syn::ImplItem::Fn(function));
            }
            "send" => {
                let ok = success_type(&function).ok_or_else(|| {
                    CodegenError::Output(format!(
                        "builder::{name}::send does not return Result<ResponseValue<_>, Error<_>>"
                    ))
                })?;
                let docs: Vec<syn::Attribute> = function
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("doc"))
                    .cloned()
                    .collect();
                function.attrs.retain(|a| !a.path().is_ident("doc"));
                drop_api_version_header(&mut function)?;
                crate::request_url::build_url_in_one_string(&mut function)?;
                decode_without_copying_headers(&mut function);
                function.sig.ident = format_ident!("exchange");
                function.vis = syn::Visibility::Inherited;
                members.push(syn::ImplItem::Fn(function));
                members.push(syn::parse_quote! {
                    #(#docs)*
                    ///
                    /// Fails with a [`crate::Error`]: the service's code, message, status and
                    /// request id, or what went wrong on the way.
                    pub async fn send(
                        self,
                    ) -> ::std::result::Result<ResponseValue<#ok>, crate::Error> {
                        self.exchange().await.map_err(crate::Error::from)
                    }
                });
            }
            "body" => {
                function.attrs.push(syn::parse_quote!(
                    #[doc = "The request body: the value, or its builder."]
                ));
                members.push(syn::ImplItem::Fn(function));
            }
            "body_map" => {
                function.attrs.push(syn::parse_quote!(
                    #[doc = "Edits the request body with its builder, keeping what was set before."]
                ));
                members.push(syn::ImplItem::Fn(function));
            }
            parameter => {
                if let Some(list) = types
                    .get(parameter)
                    .and_then(|ty| list_setter(parameter, ty))
                {
                    function = list;
                }
                if let Some(doc) = parameter_doc(spec, op, parameter) {
                    function.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                }
                members.push(syn::ImplItem::Fn(function));
            }
        }
    }
    if fields.is_empty() {
        return Err(CodegenError::Output(format!(
            "builder::{name} has no `new`"
        )));
    }
    let moved: Vec<&syn::Ident> = fields.iter().filter(|f| *f != "client").collect();
    members.push(syn::parse_quote! {
        /// This request with a client of its own (clients are cheap to clone), so that the
        /// builder, its future and its paging streams are `'static`: they can be returned from a
        /// function, stored or spawned.
        pub fn owned(self) -> #ident<'static> {
            let Self { client, #(#moved),* } = self;
            #ident {
                client: ::std::borrow::Cow::Owned(client.into_owned()),
                #(#moved),*
            }
        }
    });
    members.push(syn::parse_quote! {
        /// This request with its own timeouts or retry policy; the client's stay as they are.
        /// See [`crate::RequestOverrides`].
        pub fn with_overrides(mut self, overrides: &crate::RequestOverrides) -> Self {
            let client = super::Client {
                baseurl: self.client.baseurl.clone(),
                client: self.client.client.clone(),
                inner: self.client.inner.with_overrides(overrides),
            };
            self.client = ::std::borrow::Cow::Owned(client);
            self
        }
    });
    block.items = members;
    Ok(())
}

/// A setter taking any iterable of items (`["a", "b"]`) for a parameter that is a list
/// (`Vec<X>`, or a list sent as JSON in one query value, `JsonQuery<Vec<X>>`), optional or not.
/// Points JSON answers at `crate::decode::json_value`, which moves the answer's headers into
/// the `ResponseValue` where progenitor's `ResponseValue::from_response` copies them.
fn decode_without_copying_headers(function: &mut syn::ImplItemFn) {
    struct Decode;
    impl syn::visit_mut::VisitMut for Decode {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if let syn::Expr::Path(path) = &*call.func {
                let names: Vec<String> = path
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names.ends_with(&["ResponseValue".to_owned(), "from_response".to_owned()]) {
                    *call.func = syn::parse_quote!(crate::decode::json_value);
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
    }
    syn::visit_mut::VisitMut::visit_impl_item_fn_mut(&mut Decode, function);
}

/// Drops the `api-version` header progenitor adds to every request (the version travels as
/// `x-acs-version`, which the signer sets) and the room it made for it in the header map, so
/// that an operation without header parameters builds no header map at all.
fn drop_api_version_header(function: &mut syn::ImplItemFn) -> Result<(), CodegenError> {
    use quote::ToTokens;
    let mut dropped = 0;
    function.block.stmts.retain(|stmt| {
        let keep = !stmt
            .to_token_stream()
            .to_string()
            .contains("\"api-version\"");
        dropped += usize::from(!keep);
        keep
    });
    if dropped != 1 {
        return Err(CodegenError::Output(format!(
            "{} sets the api-version header {dropped} times; expected once",
            function.sig.ident
        )));
    }
    for stmt in &mut function.block.stmts {
        let text = stmt.to_token_stream().to_string();
        let Some(rest) = text.split("HeaderMap :: with_capacity (").nth(1) else {
            continue;
        };
        let count: usize = rest
            .split("usize")
            .next()
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| CodegenError::Output(format!("unexpected header map: {text}")))?;
        let fewer = count.saturating_sub(1);
        *stmt = if fewer == 0 {
            syn::parse_quote! { let header_map = ::reqwest::header::HeaderMap::new(); }
        } else {
            syn::parse_quote! {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(#fewer);
            }
        };
    }
    Ok(())
}

fn list_setter(name: &str, ty: &syn::Type) -> Option<syn::ImplItemFn> {
    let (value, optional) = match generic_args(ty, "Option").and_then(|a| a.into_iter().next()) {
        Some(inner) => (inner, true),
        None => (ty.clone(), false),
    };
    let (list, json) = match generic_args(&value, "JsonQuery").and_then(|a| a.into_iter().next()) {
        Some(inner) => (inner, true),
        None => (value.clone(), false),
    };
    let item = generic_args(&list, "Vec")?.into_iter().next()?;
    let ident = format_ident!("{name}");
    let message = format!("conversion of an item of {name} failed: {{e}}");
    let wrap_json = if json {
        quote::quote!(.map(::std::convert::From::from))
    } else {
        quote::quote!()
    };
    let wrap_some = if optional {
        quote::quote!(.map(::std::option::Option::Some))
    } else {
        quote::quote!()
    };
    Some(syn::parse_quote! {
        ///
        /// Takes any iterable of items.
        pub fn #ident<I, V>(mut self, value: I) -> Self
        where
            I: ::std::iter::IntoIterator<Item = V>,
            V: ::std::convert::TryInto<#item>,
            V::Error: ::std::fmt::Display,
        {
            self.#ident = value
                .into_iter()
                .map(::std::convert::TryInto::try_into)
                .collect::<::std::result::Result<#list, _>>()
                #wrap_json
                #wrap_some
                .map_err(|e| format!(#message));
            self
        }
    })
}

/// The field names `new` initialises (`Self { client: client, a: .., b: .. }`).
fn constructed_fields(function: &syn::ImplItemFn) -> Vec<syn::Ident> {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(init), _)) = function.block.stmts.last() else {
        return Vec::new();
    };
    init.fields
        .iter()
        .filter_map(|f| match &f.member {
            syn::Member::Named(ident) => Some(ident.clone()),
            syn::Member::Unnamed(_) => None,
        })
        .collect()
}

/// `client: client` → `client: Cow::Borrowed(client)` in `new`.
fn rewrite_client_init(function: &mut syn::ImplItemFn) {
    if let Some(syn::Stmt::Expr(syn::Expr::Struct(init), _)) = function.block.stmts.last_mut() {
        for field in &mut init.fields {
            if matches!(&field.member, syn::Member::Named(i) if i == "client") {
                field.expr = syn::parse_quote!(::std::borrow::Cow::Borrowed(client));
            }
        }
    }
}

/// `T` of `Result<ResponseValue<T>, Error<_>>`.
fn success_type(function: &syn::ImplItemFn) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &function.sig.output else {
        return None;
    };
    let mut args = generic_args(ty, "Result")?.into_iter();
    let ok = args.next()?;
    let err = args.next()?;
    generic_args(&err, "Error")?;
    generic_args(&ok, "ResponseValue")?.into_iter().next()
}

/// The spec's description of the operation's parameter whose setter is `setter`.
fn parameter_doc(spec: &Spec, op: &Operation<'_>, setter: &str) -> Option<String> {
    op.parameters(spec)
        .into_iter()
        .find(|p| {
            p.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.to_snake_case() == setter)
        })
        .and_then(|p| p.get("description").and_then(Value::as_str))
        .map(str::to_owned)
}
