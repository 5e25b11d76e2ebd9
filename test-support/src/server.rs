//! A scripted HTTP/1.1 server on 127.0.0.1 for client tests.
//!
//! Each accepted connection serves requests until the client closes it, or until the server has
//! answered a request that carried `connection: close`. For every request the server records
//! what arrived ([`Captured`]) and asks the test's handler what to do ([`Reply`]): answer, stall,
//! or reset the connection. Tests inspect [`TestServer::captured`] afterwards. Nothing here talks
//! to anything but the loopback interface.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Captured {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target's path, exactly as sent (still percent-encoded).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names lower-cased; repeated headers joined with `,`.
    pub headers: BTreeMap<String, String>,
    /// The body: exactly `content-length` bytes (empty without that header).
    pub body: Vec<u8>,
}

impl Captured {
    /// A header value by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with this status, headers and body.
    Respond {
        /// The status code; the reason phrase is always `Test`.
        status: u16,
        /// Headers sent after `content-length`, which the server always sets.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Wait this long before answering with the inner reply.
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering.
    Reset,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// An answer with no body.
    pub fn empty(status: u16) -> Self {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header to a `Respond` (or to the reply inside a `Delay`).
    pub fn with_header(self, name: &str, value: &str) -> Self {
        match self {
            Reply::Respond {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Respond {
                    status,
                    headers,
                    body,
                }
            }
            Reply::Delay(d, inner) => Reply::Delay(d, Box::new(inner.with_header(name, value))),
            Reply::Reset => Reply::Reset,
        }
    }
}

type Handler = dyn Fn(&Captured, usize) -> Reply + Send + Sync;

/// A running test server; it stops when dropped.
pub struct TestServer {
    url: String,
    captured: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server; `handler(request, index)` gets each request with its 0-based index.
    pub async fn start(
        handler: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_on(0, handler).await
    }

    /// Like [`TestServer::start`], on a chosen port of 127.0.0.1 (0 for any free port).
    pub async fn start_on(
        port: u16,
        handler: impl Fn(&Captured, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let captured = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = captured.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, handler.clone(), log.clone()));
            }
        });
        TestServer {
            url,
            captured,
            task,
        }
    }

    /// A server that answers every request with the same reply.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far, in arrival order.
    pub fn captured(&self) -> Vec<Captured> {
        self.captured.lock().expect("capture lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Captured>>>) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let index = {
            let mut log = log.lock().expect("capture lock");
            log.push(request.clone());
            log.len() - 1
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let mut reply = handler(&request, index);
        while let Reply::Delay(delay, inner) = reply {
            tokio::time::sleep(delay).await;
            reply = *inner;
        }
        let Reply::Respond {
            status,
            headers,
            body,
        } = reply
        else {
            return; // Reset: drop the connection unanswered.
        };
        let mut head = format!(
            "HTTP/1.1 {status} Test\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in &headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        // One write for head and body: two small writes would meet Nagle's algorithm and the
        // client's delayed ACK, adding ~40 ms to every answer.
        let mut answer = head.into_bytes();
        answer.extend_from_slice(&body);
        if stream.write_all(&answer).await.is_err() || close {
            return;
        }
    }
}

/// Reads one request (head plus `content-length` body); `None` when the peer closes.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Captured> {
    let head_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next()?.split(' ');
    let method = start.next()?.to_owned();
    let target = start.next()?.to_owned();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim().to_owned();
        headers
            .entry(name)
            .and_modify(|v| {
                v.push(',');
                v.push_str(&value);
            })
            .or_insert(value);
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target, None),
    };
    Some(Captured {
        method,
        path,
        query,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::{Reply, TestServer};
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn connect(server: &TestServer) -> TcpStream {
        TcpStream::connect(server.url().trim_start_matches("http://"))
            .await
            .expect("connect")
    }

    /// Reads until `stream` holds one whole answer with a `content-length` body.
    async fn read_answer(stream: &mut TcpStream) -> String {
        let mut raw = Vec::new();
        loop {
            let text = String::from_utf8_lossy(&raw).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.parse().ok())
                    .expect("content-length");
                if body.len() >= length {
                    return text;
                }
            }
            let mut chunk = [0u8; 1024];
            let n = stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "connection closed mid-answer: {text:?}");
            raw.extend_from_slice(&chunk[..n]);
        }
    }

    #[tokio::test]
    async fn requests_are_recorded_and_answered_as_scripted() {
        let server = TestServer::start(|request, index| {
            Reply::json(
                200 + index as u16,
                &serde_json::json!({"path": request.path}),
            )
            .with_header("x-index", &index.to_string())
        })
        .await;
        let mut stream = connect(&server).await;
        // Two requests on one keep-alive connection, the first with a body and a repeated header.
        stream
            .write_all(
                b"POST /a%2Fb?x=1&y=2 HTTP/1.1\r\nHost: h\r\nX-Twice: 1\r\nx-twice: 2\r\n\
                  Content-Length: 5\r\n\r\nhello",
            )
            .await
            .expect("write");
        let first = read_answer(&mut stream).await;
        assert!(first.starts_with("HTTP/1.1 200 Test\r\n"), "{first}");
        assert!(
            first.contains("content-type: application/json\r\n"),
            "{first}"
        );
        assert!(first.contains("x-index: 0\r\n"), "{first}");
        assert!(first.ends_with(r#"{"path":"/a%2Fb"}"#), "{first}");

        stream
            .write_all(b"GET /c HTTP/1.1\r\nhost: h\r\n\r\n")
            .await
            .expect("write");
        let second = read_answer(&mut stream).await;
        assert!(second.starts_with("HTTP/1.1 201 Test\r\n"), "{second}");

        let captured = server.captured();
        assert_eq!(captured.len(), 2);
        let first = &captured[0];
        assert_eq!(first.method, "POST");
        assert_eq!(first.path, "/a%2Fb");
        assert_eq!(first.query.as_deref(), Some("x=1&y=2"));
        assert_eq!(first.header("x-twice"), Some("1,2"));
        assert_eq!(first.header("host"), Some("h"));
        assert_eq!(first.body, b"hello");
        let second = &captured[1];
        assert_eq!(
            (second.method.as_str(), second.path.as_str()),
            ("GET", "/c")
        );
        assert_eq!(second.query, None);
        assert!(second.body.is_empty());
    }

    #[tokio::test]
    async fn connection_close_is_honoured_after_the_answer() {
        let server = TestServer::always(Reply::empty(204)).await;
        let mut stream = connect(&server).await;
        stream
            .write_all(b"GET / HTTP/1.1\r\nconnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        assert_eq!(answer, "HTTP/1.1 204 Test\r\ncontent-length: 0\r\n\r\n");
    }

    #[tokio::test]
    async fn a_reset_closes_unanswered_and_a_delay_waits() {
        let server = TestServer::start(|_, index| match index {
            0 => Reply::Reset,
            _ => Reply::Delay(Duration::from_millis(100), Box::new(Reply::empty(200)))
                .with_header("x-late", "yes"),
        })
        .await;
        let mut stream = connect(&server).await;
        stream
            .write_all(b"GET / HTTP/1.1\r\n\r\n")
            .await
            .expect("write");
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest).await;
        assert!(rest.is_empty(), "a reset sends nothing");

        let mut stream = connect(&server).await;
        let started = Instant::now();
        stream
            .write_all(b"GET / HTTP/1.1\r\n\r\n")
            .await
            .expect("write");
        let answer = read_answer(&mut stream).await;
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(answer.contains("x-late: yes\r\n"), "{answer}");
        assert_eq!(server.captured().len(), 2);
    }
}
