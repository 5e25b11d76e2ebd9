//! The model builders' setters, reshaped to take what people type.
//!
//! typify's setter for an optional field takes `T: TryInto<Option<X>>`, so `.key("env")` fails
//! (`Option<String>: From<&str>` does not hold) and a list setter takes only a finished `Vec`.
//! This pass rewrites the setters of every builder in the models' `builder` module:
//!
//! - an optional `X` is set from anything that converts into `X` (`&str` for a `String`, a
//!   builder for a struct); `set_<field>(Option<X>)` sets or clears it from an `Option`;
//! - a list is set from any iterable of items that convert into the item type (items or their
//!   builders), a map from any iterable of `(key, value)` pairs;
//! - every setter carries the field's description from the spec.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::CodegenError;
use crate::syntax::{builder_fields, generic_args, type_name};

/// Rewrites the setters of the builders in `models` (see the module docs).
pub(crate) fn reshape(models: &mut syn::File) -> Result<(), CodegenError> {
    let docs = field_docs(&models.items);
    let builder = models
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .map(|(_, items)| items);
    let Some(items) = builder else {
        // An API without request bodies has no builders to reshape.
        return Ok(());
    };
    let fields = builder_fields(items, &[])?;
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let Some(name) = type_name(&block.self_ty) else {
            continue;
        };
        let Some(struct_fields) = fields.get(&name) else {
            continue;
        };
        let mut reshaped = Vec::with_capacity(block.items.len());
        for member in block.items.drain(..) {
            let syn::ImplItem::Fn(function) = &member else {
                reshaped.push(member);
                continue;
            };
            let field = function.sig.ident.to_string();
            let Some(ty) = struct_fields.get(&field) else {
                reshaped.push(member);
                continue;
            };
            let doc = docs
                .get(&(name.clone(), field.clone()))
                .cloned()
                .unwrap_or_default();
            for setter in setters(&field, ty, &doc, member.clone())? {
                reshaped.push(setter);
            }
        }
        block.items = reshaped;
    }
    Ok(())
}

/// `(struct, field)` to the field's doc attributes, from the model structs.
fn field_docs(items: &[syn::Item]) -> BTreeMap<(String, String), Vec<syn::Attribute>> {
    let mut docs = BTreeMap::new();
    for item in items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        for field in &named.named {
            let Some(ident) = &field.ident else { continue };
            let attrs: Vec<syn::Attribute> = field
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            docs.insert((s.ident.to_string(), ident.to_string()), attrs);
        }
    }
    docs
}

/// The setters that replace typify's setter `original` of `field: ty`.
fn setters(
    field: &str,
    ty: &syn::Type,
    doc: &[syn::Attribute],
    original: syn::ImplItem,
) -> Result<Vec<syn::ImplItem>, CodegenError> {
    let ident = format_ident!("{field}");
    let message = format!("error converting supplied value for {field}: {{e}}");
    let (value, optional) = match generic_args(ty, "Option").and_then(|a| a.into_iter().next()) {
        Some(inner) => (inner, true),
        None => (ty.clone(), false),
    };
    let wrap = if optional {
        quote!(.map(::std::option::Option::Some))
    } else {
        TokenStream::new()
    };
    let setter = if let Some(item) = generic_args(&value, "Vec").and_then(|a| a.into_iter().next())
    {
        quote! {
            #(#doc)*
            ///
            /// Takes any iterable of items, or of their builders.
            pub fn #ident<I, T>(mut self, value: I) -> Self
            where
                I: ::std::iter::IntoIterator<Item = T>,
                T: ::std::convert::TryInto<#item>,
                T::Error: ::std::fmt::Display,
            {
                self.#ident = value
                    .into_iter()
                    .map(::std::convert::TryInto::try_into)
                    .collect::<::std::result::Result<#value, _>>()
                    #wrap
                    .map_err(|e| format!(#message));
                self
            }
        }
    } else if let Some([key, item]) = map_args(&value) {
        quote! {
            #(#doc)*
            ///
            /// Takes any iterable of `(key, value)` pairs: a map, an array of tuples.
            pub fn #ident<I, K, T>(mut self, value: I) -> Self
            where
                I: ::std::iter::IntoIterator<Item = (K, T)>,
                K: ::std::convert::Into<#key>,
                T: ::std::convert::TryInto<#item>,
                T::Error: ::std::fmt::Display,
            {
                self.#ident = value
                    .into_iter()
                    .map(|(k, v)| v.try_into().map(|v| (k.into(), v)))
                    .collect::<::std::result::Result<#value, _>>()
                    #wrap
                    .map_err(|e| format!(#message));
                self
            }
        }
    } else if optional {
        quote! {
            #(#doc)*
            pub fn #ident<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<#value>,
                T::Error: ::std::fmt::Display,
            {
                self.#ident = value
                    .try_into()
                    .map(::std::option::Option::Some)
                    .map_err(|e| format!(#message));
                self
            }
        }
    } else {
        let mut kept = original;
        if let syn::ImplItem::Fn(function) = &mut kept {
            function.attrs.splice(0..0, doc.iter().cloned());
        }
        return Ok(vec![kept]);
    };
    let mut out = vec![parse_member(setter, field)?];
    if optional {
        let set = format_ident!("set_{field}");
        let doc =
            format!("Sets `{field}` from an `Option`: `None` clears it. See [`Self::{field}`].");
        out.push(parse_member(
            quote! {
                #[doc = #doc]
                pub fn #set(mut self, value: ::std::option::Option<#value>) -> Self {
                    self.#ident = Ok(value);
                    self
                }
            },
            field,
        )?);
    }
    Ok(out)
}

fn parse_member(tokens: TokenStream, field: &str) -> Result<syn::ImplItem, CodegenError> {
    syn::parse2(tokens).map_err(|e| CodegenError::Output(format!("setter for {field}: {e}")))
}

/// `[K, V]` of a `BTreeMap<K, V>` or `HashMap<K, V>`.
fn map_args(ty: &syn::Type) -> Option<[syn::Type; 2]> {
    let args = generic_args(ty, "BTreeMap").or_else(|| generic_args(ty, "HashMap"))?;
    let mut args = args.into_iter();
    Some([args.next()?, args.next()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reshaped(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        reshape(&mut file).unwrap();
        prettyplease::unparse(&file)
    }

    const MODELS: &str = r#"
        pub struct Tag {
            /// Tag key.
            pub key: Option<String>,
            pub items: Option<Vec<Item>>,
            pub env: Option<BTreeMap<String, String>>,
            pub name: String,
        }
        pub mod builder {
            pub struct Tag {
                key: Result<Option<String>, String>,
                items: Result<Option<Vec<super::Item>>, String>,
                env: Result<Option<BTreeMap<String, String>>, String>,
                name: Result<String, String>,
            }
            impl Tag {
                pub fn key<T>(mut self, value: T) -> Self where T: TryInto<Option<String>> { self }
                pub fn items<T>(mut self, value: T) -> Self where T: TryInto<Option<Vec<super::Item>>> { self }
                pub fn env<T>(mut self, value: T) -> Self where T: TryInto<Option<BTreeMap<String, String>>> { self }
                pub fn name<T>(mut self, value: T) -> Self where T: TryInto<String> { self }
            }
            impl TryFrom<Tag> for super::Tag { }
        }
    "#;

    #[test]
    fn optional_fields_take_the_value_and_get_an_option_setter() {
        let out = reshaped(MODELS);
        assert!(out.contains("T: ::std::convert::TryInto<String>"), "{out}");
        assert!(
            out.contains("pub fn set_key(mut self, value: ::std::option::Option<String>)"),
            "{out}"
        );
        assert!(
            out.contains("/// Tag key."),
            "the field's doc is on its setter: {out}"
        );
    }

    #[test]
    fn lists_and_maps_take_iterables() {
        let out = reshaped(MODELS);
        assert!(
            out.contains("T: ::std::convert::TryInto<super::Item>"),
            "{out}"
        );
        assert!(
            out.contains("I: ::std::iter::IntoIterator<Item = (K, T)>"),
            "{out}"
        );
        assert!(out.contains("pub fn set_items"), "{out}");
    }

    #[test]
    fn required_scalars_keep_their_setter() {
        let out = reshaped(MODELS);
        assert!(out.contains("T: TryInto<String>"), "{out}");
        assert!(
            !out.contains("set_name"),
            "a required field cannot be cleared: {out}"
        );
    }
}
