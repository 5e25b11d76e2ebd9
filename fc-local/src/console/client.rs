//! A client of the console's data endpoints, for terminals: what `fc-local logs` and
//! `fc-local invocations` use against a running server. It signs its requests with the
//! server's keys (the classic `FC` scheme) or sends the console token.
//!
//! ```no_run
//! use fc_local::console::client::ConsoleClient;
//!
//! # async fn run() -> Result<(), fc_local::console::client::ConsoleError> {
//! let console = ConsoleClient::with_keys("http://127.0.0.1:9000", "LTAIfclocaltestkey", "fc-local-test-secret")?;
//! let mut after = 0;
//! loop {
//!     let page = console.logs("hello", after, 10).await?;
//!     for line in &page.lines {
//!         println!("{}", line.line);
//!     }
//!     after = page.next;
//! }
//! # }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::executor::InvocationRecord;

/// Longest time one request may take (the logs endpoint holds an answer up to 20 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(40);

/// One kept log line of a function.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogLine {
    /// Position in the function's log (ask for lines above the last one seen).
    pub seq: u64,
    /// When fc-local read it, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// The instance that printed it.
    pub instance_id: String,
    /// The invocation it belongs to, if known.
    pub request_id: Option<String>,
    /// The text.
    pub line: String,
}

/// An answer of the logs endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct LogPage {
    /// The lines above the `after` asked for, oldest first.
    pub lines: Vec<LogLine>,
    /// What to pass as `after` next.
    pub next: u64,
}

/// One invocation of the history, with its log lines.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ListedInvocation {
    /// The record.
    #[serde(flatten)]
    pub record: InvocationRecord,
    /// The log lines of this invocation still kept.
    pub log: Vec<String>,
}

#[derive(Deserialize)]
struct Invocations {
    invocations: Vec<ListedInvocation>,
}

/// Why a console request failed.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// fc-local could not be reached, or the connection failed.
    #[error("cannot reach fc-local at {endpoint}: {source}")]
    Connect {
        /// The endpoint.
        endpoint: String,
        /// The cause (without the URL, which may carry the token).
        source: reqwest::Error,
    },
    /// fc-local answered with an error.
    #[error("{code}: {message} (status {status}, request id {request_id})")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The FC error code.
        code: String,
        /// The message.
        message: String,
        /// `x-fc-request-id`.
        request_id: String,
    },
    /// The answer was not what the console endpoints send.
    #[error("unexpected answer from fc-local: {0}")]
    Decode(String),
}

enum Auth {
    Keys { id: String, secret: String },
    Token(String),
}

/// A client of one server's console endpoints.
pub struct ConsoleClient {
    http: reqwest::Client,
    endpoint: String,
    auth: Auth,
}

impl fmt::Debug for ConsoleClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Auth::Keys { id, .. } => format!("keys of {id}"),
            Auth::Token(_) => "token".to_owned(),
        };
        f.debug_struct("ConsoleClient")
            .field("endpoint", &self.endpoint)
            .field("auth", &auth)
            .finish()
    }
}

impl ConsoleClient {
    /// A client that signs with the server's access key pair.
    pub fn with_keys(
        endpoint: impl Into<String>,
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> Result<Self, ConsoleError> {
        let auth = Auth::Keys {
            id: access_key_id.into(),
            secret: access_key_secret.into(),
        };
        Self::new(endpoint.into(), auth)
    }

    /// A client that sends the console token (the `token` of the printed console URL).
    pub fn with_token(
        endpoint: impl Into<String>,
        token: impl Into<String>,
    ) -> Result<Self, ConsoleError> {
        Self::new(endpoint.into(), Auth::Token(token.into()))
    }

    fn new(endpoint: String, auth: Auth) -> Result<Self, ConsoleError> {
        fc_client::install_crypto_provider();
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|source| ConsoleError::Connect {
                endpoint: endpoint.clone(),
                source: source.without_url(),
            })?;
        Ok(Self {
            http,
            endpoint,
            auth,
        })
    }

    /// The kept log lines of `function` numbered above `after`; with `wait_secs`, the server
    /// holds the answer until a line arrives or that many seconds (at most 20) pass.
    pub async fn logs(
        &self,
        function: &str,
        after: u64,
        wait_secs: u64,
    ) -> Result<LogPage, ConsoleError> {
        let query = [
            ("function", function.to_owned()),
            ("after", after.to_string()),
            ("wait", wait_secs.to_string()),
        ];
        self.get("/__console/api/logs", &query).await
    }

    /// The kept invocations of `function` (of all functions when `None`), oldest first.
    pub async fn invocations(
        &self,
        function: Option<&str>,
    ) -> Result<Vec<ListedInvocation>, ConsoleError> {
        let query: Vec<(&str, String)> = function
            .map(|name| ("function", name.to_owned()))
            .into_iter()
            .collect();
        let answer: Invocations = self.get("/__console/api/invocations", &query).await?;
        Ok(answer.invocations)
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ConsoleError> {
        let encoded: Vec<String> = query
            .iter()
            .map(|(key, value)| format!("{key}={}", fc_client::signing::percent_encode(value)))
            .collect();
        let url = format!("{}{path}?{}", self.endpoint, encoded.join("&"));
        let mut request = self.http.get(url);
        match &self.auth {
            Auth::Token(token) => request = request.header(super::access::TOKEN_HEADER, token),
            Auth::Keys { id, secret } => {
                use fc_client::signing::classic;
                let date = fc_client::timestamp::format_http_date(SystemTime::now());
                let pairs: Vec<(String, String)> = query
                    .iter()
                    .map(|(key, value)| ((*key).to_owned(), value.clone()))
                    .collect();
                let text = classic::string_to_sign("GET", "", "", &date, [], path, Some(&pairs));
                let authorization = classic::authorization(id, &classic::signature(secret, &text));
                request = request
                    .header("date", date)
                    .header("authorization", authorization);
            }
        }
        let connect = |source: reqwest::Error| ConsoleError::Connect {
            endpoint: self.endpoint.clone(),
            source: source.without_url(),
        };
        let response = request.send().await.map_err(connect)?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-fc-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.map_err(connect)?;
        if status >= 300 {
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
            return Err(ConsoleError::Refused {
                status,
                code: field("Code"),
                message: field("Message"),
                request_id,
            });
        }
        serde_json::from_slice(&bytes).map_err(|error| ConsoleError::Decode(error.to_string()))
    }
}
