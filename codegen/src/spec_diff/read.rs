//! Reading both documents into one shape: per operation, its method, path and a map from a
//! readable key (`parameter query limit`, `request field code.zipFile`, `response field
//! tags[].Key`) to what that side says about it.
//!
//! The vendor metadata and our spec describe the same things in slightly different ways; here both
//! are read into [`Facts`] so that the comparison does not need to know which is which:
//!
//! - required: the vendor marks a field with `required: true` on the field itself, our spec lists
//!   it in its parent's `required` list; both are read (and a parameter's flag may sit on the
//!   parameter or on its schema);
//! - enums: the vendor writes an inline `enum`, our spec a `$ref` to a named `type: string` schema
//!   with `enum`; both become an [`Enumeration`];
//! - numbers in constraints may be written as strings (`"maximum": "100"`) and are normalised;
//! - types are read through the spec's conventions (spec/README.md): an integer without a format
//!   is `int64`, every other number is `double`, a path parameter is a string.
//!
//! Required flags and constraints are read on the request side only (parameters and request
//! bodies): response fields are all optional and carry no constraints in our spec, by convention.
//! Whatever cannot be read (a missing key, a `$ref` that leads nowhere) becomes a note instead of
//! an error.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::spec::METHODS;

/// How deep nested fields are followed (the API's models nest far less than this; recursive
/// schemas stop here).
const MAX_DEPTH: usize = 10;

/// The validation keywords compared, in the order they are reported.
pub(super) use crate::CONSTRAINT_KEYWORDS as CONSTRAINTS;

/// Which document is being read: named in notes, and it decides where a parameter says it is
/// JSON in one query value (`style` or `x-fc-style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// The vendor's `api-docs.json`.
    Vendor,
    /// Our OpenAPI document.
    Spec,
}

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::Vendor => "vendor",
            Side::Spec => "spec",
        }
    }
}

/// One document, read.
#[derive(Debug, Default)]
pub(super) struct Document<'a> {
    /// Operations by action name.
    pub operations: BTreeMap<String, Facts<'a>>,
    /// What could not be read, each a readable sentence.
    pub notes: BTreeSet<String>,
}

/// What one side says about one operation.
#[derive(Debug, Default)]
pub(super) struct Facts<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path as written (`/2023-03-30/functions/{functionName}`).
    pub path: String,
    /// The success statuses stated (`200`, `204`, ...).
    pub success: BTreeSet<String>,
    /// Every parameter and field, by key (see the module docs).
    pub nodes: BTreeMap<String, Node<'a>>,
    /// The operation object itself (the vendor's `apis.<Action>`, or the spec's operation).
    pub raw: &'a Value,
    /// Where the JSON request body's schema lives in the document, if there is one.
    pub request_root: Option<Vec<String>>,
    /// Where the JSON response body's schema lives in the document, if there is one.
    pub response_root: Option<Vec<String>>,
}

/// What one side says about one parameter or field.
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    /// `string`, `integer/int32`, `array`, ... (see [`type_label`]).
    pub type_label: String,
    /// The value set, if one is stated.
    pub enumeration: Option<Enumeration>,
    /// Request side only: whether the parameter or field is required; `None` for array items,
    /// map values and response fields.
    pub required: Option<bool>,
    /// Request side only: the validation keywords, values normalised to text.
    pub constraints: BTreeMap<&'static str, String>,
    /// Parameters only: `json` for a JSON document in one query value.
    pub style: Option<String>,
    /// The schema as written (before `$ref` resolution).
    pub schema: &'a Value,
    /// Parameters only: the parameter object.
    pub parameter: Option<&'a Value>,
    /// Where the (resolved) schema lives in the document, as keys from the root.
    pub location: Vec<String>,
    /// The schema's `$ref` could not be resolved; its attributes are not compared.
    pub unresolved: bool,
}

/// A stated value set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Enumeration {
    /// The component schema's name when the set is a `$ref` (our convention).
    pub name: Option<String>,
    /// The values, as text.
    pub values: BTreeSet<String>,
}

/// Reads the vendor's `api-docs.json`.
pub(super) fn vendor(doc: &Value) -> Document<'_> {
    let mut reader = Reader::new(doc, Side::Vendor);
    let Some(apis) = doc.get("apis").and_then(Value::as_object) else {
        reader.note("the file has no `apis` object; no operation could be read".to_owned());
        return reader.finish();
    };
    for (name, api) in apis {
        let facts = reader.vendor_operation(name, api);
        reader.operations.insert(name.clone(), facts);
    }
    reader.finish()
}

/// Reads our OpenAPI document.
pub(super) fn spec(doc: &Value) -> Document<'_> {
    let mut reader = Reader::new(doc, Side::Spec);
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        reader.note("the document has no `paths` object; no operation could be read".to_owned());
        return reader.finish();
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(name) = op.get("operationId").and_then(Value::as_str) else {
                reader.note(format!(
                    "{} {path} has no operationId",
                    method.to_uppercase()
                ));
                continue;
            };
            let facts = reader.spec_operation(name, path, method, op);
            reader.operations.insert(name.to_owned(), facts);
        }
    }
    reader.finish()
}

/// The part of a key before the field path.
#[derive(Debug, Clone, Copy)]
enum Category<'k> {
    Parameter(&'k str),
    Request,
    Response,
}

impl Category<'_> {
    fn is_request_side(self) -> bool {
        !matches!(self, Category::Response)
    }

    fn key(self, path: &str) -> String {
        match self {
            Category::Parameter(location) => format!("parameter {location} {path}"),
            Category::Request => format!("request field {path}"),
            Category::Response => format!("response field {path}"),
        }
    }

    fn body(self) -> &'static str {
        match self {
            Category::Response => "response body",
            _ => "request body",
        }
    }
}

/// Where a schema is being read: the operation and the key it is read for.
struct Place<'k> {
    operation: &'k str,
    category: Category<'k>,
    /// The field path (`code.zipFile`), the parameter's name, or empty for a body.
    path: String,
    /// How many schemas deep `path` is.
    depth: usize,
}

impl<'k> Place<'k> {
    fn new(operation: &'k str, category: Category<'k>, path: String) -> Self {
        Self {
            operation,
            category,
            path,
            depth: 0,
        }
    }

    /// The place of a nested field: `step` is `.name`, `[]` or `{}`.
    fn nested(&self, step: &str) -> Self {
        let path = match step.strip_prefix('.') {
            Some(name) if self.path.is_empty() => name.to_owned(),
            _ => format!("{}{step}", self.path),
        };
        Self {
            operation: self.operation,
            category: self.category,
            path,
            depth: self.depth + 1,
        }
    }

    fn key(&self) -> String {
        self.category.key(&self.path)
    }

    fn context(&self) -> String {
        if self.path.is_empty() {
            format!("{} {}", self.operation, self.category.body())
        } else {
            format!("{} {}", self.operation, self.category.key(&self.path))
        }
    }
}

struct Reader<'a> {
    doc: &'a Value,
    side: Side,
    operations: BTreeMap<String, Facts<'a>>,
    notes: BTreeSet<String>,
    /// The nodes of the operation being read.
    nodes: BTreeMap<String, Node<'a>>,
}

impl<'a> Reader<'a> {
    fn new(doc: &'a Value, side: Side) -> Self {
        Self {
            doc,
            side,
            operations: BTreeMap::new(),
            notes: BTreeSet::new(),
            nodes: BTreeMap::new(),
        }
    }

    fn finish(self) -> Document<'a> {
        Document {
            operations: self.operations,
            notes: self.notes,
        }
    }

    fn note(&mut self, message: String) {
        self.notes
            .insert(format!("{} {message}", self.side.label()));
    }

    fn vendor_operation(&mut self, name: &str, api: &'a Value) -> Facts<'a> {
        let methods = api.get("methods").and_then(Value::as_array);
        let method = methods
            .and_then(|m| m.first())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_uppercase();
        if method.is_empty() {
            self.note(format!("{name} has no `methods`"));
        } else if methods.is_some_and(|m| m.len() > 1) {
            self.note(format!(
                "{name} lists several methods; only {method} is compared"
            ));
        }
        let path = api.get("path").and_then(Value::as_str).unwrap_or_default();
        if path.is_empty() {
            self.note(format!("{name} has no `path`"));
        }
        let mut facts = Facts {
            method,
            path: path.to_owned(),
            success: success_statuses(api),
            raw: api,
            ..Facts::default()
        };
        let parameters = match api.get("parameters") {
            None => &[][..],
            Some(Value::Array(list)) => list.as_slice(),
            Some(_) => {
                self.note(format!("{name} `parameters` is not a list"));
                &[][..]
            }
        };
        for (index, param) in parameters.iter().enumerate() {
            let location = owned(&["apis", name, "parameters", &index.to_string(), "schema"]);
            self.vendor_parameter(name, index, param, location, &mut facts);
        }
        if let Some(schema) = api.pointer("/responses/200/schema") {
            let location = owned(&["apis", name, "responses", "200", "schema"]);
            facts.response_root = self.body(name, Category::Response, schema, location);
        }
        facts.nodes = std::mem::take(&mut self.nodes);
        facts
    }

    fn vendor_parameter(
        &mut self,
        operation: &str,
        index: usize,
        param: &'a Value,
        location: Vec<String>,
        facts: &mut Facts<'a>,
    ) {
        let Some((name, place)) = name_and_place(param) else {
            self.note(format!(
                "{operation} parameter #{index} has no `name` or no `in`"
            ));
            return;
        };
        if place == "body" {
            let schema = param.get("schema").unwrap_or(&Value::Null);
            facts.request_root = self.body(operation, Category::Request, schema, location);
        } else {
            self.parameter(operation, place, name, param, location);
        }
    }

    fn spec_operation(&mut self, name: &str, path: &str, method: &str, op: &'a Value) -> Facts<'a> {
        let mut facts = Facts {
            method: method.to_uppercase(),
            path: path.to_owned(),
            success: success_statuses(op),
            raw: op,
            ..Facts::default()
        };
        let parameters = op.get("parameters").and_then(Value::as_array);
        for (index, param) in parameters.into_iter().flatten().enumerate() {
            let (param, mut location) = match param.get("$ref").and_then(Value::as_str) {
                None => (
                    param,
                    owned(&["paths", path, method, "parameters", &index.to_string()]),
                ),
                Some(reference) => match self.lookup(reference) {
                    Some(found) => found,
                    None => {
                        self.note(format!("{name} parameter: $ref {reference} is not defined"));
                        continue;
                    }
                },
            };
            location.push("schema".to_owned());
            self.spec_parameter(name, param, location);
        }
        let request = ["requestBody", "content", JSON, "schema"];
        if let Some((schema, location)) = schema_at(op, path, method, &request) {
            facts.request_root = self.body(name, Category::Request, schema, location);
        }
        let response = ["responses", "200", "content", JSON, "schema"];
        if let Some((schema, location)) = schema_at(op, path, method, &response) {
            facts.response_root = self.body(name, Category::Response, schema, location);
        }
        facts.nodes = std::mem::take(&mut self.nodes);
        facts
    }

    fn spec_parameter(&mut self, operation: &str, param: &'a Value, location: Vec<String>) {
        let Some((name, place)) = name_and_place(param) else {
            self.note(format!(
                "{operation} has a parameter without `name` or `in`"
            ));
            return;
        };
        self.parameter(operation, place, name, param, location);
    }

    /// Reads one path, query or header parameter and what its schema contains.
    fn parameter(
        &mut self,
        operation: &str,
        place: &str,
        name: &str,
        param: &'a Value,
        location: Vec<String>,
    ) {
        // Header names compare case-insensitively; other names as written.
        let name = if place == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        let schema = param.get("schema").unwrap_or(&Value::Null);
        let required = flag(param.get("required")).or_else(|| flag(schema.get("required")));
        let style = match self.side {
            Side::Vendor => param.get("style"),
            Side::Spec => param.get("x-fc-style"),
        };
        let at = Place::new(operation, Category::Parameter(place), name);
        let Some(mut node) = self.walk(&at, schema, Some(required.unwrap_or(false)), location)
        else {
            return;
        };
        node.parameter = Some(param);
        node.style = style.and_then(Value::as_str).map(str::to_owned);
        if place == "path" {
            node.type_label = "string".to_owned();
        }
        self.nodes.insert(at.key(), node);
    }

    /// Reads a request or response body; returns where its schema lives.
    fn body(
        &mut self,
        operation: &str,
        category: Category<'_>,
        schema: &'a Value,
        location: Vec<String>,
    ) -> Option<Vec<String>> {
        if schema.get("format").and_then(Value::as_str) == Some("binary") {
            return None;
        }
        let at = Place::new(operation, category, String::new());
        self.walk(&at, schema, None, location)
            .filter(|root| !root.unresolved)
            .map(|root| root.location)
    }

    /// Reads `schema` at `at` and records everything nested in it; returns the node for `at`
    /// itself (the caller decides whether it is one). `location` is where `schema` is written.
    fn walk(
        &mut self,
        at: &Place<'_>,
        schema: &'a Value,
        required: Option<bool>,
        location: Vec<String>,
    ) -> Option<Node<'a>> {
        if at.depth > MAX_DEPTH {
            return None;
        }
        let request_side = at.category.is_request_side();
        let mut node = Node {
            type_label: "unresolved".to_owned(),
            enumeration: None,
            required: required.filter(|_| request_side),
            constraints: BTreeMap::new(),
            style: None,
            schema,
            parameter: None,
            location,
            unresolved: true,
        };
        let (resolved, reference) = match schema.get("$ref").and_then(Value::as_str) {
            None => (schema, None),
            Some(reference) => match self.lookup(reference) {
                Some((target, location)) => {
                    node.location = location;
                    (target, Some(reference))
                }
                None => {
                    let context = at.context();
                    self.note(format!("{context}: $ref {reference} is not defined"));
                    return Some(node);
                }
            },
        };
        self.children(at, resolved, &node.location);
        node.unresolved = false;
        node.type_label = type_label(resolved);
        node.enumeration = self.enumeration(at, resolved, reference);
        if request_side {
            node.constraints = self.constraints(at, schema, resolved);
        }
        Some(node)
    }

    /// Records the properties, array items and map values of `resolved` (written at
    /// `location`).
    fn children(&mut self, at: &Place<'_>, resolved: &'a Value, location: &[String]) {
        let listed: BTreeSet<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let within = |keys: &[&str]| [location, &owned(keys)].concat();
        if let Some(properties) = resolved.get("properties").and_then(Value::as_object) {
            for (name, child) in properties {
                let required =
                    listed.contains(name.as_str()) || flag(child.get("required")) == Some(true);
                let place = at.nested(&format!(".{name}"));
                self.record(
                    &place,
                    child,
                    Some(required),
                    within(&["properties", name.as_str()]),
                );
            }
        }
        if let Some(items) = resolved.get("items") {
            self.record(&at.nested("[]"), items, None, within(&["items"]));
        }
        if let Some(values) = resolved
            .get("additionalProperties")
            .filter(|v| v.is_object())
        {
            let place = at.nested("{}");
            self.record(&place, values, None, within(&["additionalProperties"]));
        }
    }

    /// Reads a nested field and records it.
    fn record(
        &mut self,
        at: &Place<'_>,
        schema: &'a Value,
        required: Option<bool>,
        location: Vec<String>,
    ) {
        if let Some(node) = self.walk(at, schema, required, location) {
            self.nodes.insert(at.key(), node);
        }
    }

    fn enumeration(
        &mut self,
        place: &Place<'_>,
        resolved: &Value,
        reference: Option<&str>,
    ) -> Option<Enumeration> {
        let values = match resolved.get("enum")? {
            Value::Array(values) if values.is_empty() => return None,
            Value::Array(values) => values,
            _ => {
                self.note(format!("{}: `enum` is not a list", place.context()));
                return None;
            }
        };
        Some(Enumeration {
            name: reference
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned),
            values: values.iter().map(value_text).collect(),
        })
    }

    /// The validation keywords of a schema; a keyword written next to a `$ref` wins over the
    /// target's.
    fn constraints(
        &mut self,
        place: &Place<'_>,
        schema: &Value,
        resolved: &Value,
    ) -> BTreeMap<&'static str, String> {
        let mut out = BTreeMap::new();
        for keyword in CONSTRAINTS {
            let Some(value) = schema.get(keyword).or_else(|| resolved.get(keyword)) else {
                continue;
            };
            match constraint_text(keyword, value) {
                Some(text) => {
                    out.insert(keyword, text);
                }
                None => self.note(format!(
                    "{}: `{keyword}` is not a number: {value}",
                    place.context()
                )),
            }
        }
        out
    }

    /// Resolves a local `$ref` (also one pointing at another `$ref`); returns the target and
    /// where it lives.
    fn lookup(&self, reference: &str) -> Option<(&'a Value, Vec<String>)> {
        let mut reference = reference.to_owned();
        for _ in 0..MAX_DEPTH {
            let pointer = reference.strip_prefix('#')?;
            let target = self.doc.pointer(pointer)?;
            match target.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => return Some((target, pointer_keys(pointer))),
            }
        }
        None
    }
}

/// The JSON media type, whose schemas are compared.
const JSON: &str = "application/json";

/// The value at `keys` below the operation `op` (of `path` and `method`), with its location in
/// the document.
fn schema_at<'a>(
    op: &'a Value,
    path: &str,
    method: &str,
    keys: &[&str],
) -> Option<(&'a Value, Vec<String>)> {
    let schema = keys.iter().try_fold(op, |value, key| value.get(*key))?;
    let mut location = owned(&["paths", path, method]);
    location.extend(owned(keys));
    Some((schema, location))
}

/// A parameter's `name` and `in` (where it lives), when it has both.
fn name_and_place(param: &Value) -> Option<(&str, &str)> {
    let name = param.get("name").and_then(Value::as_str)?;
    let place = param.get("in").and_then(Value::as_str)?;
    Some((name, place))
}

/// The `2xx` keys of an operation's `responses`.
fn success_statuses(operation: &Value) -> BTreeSet<String> {
    let responses = operation.get("responses").and_then(Value::as_object);
    responses
        .into_iter()
        .flat_map(|r| r.keys())
        .filter(|code| code.starts_with('2'))
        .cloned()
        .collect()
}

/// Owned copies of document keys.
fn owned(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|key| (*key).to_owned()).collect()
}

/// The keys of a JSON pointer (`/components/schemas/Tag` → `components`, `schemas`, `Tag`).
fn pointer_keys(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|key| key.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A schema's type as compared: `type` plus `format` where it matters, read through our
/// conventions (integers default to `int64`, numbers are `double`). A schema without `type` is an
/// object if it has properties, an array if it has items, else `untyped`.
pub(super) fn type_label(schema: &Value) -> String {
    let kind = match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind,
        None if schema.get("properties").is_some() => "object",
        None if schema.get("items").is_some() => "array",
        None if schema.get("enum").is_some() => "string",
        None => "untyped",
    };
    match (kind, normal_format(schema)) {
        (kind, Some(format)) => format!("{kind}/{format}"),
        (kind, None) => kind.to_owned(),
    }
}

/// The format a schema has under our conventions.
pub(super) fn normal_format(schema: &Value) -> Option<&str> {
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => Some(format.unwrap_or("int64")),
        Some("number") => match format {
            None | Some("float") | Some("double") => Some("double"),
            other => other,
        },
        _ => format,
    }
}

/// A `true`/`false` flag, also written as a string.
fn flag(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// A constraint's value as text; numbers (also written as strings) are normalised, so `"100"`,
/// `100` and `100.0` are all `100`. `None` for a numeric keyword whose value is not a number.
pub(super) fn constraint_text(keyword: &str, value: &Value) -> Option<String> {
    if keyword == "pattern" {
        return Some(value_text(value));
    }
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => n.as_f64().map(number_text),
        // A value set (`x-fc-allowed-values`): its numbers, in order.
        Value::Array(items) => items
            .iter()
            .map(|item| constraint_text(keyword, item))
            .collect::<Option<Vec<String>>>()
            .map(|texts| format!("[{}]", texts.join(", "))),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(number_text),
        _ => None,
    }
}

/// A number as text: whole numbers without a fraction.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A scalar as text (strings unquoted); other values as JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(number_text).unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}
