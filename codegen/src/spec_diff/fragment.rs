//! Ready-to-paste YAML, in our spec's conventions (spec/README.md), for what the vendor metadata
//! has and the spec lacks.
//!
//! An operation gets its path item entry: `operationId` = the action, one tag (that of the spec
//! operation with the nearest path), parameters sorted by name with their exact wire names,
//! `required` and schema, the request body and the success responses as named component schemas
//! (the vendor's names where it has them), and `4XX`/`5XX` referring to
//! `#/components/responses/ErrorResponse`. Types follow our conventions (integers `int32`/`int64`,
//! other numbers `double`, path parameters strings), inline enums become named `type: string`
//! schemas (an existing one with the same values is reused), required lists and constraints are
//! written on the request side only, and a request schema that carries either is named
//! `<Name>Input`. Every description is `TODO`: a maintainer writes it in our own words; nothing of
//! the vendor's prose is copied.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::Value;
use serde_yaml::{Mapping, Value as Yaml};

use super::Fragment;
use super::read::{
    CONSTRAINTS, Document, Enumeration, Facts, Node, constraint_text, normal_format,
};

/// How deep vendor schemas are followed when converted.
const MAX_DEPTH: usize = 10;

/// Writes fragments; knows both documents and what the spec already has.
pub(super) struct Writer<'a> {
    vendor: &'a Value,
    spec: &'a Value,
    ours: &'a Document<'a>,
}

impl<'a> Writer<'a> {
    /// A writer converting from `vendor` into the conventions of `spec` (read as `ours`).
    pub(super) fn new(vendor: &'a Value, spec: &'a Value, ours: &'a Document<'a>) -> Self {
        Self { vendor, spec, ours }
    }

    fn converter(&self) -> Converter<'a> {
        Converter {
            vendor: self.vendor,
            spec: self.spec,
            new: BTreeMap::new(),
        }
    }

    /// The path item entry of a vendor operation the spec lacks, and the schemas it needs.
    pub(super) fn operation(&self, name: &str, facts: &Facts<'_>) -> Vec<Fragment> {
        let mut converter = self.converter();
        let mut op = Mapping::new();
        op.insert("operationId".into(), name.into());
        op.insert(
            "tags".into(),
            Yaml::Sequence(vec![self.tag(&facts.path).into()]),
        );
        op.insert("summary".into(), "TODO".into());
        op.insert("description".into(), "TODO".into());
        let parameters = converter.parameters(facts.raw);
        if !parameters.is_empty() {
            op.insert("parameters".into(), Yaml::Sequence(parameters));
        }
        if let Some(body) = converter.request_body(name, facts.raw) {
            op.insert("requestBody".into(), body);
        }
        op.insert("responses".into(), converter.responses(name, facts.raw));

        let method = facts.method.to_ascii_lowercase();
        let mut fragments = if self.spec_has_path(&facts.path) {
            vec![mapping_fragment(
                &["paths", &facts.path],
                [(method, Yaml::Mapping(op))],
            )]
        } else {
            let item = Mapping::from_iter([(method.into(), Yaml::Mapping(op))]);
            vec![mapping_fragment(
                &["paths"],
                [(facts.path.clone(), Yaml::Mapping(item))],
            )]
        };
        fragments.extend(converter.schemas_fragment());
        fragments
    }

    /// YAML for one parameter or field (`key` in the vendor's `facts`) that the spec's operation
    /// `our` lacks, where the spec's operation has its parent.
    pub(super) fn node(&self, key: &str, node: &Node<'_>, our: &Facts<'_>) -> Vec<Fragment> {
        let mut converter = self.converter();
        let mut fragments = Vec::new();
        if let Some(param) = node.parameter {
            let target = [
                "paths",
                &our.path,
                &our.method.to_ascii_lowercase(),
                "parameters",
            ];
            let yaml = Yaml::Sequence(vec![converter.parameter(param)]);
            fragments.push(fragment(&target, &yaml));
        } else if let Some((parent, step)) = parent_of(key) {
            let request = !key.starts_with("response field ");
            let location = match parent {
                Parent::Root if request => our.request_root.clone(),
                Parent::Root => our.response_root.clone(),
                Parent::Node(parent) => our.nodes.get(&parent).map(|n| n.location.clone()),
            };
            let Some(location) = location else {
                return Vec::new();
            };
            fragments.extend(converter.step(&location, step, node, request));
        }
        fragments.extend(converter.schemas_fragment());
        fragments
    }

    /// YAML for a value the vendor lists and the spec's enum schema lacks.
    pub(super) fn enum_value(&self, ours: &Enumeration, value: &str) -> Vec<Fragment> {
        let Some(name) = &ours.name else {
            return Vec::new();
        };
        let yaml = Yaml::Sequence(vec![value.into()]);
        vec![fragment(&["components", "schemas", name, "enum"], &yaml)]
    }

    fn spec_has_path(&self, path: &str) -> bool {
        self.spec
            .get("paths")
            .and_then(|paths| paths.get(path))
            .is_some()
    }

    /// The tag of the spec operation whose path shares the most segments with `path` (at least
    /// the version and the resource; of equals, the one with the shortest path), else `TODO`.
    fn tag(&self, path: &str) -> String {
        let segments = |path: &'a str| path.split('/').filter(|s| !s.is_empty());
        let wanted: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let best = self
            .ours
            .operations
            .values()
            .filter_map(|facts| {
                let tag = facts.raw.pointer("/tags/0").and_then(Value::as_str)?;
                let shared = segments(&facts.path)
                    .zip(&wanted)
                    .take_while(|(a, b)| a == *b)
                    .count();
                let length = segments(&facts.path).count();
                (shared >= 2).then_some((std::cmp::Reverse(shared), length, tag))
            })
            .min();
        best.map_or_else(|| "TODO".to_owned(), |(_, _, tag)| tag.to_owned())
    }
}

/// Where a field sits in its parent.
enum Step<'k> {
    Property(&'k str),
    Items,
    Values,
}

/// A field's parent: the body itself, or another field (by key).
enum Parent {
    Root,
    Node(String),
}

/// Splits `request field a.b` into its parent (`request field a`) and step (`b`).
fn parent_of(key: &str) -> Option<(Parent, Step<'_>)> {
    let (category, path) = ["request field ", "response field "]
        .into_iter()
        .find_map(|prefix| key.strip_prefix(prefix).map(|path| (prefix, path)))
        .or_else(|| {
            // `parameter query Tag[].Key`: the category ends after the location.
            let rest = key.strip_prefix("parameter ")?;
            let space = rest.find(' ')?;
            Some((&key[.."parameter ".len() + space + 1], &rest[space + 1..]))
        })?;
    let parent_key = |parent: &str| {
        if parent.is_empty() {
            Parent::Root
        } else {
            Parent::Node(format!("{category}{parent}"))
        }
    };
    if let Some(parent) = path.strip_suffix("[]") {
        return Some((parent_key(parent), Step::Items));
    }
    if let Some(parent) = path.strip_suffix("{}") {
        return Some((parent_key(parent), Step::Values));
    }
    match path.rfind('.') {
        Some(dot) => Some((parent_key(&path[..dot]), Step::Property(&path[dot + 1..]))),
        None => Some((Parent::Root, Step::Property(path))),
    }
}

/// Converts vendor schemas into ours and collects the component schemas that have to be added.
struct Converter<'a> {
    vendor: &'a Value,
    spec: &'a Value,
    /// Component schemas to add, by name.
    new: BTreeMap<String, Yaml>,
}

impl Converter<'_> {
    /// The fragments that add one missing field (`step` of the object at `location`).
    fn step(
        &mut self,
        location: &[String],
        step: Step<'_>,
        node: &Node<'_>,
        request: bool,
    ) -> Vec<Fragment> {
        let keys: Vec<&str> = location.iter().map(String::as_str).collect();
        match step {
            Step::Property(name) => {
                let property = self.property(node.schema, request, name, 0);
                let mut out = vec![mapping_fragment(
                    &[keys.as_slice(), &["properties"]].concat(),
                    [(name.to_owned(), property)],
                )];
                if request && node.required == Some(true) {
                    let list = Yaml::Sequence(vec![name.into()]);
                    out.push(fragment(&[keys.as_slice(), &["required"]].concat(), &list));
                }
                out
            }
            Step::Items => {
                let items = self.schema(node.schema, request, "", 0);
                vec![mapping_fragment(&keys, [("items".to_owned(), items)])]
            }
            Step::Values => {
                let values = self.schema(node.schema, request, "", 0);
                vec![mapping_fragment(
                    &keys,
                    [("additionalProperties".to_owned(), values)],
                )]
            }
        }
    }

    /// The new component schemas, as one fragment for `components.schemas`.
    fn schemas_fragment(&mut self) -> Option<Fragment> {
        if self.new.is_empty() {
            return None;
        }
        let schemas = std::mem::take(&mut self.new);
        Some(mapping_fragment(&["components", "schemas"], schemas))
    }

    /// A vendor operation's path, query and header parameters, sorted by name.
    fn parameters(&mut self, api: &Value) -> Vec<Yaml> {
        let mut params: Vec<&Value> = api
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| {
                p.get("in")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i != "body")
            })
            .filter(|p| p.get("name").and_then(Value::as_str).is_some())
            .collect();
        params.sort_by_cached_key(|p| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            (name.to_ascii_lowercase(), name.to_owned())
        });
        params.into_iter().map(|p| self.parameter(p)).collect()
    }

    /// One parameter: exact wire name, location, `required`, `x-fc-style`, schema.
    fn parameter(&mut self, param: &Value) -> Yaml {
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let place = param.get("in").and_then(Value::as_str).unwrap_or_default();
        let schema = param.get("schema").unwrap_or(&Value::Null);
        let required =
            place == "path" || is_true(param.get("required")) || is_true(schema.get("required"));
        let mut out = Mapping::new();
        out.insert("name".into(), name.into());
        out.insert("in".into(), place.into());
        out.insert("description".into(), "TODO".into());
        if required {
            out.insert("required".into(), true.into());
        }
        if param.get("style").and_then(Value::as_str) == Some("json") {
            out.insert("x-fc-style".into(), "json".into());
        }
        let schema = if place == "path" {
            Yaml::Mapping(Mapping::from_iter([("type".into(), "string".into())]))
        } else {
            self.schema(schema, true, name, 0)
        };
        out.insert("schema".into(), schema);
        Yaml::Mapping(out)
    }

    /// The request body, if the vendor operation has a `body` parameter.
    fn request_body(&mut self, name: &str, api: &Value) -> Option<Yaml> {
        let body = api
            .get("parameters")
            .and_then(Value::as_array)?
            .iter()
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))?;
        let schema = body.get("schema").unwrap_or(&Value::Null);
        let mut out = Mapping::new();
        if is_true(body.get("required")) || is_true(schema.get("required")) {
            out.insert("required".into(), true.into());
        }
        out.insert(
            "content".into(),
            self.content(schema, true, &format!("{name}Input")),
        );
        Some(Yaml::Mapping(out))
    }

    /// The success responses the vendor states (an empty `200` when it states none), then the
    /// shared error responses.
    fn responses(&mut self, name: &str, api: &Value) -> Yaml {
        let mut out = Mapping::new();
        let stated = api.get("responses").and_then(Value::as_object);
        for (code, response) in stated.into_iter().flatten() {
            if code.starts_with('2') {
                out.insert(
                    code.as_str().into(),
                    self.success(name, response.get("schema")),
                );
            }
        }
        if out.is_empty() {
            out.insert("200".into(), self.success(name, None));
        }
        let error = Yaml::Mapping(Mapping::from_iter([(
            "$ref".into(),
            "#/components/responses/ErrorResponse".into(),
        )]));
        out.insert("4XX".into(), error.clone());
        out.insert("5XX".into(), error);
        Yaml::Mapping(out)
    }

    fn success(&mut self, name: &str, schema: Option<&Value>) -> Yaml {
        let mut out = Mapping::new();
        out.insert("description".into(), "TODO".into());
        let request_id =
            Mapping::from_iter([("$ref".into(), "#/components/headers/RequestId".into())]);
        out.insert(
            "headers".into(),
            Yaml::Mapping(Mapping::from_iter([(
                "x-fc-request-id".into(),
                Yaml::Mapping(request_id),
            )])),
        );
        if let Some(schema) = schema {
            let content = self.content(schema, false, &format!("{name}ResponseBody"));
            out.insert("content".into(), content);
        }
        Yaml::Mapping(out)
    }

    /// `content` with one media type: raw bytes for a binary schema, else JSON with a named
    /// schema (`default_name` when the vendor's is inline).
    fn content(&mut self, schema: &Value, request: bool, default_name: &str) -> Yaml {
        let (media, schema) = if schema.get("format").and_then(Value::as_str) == Some("binary") {
            let binary = Mapping::from_iter([
                ("type".into(), "string".into()),
                ("format".into(), "binary".into()),
            ]);
            ("application/octet-stream", Yaml::Mapping(binary))
        } else if schema.get("$ref").is_some() || schema.get("properties").is_none() {
            (
                "application/json",
                self.schema(schema, request, default_name, 0),
            )
        } else {
            let converted = described(self.inline(schema, request, default_name, 0));
            let name = self.free_name(default_name);
            self.new.insert(name.clone(), converted);
            ("application/json", reference(&name))
        };
        let media_type = Mapping::from_iter([("schema".into(), schema)]);
        Yaml::Mapping(Mapping::from_iter([(
            media.into(),
            Yaml::Mapping(media_type),
        )]))
    }

    /// A property: a `$ref` alone, or `description: TODO` and the converted schema.
    fn property(&mut self, schema: &Value, request: bool, name: &str, depth: usize) -> Yaml {
        let converted = self.schema(schema, request, name, depth);
        if is_reference(&converted) {
            converted
        } else {
            described(converted)
        }
    }

    /// Any schema: a `$ref` to a named schema (converted and added when the spec lacks it), a
    /// `$ref` to an enum schema, or an inline schema. `hint` names a new enum schema.
    fn schema(&mut self, schema: &Value, request: bool, hint: &str, depth: usize) -> Yaml {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            let target = reference
                .strip_prefix('#')
                .and_then(|pointer| self.vendor.pointer(pointer));
            return match target {
                Some(target) if depth <= MAX_DEPTH => self.named(name, target, request, depth),
                _ => self::reference(name),
            };
        }
        if let Some(values) = enum_values(schema) {
            return self.enum_schema(hint, values);
        }
        self.inline(schema, request, hint, depth)
    }

    /// A `$ref` to the spec's schema for the vendor's component `name` (on the request side its
    /// `<name>Input` copy, if the spec has one); when the spec has neither, one is added (named
    /// `<name>Input` on the request side when it has required fields or constraints).
    fn named(&mut self, name: &str, target: &Value, request: bool, depth: usize) -> Yaml {
        if let Some(values) = enum_values(target) {
            return self.enum_schema(name, values);
        }
        let input = (request && !name.ends_with("Input")).then(|| format!("{name}Input"));
        let existing = input.iter().map(String::as_str).chain([name]);
        if let Some(existing) = existing.into_iter().find(|n| self.spec_has_schema(n)) {
            return reference(existing);
        }
        let name = match input {
            Some(input) if has_rules(self.vendor, target, 0) => input,
            _ => name.to_owned(),
        };
        if !self.new.contains_key(&name) {
            // A placeholder first, so that a recursive schema refers to itself.
            self.new.insert(name.clone(), Yaml::Null);
            let converted = described(self.inline(target, request, &name, depth + 1));
            self.new.insert(name.clone(), converted);
        }
        reference(&name)
    }

    /// A `$ref` to the enum schema with exactly these values: the spec's, or a new one named
    /// after `hint`.
    fn enum_schema(&mut self, hint: &str, values: Vec<String>) -> Yaml {
        let wanted: BTreeSet<&String> = values.iter().collect();
        let same = |schema: &Value| {
            enum_values(schema).is_some_and(|v| v.iter().collect::<BTreeSet<_>>() == wanted)
        };
        let existing = self
            .spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find(|(_, schema)| same(schema))
            .map(|(name, _)| name.clone());
        if let Some(name) = existing {
            return reference(&name);
        }
        let added = self
            .new
            .iter()
            .find(|(_, schema)| serde_json::to_value(schema).is_ok_and(|schema| same(&schema)));
        if let Some((name, _)) = added {
            return reference(&name.clone());
        }
        let base = if hint.is_empty() {
            "TODO".to_owned()
        } else {
            hint.to_upper_camel_case()
        };
        let name = self.free_name(&base);
        let mut schema = Mapping::new();
        schema.insert("description".into(), "TODO".into());
        schema.insert("type".into(), "string".into());
        schema.insert(
            "enum".into(),
            Yaml::Sequence(values.into_iter().map(Yaml::String).collect()),
        );
        self.new.insert(name.clone(), Yaml::Mapping(schema));
        reference(&name)
    }

    /// An inline schema: type and format, then (objects) required and properties, (arrays)
    /// items, (maps) value schema, (request side) constraints.
    fn inline(&mut self, schema: &Value, request: bool, hint: &str, depth: usize) -> Yaml {
        let mut out = Mapping::new();
        let kind = schema.get("type").and_then(Value::as_str).or_else(|| {
            if schema.get("properties").is_some() {
                Some("object")
            } else if schema.get("items").is_some() {
                Some("array")
            } else {
                None
            }
        });
        if let Some(kind) = kind {
            out.insert("type".into(), kind.into());
        }
        if let Some(format) = normal_format(schema) {
            out.insert("format".into(), format.into());
        }
        if depth <= MAX_DEPTH {
            self.members(&mut out, schema, request, hint, depth);
        }
        if request {
            for keyword in CONSTRAINTS {
                if let Some(value) = schema
                    .get(keyword)
                    .and_then(|v| constraint_yaml(keyword, v))
                {
                    out.insert(keyword.into(), value);
                }
            }
        }
        Yaml::Mapping(out)
    }

    /// Required list and properties, items, map values.
    fn members(
        &mut self,
        out: &mut Mapping,
        schema: &Value,
        request: bool,
        hint: &str,
        depth: usize,
    ) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            if request {
                let required = required_names(schema);
                if !required.is_empty() {
                    let list = required.into_iter().map(Yaml::String).collect();
                    out.insert("required".into(), Yaml::Sequence(list));
                }
            }
            let mut converted = Mapping::new();
            for (name, child) in properties {
                let property = self.property(child, request, name, depth + 1);
                converted.insert(name.as_str().into(), property);
            }
            out.insert("properties".into(), Yaml::Mapping(converted));
        }
        if let Some(items) = schema.get("items") {
            out.insert("items".into(), self.schema(items, request, hint, depth + 1));
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            let values = self.schema(values, request, hint, depth + 1);
            out.insert("additionalProperties".into(), values);
        }
    }

    fn spec_has_schema(&self, name: &str) -> bool {
        self.spec
            .pointer("/components/schemas")
            .and_then(|schemas| schemas.get(name))
            .is_some()
    }

    /// `base`, or `base` with a number when the spec or this fragment already uses it.
    fn free_name(&self, base: &str) -> String {
        let taken = |name: &str| self.spec_has_schema(name) || self.new.contains_key(name);
        if !taken(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// The names a vendor object schema marks required (on the field, or in a `required` list).
fn required_names(schema: &Value) -> Vec<String> {
    let mut names: BTreeSet<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    for (name, child) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if is_true(child.get("required")) {
            names.insert(name.clone());
        }
    }
    names.into_iter().collect()
}

/// Whether a vendor schema has, directly or through what it contains, a required field or a
/// constraint (then its request-side copy is a separate `<Name>Input`).
fn has_rules(vendor: &Value, schema: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => match reference.strip_prefix('#').and_then(|p| vendor.pointer(p)) {
            Some(target) => target,
            None => return false,
        },
        None => schema,
    };
    if CONSTRAINTS
        .iter()
        .any(|keyword| schema.get(keyword).is_some())
        || !required_names(schema).is_empty()
    {
        return true;
    }
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values());
    let nested = schema
        .get("items")
        .into_iter()
        .chain(schema.get("additionalProperties"));
    properties
        .chain(nested)
        .any(|child| has_rules(vendor, child, depth + 1))
}

/// The values of a non-empty `enum`, as text.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array().filter(|v| !v.is_empty())?;
    Some(
        values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
    )
}

/// A constraint as YAML: numbers as numbers (also when the vendor wrote them as strings).
fn constraint_yaml(keyword: &str, value: &Value) -> Option<Yaml> {
    let text = constraint_text(keyword, value)?;
    if keyword == "pattern" {
        return Some(Yaml::String(text));
    }
    serde_yaml::from_str(&text).ok()
}

/// `description: TODO` in front of a converted schema.
fn described(schema: Yaml) -> Yaml {
    let mut out = Mapping::from_iter([("description".into(), "TODO".into())]);
    if let Yaml::Mapping(schema) = schema {
        out.extend(schema);
    }
    Yaml::Mapping(out)
}

fn is_true(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::Bool(true))) || value.and_then(Value::as_str) == Some("true")
}

fn reference(name: &str) -> Yaml {
    let target = format!("#/components/schemas/{name}");
    Yaml::Mapping(Mapping::from_iter([("$ref".into(), target.into())]))
}

fn is_reference(schema: &Yaml) -> bool {
    matches!(schema, Yaml::Mapping(m) if m.len() == 1 && m.contains_key("$ref"))
}

/// A fragment adding the entries of one mapping at `target`.
fn mapping_fragment(
    target: &[&str],
    entries: impl IntoIterator<Item = (String, Yaml)>,
) -> Fragment {
    let mapping: Mapping = entries
        .into_iter()
        .map(|(key, value)| (Yaml::String(key), value))
        .collect();
    fragment(target, &Yaml::Mapping(mapping))
}

fn fragment(target: &[&str], yaml: &Yaml) -> Fragment {
    Fragment {
        target: target.iter().map(|key| (*key).to_owned()).collect(),
        // Serialising a tree of plain YAML values cannot fail.
        yaml: serde_yaml::to_string(yaml).unwrap_or_default(),
    }
}
