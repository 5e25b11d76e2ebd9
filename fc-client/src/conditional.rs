//! Conditional writes: ETags on answers, `If-Match` on writes, and an optimistic
//! read-modify-write loop.
//!
//! FC 2.0 answers create, get and update of services, functions, triggers and custom domains
//! with an `ETag` header, and takes `If-Match` on their updates and deletes (and on alias updates,
//! service-version publishing and config deletes). A write whose `If-Match` no longer matches
//! fails with [`ErrorCode::PreconditionFailed`](crate::ErrorCode::PreconditionFailed) and changes
//! nothing ([`Error::is_precondition_failed`]).
//!
//! - [`ResponseETag::etag`] reads the tag from any answer whose type carries one (codegen marks
//!   those types with [`CarriesETag`] from the spec's response headers);
//! - generated builders of operations that take `If-Match` have `.if_match(..)`, which takes an
//!   [`ETag`];
//! - [`read_modify_write`] is the loop: read, apply the caller's change, write with `If-Match`,
//!   and on `PreconditionFailed` read again, a bounded number of times. FC 2.0's client wraps it
//!   for functions and services (`fc2::Client::modify_function`, `modify_service`).
//!
//! ```no_run
//! use fc_client::conditional::ResponseETag;
//! use fc_client::fc2::{Client, types};
//!
//! # async fn example(client: Client) -> Result<(), fc_client::Error> {
//! let current = client.get_function().service_name("svc").function_name("fn").send().await?;
//! let etag = current.etag().expect("GetFunction answers carry an ETag");
//! let change = types::UpdateFunctionInput::builder().memory_size(1024);
//! client
//!     .update_function()
//!     .service_name("svc")
//!     .function_name("fn")
//!     .if_match(etag)
//!     .body(change)
//!     .send()
//!     .await?; // fails with PreconditionFailed if someone else changed the function meanwhile
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;

use progenitor_client::ResponseValue;

use crate::Error;

/// The response header carrying a resource's version tag.
pub const ETAG_HEADER: &str = "etag";

/// A resource's version tag, as the service sent it in `ETag`. Opaque: compare it, send it back
/// in `If-Match`, never parse it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// A tag from its text (e.g. one stored from an earlier answer).
    pub fn new(tag: impl Into<String>) -> Self {
        ETag(tag.into())
    }

    /// The tag's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ETag> for String {
    fn from(tag: ETag) -> Self {
        tag.0
    }
}

impl From<&ETag> for String {
    fn from(tag: &ETag) -> Self {
        tag.0.clone()
    }
}

/// Marks a response type whose answers carry an `ETag` header; generated from the spec.
pub trait CarriesETag {}

/// `.etag()` on answers that carry one.
pub trait ResponseETag {
    /// The `ETag` header of the answer, if the service sent one (a non-empty, visible-ASCII
    /// value).
    fn etag(&self) -> Option<ETag>;
}

impl<T: CarriesETag> ResponseETag for ResponseValue<T> {
    fn etag(&self) -> Option<ETag> {
        let value = self.headers().get(ETAG_HEADER)?.to_str().ok()?;
        (!value.is_empty()).then(|| ETag::new(value))
    }
}

/// How many times [`read_modify_write`] reads and writes at most when no bound is given.
pub const DEFAULT_ATTEMPTS: u32 = 5;

/// Optimistic concurrency: `read` the resource (with its tag), `write` it back with `If-Match`
/// set to that tag; when the write fails with `PreconditionFailed` (someone changed the resource
/// in between, and the failed write changed nothing), start over, at most `max_attempts` times in
/// all (at least once). Any other error, of the read or of the write, is returned at once: it is
/// not a lost race, and the client's own retry policy has already run for it.
///
/// `write` gets the value read and its tag; it applies the caller's change and sends the write.
/// An answer without a tag makes a conditional write impossible: that is an
/// [`InvalidResponse`](crate::ErrorKind::InvalidResponse) error rather than an unconditional write.
///
/// After the last attempt loses, its `PreconditionFailed` error is returned.
pub async fn read_modify_write<T, Out, Read, ReadFut, Write, WriteFut>(
    max_attempts: u32,
    mut read: Read,
    mut write: Write,
) -> Result<Out, Error>
where
    T: CarriesETag,
    Read: FnMut() -> ReadFut,
    ReadFut: Future<Output = Result<ResponseValue<T>, Error>>,
    Write: FnMut(T, ETag) -> WriteFut,
    WriteFut: Future<Output = Result<Out, Error>>,
{
    let mut attempt = 1;
    loop {
        let current = read().await?;
        let tag = current.etag().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::InvalidResponse,
                "the answer carries no ETag, so the write cannot be made conditional",
            )
        })?;
        match write(current.into_inner(), tag).await {
            Err(error) if error.is_precondition_failed() && attempt < max_attempts => {
                tracing::debug!(attempt, "conditional write lost a race; reading again");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}
