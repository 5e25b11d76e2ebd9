//! The `fc-local` binary: flags, the startup banner, serving, and clean shutdown on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_fc-local");

#[test]
fn bad_flags_print_usage_and_exit_2() {
    for args in [
        &["--bogus"][..],
        &["--port"],
        &["--port", "notaport"],
        &["--access-key-id", "only"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage: fc-local"), "{err}");
    }
}

#[test]
fn help_prints_usage() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--data-dir"));
}

#[test]
fn serves_until_sigterm_then_exits_cleanly() {
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--access-key-id",
            "ID1",
            "--access-key-secret",
            "S1",
            "--no-auth",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut endpoint = None;
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("endpoint: ") {
            endpoint = Some(rest.to_owned());
        }
        let done = line.starts_with("press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let banner = banner.join("\n");
    assert!(banner.contains("access key id: ID1"), "{banner}");
    assert!(banner.contains("access key secret: S1"), "{banner}");
    let endpoint = endpoint.expect("endpoint line");
    let addr = endpoint.strip_prefix("http://").unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reply = runtime.block_on(async {
        let addr = addr.parse().unwrap();
        tokio::time::timeout(Duration::from_secs(10), fc_local_support_get(addr))
            .await
            .unwrap()
    });
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopping")), "{rest:?}");
}

async fn fc_local_support_get(addr: std::net::SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"GET /2023-03-30/functions HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a process with this pid exists (and is not a zombie reaped already).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the field after the parenthesised name; `Z` is a zombie.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}

#[cfg(target_os = "linux")]
#[test]
fn no_instance_outlives_a_server_killed_with_sigkill() {
    let (mut child, endpoint) = spawn_server(&["--no-auth"]);

    let pid_file = std::env::temp_dir().join(format!("fc-local-orphan-{}", std::process::id()));
    let _ = std::fs::remove_file(&pid_file);
    let source = format!(
        "import os, subprocess\n\
         child = subprocess.Popen(['sleep', '600'])\n\
         def handler(event, context):\n    \
             open({path:?}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n    \
             return 'ok'\n",
        path = pid_file.display().to_string()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = fc_client::Client::builder()
            .endpoint(endpoint)
            .unsigned()
            .build()
            .unwrap();
        let code = fc_client::code::CodePackage::from_entries([fc_client::code::ZipEntry::file(
            "index.py",
            source.into_bytes(),
            0o644,
        )])
        .unwrap();
        client
            .create_function()
            .body(
                fc_client::types::CreateFunctionInput::builder()
                    .function_name("orphan")
                    .runtime("python3.10")
                    .handler("index.handler")
                    .code(code.into_input().unwrap()),
            )
            .send()
            .await
            .expect("create");
        client.invoke("orphan").send().await.expect("invoke");
    });
    let pids: Vec<u32> = std::fs::read_to_string(&pid_file)
        .expect("the function wrote its pids")
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(
        pids.iter().all(|pid| alive(*pid)),
        "the instance and its child run"
    );

    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|pid| alive(*pid)) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_file(&pid_file);
    let survivors: Vec<_> = pids.iter().filter(|pid| alive(**pid)).collect();
    assert!(
        survivors.is_empty(),
        "processes outlived fc-local: {survivors:?}"
    );
}

/// Starts the binary with `args`, returns it and its endpoint.
fn spawn_server(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let endpoint = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("endpoint: ").map(str::to_owned))
        .expect("endpoint line");
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    (child, endpoint)
}

#[test]
fn every_acknowledged_write_survives_a_sigkill_under_load() {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    let data = std::env::temp_dir().join(format!("fc-local-kill9-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let data_arg = data.display().to_string();
    let (mut child, endpoint) = spawn_server(&["--no-auth", "--data-dir", &data_arg]);
    // name -> (the last description acknowledged, the one being written when the server died)
    let acknowledged: Arc<Mutex<BTreeMap<String, (u32, u32)>>> = Arc::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = fc_client::Client::builder()
        .endpoint(endpoint)
        .unsigned()
        .retry_policy(fc_client::RetryPolicy::disabled())
        .build()
        .unwrap();
    let code = fc_client::code::CodePackage::from_entries([fc_client::code::ZipEntry::file(
        "index.py",
        b"def handler(event, context):\n    return 'ok'\n".to_vec(),
        0o644,
    )])
    .unwrap()
    .into_input()
    .unwrap();
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let (client, code, acknowledged) = (client.clone(), code.clone(), acknowledged.clone());
            runtime.spawn(async move {
                for round in 0.. {
                    let name = format!("w{writer}-{round}");
                    let created = client
                        .create_function()
                        .body(
                            fc_client::types::CreateFunctionInput::builder()
                                .function_name(name.as_str())
                                .runtime("python3.10")
                                .handler("index.handler")
                                .description("0")
                                .code(code.clone()),
                        )
                        .send()
                        .await;
                    if created.is_err() {
                        return;
                    }
                    acknowledged.lock().unwrap().insert(name.clone(), (0, 0));
                    for version in 1..=3u32 {
                        acknowledged
                            .lock()
                            .unwrap()
                            .insert(name.clone(), (version - 1, version));
                        let updated = client
                            .update_function()
                            .function_name(name.as_str())
                            .body(
                                fc_client::types::UpdateFunctionInput::builder()
                                    .description(version.to_string()),
                            )
                            .send()
                            .await;
                        if updated.is_err() {
                            return;
                        }
                        acknowledged
                            .lock()
                            .unwrap()
                            .insert(name.clone(), (version, version));
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    runtime.block_on(async {
        for writer in writers {
            let _ = writer.await;
        }
    });
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 10,
        "the load ran: {} functions",
        acknowledged.len()
    );

    let (mut restarted, endpoint) = spawn_server(&["--no-auth", "--data-dir", &data_arg]);
    let client = fc_client::Client::builder()
        .endpoint(endpoint)
        .unsigned()
        .build()
        .unwrap();
    let lost: Vec<String> = runtime.block_on(async {
        let mut lost = Vec::new();
        for (name, (done, in_flight)) in &acknowledged {
            let found = client
                .get_function()
                .function_name(name.as_str())
                .send()
                .await;
            let description = found.ok().and_then(|f| f.description.clone());
            let seen: Option<u32> = description.and_then(|d| d.parse().ok());
            if !seen.is_some_and(|seen| seen == *done || seen == *in_flight) {
                lost.push(format!("{name}: acknowledged {done}, found {seen:?}"));
            }
        }
        lost
    });
    Command::new("kill")
        .args(["-TERM", &restarted.id().to_string()])
        .status()
        .unwrap();
    restarted.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data);
    let writes: u32 = acknowledged.values().map(|(done, _)| done + 1).sum();
    println!(
        "kill -9 under load: {} functions, {writes} acknowledged writes, {} lost",
        acknowledged.len(),
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "acknowledged writes lost after kill -9: {lost:?}"
    );
}
