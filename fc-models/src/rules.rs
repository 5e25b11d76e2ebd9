//! The documented limits on an operation's input, and the checks that apply them.
//!
//! The spec records ranges, multiples, value sets, lengths, item counts and name patterns on
//! request parameters and bodies; codegen turns them into each [`Operation`](crate::api::Operation)'s
//! [`checks`](crate::api::Operation::checks). A client applies them before sending, a server or
//! test double when it receives: [`validate`] reports the first broken rule as a [`Violation`]
//! that names the field and the rule.
//!
//! ```
//! use fc_models::rules::{self, Input};
//!
//! let op = fc_models::API.by_action("CreateFunction").unwrap();
//! let body = serde_json::json!({"functionName": "ok", "memorySize": 200});
//! let input = Input { body: Some(&body), ..Input::default() };
//! let error = rules::validate(op.checks, &input).unwrap_err();
//! assert_eq!(error.to_string(), "body field memorySize is 200; it must be a multiple of 64");
//! assert_eq!(error.field, "body field memorySize");
//! ```

use std::fmt;

use serde_json::Value;

/// Where a checked value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A query parameter.
    Query,
    /// A query parameter holding JSON text (`x-fc-style: json`).
    QueryJson,
    /// A request header.
    Header,
    /// The JSON request body.
    Body,
}

/// One documented limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// At least this number.
    Minimum(f64),
    /// More than this number.
    Above(f64),
    /// At most this number.
    Maximum(f64),
    /// Less than this number.
    Below(f64),
    /// A multiple of this number (checked with a tolerance for binary floating point).
    MultipleOf(f64),
    /// One of these numbers (`x-fc-allowed-values`).
    OneOf(&'static [f64]),
    /// At least this many characters.
    MinLength(u64),
    /// At most this many characters.
    MaxLength(u64),
    /// At most this many items.
    MaxItems(u64),
    /// The whole text matches this anchored pattern (character classes and literals, each
    /// optionally quantified).
    Pattern(&'static str),
    /// One of the values the spec lists for an open enum. The service may know newer values,
    /// so [`validate`] (what a client applies) lets others through; [`validate_known`] (what
    /// an emulator applies, which can only act on values it knows) refuses them.
    KnownValue(&'static [&'static str]),
}

/// A limit on the value at `path` (`[]` stands for every item of an array).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    /// Where the value is.
    pub location: Location,
    /// The parameter or header name, then the JSON path below it; for the body, the JSON path.
    pub path: &'static [&'static str],
    /// The limit.
    pub rule: Rule,
}

/// Looks a request header up by lower-case name.
pub type HeaderLookup<'a> = &'a dyn Fn(&str) -> Option<&'a str>;

/// A request as the checks see it.
#[derive(Clone, Copy, Default)]
pub struct Input<'a> {
    /// The decoded query pairs.
    pub query: &'a [(String, String)],
    /// Looks a header up by lower-case name.
    pub header: Option<HeaderLookup<'a>>,
    /// The parsed JSON body, if there is one.
    pub body: Option<&'a Value>,
}

impl fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("query", &self.query)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

/// A value that breaks a documented limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The value's name as a caller sees it, e.g. `body field memorySize`,
    /// `query parameter limit`, `header x-fc-async-task-id`.
    pub field: String,
    /// The rule it breaks.
    pub rule: Rule,
    found: Found,
}

#[derive(Debug, Clone, PartialEq)]
enum Found {
    Number(f64),
    Count(u64, &'static str),
    Text(String),
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        match &self.found {
            Found::Text(text) => match self.rule {
                Rule::Pattern(pattern) => {
                    write!(f, "{field} {text:?} does not match the pattern {pattern}")
                }
                Rule::KnownValue(known) => write!(
                    f,
                    "{field} {text:?} is not supported; use one of {}",
                    known.join(", ")
                ),
                _ => write!(f, "{field} {text:?} is invalid"),
            },
            Found::Count(count, unit) => {
                write!(f, "{field} has {count} {unit}; ").and_then(|()| write_bound(f, self.rule))
            }
            Found::Number(value) => {
                write!(f, "{field} is {value}; ").and_then(|()| write_bound(f, self.rule))
            }
        }
    }
}

fn write_bound(f: &mut fmt::Formatter<'_>, rule: Rule) -> fmt::Result {
    match rule {
        Rule::Minimum(min) => write!(f, "the minimum is {min}"),
        Rule::Above(min) => write!(f, "it must be more than {min}"),
        Rule::Maximum(max) => write!(f, "the maximum is {max}"),
        Rule::Below(max) => write!(f, "it must be less than {max}"),
        Rule::MultipleOf(step) => write!(f, "it must be a multiple of {step}"),
        Rule::OneOf(allowed) => {
            f.write_str("it must be one of ")?;
            for (index, value) in allowed.iter().enumerate() {
                if index > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{value}")?;
            }
            Ok(())
        }
        Rule::MinLength(min) => write!(f, "the minimum is {min}"),
        Rule::MaxLength(max) | Rule::MaxItems(max) => write!(f, "the maximum is {max}"),
        Rule::Pattern(pattern) => write!(f, "it must match {pattern}"),
        Rule::KnownValue(known) => write!(f, "it must be one of {}", known.join(", ")),
    }
}

impl std::error::Error for Violation {}

/// Applies every check but [`Rule::KnownValue`] to `input`, as a client does before sending; the
/// first broken one is the error.
pub fn validate(checks: &[Check], input: &Input<'_>) -> Result<(), Violation> {
    checks
        .iter()
        .filter(|check| !matches!(check.rule, Rule::KnownValue(_)))
        .try_for_each(|check| check.apply(input))
}

/// Applies every check to `input`, enum values included, as a server that knows only the spec's
/// values does; the first broken one is the error.
pub fn validate_known(checks: &[Check], input: &Input<'_>) -> Result<(), Violation> {
    checks.iter().try_for_each(|check| check.apply(input))
}

impl Check {
    /// Applies this check to `input`. A value that is absent, or of another type than the rule
    /// is about, passes: types and required fields are the decoder's business.
    pub fn apply(&self, input: &Input<'_>) -> Result<(), Violation> {
        let (name, rest) = self
            .path
            .split_first()
            .map_or(("", &[][..]), |(n, r)| (*n, r));
        let values = || input.query.iter().filter(move |(k, _)| k == name);
        match self.location {
            Location::Query => values().try_for_each(|(_, text)| {
                self.rule
                    .check_text(&format!("query parameter {name}"), text)
            }),
            Location::QueryJson => {
                values().try_for_each(|(_, text)| match serde_json::from_str::<Value>(text) {
                    Ok(value) => walk(&value, rest, &format!("query parameter {name}"), self.rule),
                    Err(_) => Ok(()),
                })
            }
            Location::Header => match input.header.and_then(|header| header(name)) {
                Some(text) => self.rule.check_text(&format!("header {name}"), text),
                None => Ok(()),
            },
            Location::Body => match input.body {
                Some(body) => walk(body, self.path, "body field ", self.rule),
                None => Ok(()),
            },
        }
    }
}

/// Applies `rule` to every value at `path` under `value`.
fn walk(value: &Value, path: &[&str], field: &str, rule: Rule) -> Result<(), Violation> {
    match path.split_first() {
        None => rule.check_json(field.trim_end(), value),
        Some((&"[]", rest)) => match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(index, item)| walk(item, rest, &format!("{field}[{index}]"), rule)),
            None => Ok(()),
        },
        Some((name, rest)) => match value.get(*name) {
            Some(child) => {
                let separator = if field.ends_with(' ') || field.is_empty() {
                    ""
                } else {
                    "."
                };
                walk(child, rest, &format!("{field}{separator}{name}"), rule)
            }
            None => Ok(()),
        },
    }
}

impl Rule {
    /// Checks a JSON value named `field`: numbers against numeric rules, strings against text
    /// rules, arrays against item counts; anything else passes.
    pub fn check_json(self, field: &str, value: &Value) -> Result<(), Violation> {
        match (value, self) {
            (Value::Array(items), Rule::MaxItems(_)) => {
                self.check_count(field, items.len() as u64, "items")
            }
            (Value::Number(n), _) => match n.as_f64() {
                Some(number) => self.check_number(field, number),
                None => Ok(()),
            },
            (Value::String(text), _) => self.check_text(field, text),
            _ => Ok(()),
        }
    }

    /// Checks text from a query value, a header or a JSON string; numeric rules apply to the
    /// number it spells (text that is no number passes them).
    pub fn check_text(self, field: &str, text: &str) -> Result<(), Violation> {
        match self {
            Rule::MinLength(_) | Rule::MaxLength(_) => {
                self.check_count(field, text.chars().count() as u64, "characters")
            }
            Rule::Pattern(pattern) if !pattern::matches(pattern, text) => Err(Violation {
                field: field.to_owned(),
                rule: self,
                found: Found::Text(text.to_owned()),
            }),
            Rule::KnownValue(known) if !known.contains(&text) => Err(Violation {
                field: field.to_owned(),
                rule: self,
                found: Found::Text(text.to_owned()),
            }),
            Rule::Pattern(_) | Rule::MaxItems(_) | Rule::KnownValue(_) => Ok(()),
            _ => match text.trim().parse::<f64>() {
                Ok(number) => self.check_number(field, number),
                Err(_) => Ok(()),
            },
        }
    }

    /// Checks a number named `field`.
    pub fn check_number(self, field: &str, value: f64) -> Result<(), Violation> {
        let broken = match self {
            Rule::Minimum(min) => value < min,
            Rule::Above(min) => value <= min,
            Rule::Maximum(max) => value > max,
            Rule::Below(max) => value >= max,
            Rule::MultipleOf(step) => step > 0.0 && !is_multiple(value, step),
            Rule::OneOf(allowed) => !allowed.contains(&value),
            _ => false,
        };
        if broken {
            Err(Violation {
                field: field.to_owned(),
                rule: self,
                found: Found::Number(value),
            })
        } else {
            Ok(())
        }
    }

    fn check_count(self, field: &str, count: u64, unit: &'static str) -> Result<(), Violation> {
        let broken = match self {
            Rule::MinLength(min) => count < min,
            Rule::MaxLength(max) | Rule::MaxItems(max) => count > max,
            _ => false,
        };
        if broken {
            Err(Violation {
                field: field.to_owned(),
                rule: self,
                found: Found::Count(count, unit),
            })
        } else {
            Ok(())
        }
    }
}

fn is_multiple(value: f64, step: f64) -> bool {
    let ratio = value / step;
    (ratio - ratio.round()).abs() < 1e-9
}

/// A matcher for the anchored patterns the spec uses: character classes and literal characters,
/// each optionally followed by `*`, `+`, `?` or `{m,n}`. Codegen refuses anything else.
mod pattern {
    /// One position of the pattern: what matches, and how many times.
    struct Piece {
        ranges: Vec<(char, char)>,
        negated: bool,
        min: usize,
        max: usize,
    }

    impl Piece {
        fn accepts(&self, c: char) -> bool {
            self.ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != self.negated
        }
    }

    /// Whether `text` matches `pattern` as a whole. An unparsable pattern matches nothing.
    pub(super) fn matches(pattern: &str, text: &str) -> bool {
        let Some(pieces) = parse(pattern) else {
            return false;
        };
        let chars: Vec<char> = text.chars().collect();
        match_from(&pieces, &chars)
    }

    fn match_from(pieces: &[Piece], text: &[char]) -> bool {
        let Some((piece, rest)) = pieces.split_first() else {
            return text.is_empty();
        };
        let available = text
            .iter()
            .take(piece.max)
            .take_while(|c| piece.accepts(**c))
            .count();
        (piece.min..=available)
            .rev()
            .any(|n| match_from(rest, &text[n..]))
    }

    fn parse(pattern: &str) -> Option<Vec<Piece>> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        let mut chars = body.chars().peekable();
        let mut pieces = Vec::new();
        while let Some(c) = chars.next() {
            let (ranges, negated) = match c {
                '[' => class(&mut chars)?,
                '\\' => {
                    let escaped = chars.next()?;
                    (vec![(escaped, escaped)], false)
                }
                c => (vec![(c, c)], false),
            };
            let (min, max) = match chars.peek() {
                Some('*') => (0, usize::MAX),
                Some('+') => (1, usize::MAX),
                Some('?') => (0, 1),
                Some('{') => {
                    chars.next();
                    let spec: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    let (lo, hi) = spec.split_once(',').unwrap_or((&spec, &spec));
                    let lo = lo.trim().parse().ok()?;
                    let hi = if hi.trim().is_empty() {
                        usize::MAX
                    } else {
                        hi.trim().parse().ok()?
                    };
                    pieces.push(Piece {
                        ranges,
                        negated,
                        min: lo,
                        max: hi,
                    });
                    continue;
                }
                _ => (1, 1),
            };
            if min != 1 || max != 1 {
                chars.next();
            }
            pieces.push(Piece {
                ranges,
                negated,
                min,
                max,
            });
        }
        Some(pieces)
    }

    fn class(
        chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    ) -> Option<(Vec<(char, char)>, bool)> {
        let negated = chars.next_if_eq(&'^').is_some();
        let mut ranges = Vec::new();
        loop {
            let c = match chars.next()? {
                ']' => return Some((ranges, negated)),
                '\\' => chars.next()?,
                c => c,
            };
            if chars.peek() == Some(&'-') {
                let mut ahead = chars.clone();
                ahead.next();
                match ahead.peek() {
                    Some(&']') | None => ranges.push((c, c)),
                    Some(_) => {
                        chars.next();
                        let hi = chars.next()?;
                        ranges.push((c, hi));
                    }
                }
            } else {
                ranges.push((c, c));
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::matches;

        #[test]
        fn function_name_pattern() {
            let p = "^[A-Za-z_][A-Za-z0-9_-]*$";
            for ok in ["a", "_x", "my-func_1", "Z9"] {
                assert!(matches(p, ok), "{ok}");
            }
            for bad in ["", "1abc", "-x", "a b", "函数", "a.b"] {
                assert!(!matches(p, bad), "{bad}");
            }
        }

        #[test]
        fn quantifiers_and_literals() {
            assert!(matches("^[a-z]{2,3}$", "ab"));
            assert!(!matches("^[a-z]{2,3}$", "abcd"));
            assert!(matches("^a+b?\\.c$", "aaa.c"));
            assert!(matches("^[a-z]*a$", "bana"), "backtracks");
            assert!(matches("^[^0-9]+$", "abc"));
            assert!(!matches("^[^0-9]+$", "a1"));
            assert!(matches("^[a-]+$", "a-a"), "a trailing '-' is literal");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_error(op: &str, body: &str) -> Result<(), String> {
        let body: Value = serde_json::from_str(body).expect("json");
        let checks = crate::API.operation(op).expect("operation").checks;
        let input = Input {
            body: Some(&body),
            ..Input::default()
        };
        validate(checks, &input).map_err(|e| e.to_string())
    }

    fn query_error(op: &str, query: &[(&str, &str)]) -> Result<(), String> {
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let checks = crate::API.operation(op).expect("operation").checks;
        let input = Input {
            query: &query,
            ..Input::default()
        };
        validate(checks, &input).map_err(|e| e.to_string())
    }

    #[test]
    fn body_ranges_multiples_value_sets_and_patterns() {
        let good = r#"{"functionName":"ok","handler":"h","runtime":"python3.10","memorySize":512}"#;
        assert_eq!(body_error("create_function", good), Ok(()));
        assert_eq!(
            body_error("create_function", r#"{"memorySize":0}"#),
            Err("body field memorySize is 0; the minimum is 64".into())
        );
        assert_eq!(
            body_error("create_function", r#"{"memorySize":200}"#),
            Err("body field memorySize is 200; it must be a multiple of 64".into())
        );
        assert_eq!(
            body_error("create_function", r#"{"diskSize":1024}"#),
            Err("body field diskSize is 1024; it must be one of 512, 10240".into())
        );
        assert_eq!(
            body_error("create_function", r#"{"cpu":0.33}"#),
            Err("body field cpu is 0.33; it must be a multiple of 0.05".into())
        );
        assert_eq!(body_error("create_function", r#"{"cpu":0.35}"#), Ok(()));
        assert_eq!(
            body_error("create_function", r#"{"functionName":"1-bad name"}"#),
            Err(
                "body field functionName \"1-bad name\" does not match the pattern \
                 ^[A-Za-z_][A-Za-z0-9_-]*$"
                    .into()
            )
        );
        assert_eq!(
            body_error("create_function", r#"{"description":"ä"}"#),
            Ok(()),
            "lengths count characters"
        );
    }

    #[test]
    fn nested_fields_and_items_are_named_by_their_path() {
        let body = r#"{"vpcConfig":{"vSwitchIds":["a","b","c","d","e","f","g","h","i","j","k"]}}"#;
        assert_eq!(
            body_error("create_function", body),
            Err("body field vpcConfig.vSwitchIds has 11 items; the maximum is 10".into())
        );
        let mounts = format!(
            r#"{{"ossMountConfig":{{"mountPoints":[{{"mountDir":"{}"}}]}}}}"#,
            "d".repeat(65)
        );
        assert_eq!(
            body_error("create_function", &mounts),
            Err(
                "body field ossMountConfig.mountPoints[0].mountDir has 65 characters; the maximum is 64"
                    .into()
            )
        );
    }

    #[test]
    fn query_limits() {
        assert_eq!(query_error("list_functions", &[("limit", "100")]), Ok(()));
        assert_eq!(
            query_error("list_functions", &[("limit", "101")]),
            Err("query parameter limit is 101; the maximum is 100".into())
        );
        assert_eq!(
            query_error("list_functions", &[("limit", "0")]),
            Err("query parameter limit is 0; the minimum is 1".into())
        );
        let many: Vec<String> = (0..21).map(|i| format!(r#"{{"Key":"k{i}"}}"#)).collect();
        let tags = format!("[{}]", many.join(","));
        assert_eq!(
            query_error("list_tag_resources", &[("Tag", &tags)]),
            Err("query parameter Tag has 21 items; the maximum is 20".into())
        );
    }

    #[test]
    fn headers_are_looked_up_by_name() {
        let checks = crate::API.operation("invoke_function").expect("op").checks;
        let bad = |name: &str| (name == "x-fc-async-task-id").then_some("1-starts-with-a-digit");
        let input = Input {
            header: Some(&bad),
            ..Input::default()
        };
        let error = validate(checks, &input).unwrap_err();
        assert_eq!(error.field, "header x-fc-async-task-id");
        assert!(matches!(error.rule, Rule::Pattern(_)));
    }

    #[test]
    fn operations_without_checks_and_absent_values_pass() {
        let checks = crate::API.operation("get_function").expect("op").checks;
        assert!(checks.is_empty());
        assert_eq!(body_error("create_function", "{}"), Ok(()));
        assert_eq!(
            body_error("create_function", r#"{"memorySize":"big"}"#),
            Ok(()),
            "types are the decoder's business"
        );
    }

    #[test]
    fn enum_values_are_checked_only_where_asked() {
        let body: Value = serde_json::from_str(
            r#"{"routeConfig":{"routes":[{"methods":["GET"]},{"methods":["FETCH"]}]}}"#,
        )
        .expect("json");
        let checks = crate::API
            .by_action("CreateCustomDomain")
            .expect("op")
            .checks;
        let input = Input {
            body: Some(&body),
            ..Input::default()
        };
        assert_eq!(
            validate(checks, &input),
            Ok(()),
            "clients let new values through"
        );
        let error = validate_known(checks, &input).unwrap_err();
        assert_eq!(error.field, "body field routeConfig.routes[1].methods[0]");
        assert!(
            error
                .to_string()
                .contains("\"FETCH\" is not supported; use one of HEAD, GET,"),
            "{error}"
        );
        let runtime = serde_json::json!({"runtime": "python3.10"});
        let checks = crate::API.by_action("CreateFunction").expect("op").checks;
        let input = Input {
            body: Some(&runtime),
            ..Input::default()
        };
        assert_eq!(validate_known(checks, &input), Ok(()));
    }

    #[test]
    fn exclusive_bounds() {
        assert!(Rule::Above(0.0).check_number("x", 0.0).is_err());
        assert!(Rule::Above(0.0).check_number("x", 0.1).is_ok());
        assert_eq!(
            Rule::Below(1.0)
                .check_number("x", 1.0)
                .unwrap_err()
                .to_string(),
            "x is 1; it must be less than 1"
        );
    }
}
