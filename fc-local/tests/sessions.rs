//! Sessions through fc-client: affinity binds a session's invocations to one instance and keeps
//! other sessions off it; pause stops the instance's processes and resume continues them with
//! their memory; a snapshot carries a session's files into a new session; TTL and idle time end
//! sessions; the session and snapshot operations follow the service's rules.

mod client;
mod support;

use std::time::Duration;

use client::{code_of, create, function, start};
use fc_client::Client;
use fc_client::types::{
    CreateSessionInput, CreateSnapshotInput, SessionStatus, UpdateSessionInput,
};
use serde_json::{Value, json};

/// Counts its invocations in memory, reports its instance, keeps a note in `$TMPDIR` and, once
/// asked, beats a counter into a file from a thread of its own (10 beats a second).
const STATEFUL: &str = r#"
import json, os, threading, time

state = {"count": 0, "beats": 0, "beating": False}

def beat(path):
    while True:
        state["beats"] += 1
        with open(path + ".tmp", "w") as f:
            f.write(str(state["beats"]))
        os.replace(path + ".tmp", path)
        time.sleep(0.1)

def handler(event, context):
    request = json.loads(event or b"{}")
    if "heartbeat" in request and not state["beating"]:
        state["beating"] = True
        threading.Thread(target=beat, args=(request["heartbeat"],), daemon=True).start()
    note = os.path.join(os.environ["TMPDIR"], "note.txt")
    if "write" in request:
        with open(note, "w") as f:
            f.write(request["write"])
    state["count"] += 1
    kept = open(note).read() if os.path.exists(note) else None
    return json.dumps({
        "count": state["count"],
        "instance": os.environ["FC_INSTANCE_ID"],
        "note": kept,
    })
"#;

const HEADER: &str = "x-chat-session";

/// A Python function with HEADER_FIELD affinity on [`HEADER`] and `config` beside it.
async fn header_function(client: &Client, name: &str, config: Value) {
    let mut settings = json!({"affinityHeaderFieldName": HEADER});
    if let (Some(all), Some(more)) = (settings.as_object_mut(), config.as_object()) {
        all.extend(more.clone());
    }
    create(
        client,
        function(name, "python3.10", 30, &[("index.py", STATEFUL)])
            .session_affinity("HEADER_FIELD")
            .session_affinity_config(settings.to_string()),
    )
    .await;
}

/// Invokes `function` in session `id` (none: no header) with `event`; the answer's JSON and the
/// session header the answer carries.
async fn call(
    client: &Client,
    function: &str,
    id: Option<&str>,
    event: Value,
) -> (Value, Option<String>) {
    let mut invoke = client.invoke(function).json(&event);
    if let Some(id) = id {
        invoke = invoke.header(HEADER, id);
    }
    let output = invoke.send().await.expect("invoke");
    let given = output
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = output.into_result().await.expect("the function succeeds");
    let text = body.text().await.expect("text");
    (serde_json::from_str(&text).expect("JSON answer"), given)
}

async fn session(
    client: &Client,
    function: &str,
    id: &str,
) -> Result<fc_client::types::Session, fc_client::Error> {
    client
        .get_session()
        .function_name(function)
        .session_id(id)
        .send()
        .await
        .map(|s| s.into_inner())
}

/// Waits until `done` holds, polling; panics after `limit`.
async fn wait_until(limit: Duration, done: impl Fn() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "not done within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn beats(path: &std::path::Path) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_session_keeps_its_instance_and_other_sessions_get_their_own() {
    let (_server, client) = start().await;
    header_function(&client, "chat", json!({})).await;

    let (first, none) = call(&client, "chat", Some("alpha"), json!({})).await;
    assert_eq!(none, None, "an id the caller gave is not sent back");
    let (second, _) = call(&client, "chat", Some("alpha"), json!({})).await;
    assert_eq!(first["instance"], second["instance"]);
    assert_eq!(
        (first["count"].as_u64(), second["count"].as_u64()),
        (Some(1), Some(2))
    );

    let (other, _) = call(&client, "chat", Some("beta"), json!({})).await;
    assert_ne!(
        other["instance"], first["instance"],
        "another session, another instance"
    );
    assert_eq!(other["count"], 1);

    // No header: the service makes a session and names it in the same header.
    let (fresh, generated) = call(&client, "chat", None, json!({})).await;
    let generated = generated.expect("a generated session id");
    assert_eq!(generated.len(), 32);
    assert_ne!(fresh["instance"], first["instance"]);
    assert_ne!(fresh["instance"], other["instance"]);
    let (again, _) = call(&client, "chat", Some(&generated), json!({})).await;
    assert_eq!(again["instance"], fresh["instance"]);

    let alpha = session(&client, "chat", "alpha").await.expect("get alpha");
    assert_eq!(alpha.session_status, Some(SessionStatus::Active));
    assert_eq!(alpha.container_id.as_deref(), first["instance"].as_str());
    assert_eq!(alpha.session_affinity_type.as_deref(), Some("HEADER_FIELD"));
    assert_eq!(alpha.qualifier.as_deref(), Some("LATEST"));
    let listed = client
        .list_sessions()
        .function_name("chat")
        .send()
        .await
        .expect("list")
        .into_inner();
    let mut ids: Vec<_> = listed
        .sessions
        .iter()
        .filter_map(|s| s.session_id.clone())
        .collect();
    ids.sort();
    let mut expected = vec!["alpha".to_owned(), "beta".to_owned(), generated];
    expected.sort();
    assert_eq!(ids, expected);

    let err = call_err(&client, "chat", "bad id!").await;
    assert_eq!(code_of(&err), "InvalidArgument");
    assert!(err.to_string().contains(HEADER), "{err}");
}

async fn call_err(client: &Client, function: &str, id: &str) -> fc_client::Error {
    client
        .invoke(function)
        .header(HEADER, id)
        .send()
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn created_sessions_take_their_invocations_and_can_be_updated_listed_and_deleted() {
    let (_server, client) = start().await;
    header_function(&client, "api", json!({"sessionTTLInSeconds": 600})).await;

    let created = client
        .create_session()
        .function_name("api")
        .body(
            CreateSessionInput::builder()
                .session_id("mine")
                .session_idle_timeout_in_seconds(300),
        )
        .send()
        .await
        .expect("create")
        .into_inner();
    assert_eq!(created.session_id.as_deref(), Some("mine"));
    assert_eq!(created.session_status, Some(SessionStatus::Active));
    assert_eq!(
        created.session_ttl_in_seconds,
        Some(600),
        "the function's TTL"
    );
    assert_eq!(created.session_idle_timeout_in_seconds, Some(300));
    let container = created
        .container_id
        .clone()
        .expect("an instance is bound at once");
    let (answer, _) = call(&client, "api", Some("mine"), json!({})).await;
    assert_eq!(answer["instance"].as_str(), Some(container.as_str()));

    let again = client
        .create_session()
        .function_name("api")
        .body(CreateSessionInput::builder().session_id("mine"))
        .send()
        .await
        .expect_err("a live id");
    assert_eq!(code_of(&again), "SessionAlreadyExists");
    let generated = client
        .create_session()
        .function_name("api")
        .send()
        .await
        .expect("create without a body")
        .into_inner();
    assert_eq!(generated.session_id.as_ref().map(String::len), Some(32));

    let updated = client
        .update_session()
        .function_name("api")
        .session_id("mine")
        .body(
            UpdateSessionInput::builder()
                .session_ttl_in_seconds(1200)
                .enable_auto_resume(true),
        )
        .send()
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.session_ttl_in_seconds, Some(1200));
    assert_eq!(updated.enable_auto_resume, Some(true));
    assert_eq!(
        updated.container_id.as_deref(),
        Some(container.as_str()),
        "same instance"
    );
    let bad = client
        .update_session()
        .function_name("api")
        .session_id("mine")
        .body(
            UpdateSessionInput::builder()
                .session_idle_timeout_in_seconds(5000)
                .session_ttl_in_seconds(60),
        )
        .send()
        .await
        .expect_err("idle above the TTL");
    assert_eq!(code_of(&bad), "InvalidArgument");

    let page = client
        .list_sessions()
        .function_name("api")
        .limit(1)
        .send()
        .await
        .expect("page")
        .into_inner();
    assert_eq!(page.sessions.len(), 1);
    assert_eq!(
        page.sessions[0].session_id.as_deref(),
        Some("mine"),
        "oldest first"
    );
    let rest = client
        .list_sessions()
        .function_name("api")
        .limit(1)
        .next_token(page.next_token.clone().expect("a second page"))
        .send()
        .await
        .expect("next page")
        .into_inner();
    assert_eq!(rest.sessions[0].session_id, generated.session_id);
    assert_eq!(rest.next_token, None);

    client
        .delete_session()
        .function_name("api")
        .session_id("mine")
        .send()
        .await
        .expect("delete");
    let gone = session(&client, "api", "mine").await.expect_err("deleted");
    assert_eq!(code_of(&gone), "SessionNotFound");
    assert_eq!(gone.status(), Some(404));
    // The id is free again: the next invocation with it is a new session on a new instance.
    let (fresh, _) = call(&client, "api", Some("mine"), json!({})).await;
    assert_ne!(fresh["instance"].as_str(), Some(container.as_str()));
    assert_eq!(fresh["count"], 1);
}

#[tokio::test]
async fn pause_stops_the_instance_and_resume_continues_it_with_its_memory() {
    let (_server, client) = start().await;
    header_function(&client, "sandbox", json!({})).await;
    let dir = support::temp_dir("sessions-pause");
    let heartbeat = dir.join("beats");

    let (first, _) = call(
        &client,
        "sandbox",
        Some("s1"),
        json!({"heartbeat": heartbeat}),
    )
    .await;
    assert_eq!(first["count"], 1);
    wait_until(Duration::from_secs(5), || beats(&heartbeat) >= 3).await;

    let paused = client
        .pause_session()
        .function_name("sandbox")
        .session_id("s1")
        .send()
        .await
        .expect("pause")
        .into_inner();
    assert_eq!(paused.session_status, Some(SessionStatus::Paused));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped_at = beats(&heartbeat);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        beats(&heartbeat),
        stopped_at,
        "a paused instance runs nothing"
    );

    let refused = call_err(&client, "sandbox", "s1").await;
    assert_eq!(code_of(&refused), "PreconditionFailed");
    assert_eq!(
        session(&client, "sandbox", "s1")
            .await
            .expect("get")
            .session_status,
        Some(SessionStatus::Paused)
    );
    let twice = client
        .pause_session()
        .function_name("sandbox")
        .session_id("s1")
        .send()
        .await
        .expect_err("already paused");
    assert_eq!(code_of(&twice), "PreconditionFailed");

    let resumed = client
        .resume_session()
        .function_name("sandbox")
        .session_id("s1")
        .send()
        .await
        .expect("resume")
        .into_inner();
    assert_eq!(resumed.session_status, Some(SessionStatus::Active));
    assert_eq!(
        resumed.container_id, paused.container_id,
        "the same instance goes on"
    );
    wait_until(Duration::from_secs(5), || {
        beats(&heartbeat) > stopped_at + 2
    })
    .await;
    let (after, _) = call(&client, "sandbox", Some("s1"), json!({})).await;
    assert_eq!(after["count"], 2, "its memory is intact");
    assert_eq!(after["instance"], first["instance"]);
}

#[tokio::test]
async fn a_paused_session_with_auto_resume_resumes_on_its_next_invocation() {
    let (_server, client) = start().await;
    header_function(&client, "lazy", json!({})).await;
    client
        .create_session()
        .function_name("lazy")
        .body(
            CreateSessionInput::builder()
                .session_id("auto")
                .enable_auto_resume(true),
        )
        .send()
        .await
        .expect("create");
    let (first, _) = call(&client, "lazy", Some("auto"), json!({})).await;
    client
        .pause_session()
        .function_name("lazy")
        .session_id("auto")
        .send()
        .await
        .expect("pause");
    let (second, _) = call(&client, "lazy", Some("auto"), json!({})).await;
    assert_eq!(
        (second["count"].as_u64(), &second["instance"]),
        (Some(2), &first["instance"])
    );
    assert_eq!(
        session(&client, "lazy", "auto")
            .await
            .expect("get")
            .session_status,
        Some(SessionStatus::Active)
    );
}

#[tokio::test]
async fn a_snapshot_carries_a_sessions_files_into_a_new_session() {
    let (_server, client) = start().await;
    header_function(&client, "notes", json!({})).await;
    call(
        &client,
        "notes",
        Some("origin"),
        json!({"write": "kept across sessions"}),
    )
    .await;

    let snapshot = client
        .create_snapshot()
        .function_name("notes")
        .body(
            CreateSnapshotInput::builder()
                .session_id("origin")
                .description("after the note"),
        )
        .send()
        .await
        .expect("snapshot")
        .into_inner();
    let snapshot_id = snapshot.snapshot_id.clone().expect("id");
    assert_eq!(snapshot.status.as_deref(), Some("Available"));
    assert_eq!(snapshot.source_session_id.as_deref(), Some("origin"));
    assert_eq!(snapshot.function_name.as_deref(), Some("notes"));
    assert_eq!(
        snapshot.artifact_disk_used_size_in_b,
        Some("kept across sessions".len() as i64)
    );

    let restored = client
        .create_session()
        .function_name("notes")
        .body(
            CreateSessionInput::builder()
                .session_id("copy")
                .snapshot_id(snapshot_id.as_str()),
        )
        .send()
        .await
        .expect("session from the snapshot")
        .into_inner();
    let (read, _) = call(&client, "notes", Some("copy"), json!({})).await;
    assert_eq!(read["note"], "kept across sessions");
    assert_eq!(read["count"], 1, "files are restored, not memory");
    assert_eq!(read["instance"].as_str(), restored.container_id.as_deref());
    // The copy is the new session's own: writing there leaves the origin's note alone.
    call(&client, "notes", Some("copy"), json!({"write": "changed"})).await;
    let (origin, _) = call(&client, "notes", Some("origin"), json!({})).await;
    assert_eq!(origin["note"], "kept across sessions");

    let fetched = client
        .get_snapshot()
        .function_name("notes")
        .snapshot_id(snapshot_id.as_str())
        .send()
        .await
        .expect("get snapshot")
        .into_inner();
    assert_eq!(fetched.description.as_deref(), Some("after the note"));
    let listed = client
        .list_snapshots()
        .function_name("notes")
        .session_id("origin")
        .send()
        .await
        .expect("list snapshots")
        .into_inner();
    assert_eq!(listed.snapshots.len(), 1);
    let unscoped = client
        .list_snapshots()
        .session_id("origin")
        .send()
        .await
        .expect_err("sessionId without functionName");
    assert_eq!(code_of(&unscoped), "InvalidArgument");

    let in_use = client
        .delete_snapshot()
        .function_name("notes")
        .snapshot_id(snapshot_id.as_str())
        .send()
        .await
        .expect_err("a session uses it");
    assert_eq!(
        (code_of(&in_use), in_use.status()),
        ("SnapshotInUse".to_owned(), Some(409))
    );
    client
        .delete_session()
        .function_name("notes")
        .session_id("copy")
        .send()
        .await
        .expect("delete the copy");
    client
        .delete_snapshot()
        .function_name("notes")
        .snapshot_id(snapshot_id.as_str())
        .send()
        .await
        .expect("delete snapshot");
    let gone = client
        .get_snapshot()
        .function_name("notes")
        .snapshot_id(snapshot_id.as_str())
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(code_of(&gone), "SnapshotNotFound");
    let unknown = client
        .create_session()
        .function_name("notes")
        .body(CreateSessionInput::builder().snapshot_id("no-such-snapshot"))
        .send()
        .await
        .expect_err("no snapshot");
    assert_eq!(code_of(&unknown), "SnapshotNotFound");
}

#[tokio::test]
async fn ttl_and_idle_time_end_sessions() {
    let (_server, client) = start().await;
    header_function(&client, "brief", json!({})).await;
    let short = client
        .create_session()
        .function_name("brief")
        .body(
            CreateSessionInput::builder()
                .session_id("short")
                .session_ttl_in_seconds(1)
                .session_idle_timeout_in_seconds(0),
        )
        .send()
        .await
        .expect("create")
        .into_inner();
    client
        .create_session()
        .function_name("brief")
        .body(
            CreateSessionInput::builder()
                .session_id("idle")
                .session_ttl_in_seconds(60)
                .session_idle_timeout_in_seconds(1),
        )
        .send()
        .await
        .expect("create");
    client
        .create_session()
        .function_name("brief")
        .body(
            CreateSessionInput::builder()
                .session_id("strict")
                .session_ttl_in_seconds(1)
                .disable_session_id_reuse(true),
        )
        .send()
        .await
        .expect("create");
    tokio::time::sleep(Duration::from_millis(2_200)).await;

    for id in ["short", "idle", "strict"] {
        let err = session(&client, "brief", id).await.expect_err("expired");
        assert_eq!(code_of(&err), "SessionNotFound", "{id}");
    }
    let expired = client
        .list_sessions()
        .function_name("brief")
        .session_status(SessionStatus::Expired)
        .send()
        .await
        .expect("list expired")
        .into_inner();
    assert_eq!(expired.sessions.len(), 3);
    assert!(
        expired
            .sessions
            .iter()
            .all(|s| s.session_status == Some(SessionStatus::Expired))
    );
    let active = client
        .list_sessions()
        .function_name("brief")
        .session_status(SessionStatus::Active)
        .send()
        .await
        .expect("list active")
        .into_inner();
    assert!(active.sessions.is_empty());

    // An expired id starts a new session, on a new instance...
    let (again, _) = call(&client, "brief", Some("short"), json!({})).await;
    assert_ne!(again["instance"].as_str(), short.container_id.as_deref());
    assert_eq!(again["count"], 1);
    // ...unless the session forbade reusing it.
    let spent = call_err(&client, "brief", "strict").await;
    assert_eq!(code_of(&spent), "PreconditionFailed");
    assert!(
        spent.to_string().contains("disableSessionIdReuse"),
        "{spent}"
    );
}

#[tokio::test]
async fn cookie_affinity_sets_the_cookie_and_follows_it() {
    let (_server, client) = start().await;
    create(
        &client,
        function("shop", "python3.10", 30, &[("index.py", STATEFUL)])
            .session_affinity("GENERATED_COOKIE")
            .session_affinity_config(json!({"sessionTTLInSeconds": 900}).to_string()),
    )
    .await;
    let output = client
        .invoke("shop")
        .json(&json!({}))
        .send()
        .await
        .expect("invoke");
    let cookie = output
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    let (pair, attributes) = cookie.split_once(';').expect("attributes");
    assert_eq!(attributes.trim(), "Max-Age=900");
    let first: Value =
        serde_json::from_str(&output.into_result().await.unwrap().text().await.unwrap()).unwrap();
    let answer = client
        .invoke("shop")
        .json(&json!({}))
        .header("cookie", &format!("theme=dark; {pair}"))
        .send()
        .await
        .expect("invoke with the cookie");
    assert!(
        answer.headers().get("set-cookie").is_none(),
        "the cookie stands"
    );
    let second: Value =
        serde_json::from_str(&answer.into_result().await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(second["instance"], first["instance"]);
    assert_eq!(second["count"], 2);

    let custom = client
        .create_session()
        .function_name("shop")
        .body(CreateSessionInput::builder().session_id("chosen"))
        .send()
        .await
        .expect_err("cookie sessions take no caller id");
    assert_eq!(code_of(&custom), "InvalidArgument");
}

#[tokio::test]
async fn session_operations_need_a_session_affinity_and_configs_are_checked() {
    let (_server, client) = start().await;
    client::python(
        &client,
        "plain",
        10,
        "def handler(event, context):\n    return 'ok'\n",
    )
    .await;
    let err = client
        .create_session()
        .function_name("plain")
        .send()
        .await
        .expect_err("no affinity");
    assert_eq!(code_of(&err), "InvalidArgument");
    assert!(err.to_string().contains("sessionAffinity"), "{err}");
    let missing = client
        .list_sessions()
        .function_name("nobody")
        .send()
        .await
        .expect_err("no function");
    assert_eq!(code_of(&missing), "FunctionNotFound");

    let input: fc_client::types::CreateFunctionInput =
        function("bad", "python3.10", 10, &[("index.py", STATEFUL)])
            .session_affinity("HEADER_FIELD")
            .session_affinity_config(json!({"affinityHeaderFieldName": "x-fc-mine"}).to_string())
            .try_into()
            .unwrap();
    let refused = client
        .create_function()
        .body(input)
        .send()
        .await
        .expect_err("bad header name");
    assert_eq!(code_of(&refused), "InvalidArgument");
    assert!(
        refused.to_string().contains("affinityHeaderFieldName"),
        "{refused}"
    );
}

#[tokio::test]
async fn deleting_the_function_ends_its_sessions() {
    let (server, client) = start().await;
    header_function(&client, "doomed", json!({})).await;
    call(&client, "doomed", Some("one"), json!({})).await;
    assert_eq!(server.executor().instances("doomed").len(), 1);
    client
        .delete_function()
        .function_name("doomed")
        .send()
        .await
        .expect("delete");
    wait_until(Duration::from_secs(5), || {
        server.executor().instances("doomed").is_empty()
    })
    .await;
}

#[tokio::test]
async fn http_trigger_requests_follow_the_session_header() {
    let (_server, client) = start().await;
    header_function(&client, "web-chat", json!({})).await;
    let urls = client::trigger(
        &client,
        "web-chat",
        "web",
        fc_client::types::TriggerType::Http,
        json!({"authType": "anonymous", "methods": ["GET", "POST"]}),
    )
    .await
    .http_trigger
    .expect("an HTTP trigger");
    let url = urls.url_internet.expect("its URL");
    let web = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client");
    let get = |id: Option<&'static str>| {
        let mut request = web.get(&url);
        if let Some(id) = id {
            request = request.header(HEADER, id);
        }
        async move {
            let answer = request.send().await.expect("request");
            assert_eq!(answer.status(), 200);
            let given = answer
                .headers()
                .get(HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body: Value = answer.json().await.expect("JSON body");
            (body, given)
        }
    };
    let (first, _) = get(Some("web-1")).await;
    let (second, _) = get(Some("web-1")).await;
    let (other, _) = get(Some("web-2")).await;
    assert_eq!(first["instance"], second["instance"]);
    assert_eq!(second["count"], 2);
    assert_ne!(other["instance"], first["instance"]);
    let (_, generated) = get(None).await;
    assert_eq!(
        generated.map(|id| id.len()),
        Some(32),
        "a new session is named"
    );
}
