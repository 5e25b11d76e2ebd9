//! Code packages that would hurt at their first invocation are refused when they are uploaded,
//! before anything is inflated: corrupt archives, entries escaping the code directory, and
//! archives declaring more than fc-local's unpacked cap.

mod client;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use client::{python, start};
use fc_client::code::{ZipEntry, zip_entries};
use fc_client::types::{CreateFunctionInput, InputCodeLocation, UpdateFunctionInput};
use fc_local::config::MAX_UNPACKED_CODE_BYTES;

const SOURCE: &str = "def handler(event, context):\n    return 'ok'\n";

/// A small valid package whose central directory says its one entry inflates to `declared` bytes.
fn declaring(declared: u32) -> Vec<u8> {
    let mut zip = zip_entries(vec![ZipEntry::file("index.py", SOURCE.into(), 0o644)]).unwrap();
    let central = zip
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("a central directory header");
    zip[central + 24..central + 28].copy_from_slice(&declared.to_le_bytes());
    zip
}

/// A package whose entry is named `../escape.py` (written as `aa/escape.py`, then renamed in
/// both headers).
fn escaping() -> Vec<u8> {
    let zip = zip_entries(vec![ZipEntry::file("aa/escape.py", SOURCE.into(), 0o644)]).unwrap();
    let mut out = zip.clone();
    for at in 0..zip.len().saturating_sub(12) {
        if &zip[at..at + 12] == b"aa/escape.py" {
            out[at..at + 12].copy_from_slice(b"../escape.py");
        }
    }
    out
}

fn code(zip: &[u8]) -> fc_client::types::builder::InputCodeLocation {
    InputCodeLocation::builder().zip_file(STANDARD.encode(zip))
}

#[tokio::test]
async fn hostile_packages_are_refused_at_create_and_update() {
    let (_server, client) = start().await;
    let over_cap = u32::try_from(MAX_UNPACKED_CODE_BYTES + 1).expect("the cap fits a ZIP header");
    let cases: [(&str, Vec<u8>); 3] = [
        ("bomb", declaring(over_cap)),
        ("escape", escaping()),
        ("corrupt", b"PK\x03\x04 not really a zip".to_vec()),
    ];
    for (name, zip) in &cases {
        let error = client
            .create_function()
            .body(
                CreateFunctionInput::builder()
                    .function_name(format!("hostile-{name}"))
                    .runtime("python3.10")
                    .handler("index.handler")
                    .code(code(zip)),
            )
            .send()
            .await
            .expect_err(name);
        assert_eq!(error.status(), Some(400), "{name}: {error}");
        assert!(error.message().contains("code.zipFile"), "{name}: {error}");
        let missing = client
            .get_function()
            .function_name(format!("hostile-{name}"))
            .send()
            .await
            .expect_err("nothing was created");
        assert!(missing.is_not_found());
    }

    python(&client, "victim", 10, SOURCE).await;
    for (name, zip) in &cases {
        let error = client
            .update_function()
            .function_name("victim")
            .body(UpdateFunctionInput::builder().code(code(zip)))
            .send()
            .await
            .expect_err(name);
        assert_eq!(error.status(), Some(400), "{name}: {error}");
    }
    let answer = client
        .invoke("victim")
        .send()
        .await
        .expect("invoke")
        .text()
        .await
        .expect("text");
    assert_eq!(answer, "ok", "the old code still runs");
}

#[tokio::test]
async fn a_package_under_the_cap_is_accepted() {
    let (_server, client) = start().await;
    let zip = zip_entries(vec![ZipEntry::file("index.py", SOURCE.into(), 0o644)]).unwrap();
    client
        .create_function()
        .body(
            CreateFunctionInput::builder()
                .function_name("fine")
                .runtime("python3.10")
                .handler("index.handler")
                .code(code(&zip)),
        )
        .send()
        .await
        .expect("a well-formed package");
}
