//! FC 2.0: write a function only if nobody changed it since it was read (`If-Match`), or let the
//! client do the read-modify-write.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fc_client::Client;
use fc_client::code::{CodePackage, ZipEntry};
use fc_client::conditional::ResponseETag;
use fc_client::fc2::types::{Code, CreateFunctionInput, CreateServiceInput, UpdateFunctionInput};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // FC 2.0 shares the FC 3.0 client's configuration and connections.
    let fc2 = Client::from_env()?.fc2()?;

    fc2.create_service()
        .body(CreateServiceInput::builder().service_name("tasks-service"))
        .send()
        .await?;
    let source = "def handler(event, context):\n    return 'hello from FC 2.0'\n";
    let package = CodePackage::from_entries([ZipEntry::file("index.py", source.into(), 0o644)])?;
    fc2.create_function()
        .service_name("tasks-service")
        .body(
            CreateFunctionInput::builder()
                .function_name("tasks-function")
                .runtime("python3.10")
                .handler("index.handler")
                .memory_size(128)
                .code(Code::builder().zip_file(STANDARD.encode(package.zip_bytes()))),
        )
        .send()
        .await?;

    // Read the function and its ETag, then write under that ETag.
    let read = fc2
        .get_function()
        .service_name("tasks-service")
        .function_name("tasks-function")
        .send()
        .await?;
    let etag = read.etag().expect("GetFunction answers carry an ETag");
    fc2.update_function()
        .service_name("tasks-service")
        .function_name("tasks-function")
        .if_match(etag.as_str())
        .body(UpdateFunctionInput::builder().memory_size(256))
        .send()
        .await?;

    // A writer still holding the old ETag is refused with 412, and nothing changes.
    let stale = fc2
        .update_function()
        .service_name("tasks-service")
        .function_name("tasks-function")
        .if_match(etag)
        .body(UpdateFunctionInput::builder().memory_size(512))
        .send()
        .await
        .expect_err("the ETag is stale");
    assert!(stale.is_precondition_failed());
    println!("{stale}");

    // Or: read, change, write under the fresh ETag, re-reading after a lost race.
    let doubled = fc2
        .modify_function("tasks-service", "tasks-function")
        .apply(|current| {
            UpdateFunctionInput::builder().memory_size(current.memory_size.unwrap_or(128) * 2)
        })
        .await?;
    println!("{:?} MB", doubled.memory_size);

    fc2.delete_function()
        .service_name("tasks-service")
        .function_name("tasks-function")
        .send()
        .await?;
    fc2.delete_service()
        .service_name("tasks-service")
        .send()
        .await?;
    Ok(())
}
