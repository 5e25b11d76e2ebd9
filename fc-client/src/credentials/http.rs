//! The few HTTP calls credential providers make (the ECS metadata service, STS, credential URIs).
//!
//! They share one reqwest client, separate from any `Client`'s because credentials are loaded
//! before (and independently of) the client that uses them. Each call must be answered in full
//! within `connect + read`; a call that times out before its connection was made is reported as
//! a connect timeout.

use std::sync::OnceLock;
use std::time::Duration;

/// One request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// Status and body of an answer.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// How long to wait for the connection, then for the whole answer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

/// Why no answer arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The URL cannot be used (bad syntax, unsupported scheme).
    BadUrl(String),
    /// No connection could be made (refused, unreachable, DNS).
    Connect(String),
    /// No connection within the connect timeout.
    ConnectTimeout,
    /// Connected, but the answer did not arrive within the read timeout.
    ReadTimeout,
    /// Connected, but the exchange failed or the answer was not HTTP.
    Exchange(String),
}

impl Failure {
    /// True when the server was never reached, so nothing is known to be listening there.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Failure::Connect(_) | Failure::ConnectTimeout)
    }

    /// A short description for error messages.
    pub fn describe(&self, timeouts: Timeouts) -> String {
        match self {
            Failure::BadUrl(why) => format!("invalid URL: {why}"),
            Failure::Connect(why) => format!("cannot connect: {why}"),
            Failure::ConnectTimeout => format!("no connection within {:?}", timeouts.connect),
            Failure::ReadTimeout => format!("no answer within {:?}", timeouts.read),
            Failure::Exchange(why) => format!("request failed: {why}"),
        }
    }
}

/// Sends `request` and returns the answer, whatever its status.
pub(crate) async fn send(request: Request, timeouts: Timeouts) -> Result<Response, Failure> {
    let client = shared_client()?;
    let url = reqwest::Url::parse(&request.url).map_err(|e| Failure::BadUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::BadUrl(format!(
            "unsupported scheme {:?}",
            url.scheme()
        )));
    }
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| Failure::BadUrl(format!("invalid method {}", request.method)))?;
    let mut builder = client
        .request(method, url)
        .timeout(timeouts.connect + timeouts.read)
        .body(request.body);
    for (name, value) in request.headers {
        builder = builder.header(name, value);
    }
    let response = builder.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(classify)?.to_vec();
    Ok(Response { status, body })
}

/// What went wrong, in words that never hold the URL: a credentials URI may carry a token in
/// its query, and these words reach errors and logs.
fn classify(error: reqwest::Error) -> Failure {
    let error = error.without_url();
    if error.is_connect() && error.is_timeout() {
        Failure::ConnectTimeout
    } else if error.is_connect() {
        Failure::Connect(error.to_string())
    } else if error.is_timeout() {
        Failure::ReadTimeout
    } else if error.is_builder() {
        Failure::BadUrl(error.to_string())
    } else {
        Failure::Exchange(error.to_string())
    }
}

/// The reqwest client shared by every credential provider, or why it could not be built.
fn shared_client() -> Result<&'static reqwest::Client, Failure> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            crate::install_crypto_provider();
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        })
        .as_ref()
        .map_err(|why| Failure::Connect(why.clone()))
}
