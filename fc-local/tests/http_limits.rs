//! Requests the HTTP library refuses by itself (a target over 64 KiB, too many or too large
//! headers, conflicting lengths) are answered like every other refusal: an FC-shaped JSON body
//! with a request id.

use fc_local::FcLocal;
use fc_test_support::raw_client::send_raw;

#[tokio::test]
async fn the_http_layers_own_refusals_are_fc_shaped() {
    let server = FcLocal::new().start().await.expect("start");
    let addr = server.addr();
    let host = format!("host: {addr}\r\n");
    let long_path = format!(
        "GET /2023-03-30/functions/{} HTTP/1.1\r\n{host}\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET /2023-03-30/functions HTTP/1.1\r\n{host}{}\r\n",
        (0..200)
            .map(|i| format!("x-h{i}: v\r\n"))
            .collect::<String>()
    );
    let huge_header = format!(
        "GET /2023-03-30/functions HTTP/1.1\r\n{host}x-big: {}\r\n\r\n",
        "b".repeat(1 << 20)
    );
    let conflicting = format!(
        "POST /2023-03-30/functions HTTP/1.1\r\n{host}content-length: 2\r\ncontent-length: 3\r\n\r\n{{}}"
    );
    for (what, request, status) in [
        ("a 70 KB path", long_path, 414),
        ("200 headers", many_headers, 431),
        ("a 1 MiB header", huge_header, 431),
        ("conflicting Content-Length", conflicting, 400),
    ] {
        let reply = send_raw(addr, request.as_bytes()).await;
        assert_eq!(reply.status, status, "{what}");
        let id = reply
            .header("x-fc-request-id")
            .expect("a request id")
            .to_owned();
        let json = reply.json();
        assert_eq!(json["Code"], "InvalidArgument", "{what}: {json}");
        assert_eq!(json["RequestId"], id.as_str(), "{what}");
        assert!(
            json["Message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // The connection of an ordinary request is untouched.
    let fine = send_raw(
        addr,
        format!("GET /nothing HTTP/1.1\r\n{host}connection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert_eq!(fine.status, 403, "unsigned, so refused by fc-local itself");
    assert_eq!(fine.json()["Code"], "AccessDenied");
}
