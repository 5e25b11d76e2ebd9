//! Small questions about `syn` types that the reshaping passes ask.

use std::collections::BTreeMap;

use crate::CodegenError;

/// The generic arguments of `ty` when its last path segment is `name` (`Option<X>` → `[X]`).
pub(crate) fn generic_args(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// The last segment's name of a path type (`CreateFunctionInput` of `builder::CreateFunctionInput`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Builder name to `field -> X` for its fields `field: Result<X, String>`.
pub(crate) type BuilderFields = BTreeMap<String, BTreeMap<String, syn::Type>>;

/// The fields of the builder structs among `items` (progenitor and typify keep each input as a
/// `Result<X, String>`); a field that is not such a `Result` is an error, unless `besides`
/// names it (a request builder's `client`).
pub(crate) fn builder_fields(
    items: &[syn::Item],
    besides: &[&str],
) -> Result<BuilderFields, CodegenError> {
    let mut out = BuilderFields::new();
    for item in items {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        let mut fields = BTreeMap::new();
        for field in &named.named {
            let Some(ident) = &field.ident else { continue };
            if besides.iter().any(|name| ident == name) {
                continue;
            }
            let inner = generic_args(&field.ty, "Result")
                .and_then(|args| args.into_iter().next())
                .ok_or_else(|| {
                    CodegenError::Output(format!(
                        "builder::{}::{ident} is not a `Result<_, String>`",
                        s.ident
                    ))
                })?;
            fields.insert(ident.to_string(), inner);
        }
        out.insert(s.ident.to_string(), fields);
    }
    Ok(out)
}
