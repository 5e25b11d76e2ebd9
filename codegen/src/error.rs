//! Errors of the code generator.

use std::fmt;

/// Why code generation failed.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The spec file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file that was being read.
        path: String,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The spec is not valid YAML, or not an OpenAPI 3.0 document.
    #[error("{path} is not a valid OpenAPI document: {message}")]
    Parse {
        /// The file that was being parsed.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The spec breaks one or more of our rules; every violation is listed.
    #[error("the spec breaks {} rule(s):\n{}", .0.len(), LintList(.0))]
    Lint(Vec<LintError>),
    /// A spec-diff baseline file is malformed.
    #[error("{path}:{line}: {message}")]
    Baseline {
        /// The baseline file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// progenitor rejected the prepared document.
    #[error("progenitor failed: {0}")]
    Progenitor(String),
    /// progenitor's output did not have the shape the splitter expects.
    #[error("unexpected generator output: {0}")]
    Output(String),
}

/// One rule violation found by the linter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintError {
    /// Where: an operation id, a schema name or a JSON pointer-like location.
    pub location: String,
    /// The short name of the rule, e.g. `no-default-response`.
    pub rule: &'static str,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.location, self.rule, self.message)
    }
}

struct LintList<'a>(&'a [LintError]);

impl fmt::Display for LintList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  - {error}")?;
        }
        Ok(())
    }
}
