//! What the runtime knows about each operation, beyond what progenitor tells hooks.
//!
//! Hooks receive only progenitor's snake_case operation name (`put_layer_acl`). This module maps
//! it back to the API's action name (`PutLayerACL`, sent as `x-acs-action` and signed), its HTTP
//! method and path template, and, for list operations, the names of the paging fields. The table
//! itself is generated from the spec into `generated_operations.rs`.

use crate::generated_operations::OPERATIONS;

/// One operation of the Function Compute API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// progenitor's snake_case operation name, e.g. `put_layer_acl`.
    pub id: &'static str,
    /// The ACS action name, e.g. `PutLayerACL`.
    pub action: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/2023-03-30/functions/{functionName}`.
    pub path: &'static str,
    /// How the operation pages, for list operations that do.
    pub pagination: Option<Pagination>,
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

/// Looks an operation up by progenitor's snake_case name.
///
/// ```
/// let op = fc_client::operation::lookup("put_layer_acl").unwrap();
/// assert_eq!(op.action, "PutLayerACL");
/// assert_eq!(op.method, "PUT");
/// ```
pub fn lookup(id: &str) -> Option<&'static OperationMeta> {
    OPERATIONS
        .binary_search_by(|op| op.id.cmp(id))
        .ok()
        .map(|index| &OPERATIONS[index])
}

/// Every operation, sorted by snake_case name.
pub fn all() -> &'static [OperationMeta] {
    &OPERATIONS
}
