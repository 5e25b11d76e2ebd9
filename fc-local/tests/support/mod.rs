//! Test helpers: a minimal HTTP/1.1 client over a real socket that signs requests with
//! `fc_client::signing`, so the tests control every byte that goes on the wire.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use fc_client::signing::{self, CanonicalRequest};
use fc_client::timestamp::format_iso8601;
use fc_local::FcLocalHandle;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Base64 of the smallest valid ZIP archive (an empty one).
pub const EMPTY_ZIP_B64: &str = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==";

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The first header called `name`.
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
    /// Headers as sent (including Authorization when signed).
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

/// Sends raw bytes and reads the answer until the server closes the connection.
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Reply {
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
    Reply {
        status,
        headers,
        body,
    }
}

/// A client for one fc-local instance.
#[derive(Debug, Clone)]
pub struct Api {
    /// Server address.
    pub addr: SocketAddr,
    /// Key id to sign with.
    pub key_id: String,
    /// Secret to sign with.
    pub secret: String,
    /// Whether to sign at all.
    pub sign: bool,
}

impl Api {
    /// A signing client with the handle's keys.
    pub fn new(handle: &FcLocalHandle) -> Self {
        Self {
            addr: handle.addr(),
            key_id: handle.access_key_id().to_owned(),
            secret: handle.access_key_secret().to_owned(),
            sign: true,
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
        let host = self.addr.to_string();
        let hash = signing::hash_payload(body);
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            .to_string();
        let mut headers = vec![
            ("host".to_owned(), host),
            ("x-acs-version".to_owned(), "2023-03-30".to_owned()),
            ("x-acs-date".to_owned(), format_iso8601(when)),
            ("x-acs-signature-nonce".to_owned(), nonce),
            ("x-acs-content-sha256".to_owned(), hash.clone()),
            ("content-type".to_owned(), "application/json".to_owned()),
        ];
        let canonical = CanonicalRequest::new(
            method,
            path,
            query.iter().copied(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &hash,
        );
        if self.sign {
            let auth = canonical.authorization(&self.key_id, &self.secret);
            headers.push(("authorization".to_owned(), auth));
        }
        Prepared {
            method: method.to_owned(),
            path: canonical.path().to_owned(),
            query: canonical.query(),
            headers,
            body: body.to_vec(),
        }
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
    pub async fn send(&self, prepared: &Prepared) -> Reply {
        send_raw(self.addr, &prepared.to_bytes()).await
    }

    /// Signs and sends a request with an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Reply {
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

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("fc-local-{label}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Starts an in-memory instance with default settings.
pub async fn start() -> (FcLocalHandle, Api) {
    let handle = fc_local::FcLocal::new()
        .start()
        .await
        .expect("start fc-local");
    let api = Api::new(&handle);
    (handle, api)
}
