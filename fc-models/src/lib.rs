//! The Alibaba Cloud Function Compute API in Rust: request and response types, open enums, the
//! operation table with each operation's input rules, and the error codes.
//!
//! FC 3.0 (API version 2023-03-30) lives at the crate root; a later API version gets a module of
//! its own beside it. Everything version-specific is generated from the spec by
//! `cargo xtask regen` (`spec/apis.yaml` lists the versions); the HTTP client that sends these
//! types lives in the `fc-client` crate, which re-exports this crate as `fc_client::types`.
//! Depend on `fc-models` alone when you only need the API's shapes and rules, for example in a
//! server or a test double (fc-local does).
//!
//! | what | where |
//! |---|---|
//! | request and response types, their builders | the crate root, [`builder`] |
//! | open enums (`Runtime`, `FunctionState`, ...) | the crate root |
//! | every operation: action, method, path, paging, input checks | [`API`], [`api`] |
//! | the documented input limits and the checks that apply them | [`rules`] |
//! | error codes and their HTTP statuses | [`ErrorCode`] |
//! | JSON carried in one query value | [`JsonQuery`] |
//!
//! - Every struct has a builder (`fc_models::builder::CreateFunctionInput`, from
//!   `CreateFunctionInput::builder()`). Setters take what converts into the field: `&str` for
//!   text, a nested struct or its builder, any iterable of items (or their builders) for a list,
//!   of `(key, value)` pairs for a map; `set_<field>(Option<_>)` sets or clears an optional field
//!   from an `Option`. Each setter carries the field's description. A missing required field is
//!   reported when the request is sent.
//! - Every response field is optional, so a field the service leaves out never fails a call.
//! - Enums are open: a value added by the service after this release is kept as `Unknown`.
//! - Query parameters that carry a JSON array in one value use [`JsonQuery`].
//!
//! ```
//! let input = fc_models::CreateFunctionInput::builder()
//!     .function_name("hello")
//!     .runtime("python3.10")
//!     .handler("index.handler")
//!     .memory_size(512)
//!     .description("says hello")
//!     .environment_variables([("GREETING", "hello")])
//!     .tags([fc_models::Tag::builder().key("team").value("web")])
//!     .set_disk_size(None);
//! let input: fc_models::CreateFunctionInput = input.try_into().unwrap();
//! assert_eq!(input.memory_size, Some(512));
//! assert_eq!(input.environment_variables["GREETING"], "hello");
//! assert_eq!(input.tags[0].key.as_deref(), Some("team"));
//! ```
//!
//! ```
//! use fc_models::{Function, FunctionState};
//!
//! let function: Function = serde_json::from_str(
//!     r#"{"functionName": "hello", "memorySize": 512, "state": "Active"}"#,
//! ).unwrap();
//! assert_eq!(function.function_name.as_deref(), Some("hello"));
//! assert_eq!(function.state, Some(FunctionState::Active));
//!
//! // A state this release does not know still parses, and is written back unchanged.
//! let newer: FunctionState = serde_json::from_str(r#""Hibernating""#).unwrap();
//! assert_eq!(newer, FunctionState::Unknown("Hibernating".into()));
//! assert_eq!(serde_json::to_string(&newer).unwrap(), r#""Hibernating""#);
//! ```
//!
//! # What a new release may add
//!
//! A regen from a newer spec may add operations, fields and enum values; none of that breaks code
//! written against this release (`README.md`, "Versioning", has the whole policy):
//!
//! - Structs a request carries (`CreateFunctionInput`, `Tag`, `VpcConfigInput`, ...) are
//!   `#[non_exhaustive]`: build them with their builder, or from `Default::default()` and set the
//!   public fields. A struct expression would break on the next new field, so it does not compile:
//!
//! ```
//! let mut tag = fc_models::Tag::default();
//! tag.key = Some("env".to_owned());
//! tag.value = Some("prod".to_owned());
//! ```
//!
//! ```compile_fail,E0639
//! let tag = fc_models::Tag { key: None, value: None };
//! ```
//!
//! - Response-only structs (`Function`, `VpcConfig`, `ListFunctionsOutput`, ...) are plain structs, so servers
//!   and test doubles can write them out; end such an expression with `..Default::default()`.
//! - Enums are `#[non_exhaustive]`: a `match` needs a wildcard arm, because a value this release
//!   keeps as `Unknown("...")` may get a variant of its own later. Code that must behave the same
//!   across releases compares `as_str()`:
//!
//! ```
//! use fc_models::InvocationType;
//!
//! fn is_async(kind: &InvocationType) -> bool {
//!     match kind {
//!         InvocationType::Async => true,
//!         _ => false,
//!     }
//! }
//! assert!(is_async(&"Async".into()));
//! ```
//!
//! ```compile_fail,E0004
//! use fc_models::InvocationType;
//!
//! fn name(kind: &InvocationType) -> &str {
//!     match kind {
//!         InvocationType::Sync => "sync",
//!         InvocationType::Async => "async",
//!         InvocationType::Unknown(other) => other,
//!     }
//! }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generated code names replaced types by their full path (`fc_models::FunctionState`); this
// lets the same path resolve inside this crate too.
extern crate self as fc_models;

// Generated files keep prettyplease's layout; `cargo xtask regen --check` compares it byte for byte.
pub mod api;
mod error_code;
#[cfg(feature = "fc2")]
#[cfg_attr(docsrs, doc(cfg(feature = "fc2")))]
pub mod fc2;
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_api;
#[rustfmt::skip]
mod generated_enums;
mod json_query;
#[doc(hidden)]
pub mod open_enum;
pub mod rules;

pub use error_code::ErrorCode;
pub use generated::*;
pub use generated_api::API;
pub use generated_enums::*;
pub use json_query::JsonQuery;

/// The crate README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
