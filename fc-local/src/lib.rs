//! A local emulator of the Function Compute 3.0 API.
