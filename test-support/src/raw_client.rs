//! A minimal HTTP/1.1 client over a real socket, so tests control every byte on the wire.
//!
//! [`RawClient`] builds a request with the headers of the Function Compute API (`host`,
//! `x-acs-version`, a fresh `x-acs-signature-nonce`, `content-type`, `accept`), hands it to its
//! [`Signer`] for the ACS3 part, and returns it as a [`Prepared`] that a test may tamper with
//! before [`RawClient::send`] puts it on the wire. Each request goes over a new connection with
//! `connection: close`, and the answer is read until the server closes it ([`send_raw`]).
//!
//! This module does not sign by itself (see the [crate docs](crate) for why): the tests supply
//! the [`Signer`]. fc-local's tests use one built on `fc_client::signing`.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Base64 of the smallest valid ZIP archive (an empty one).
pub const EMPTY_ZIP_B64: &str = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==";

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body bytes (de-chunked when the answer was `transfer-encoding: chunked`).
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The first header called `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The error `Code`, or "" for a body without one.
    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or("").to_owned()
    }
}

/// A request about to be sent; tests may tamper with it after signing.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Method.
    pub method: String,
    /// Path as sent.
    pub path: String,
    /// Query string as sent (no `?`).
    pub query: String,
    /// Headers as sent (including `authorization` when signed). `content-length` and
    /// `connection: close` are not listed: [`RawClient::send`] always adds them.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Prepared {
    /// Replaces (or adds) a header.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// Removes a header.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    fn to_bytes(&self) -> Vec<u8> {
        let target = if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        };
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, target);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// What a [`Signer`] gets besides the request itself.
#[derive(Debug, Clone, Copy)]
pub struct Signing<'a> {
    /// The query as decoded `(key, value)` pairs, in the order the test gave them.
    pub query: &'a [(&'a str, &'a str)],
    /// The request time, for `x-acs-date`.
    pub when: SystemTime,
    /// The access key `(id, secret)` to sign with, or `None` for a request that must go out
    /// without an `authorization` header.
    pub key: Option<(&'a str, &'a str)>,
}

/// The ACS3 part of preparing a request, supplied by the tests.
///
/// On entry, `request.path` is the path as the test gave it, `request.query` is empty, and
/// `request.headers` holds the headers that are not about signing. The signer adds
/// `x-acs-date` and `x-acs-content-sha256`, plus `authorization` when [`Signing::key`] is set,
/// and replaces `path` and `query` with the forms that go on the wire (for ACS3, the canonical
/// ones the signature covers).
///
/// A plain function rather than a closure: signing needs no state beyond [`Signing`], and a
/// function pointer keeps [`RawClient`] `Clone`, `Debug` and free of type parameters.
pub type Signer = fn(&mut Prepared, &Signing<'_>);

/// Sends raw bytes to `addr` over a new connection and reads the answer until the server
/// closes the connection; panics (failing the test) on I/O errors or a malformed answer.
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let split = find(&raw, b"\r\n\r\n").expect("complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = find(body, b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..end]);
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
    out
}

/// A client for one server speaking the Function Compute API.
///
/// The fields are public so that tests can derive variants with struct update syntax, e.g.
/// `RawClient { sign: false, ..client }` or `RawClient { secret: "wrong".into(), ..client }`.
#[derive(Debug, Clone)]
pub struct RawClient {
    /// Server address; also the `host` header.
    pub addr: SocketAddr,
    /// Key id to sign with.
    pub key_id: String,
    /// Secret to sign with.
    pub secret: String,
    /// Whether to sign at all: when false, the [`signer`](Self::signer) still runs but gets no
    /// key, so the request has every header except `authorization`.
    pub sign: bool,
    /// The ACS3 part of preparing a request.
    pub signer: Signer,
}

impl RawClient {
    /// A client for `addr` that signs with the access key `key_id`/`secret` through `signer`.
    pub fn new(addr: SocketAddr, key_id: &str, secret: &str, signer: Signer) -> Self {
        Self {
            addr,
            key_id: key_id.to_owned(),
            secret: secret.to_owned(),
            sign: true,
            signer,
        }
    }

    /// Builds (and signs) a request at time `when`.
    pub fn prepare_at(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
        when: SystemTime,
    ) -> Prepared {
        self.prepare_with_headers(method, path, query, body, when, &[])
    }

    /// Builds (and signs) a request at time `when` carrying `headers` besides the usual ones;
    /// they are signed with the rest.
    pub fn prepare_with_headers(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
        when: SystemTime,
        headers: &[(&str, &str)],
    ) -> Prepared {
        // Unique per request, also for requests prepared in the same nanosecond.
        static SENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let count = SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let nonce = format!("{nanos}-{count}");
        let mut prepared = Prepared {
            method: method.to_owned(),
            path: path.to_owned(),
            query: String::new(),
            headers: vec![
                ("host".to_owned(), self.addr.to_string()),
                ("x-acs-version".to_owned(), "2023-03-30".to_owned()),
                ("x-acs-signature-nonce".to_owned(), nonce),
                ("content-type".to_owned(), "application/json".to_owned()),
                ("accept".to_owned(), "application/json".to_owned()),
            ],
            body: body.to_vec(),
        };
        for (name, value) in headers {
            prepared.set_header(name, value);
        }
        let signing = Signing {
            query,
            when,
            key: self
                .sign
                .then_some((self.key_id.as_str(), self.secret.as_str())),
        };
        (self.signer)(&mut prepared, &signing);
        prepared
    }

    /// Builds (and signs) a request now.
    pub fn prepare(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: &[u8],
    ) -> Prepared {
        self.prepare_at(method, path, query, body, SystemTime::now())
    }

    /// Sends a prepared request.
    pub async fn send(&self, prepared: &Prepared) -> Response {
        send_raw(self.addr, &prepared.to_bytes()).await
    }

    /// Signs and sends a request with an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Response {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send(&self.prepare(method, path, query, &bytes)).await
    }

    /// Creates a python3.10 function with the empty ZIP; panics unless it succeeds.
    pub async fn create_function(&self, name: &str) -> Value {
        let reply = self
            .call(
                "POST",
                "/2023-03-30/functions",
                &[],
                Some(serde_json::json!({
                    "functionName": name,
                    "runtime": "python3.10",
                    "handler": "index.handler",
                    "code": {"zipFile": EMPTY_ZIP_B64},
                })),
            )
            .await;
        assert_eq!(reply.status, 200, "create {name}: {:?}", reply.json());
        reply.json()
    }
}

#[cfg(test)]
mod tests {
    use super::{Prepared, RawClient, Signing, dechunk};
    use crate::server::{Reply, TestServer};
    use serde_json::json;

    /// A stand-in signer that records what it was given in the headers it adds.
    fn fake_signer(request: &mut Prepared, signing: &Signing<'_>) {
        request.path = request.path.replace(' ', "%20");
        request.query = signing
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        request.set_header("x-acs-date", "fake-date");
        request.set_header("x-acs-content-sha256", &request.body.len().to_string());
        if let Some((id, secret)) = signing.key {
            request.set_header("authorization", &format!("{id}:{secret}"));
        }
    }

    fn client_of(server: &TestServer) -> RawClient {
        let addr = server
            .url()
            .trim_start_matches("http://")
            .parse()
            .expect("server address");
        RawClient::new(addr, "id", "secret", fake_signer)
    }

    #[tokio::test]
    async fn a_call_goes_out_as_signed_and_its_answer_is_read() {
        let server = TestServer::always(
            Reply::json(404, &json!({"Code": "FunctionNotFound"}))
                .with_header("x-fc-request-id", "r1"),
        )
        .await;
        let client = client_of(&server);
        let answer = client
            .call("PUT", "/a b", &[("k", "v")], Some(json!({"x": 1})))
            .await;
        assert_eq!(answer.status, 404);
        assert_eq!(answer.code(), "FunctionNotFound");
        assert_eq!(answer.header("x-fc-request-id"), Some("r1"));

        let sent = server.captured();
        assert_eq!(sent.len(), 1);
        let sent = &sent[0];
        assert_eq!(
            (
                sent.method.as_str(),
                sent.path.as_str(),
                sent.query.as_deref()
            ),
            ("PUT", "/a%20b", Some("k=v"))
        );
        assert_eq!(sent.body, br#"{"x":1}"#);
        assert_eq!(sent.header("host"), Some(&*client.addr.to_string()));
        assert_eq!(sent.header("x-acs-version"), Some("2023-03-30"));
        assert!(sent.header("x-acs-signature-nonce").is_some());
        assert_eq!(sent.header("x-acs-date"), Some("fake-date"));
        assert_eq!(sent.header("x-acs-content-sha256"), Some("7"));
        assert_eq!(sent.header("authorization"), Some("id:secret"));
        assert_eq!(sent.header("content-length"), Some("7"));
        assert_eq!(sent.header("connection"), Some("close"));
    }

    #[tokio::test]
    async fn an_unsigned_client_sends_no_authorization_and_tampering_reaches_the_wire() {
        let server = TestServer::always(Reply::empty(204)).await;
        let client = RawClient {
            sign: false,
            ..client_of(&server)
        };
        let mut request = client.prepare("GET", "/p", &[], b"");
        request.remove_header("x-acs-date");
        request.set_header("x-extra", "1");
        request.query = "raw=a+b".to_owned();
        assert_eq!(client.send(&request).await.status, 204);

        let sent = &server.captured()[0];
        assert_eq!(sent.header("authorization"), None);
        assert_eq!(sent.header("x-acs-date"), None);
        assert_eq!(sent.header("x-extra"), Some("1"));
        assert_eq!(sent.query.as_deref(), Some("raw=a+b"));
        assert!(sent.body.is_empty());
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
        assert_eq!(dechunk(b"0\r\n\r\n"), b"");
    }
}
