//! Function Compute 2.0 (API version 2021-04-06): services, functions, triggers, aliases and
//! service versions, custom domains, layers and the per-function configurations.
//!
//! The same layout as the crate root has for FC 3.0: the request and response types, the open
//! enums and the operation table [`API`], all generated from `spec/fc-open-2021-04-06.yaml`.
//! The error body is shared with FC 3.0 ([`crate::ErrorBody`]); the client reads both APIs'
//! spellings (`Code`/`Message` and `ErrorCode`/`ErrorMessage`) into it.
//!
//! ```
//! let op = fc_models::fc2::API.by_action("UpdateFunction").unwrap();
//! assert_eq!(op.method, "PUT");
//! assert_eq!(op.path, "/2021-04-06/services/{serviceName}/functions/{functionName}");
//! assert_eq!(fc_models::fc2::API.version, "2021-04-06");
//! ```

#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_api;
#[rustfmt::skip]
mod generated_enums;

pub use generated::*;
pub use generated_api::API;
pub use generated_enums::*;
