//! Compares the vendor's published API metadata with our spec.
//!
//! The vendor metadata (`api-docs.json`) lists every operation under `apis` with its path,
//! methods, parameters (`in: path|query|header|body`, each with a `schema`) and response schema,
//! and its types under `components.schemas`. When the API changes, running `cargo xtask
//! spec-diff` on a new copy of that file is the first step. [`diff`] compares, in both
//! directions:
//!
//! - operations: which exist, their method and path, and (where the vendor states any) their
//!   success statuses;
//! - parameters: location (part of the name: `parameter query limit`), type and format, required,
//!   `x-fc-style: json`, enum values and constraints;
//! - request and response fields, nested ones included (`code.zipFile`, `tags[].Key`,
//!   `environmentVariables{}`): type and format, enum values, and on the request side required
//!   and the constraints `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
//!   `multipleOf`, `minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`. Response fields
//!   are compared on type, format and enum values only: our spec makes every response field
//!   optional and puts constraints on requests only (spec/README.md).
//!
//! Each difference is one [`Difference`] whose [`line`](Report::lines) is stable text, so that
//! known differences can be listed in a reviewed [`Baseline`] and a run shows only new ones. What
//! the vendor has and the spec lacks comes with ready-to-paste YAML [`Fragment`]s written in the
//! spec's conventions, descriptions left as `TODO` for a maintainer to write in our own words.
//! Whatever the tool could not read in either document (a missing key, a `$ref` to nothing) is
//! reported too, never a panic.

mod baseline;
mod compare;
mod fragment;
mod read;

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

pub use baseline::{Baseline, Outcome};

/// Everything the two documents disagree on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Operations, parameters, fields and enum values the vendor metadata has and the spec lacks.
    pub only_in_vendor: Vec<Difference>,
    /// Operations, parameters, fields and enum values the spec has and the vendor metadata lacks.
    pub only_in_spec: Vec<Difference>,
    /// Things present in both that differ: method and path, success statuses, type, required,
    /// enum, constraints.
    pub mismatched: Vec<Difference>,
    /// What could not be read in either document, so was not compared.
    pub unreadable: Vec<Difference>,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What differs, e.g. `GetThing response field limits.cpu` or
    /// `GetThing parameter query limit maximum: vendor 100, spec 50`.
    pub subject: String,
    /// Extra lines for a reader, e.g. a new operation's parameters.
    pub details: Vec<String>,
    /// YAML to add to the spec (only for what the vendor has and the spec lacks).
    pub fragments: Vec<Fragment>,
}

/// A piece of YAML to add to the spec at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fragment {
    /// The keys from the document's root to the mapping (or list) the YAML goes into, e.g.
    /// `paths`, `/2023-03-30/things`, `get`, `parameters`.
    pub target: Vec<String>,
    /// The YAML: a mapping whose keys are added to the target, or a list appended to it.
    pub yaml: String,
}

/// Which list of a [`Report`] a difference is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// [`Report::only_in_vendor`].
    OnlyInVendor,
    /// [`Report::only_in_spec`].
    OnlyInSpec,
    /// [`Report::mismatched`].
    Mismatched,
    /// [`Report::unreadable`].
    Unreadable,
}

impl Kind {
    /// The word a report line starts with.
    pub fn label(self) -> &'static str {
        match self {
            Kind::OnlyInVendor => "vendor only",
            Kind::OnlyInSpec => "spec only",
            Kind::Mismatched => "differs",
            Kind::Unreadable => "unreadable",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::OnlyInVendor => "in the vendor metadata, missing from the spec",
            Kind::OnlyInSpec => "in the spec, missing from the vendor metadata",
            Kind::Mismatched => "in both, but different",
            Kind::Unreadable => "could not be read, so not compared",
        }
    }
}

impl Difference {
    /// A difference without details or fragments.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            details: Vec::new(),
            fragments: Vec::new(),
        }
    }

    /// The line the report prints for it, also the line a baseline lists: `vendor only: ...`.
    pub fn line(&self, kind: Kind) -> String {
        format!("{}: {}", kind.label(), self.subject)
    }
}

impl Report {
    /// True when the documents agree on everything compared.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many differences there are.
    pub fn len(&self) -> usize {
        self.sections().iter().map(|(_, list)| list.len()).sum()
    }

    /// The four lists with their kinds, in report order.
    pub fn sections(&self) -> [(Kind, &Vec<Difference>); 4] {
        [
            (Kind::OnlyInVendor, &self.only_in_vendor),
            (Kind::OnlyInSpec, &self.only_in_spec),
            (Kind::Mismatched, &self.mismatched),
            (Kind::Unreadable, &self.unreadable),
        ]
    }

    /// Every difference's line, in report order.
    pub fn lines(&self) -> Vec<String> {
        self.sections()
            .into_iter()
            .flat_map(|(kind, list)| list.iter().map(move |d| d.line(kind)))
            .collect()
    }

    /// Keeps the differences for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(Kind, &Difference) -> bool) {
        for (kind, list) in [
            (Kind::OnlyInVendor, &mut self.only_in_vendor),
            (Kind::OnlyInSpec, &mut self.only_in_spec),
            (Kind::Mismatched, &mut self.mismatched),
            (Kind::Unreadable, &mut self.unreadable),
        ] {
            list.retain(|d| keep(kind, d));
        }
    }

    /// Writes the sections (without a summary line).
    fn write_sections(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut printed = BTreeSet::new();
        for (kind, list) in self.sections() {
            writeln!(f, "{} ({}):", kind.title(), list.len())?;
            for difference in list {
                writeln!(f, "  {}", difference.line(kind))?;
                for detail in &difference.details {
                    writeln!(f, "      {detail}")?;
                }
                for fragment in &difference.fragments {
                    fragment.write(f, &mut printed)?;
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_sections(f)?;
        writeln!(f, "{} difference(s)", self.len())
    }
}

impl Fragment {
    /// The target as one readable path: `paths["/2023-03-30/things"].get.parameters`.
    pub fn target_text(&self) -> String {
        let mut out = String::new();
        for key in &self.target {
            let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            match (plain, out.is_empty()) {
                (true, true) => out.push_str(key),
                (true, false) => {
                    out.push('.');
                    out.push_str(key);
                }
                (false, _) => out.push_str(&format!("[{key:?}]")),
            }
        }
        out
    }

    /// Writes the fragment indented under its difference; one already printed is only named.
    fn write(&self, f: &mut fmt::Formatter<'_>, printed: &mut BTreeSet<Fragment>) -> fmt::Result {
        if !printed.insert(self.clone()) {
            return writeln!(
                f,
                "      add to {}: the same YAML as above",
                self.target_text()
            );
        }
        writeln!(f, "      add to {}:", self.target_text())?;
        for line in self.yaml.lines() {
            writeln!(f, "        {line}")?;
        }
        Ok(())
    }
}

/// Compares `vendor` (an `api-docs.json` document) with `spec` (our OpenAPI document). Neither
/// needs to be complete: what is missing or malformed is listed in [`Report::unreadable`].
pub fn diff(vendor: &Value, spec: &Value) -> Report {
    let theirs = read::vendor(vendor);
    let ours = read::spec(spec);
    let writer = fragment::Writer::new(vendor, spec, &ours);
    compare::compare(&theirs, &ours, &writer)
}
