//! Checks a request against the limits the API documents, before it is signed and sent.
//!
//! The spec records ranges, multiples, lengths, item counts and name patterns on request
//! parameters and bodies; codegen turns them into a table (`generated_constraints.rs`). A request
//! that breaks one fails at once with [`ErrorKind::InvalidRequest`](crate::ErrorKind) and a
//! message naming the field and the rule, e.g.
//! `body field memorySize is 0; the minimum is 64`. The service stays the final judge: a
//! request that passes may still be refused for reasons no table can know.

use serde_json::Value;

use crate::generated_constraints::CHECKS;
use crate::signing;

/// Where a checked value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Query,
    /// A query parameter holding JSON text (`x-fc-style: json`).
    QueryJson,
    Header,
    Body,
}

/// One documented limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Rule {
    Minimum(f64),
    Maximum(f64),
    MultipleOf(f64),
    MinLength(u64),
    MaxLength(u64),
    MaxItems(u64),
    Pattern(&'static str),
    /// One of a few numbers (`x-fc-allowed-values`).
    OneOf(&'static [f64]),
}

/// A limit on the value at `path` (`[]` stands for every item of an array).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Check {
    pub(crate) location: Location,
    pub(crate) path: &'static [&'static str],
    pub(crate) rule: Rule,
}

/// Checks `request` (of the operation `operation_id`); the error names the field and the rule.
pub(crate) fn validate(operation_id: &str, request: &reqwest::Request) -> Result<(), String> {
    let Ok(index) = CHECKS.binary_search_by(|(id, _)| id.cmp(&operation_id)) else {
        return Ok(());
    };
    let checks = CHECKS[index].1;
    let query = signing::decode_query(request.url().query().unwrap_or(""));
    let mut body: Option<Option<Value>> = None;
    for check in checks {
        let (name, rest) = check
            .path
            .split_first()
            .map_or(("", &[][..]), |(n, r)| (*n, r));
        match check.location {
            Location::Query => {
                for (_, text) in query.iter().filter(|(k, _)| k == name) {
                    check_text(&format!("query parameter {name}"), text, check.rule)?;
                }
            }
            Location::Header => {
                if let Some(text) = request.headers().get(name).and_then(|v| v.to_str().ok()) {
                    check_text(&format!("header {name}"), text, check.rule)?;
                }
            }
            Location::QueryJson => {
                for (_, text) in query.iter().filter(|(k, _)| k == name) {
                    if let Ok(value) = serde_json::from_str::<Value>(text) {
                        walk(&value, rest, &format!("query parameter {name}"), check.rule)?;
                    }
                }
            }
            Location::Body => {
                let parsed = body.get_or_insert_with(|| {
                    let bytes = request.body().and_then(|b| b.as_bytes())?;
                    serde_json::from_slice(bytes).ok()
                });
                if let Some(value) = parsed {
                    walk(value, check.path, "body field ", check.rule)?;
                }
            }
        }
    }
    Ok(())
}

/// Applies `rule` to every value at `path` under `value`.
fn walk(value: &Value, path: &[&str], field: &str, rule: Rule) -> Result<(), String> {
    match path.split_first() {
        None => check_value(field.trim_end(), value, rule),
        Some((&"[]", rest)) => match value.as_array() {
            Some(items) => items
                .iter()
                .try_for_each(|item| walk(item, rest, &format!("{field}[]"), rule)),
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

fn check_value(field: &str, value: &Value, rule: Rule) -> Result<(), String> {
    match (value, rule) {
        (Value::Array(items), Rule::MaxItems(_)) => {
            check_count(field, items.len() as u64, rule, "items")
        }
        (Value::Number(n), _) => match n.as_f64() {
            Some(number) => check_number(field, number, rule),
            None => Ok(()),
        },
        (Value::String(text), _) => check_text(field, text, rule),
        _ => Ok(()),
    }
}

/// Text from a query value, a header or a JSON string: numeric rules apply to its number.
fn check_text(field: &str, text: &str, rule: Rule) -> Result<(), String> {
    match rule {
        Rule::MinLength(_) | Rule::MaxLength(_) => {
            check_count(field, text.chars().count() as u64, rule, "characters")
        }
        Rule::Pattern(pattern) if !pattern::matches(pattern, text) => Err(format!(
            "{field} {text:?} does not match the pattern {pattern}"
        )),
        Rule::Pattern(_) | Rule::MaxItems(_) => Ok(()),
        _ => match text.trim().parse::<f64>() {
            Ok(number) => check_number(field, number, rule),
            Err(_) => Ok(()),
        },
    }
}

fn check_number(field: &str, value: f64, rule: Rule) -> Result<(), String> {
    let broken = match rule {
        Rule::Minimum(min) if value < min => format!("the minimum is {min}"),
        Rule::Maximum(max) if value > max => format!("the maximum is {max}"),
        Rule::MultipleOf(step) if step > 0.0 && !is_multiple(value, step) => {
            format!("it must be a multiple of {step}")
        }
        Rule::OneOf(allowed) if !allowed.contains(&value) => {
            let allowed: Vec<String> = allowed.iter().map(f64::to_string).collect();
            format!("it must be one of {}", allowed.join(", "))
        }
        _ => return Ok(()),
    };
    Err(format!("{field} is {value}; {broken}"))
}

fn is_multiple(value: f64, step: f64) -> bool {
    let ratio = value / step;
    (ratio - ratio.round()).abs() < 1e-9
}

fn check_count(field: &str, count: u64, rule: Rule, unit: &str) -> Result<(), String> {
    match rule {
        Rule::MinLength(min) if count < min => {
            Err(format!("{field} has {count} {unit}; the minimum is {min}"))
        }
        Rule::MaxLength(max) | Rule::MaxItems(max) if count > max => {
            Err(format!("{field} has {count} {unit}; the maximum is {max}"))
        }
        _ => Ok(()),
    }
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

    fn request(query: &str, body: Option<&str>) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            format!("http://h/x?{query}").parse().expect("url"),
        );
        if let Some(body) = body {
            *request.body_mut() = Some(body.to_owned().into());
        }
        request
    }

    #[test]
    fn body_ranges_multiples_and_patterns() {
        let good = r#"{"functionName":"ok","handler":"h","runtime":"python3.10","memorySize":512}"#;
        assert_eq!(
            validate("create_function", &request("", Some(good))),
            Ok(())
        );

        let low = r#"{"functionName":"ok","memorySize":0}"#;
        let error = validate("create_function", &request("", Some(low))).unwrap_err();
        assert_eq!(error, "body field memorySize is 0; the minimum is 64");

        let disk = r#"{"functionName":"ok","diskSize":1024}"#;
        let error = validate("create_function", &request("", Some(disk))).unwrap_err();
        assert_eq!(
            error,
            "body field diskSize is 1024; it must be one of 512, 10240"
        );

        let cpu = r#"{"functionName":"ok","cpu":0.33}"#;
        let error = validate("create_function", &request("", Some(cpu))).unwrap_err();
        assert_eq!(
            error,
            "body field cpu is 0.33; it must be a multiple of 0.05"
        );

        let odd = r#"{"functionName":"ok","memorySize":200}"#;
        let error = validate("create_function", &request("", Some(odd))).unwrap_err();
        assert!(error.contains("multiple of 64"), "{error}");

        let bad_name = r#"{"functionName":"1-bad name"}"#;
        let error = validate("create_function", &request("", Some(bad_name))).unwrap_err();
        assert!(
            error.contains("functionName") && error.contains("pattern"),
            "{error}"
        );
    }

    #[test]
    fn query_limits() {
        assert_eq!(
            validate("list_functions", &request("limit=100", None)),
            Ok(())
        );
        let error = validate("list_functions", &request("limit=101", None)).unwrap_err();
        assert_eq!(error, "query parameter limit is 101; the maximum is 100");
        let error = validate("list_functions", &request("limit=0", None)).unwrap_err();
        assert_eq!(error, "query parameter limit is 0; the minimum is 1");
    }

    #[test]
    fn operations_without_checks_pass() {
        assert_eq!(validate("get_function", &request("", None)), Ok(()));
        assert_eq!(validate("no_such_operation", &request("", None)), Ok(()));
    }
}
