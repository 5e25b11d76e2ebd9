//! Credentials for signing requests, and the providers that find them.
