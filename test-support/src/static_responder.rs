//! A static HTTP/1.1 responder: every request on 127.0.0.1 gets the same answer at once, on
//! keep-alive connections. It is the server of the benchmarks (`cargo xtask bench`, fc-client's
//! allocation bench): it does as little as a server can, so what is measured is the client.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let responder = fc_test_support::static_responder::StaticResponder::start(
//!     0,
//!     br#"{"functionName":"bench"}"#.to_vec(),
//! )
//! .await?;
//! println!("{}", responder.url());
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head read (larger ones close the connection).
const MAX_HEAD: usize = 64 * 1024;

/// Makes an answer's body from the request target (path and query).
type MakeBody = dyn Fn(&str) -> Vec<u8> + Send + Sync;

/// What a responder answers: the same bytes every time, or a body made for the request.
#[derive(Clone)]
enum Answer {
    Fixed(Arc<[u8]>),
    Made(Arc<MakeBody>),
}

/// A running responder; it stops when dropped.
pub struct StaticResponder {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl StaticResponder {
    /// Answers every request with `200`, `content-type: application/json`, an
    /// `x-fc-request-id` and `body`, on `port` of 127.0.0.1 (0: any free port).
    pub async fn start(port: u16, body: Vec<u8>) -> std::io::Result<Self> {
        Self::listen(port, Answer::Fixed(response(&body).into())).await
    }

    /// Answers each request with the body `make` gives for its target (path and query), with
    /// the headers of [`start`](Self::start): a paged list, say.
    pub async fn start_with(
        port: u16,
        make: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        Self::listen(port, Answer::Made(Arc::new(make))).await
    }

    async fn listen(port: u16, answer: Answer) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, answer.clone()));
            }
        });
        Ok(StaticResponder { url, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for StaticResponder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection: for each request head (and the body its `content-length` gives),
/// writes the answer.
async fn serve(mut stream: TcpStream, answer: Answer) {
    let mut buffer: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut chunk = [0u8; 8 * 1024];
    loop {
        let (head_end, body_len) = loop {
            if let Some(end) = find_head_end(&buffer) {
                break (end, content_length(&buffer[..end]));
            }
            if buffer.len() > MAX_HEAD {
                return;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + body_len {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let written = match &answer {
            Answer::Fixed(bytes) => stream.write_all(bytes).await,
            Answer::Made(make) => {
                let bytes = response(&make(target(&buffer[..head_end])));
                stream.write_all(&bytes).await
            }
        };
        buffer.drain(..head_end + body_len);
        if written.is_err() {
            return;
        }
    }
}

/// A whole answer with `body`.
fn response(body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-fc-request-id: \
         bench-request\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// The target of a request head (`/path?query`), empty if it has none.
fn target(head: &[u8]) -> &str {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = std::str::from_utf8(line).unwrap_or_default();
    line.split(' ').nth(1).unwrap_or_default()
}

/// The length of the head (through the blank line), if it has arrived.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// The `content-length` of a request head (0 without one).
fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head);
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_and_lengths_are_found() {
        let head = b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        assert_eq!(find_head_end(head), Some(head.len() - 3));
        assert_eq!(content_length(&head[..head.len() - 3]), 3);
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n"), None);
        assert_eq!(content_length(b"GET / HTTP/1.1\r\n\r\n"), 0);
        assert_eq!(target(b"GET /a?b=1 HTTP/1.1\r\nhost: x\r\n\r\n"), "/a?b=1");
    }

    #[tokio::test]
    async fn every_request_on_a_connection_gets_the_answer() {
        let responder = StaticResponder::start(0, b"{}".to_vec()).await.unwrap();
        let addr = responder.url().trim_start_matches("http://").to_owned();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let requests =
            b"GET /a HTTP/1.1\r\nhost: x\r\n\r\nPOST /b HTTP/1.1\r\ncontent-length: 2\r\n\r\nhi";
        stream.write_all(requests).await.unwrap();
        let mut seen = Vec::new();
        let mut chunk = [0u8; 1024];
        while seen.windows(2).filter(|w| *w == b"{}").count() < 2 {
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed early");
            seen.extend_from_slice(&chunk[..n]);
        }
        let text = String::from_utf8(seen).unwrap();
        assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    }
}
