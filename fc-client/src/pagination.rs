//! Streams over paginated list operations.
//!
//! Every list operation that pages (the spec marks them with `x-fc-pagination`) gets two methods
//! on its request builder, generated into `generated_pagination.rs`:
//!
//! - `.pages()`: a [`PageStream`] of whole responses;
//! - `.into_stream()`: an [`ItemStream`] of every item of every page.
//!
//! Both fetch lazily: no request is sent until the stream is polled, and the next page is only
//! requested once the current one is used up, so memory holds one page however long the listing
//! is. The builder's own settings (page size, prefix, filters) are sent with every page request.
//! The stream ends when a page comes back with no next token (absent or empty); if the service
//! hands out a token it already gave, the stream yields an error and stops instead of looping.
//!
//! ```no_run
//! use futures::TryStreamExt;
//!
//! # async fn example(client: &fc_client::Client) -> Result<(), fc_client::Error> {
//! let mut functions = client.list_functions().prefix("web-").limit(100).into_stream();
//! while let Some(function) = functions.try_next().await? {
//!     println!("{:?}", function.function_name);
//! }
//!
//! let pages: Vec<_> = client.list_aliases().function_name("web-api").pages().try_collect().await?;
//! println!("{} pages", pages.len());
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

use crate::{Error, ErrorKind};

/// A stream of the pages of a list operation; see the [module docs](self).
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<'a, P> {
    inner: BoxStream<'a, Result<P, Error>>,
}

/// A stream of the items of every page of a list operation; see the [module docs](self).
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<'a, T> {
    inner: BoxStream<'a, Result<T, Error>>,
}

impl<P> Stream for PageStream<'_, P> {
    type Item = Result<P, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> Stream for ItemStream<'_, T> {
    type Item = Result<T, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<P> std::fmt::Debug for PageStream<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageStream")
    }
}

impl<T> std::fmt::Debug for ItemStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ItemStream")
    }
}

/// Where the paginator stands between two pages.
enum Cursor<B> {
    /// The next request to send, with the token to put in it (`None` for the first page).
    Next(B, Option<String>),
    /// A token came back a second time: report it, then end.
    Repeated(String),
    /// Nothing more to fetch.
    Done,
}

/// A numeric page token (FC 2.0's `ListLayerVersions` sends `startVersion` as an integer) from
/// the text the paginator carries; that text is always the previous page's number, so a failure
/// means the service answered something that is not a number.
#[cfg(feature = "fc2")]
pub(crate) fn numeric_token<T: std::str::FromStr>(token: &str) -> Result<T, Error> {
    token.parse().map_err(|_| {
        Error::new(
            crate::ErrorKind::InvalidResponse,
            format!("the next-page token {token:?} is not a number"),
        )
    })
}

/// What one poll of the paginator does.
enum Step<B, Fut> {
    Fetch(Fut, B),
    Fail(Error),
    Stop,
}

/// Pages of a list operation. `fetch(builder, token)` sends one request and returns the page and
/// the token of the next one.
pub(crate) fn pages<'a, B, P, F, Fut>(builder: B, fetch: F) -> PageStream<'a, P>
where
    B: Clone + Send + 'a,
    P: Send + 'a,
    F: Fn(B, Option<String>) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<(P, Option<String>), Error>> + Send + 'a,
{
    let start = (Cursor::Next(builder, None), HashSet::new());
    let inner = stream::unfold(start, move |(cursor, mut seen)| {
        // Start the request (if any) here, so the future below owns everything it uses.
        let step = match cursor {
            Cursor::Done => Step::Stop,
            Cursor::Repeated(token) => Step::Fail(repeated_token(&token)),
            Cursor::Next(builder, token) => Step::Fetch(fetch(builder.clone(), token), builder),
        };
        async move {
            let (call, builder) = match step {
                Step::Stop => return None,
                Step::Fail(error) => return Some((Err(error), (Cursor::Done, seen))),
                Step::Fetch(call, builder) => (call, builder),
            };
            match call.await {
                Err(error) => Some((Err(error), (Cursor::Done, seen))),
                Ok((page, next)) => {
                    let cursor = match next.filter(|t| !t.is_empty()) {
                        None => Cursor::Done,
                        Some(token) if !seen.insert(token.clone()) => Cursor::Repeated(token),
                        Some(token) => Cursor::Next(builder, Some(token)),
                    };
                    Some((Ok(page), (cursor, seen)))
                }
            }
        }
    });
    PageStream {
        inner: inner.boxed(),
    }
}

/// The items of every page, in order.
pub(crate) fn items<'a, P, T>(
    pages: PageStream<'a, P>,
    extract: fn(P) -> Vec<T>,
) -> ItemStream<'a, T>
where
    P: Send + 'a,
    T: Send + 'a,
{
    let inner = pages
        .map_ok(move |page| stream::iter(extract(page).into_iter().map(Ok)))
        .try_flatten();
    ItemStream {
        inner: inner.boxed(),
    }
}

fn repeated_token(token: &str) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        format!(
            "the service returned the page token {token:?} a second time; \
             stopping the listing instead of looping"
        ),
    )
}
