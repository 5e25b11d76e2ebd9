//! Shared helpers for fc-client's integration tests. Each test binary uses a different subset,
//! hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod credentials;
pub mod derived;
pub mod fields;
pub mod schema;
pub mod spec;
