//! Packaging function code for upload.
