//! What the spec knows about each operation of an API version, as data.
//!
//! Codegen emits one [`Api`] per API version (FC 3.0's is [`crate::API`]): for every operation its
//! ACS action name, HTTP method, path template, paging shape and input rules. Clients use it to
//! sign (the action travels as `x-acs-action`), retry (the method), page and check input before
//! sending; servers and test doubles use the same table to route and validate, so neither re-types
//! what the spec says.
//!
//! ```
//! let op = fc_models::API.operation("put_layer_acl").unwrap();
//! assert_eq!(op.action, "PutLayerACL");
//! assert_eq!(op.method, "PUT");
//! assert_eq!(fc_models::API.by_action("PutLayerACL"), Some(op));
//! assert_eq!(fc_models::API.version, "2023-03-30");
//! ```

use crate::rules::Check;

/// One API version: its version string and every operation, sorted by [`Operation::id`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Api {
    /// The API version, e.g. `2023-03-30` (sent as `x-acs-version`, first path segment).
    pub version: &'static str,
    /// Every operation, sorted by `id`.
    pub operations: &'static [Operation],
}

/// One operation of an API.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operation {
    /// The snake_case operation name the generated client uses, e.g. `put_layer_acl`.
    pub id: &'static str,
    /// The ACS action name, e.g. `PutLayerACL`.
    pub action: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/2023-03-30/functions/{functionName}`.
    pub path: &'static str,
    /// How the operation pages, for list operations that do.
    pub pagination: Option<Pagination>,
    /// Query parameters that carry a list as numbered keys (`instanceIds.1`, `instanceIds.2`,
    /// ...; `x-fc-style: numbered`); the client sends each as a repeated key, which the request
    /// hook renames, and a server reads them back with [`numbered_values`].
    pub numbered_query: &'static [&'static str],
    /// The documented limits on the operation's input (ranges, lengths, patterns, ...).
    pub checks: &'static [Check],
}

/// The paging shape of a list operation, from the spec's `x-fc-pagination` extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter that carries the token of the page to fetch.
    pub input_token: &'static str,
    /// The response field that carries the token of the next page.
    pub output_token: &'static str,
    /// The response field that holds the page's items.
    pub items: &'static str,
    /// The query parameter that sets the page size, if the operation has one.
    pub page_size: Option<&'static str>,
}

impl Api {
    /// The operation with the snake_case name `id`.
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        let operations = self.operations;
        operations
            .binary_search_by(|op| op.id.cmp(id))
            .ok()
            .map(|index| &operations[index])
    }

    /// The operation with the ACS action name `action` (`PutLayerACL`).
    pub fn by_action(&self, action: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|op| op.action == action)
    }
}

/// The values of the numbered query list `name` (`name.1`, `name.2`, ...) among `pairs`, in index
/// order; `None` if no such key is present. Keys whose suffix is not a positive number are not
/// part of the list.
///
/// ```
/// let pairs = [("instanceIds.2", "b"), ("limit", "3"), ("instanceIds.1", "a")];
/// assert_eq!(fc_models::api::numbered_values(&pairs, "instanceIds"), Some(vec!["a", "b"]));
/// assert_eq!(fc_models::api::numbered_values(&pairs, "other"), None);
/// ```
pub fn numbered_values<'a>(pairs: &[(&str, &'a str)], name: &str) -> Option<Vec<&'a str>> {
    let mut found: Vec<(u32, &'a str)> = pairs
        .iter()
        .filter_map(|(key, value)| {
            let index = key.strip_prefix(name)?.strip_prefix('.')?;
            let index: u32 = index
                .parse()
                .ok()
                .filter(|i| *i > 0 && !index.starts_with('0'))?;
            Some((index, *value))
        })
        .collect();
    if found.is_empty() {
        return None;
    }
    found.sort_by_key(|(index, _)| *index);
    Some(found.into_iter().map(|(_, value)| value).collect())
}
