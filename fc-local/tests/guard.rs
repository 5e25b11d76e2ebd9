//! Only fc-local's user drives it: foreign web pages (`Origin`) and foreign host names (`Host`,
//! as DNS rebinding sends them) are refused, even with `--no-auth`.

use fc_local::FcLocal;
use fc_test_support::raw_client::send_raw;

async fn get(addr: std::net::SocketAddr, headers: &str) -> (u16, String) {
    let raw = format!("GET /2023-03-30/functions HTTP/1.1\r\n{headers}connection: close\r\n\r\n");
    let reply = send_raw(addr, raw.as_bytes()).await;
    (reply.status, reply.code())
}

#[tokio::test]
async fn foreign_pages_and_host_names_are_refused_even_without_auth() {
    let server = FcLocal::new().auth(false).start().await.expect("start");
    let addr = server.addr();
    let host = format!("host: {addr}\r\n");
    assert_eq!(get(addr, &host).await.0, 200, "an IP address as Host");
    assert_eq!(get(addr, "host: localhost:9\r\n").await.0, 200);

    // A page elsewhere posting to fc-local (the browser adds Origin, no preflight needed).
    let evil = format!("{host}origin: http://evil.example\r\n");
    assert_eq!(get(addr, &evil).await, (403, "AccessDenied".to_owned()));
    let null = format!("{host}origin: null\r\n");
    assert_eq!(get(addr, &null).await.0, 403);
    let local_page = format!("{host}origin: http://localhost:3000\r\n");
    assert_eq!(get(addr, &local_page).await.0, 200);

    // DNS rebinding: a foreign name that resolves to 127.0.0.1.
    assert_eq!(
        get(addr, "host: rebind.evil.example:80\r\n").await,
        (403, "AccessDenied".to_owned())
    );
}

#[tokio::test]
async fn allowed_hosts_are_answered() {
    let server = FcLocal::new()
        .auth(false)
        .allow_host("Dev.Example.com")
        .start()
        .await
        .expect("start");
    let addr = server.addr();
    assert_eq!(get(addr, "host: dev.example.com:9000\r\n").await.0, 200);
    assert_eq!(
        get(
            addr,
            "host: dev.example.com\r\norigin: https://dev.example.com\r\n"
        )
        .await
        .0,
        200
    );
    assert_eq!(get(addr, "host: other.example.com\r\n").await.0, 403);
}
