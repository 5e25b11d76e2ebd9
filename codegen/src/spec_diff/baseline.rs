//! Known, explained differences, so that a run shows only new ones.
//!
//! A baseline file lists differences one per line, exactly as the report prints them
//! (`spec only: operation CreateSnapshot (POST /2023-03-30/...)`). Every line belongs to a group
//! that starts with a `## ` comment line giving the reason for the lines under it (consecutive
//! `## ` lines make one reason); other `#` lines are free comments, blank lines are ignored.
//!
//! ```text
//! ## Added to the API after the metadata snapshot (modelled from the SDK recordings).
//! spec only: operation CreateSnapshot (POST /2023-03-30/functions/{functionName}/snapshots)
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::Report;
use crate::CodegenError;

/// The known differences of one API, each with its reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Baseline {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    line: String,
    reason: String,
}

/// A report with the baseline applied.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The differences the baseline does not list.
    pub new: Report,
    /// How many differences the baseline lists.
    pub matched: usize,
    /// Baseline lines no difference matched any more, in file order: prune them.
    pub stale: Vec<String>,
}

impl Baseline {
    /// Parses a baseline file's text; `origin` names it in errors. A line outside every group
    /// (it would have no reason), a group without a reason and a line listed twice are errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, CodegenError> {
        let invalid = |number: usize, message: &str| CodegenError::Baseline {
            path: origin.to_owned(),
            line: number,
            message: message.to_owned(),
        };
        let mut entries = Vec::new();
        let mut seen = BTreeSet::new();
        let mut reason: Option<String> = None;
        let mut in_reason = false;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim();
            if let Some(text) = line.strip_prefix("##") {
                let text = text.trim();
                if text.is_empty() {
                    return Err(invalid(number, "a group needs its reason after `## `"));
                }
                reason = Some(match (reason.take(), in_reason) {
                    (Some(before), true) => format!("{before} {text}"),
                    _ => text.to_owned(),
                });
                in_reason = true;
                continue;
            }
            in_reason = false;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some(reason) = &reason else {
                return Err(invalid(
                    number,
                    "this line is in no group: put it under a `## reason` line",
                ));
            };
            if !seen.insert(line.to_owned()) {
                return Err(invalid(number, "this line is listed twice"));
            }
            entries.push(Entry {
                line: line.to_owned(),
                reason: reason.clone(),
            });
        }
        Ok(Self { entries })
    }

    /// How many lines the baseline lists.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the baseline lists nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The reason given for `line`, if the baseline lists it.
    pub fn reason(&self, line: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|entry| entry.line == line)
            .map(|entry| entry.reason.as_str())
    }

    /// Removes the differences the baseline lists from `report`.
    pub fn apply(&self, mut report: Report) -> Outcome {
        let mut unmatched: BTreeMap<&str, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.line.as_str(), index))
            .collect();
        let mut matched = 0;
        report.retain(|kind, difference| {
            let listed = unmatched.remove(difference.line(kind).as_str()).is_some();
            matched += usize::from(listed);
            !listed
        });
        let mut stale: Vec<(usize, &str)> = unmatched.into_iter().map(|(l, i)| (i, l)).collect();
        stale.sort_unstable();
        Outcome {
            new: report,
            matched,
            stale: stale.into_iter().map(|(_, line)| line.to_owned()).collect(),
        }
    }
}

impl Outcome {
    /// Whether `cargo xtask spec-diff` exits with failure: only with `--check` (`check`), and then
    /// when there is a difference the baseline does not list or a baseline line that no longer
    /// matches (the vendor changed something known).
    pub fn fails(&self, check: bool) -> bool {
        check && (!self.new.is_empty() || !self.stale.is_empty())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.new.write_sections(f)?;
        writeln!(
            f,
            "{} new difference(s); {} known difference(s) matched the baseline",
            self.new.len(),
            self.matched
        )?;
        if !self.stale.is_empty() {
            writeln!(
                f,
                "{} baseline line(s) no longer match (remove them from the baseline):",
                self.stale.len()
            )?;
            for line in &self.stale {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}
