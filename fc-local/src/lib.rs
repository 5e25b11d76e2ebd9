//! A local emulator of the Function Compute 3.0 API.
//!
//! [`executor`] runs functions (Python, Node.js and custom runtimes) as local child processes.

pub mod executor;
