//! `static-responder [--port N] [--body-file FILE]`: serves [`StaticResponder`] until killed
//! and prints `listening on http://127.0.0.1:<port>` once it accepts connections. The
//! benchmark peers of `cargo xtask bench` (the official Python and Node.js SDKs, fc-client and a
//! bare reqwest client) all call it.
//!
//! [`StaticResponder`]: fc_test_support::static_responder::StaticResponder

use fc_test_support::static_responder::StaticResponder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 0;
    let mut body = br#"{"functionName":"bench"}"#.to_vec();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().ok_or("--port needs a value")?.parse()?,
            "--body-file" => body = std::fs::read(args.next().ok_or("--body-file needs a path")?)?,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let responder = StaticResponder::start(port, body).await?;
        println!("listening on {}", responder.url());
        std::future::pending::<()>().await;
        Ok::<(), std::io::Error>(())
    })?;
    Ok(())
}
