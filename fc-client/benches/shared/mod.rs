//! What the benches share: the signing case and the recorded GetFunction answer.

#![allow(dead_code)]

use fc_client::credentials::Credentials;
use fc_client::signing::Target;

/// The typical signed GET: GetFunction of `bench` at a regional endpoint.
pub fn signing_case() -> (Credentials, reqwest::Url, Target) {
    let credentials = Credentials::new("LTAI5tBenchmarkKeyId", "bench-secret-0123456789abcdef");
    let url = "https://1234567890.cn-hangzhou.fc.aliyuncs.com/2023-03-30/functions/bench"
        .parse()
        .expect("url");
    let target = Target {
        action: "GetFunction",
        version: "2023-03-30",
    };
    (credentials, url, target)
}

/// The recorded GetFunction answer (fc-models' fixture: every field filled in).
pub fn recorded_function() -> serde_json::Value {
    let fixture = include_str!("../../../fc-models/tests/fixtures/responses/GetFunction.json");
    let recorded: serde_json::Value = serde_json::from_str(fixture).expect("fixture");
    recorded["body"].clone()
}
