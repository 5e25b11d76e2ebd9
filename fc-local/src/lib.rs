//! A local emulator of the Alibaba Cloud Function Compute 3.0 API (version 2023-03-30), and
//! beside it of the FC 2.0 API (services; versions 2021-04-06 and 2016-08-15, [`fc2`]).
//!
//! fc-local is a real HTTP server that speaks the API's paths, JSON shapes (the types of
//! [`fc_models`]), error bodies and ACS3-HMAC-SHA256 signatures, so that SDKs (the official
//! Python one included) and tests can run without a cloud account. See the crate README for
//! the list of emulated operations and the business rules with their sources: [`extract`]
//! applies the spec's documented input limits (the checks of each operation in
//! `fc_models::API`) to every request, [`validate`] the rules the spec cannot express.
//!
//! InvokeFunction runs the function's real code: [`invoke`] resolves the qualifier (alias
//! weights included) and builds the executor's spec, [`executor`] runs Python, Node.js and
//! custom-runtime functions as local child processes (described in `EXECUTION.md`), and
//! [`tasks`] runs asynchronous invocations as tasks with retries, readable and stoppable through
//! GetAsyncTask, ListAsyncTasks and StopAsyncTask. [`engine::Engine`] holds the executor and the
//! tasks of one server.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fc_local::StartError> {
//! let server = fc_local::FcLocal::new().start().await?;
//! println!("{} {} {}", server.endpoint(), server.access_key_id(), server.access_key_secret());
//! // ... create and invoke functions with any FC client ...
//! for record in server.executor().logs("my-function") {
//!     println!("{} {}", record.instance_id, record.line);
//! }
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod api;
pub mod auth;
pub mod config;
pub mod console;
pub mod engine;
pub mod error;
pub mod executor;
pub mod extract;
pub mod faults;
pub mod fc2;
mod gate;
pub mod guard;
pub mod http_trigger;
pub mod invoke;
pub mod paging;
pub mod params;
pub mod request_id;
mod server;
pub mod sessions;
pub mod shape;
pub mod state;
pub mod store;
pub mod sts;
pub mod tasks;
pub mod timer;
pub mod validate;
pub mod wire_errors;

pub use api::router;
pub use config::Config;
pub use error::{FcError, FcResult};
pub use server::{FcLocal, FcLocalHandle, StartError};
pub use state::AppState;
pub use store::Store;
