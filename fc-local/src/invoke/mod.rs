//! What InvokeFunction needs before the executor runs anything: the request headers, the
//! qualifier (with alias weights), the function's configuration turned into an executor spec.
//!
//! Synchronous calls and asynchronous tasks (the `api::invoke` and `tasks` modules) share this path,
//! so both see the same errors for a missing function, version or alias, a disabled function
//! and a runtime fc-local cannot run.

pub mod headers;
pub mod prepare;
pub mod qualifier;
pub mod spec;

pub use headers::InvokeHeaders;
pub use prepare::{Prepared, prepare};

/// Largest event of a synchronous invocation: 32 MB (limits.md §4, "Sync request payload").
pub const SYNC_PAYLOAD_LIMIT: usize = 32 * 1024 * 1024;

/// Largest event of an asynchronous invocation: 128 KB (limits.md §4, "Async request payload").
pub const ASYNC_PAYLOAD_LIMIT: usize = 128 * 1024;
