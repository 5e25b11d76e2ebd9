//! Comparing the two documents, once read, into a [`Report`].

use std::collections::BTreeSet;

use super::fragment::Writer;
use super::read::{CONSTRAINTS, Document, Enumeration, Facts, Node};
use super::{Difference, Report};

/// Compares every operation, parameter and field of `theirs` (the vendor's) with `ours`.
pub(super) fn compare(theirs: &Document<'_>, ours: &Document<'_>, writer: &Writer<'_>) -> Report {
    let mut report = Report::default();
    for note in theirs.notes.iter().chain(&ours.notes) {
        report.unreadable.push(Difference::new(note.clone()));
    }
    for (name, their) in &theirs.operations {
        if !ours.operations.contains_key(name) {
            report
                .only_in_vendor
                .push(new_operation(name, their, writer));
        }
    }
    for (name, our) in &ours.operations {
        if !theirs.operations.contains_key(name) {
            report
                .only_in_spec
                .push(Difference::new(operation_subject(name, our)));
        }
    }
    for (name, their) in &theirs.operations {
        if let Some(our) = ours.operations.get(name) {
            operation(name, their, our, writer, &mut report);
        }
    }
    report
}

fn operation_subject(name: &str, facts: &Facts<'_>) -> String {
    format!("operation {name} ({} {})", facts.method, facts.path)
}

/// A vendor operation the spec lacks: its line, its parameters, and YAML for it.
fn new_operation(name: &str, facts: &Facts<'_>, writer: &Writer<'_>) -> Difference {
    let parameters: Vec<String> = facts
        .nodes
        .iter()
        .filter(|(_, node)| node.parameter.is_some())
        .map(|(key, node)| parameter_summary(key, node))
        .collect();
    let details = if parameters.is_empty() {
        "parameters: none".to_owned()
    } else {
        format!("parameters: {}", parameters.join(", "))
    };
    Difference {
        subject: operation_subject(name, facts),
        details: vec![details],
        fragments: writer.operation(name, facts),
    }
}

/// `query limit (integer/int32, required)`.
fn parameter_summary(key: &str, node: &Node<'_>) -> String {
    let name = key.strip_prefix("parameter ").unwrap_or(key);
    match node.required {
        Some(true) => format!("{name} ({}, required)", node.type_label),
        _ => format!("{name} ({})", node.type_label),
    }
}

fn operation(
    name: &str,
    their: &Facts<'_>,
    our: &Facts<'_>,
    writer: &Writer<'_>,
    report: &mut Report,
) {
    if their.method != our.method || their.path != our.path {
        report.mismatched.push(Difference::new(format!(
            "{name} method and path: vendor {} {}, spec {} {}",
            their.method, their.path, our.method, our.path
        )));
    }
    if !their.success.is_empty() && their.success != our.success {
        report.mismatched.push(Difference::new(format!(
            "{name} success status: vendor {}, spec {}",
            statuses(&their.success),
            statuses(&our.success)
        )));
    }
    for key in topmost(&missing(their, our)) {
        report.only_in_vendor.push(Difference {
            subject: format!("{name} {key}"),
            details: Vec::new(),
            fragments: writer.node(key, &their.nodes[key], our),
        });
    }
    for key in topmost(&missing(our, their)) {
        report
            .only_in_spec
            .push(Difference::new(format!("{name} {key}")));
    }
    for (key, their_node) in &their.nodes {
        if let Some(our_node) = our.nodes.get(key) {
            let subject = format!("{name} {key}");
            attributes(&subject, their_node, our_node, writer, report);
        }
    }
}

/// `200 202`, or `none`.
fn statuses(codes: &BTreeSet<String>) -> String {
    if codes.is_empty() {
        return "none".to_owned();
    }
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    codes.join(" ")
}

/// The keys `a` has and `b` lacks.
fn missing<'k>(a: &'k Facts<'_>, b: &Facts<'_>) -> BTreeSet<&'k str> {
    a.nodes
        .keys()
        .filter(|key| !b.nodes.contains_key(*key))
        .map(String::as_str)
        .collect()
}

/// Keeps only the keys whose parent is not itself missing: when a whole object is missing, its
/// nested fields are not listed again.
fn topmost<'k>(missing: &BTreeSet<&'k str>) -> Vec<&'k str> {
    missing
        .iter()
        .filter(|key| {
            let mut path = **key;
            while let Some(cut) = path.rfind(['.', '[', '{']) {
                path = &path[..cut];
                if missing.contains(path) {
                    return false;
                }
            }
            true
        })
        .copied()
        .collect()
}

/// Compares what both sides say about one parameter or field.
fn attributes(
    subject: &str,
    their: &Node<'_>,
    our: &Node<'_>,
    writer: &Writer<'_>,
    report: &mut Report,
) {
    if their.unresolved || our.unresolved {
        return;
    }
    let mut differs = |what: &str, theirs: String, ours: String| {
        if theirs != ours {
            report.mismatched.push(Difference::new(format!(
                "{subject} {what}: vendor {theirs}, spec {ours}"
            )));
        }
    };
    differs("type", their.type_label.clone(), our.type_label.clone());
    differs(
        "style",
        or_none(their.style.as_deref()),
        or_none(our.style.as_deref()),
    );
    if let (Some(theirs), Some(ours)) = (their.required, our.required) {
        differs("required", theirs.to_string(), ours.to_string());
    }
    for keyword in CONSTRAINTS {
        differs(
            keyword,
            or_none(their.constraints.get(keyword).map(String::as_str)),
            or_none(our.constraints.get(keyword).map(String::as_str)),
        );
    }
    enumeration(subject, their, our, writer, report);
}

fn or_none(value: Option<&str>) -> String {
    value.unwrap_or("none").to_owned()
}

/// Compares value sets: one line per value only one side lists, or one line when only one side
/// states a set at all.
fn enumeration(
    subject: &str,
    their: &Node<'_>,
    our: &Node<'_>,
    writer: &Writer<'_>,
    report: &mut Report,
) {
    match (&their.enumeration, &our.enumeration) {
        (None, None) => {}
        (Some(theirs), Some(ours)) => {
            for value in theirs.values.difference(&ours.values) {
                report.only_in_vendor.push(Difference {
                    subject: format!("{subject} enum value {value}"),
                    details: Vec::new(),
                    fragments: writer.enum_value(ours, value),
                });
            }
            for value in ours.values.difference(&theirs.values) {
                report
                    .only_in_spec
                    .push(Difference::new(format!("{subject} enum value {value}")));
            }
        }
        (theirs, ours) => report.mismatched.push(Difference::new(format!(
            "{subject} enum: vendor {}, spec {}",
            enum_text(theirs.as_ref()),
            enum_text(ours.as_ref())
        ))),
    }
}

/// `none`, the schema's name, or the values: `[v2, v3]`.
fn enum_text(enumeration: Option<&Enumeration>) -> String {
    match enumeration {
        None => "none".to_owned(),
        Some(Enumeration {
            name: Some(name), ..
        }) => name.clone(),
        Some(Enumeration { values, .. }) => {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            format!("[{}]", values.join(", "))
        }
    }
}
