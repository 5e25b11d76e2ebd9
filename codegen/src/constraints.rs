//! The input constraints of each operation, as `fc_models::rules::Check` values.
//!
//! The spec records the limits the API documents (`minimum`, `maxLength`, `pattern`,
//! `x-fc-allowed-values`, ...) on request parameters and request body schemas. `prepare` strips
//! them so they do not change the generated types; this module collects them per operation into
//! the `checks` of the operation table (`tables`), which the client applies before sending and
//! fc-local when it receives, so that bad input fails with an error naming the field and the rule.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::CodegenError;
use crate::spec::{Operation, Spec};

/// How deep body schemas are followed (recursive schemas stop here).
const MAX_DEPTH: usize = 8;

/// The checks of `op`: its query and header parameters' constraints, then its JSON body's.
pub(crate) fn checks(spec: &Spec, op: &Operation<'_>) -> Result<Vec<TokenStream>, CodegenError> {
    let mut checks = Vec::new();
    for param in op.parameters(spec) {
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let location = match (
            param.get("in").and_then(Value::as_str),
            param.get("x-fc-style").and_then(Value::as_str),
        ) {
            (Some("query"), None) => quote!(Location::Query),
            (Some("query"), Some("json")) => quote!(Location::QueryJson),
            (Some("header"), _) => quote!(Location::Header),
            // Path values are checked by the service; numbered lists carry no constraints (lint).
            _ => continue,
        };
        let schema = param.get("schema").unwrap_or(&Value::Null);
        collect(spec, schema, &location, &[name.to_owned()], 0, &mut checks)?;
    }
    if let Some(schema) = op
        .body
        .pointer("/requestBody/content/application~1json/schema")
    {
        collect(spec, schema, &quote!(Location::Body), &[], 0, &mut checks)?;
    }
    Ok(checks)
}

fn collect(
    spec: &Spec,
    schema: &Value,
    location: &TokenStream,
    path: &[String],
    depth: usize,
    out: &mut Vec<TokenStream>,
) -> Result<(), CodegenError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.resolve(reference).unwrap_or(&Value::Null),
        None => schema,
    };
    for rule in rules(schema, path)? {
        out.push(quote!(Check { location: #location, path: &[#(#path),*], rule: #rule }));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let mut child_path = path.to_vec();
            child_path.push(name.clone());
            collect(spec, child, location, &child_path, depth + 1, out)?;
        }
    }
    if let Some(items) = schema.get("items") {
        let mut child_path = path.to_vec();
        child_path.push("[]".to_owned());
        collect(spec, items, location, &child_path, depth + 1, out)?;
    }
    Ok(())
}

fn rules(schema: &Value, path: &[String]) -> Result<Vec<TokenStream>, CodegenError> {
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    let mut rules = Vec::new();
    if let Some(min) = number("minimum") {
        rules.push(
            if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                quote!(Rule::Above(#min))
            } else {
                quote!(Rule::Minimum(#min))
            },
        );
    }
    if let Some(max) = number("maximum") {
        rules.push(
            if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
                quote!(Rule::Below(#max))
            } else {
                quote!(Rule::Maximum(#max))
            },
        );
    }
    if let Some(step) = number("multipleOf") {
        rules.push(quote!(Rule::MultipleOf(#step)));
    }
    if let Some(n) = count("minLength") {
        rules.push(quote!(Rule::MinLength(#n)));
    }
    if let Some(n) = count("maxLength") {
        rules.push(quote!(Rule::MaxLength(#n)));
    }
    if let Some(n) = count("maxItems") {
        rules.push(quote!(Rule::MaxItems(#n)));
    }
    if let Some(values) = schema.get("x-fc-allowed-values") {
        let values: Option<Vec<f64>> = values
            .as_array()
            .and_then(|list| list.iter().map(Value::as_f64).collect());
        match values {
            Some(values) if !values.is_empty() => rules.push(quote!(Rule::OneOf(&[#(#values),*]))),
            _ => {
                return Err(CodegenError::Output(format!(
                    "{}: x-fc-allowed-values must be a non-empty list of numbers",
                    path.join(".")
                )));
            }
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        rules.push(quote!(Rule::KnownValue(&[#(#values),*])));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        if !pattern_is_supported(pattern) {
            return Err(CodegenError::Output(format!(
                "{}: pattern {pattern:?} is outside what the client's matcher supports \
                 (anchored classes and literals with * + ? {{m,n}})",
                path.join(".")
            )));
        }
        rules.push(quote!(Rule::Pattern(#pattern)));
    }
    Ok(rules)
}

/// Whether the client's small matcher can run `pattern`: `^...$` around a sequence of
/// character classes or literal characters, each optionally quantified.
fn pattern_is_supported(pattern: &str) -> bool {
    let Some(body) = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')) else {
        return false;
    };
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        // Each guard consumes the rest of a class or escape; it fails when that is unterminated.
        match c {
            '[' if !chars.by_ref().any(|c| c == ']') => return false,
            '\\' if chars.next().is_none() => return false,
            '(' | ')' | '|' | '.' | '^' | '$' | '*' | '+' | '?' | '{' => return false,
            _ => {}
        }
        match chars.peek().copied() {
            Some('*' | '+' | '?') => {
                chars.next();
            }
            Some('{') if !chars.by_ref().any(|c| c == '}') => return false,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::pattern_is_supported;

    #[test]
    fn supported_patterns() {
        assert!(pattern_is_supported("^[A-Za-z_][A-Za-z0-9_-]*$"));
        assert!(pattern_is_supported("^[a-z]{1,64}$"));
        assert!(pattern_is_supported("^ab\\.c+$"));
        assert!(!pattern_is_supported("[a-z]+"));
        assert!(!pattern_is_supported("^(a|b)$"));
        assert!(!pattern_is_supported("^a.*$"));
        assert!(!pattern_is_supported("^[a-z$"));
    }
}
