//! FC-shaped answers for the requests the HTTP library refuses by itself.
//!
//! hyper answers a request it cannot parse before any of fc-local runs: a request line or
//! header it cannot read, conflicting `Content-Length`s (400), a target over 64 KiB (414), or
//! headers over its limits (431), each with an empty body and no request id. Every answer of
//! fc-local's own carries `x-fc-request-id`, so an answer without one is hyper's. The listener
//! here wraps each connection so that such an answer, when it is the first bytes written on the
//! connection (a head, never a body), goes out as fc-local's: the same status, a JSON error body
//! (`Code`, `Message`, `RequestId`) and the request id header.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections answer hyper's own refusals FC-shaped.
#[derive(Debug)]
pub struct FcListener(pub TcpListener);

/// The peer of a connection (what `ConnectInfo` gives handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl Listener for FcListener {
    type Io = FcShaped<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        (FcShaped::new(stream), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, FcListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, FcListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// A connection whose first answer, when it is one of hyper's refusals, is rewritten.
#[derive(Debug)]
pub struct FcShaped<S> {
    inner: S,
    /// Whether anything was written yet: only the first write can be hyper's refusal.
    started: bool,
    /// The rewritten answer still to be written.
    pending: Vec<u8>,
}

impl<S> FcShaped<S> {
    /// Wraps a connection.
    pub fn new(inner: S) -> Self {
        FcShaped {
            inner,
            started: false,
            pending: Vec::new(),
        }
    }
}

/// The FC-shaped replacement for `head`, when it is a bodiless error answer without a request
/// id (hyper's own).
pub fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    if end + 4 != head.len() {
        return None;
    }
    let text = std::str::from_utf8(&head[..end]).ok()?;
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()?
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    if !(400..600).contains(&status) {
        return None;
    }
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        if name == crate::request_id::REQUEST_ID_HEADER {
            return None;
        }
        if name == "content-length" {
            empty = value.trim() == "0";
        }
    }
    if !empty {
        return None;
    }
    let (reason, message) = match status {
        414 => ("URI Too Long", "the request target is longer than 64 KiB"),
        431 => (
            "Request Header Fields Too Large",
            "the request headers are too many or too large",
        ),
        400 => (
            "Bad Request",
            "the request is not valid HTTP/1.1 (its request line, a header or its Content-Length)",
        ),
        _ => ("Error", "the request was refused by the HTTP layer"),
    };
    let id = crate::request_id::new_request_id();
    let body = serde_json::json!({
        "Code": "InvalidArgument",
        "Message": message,
        "RequestId": id,
    })
    .to_string();
    Some(
        format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n{}: {id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            crate::request_id::REQUEST_ID_HEADER,
            body.len()
        )
        .into_bytes(),
    )
}

impl<S: AsyncWrite + Unpin> FcShaped<S> {
    /// Writes what is pending; `Ready(Ok)` once nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let written = match Pin::new(&mut self.inner).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            self.pending.drain(..written);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for FcShaped<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for FcShaped<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if !this.started {
            this.started = true;
            if let Some(replacement) = rewrite(buf) {
                this.pending = replacement;
                // The whole refusal counts as written; the replacement goes out instead.
                return match this.drain(cx) {
                    Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                    _ => Poll::Ready(Ok(buf.len())),
                };
            }
        }
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_write(cx, buf),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }

    /// No vectored writes: hyper then writes each answer's head as one buffer, which is what
    /// [`rewrite`] looks at.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_errors_without_a_request_id_are_rewritten() {
        let hypers =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let rewritten = String::from_utf8(rewrite(hypers).unwrap()).unwrap();
        assert!(rewritten.starts_with("HTTP/1.1 431 "), "{rewritten}");
        assert!(rewritten.contains("x-fc-request-id: "), "{rewritten}");
        assert!(
            rewritten.contains(r#""Code":"InvalidArgument""#),
            "{rewritten}"
        );

        let ours = b"HTTP/1.1 404 Not Found\r\nx-fc-request-id: 1\r\ncontent-length: 0\r\n\r\n";
        assert!(rewrite(ours).is_none());
        let success = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(rewrite(success).is_none());
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n";
        assert!(rewrite(with_body).is_none());
        let more_than_a_head = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nx";
        assert!(rewrite(more_than_a_head).is_none());
    }
}
