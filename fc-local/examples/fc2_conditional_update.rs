//! FC 2.0's UpdateFunction with `If-Match` (the seed document's flow) against an embedded
//! fc-local: create a service and a function, read its ETag, update it under that ETag, see a
//! second update with the old ETag refused and nothing changed, then let the read-modify-write
//! loop do the same safely; invoke the result; clean up.
//!
//! ```sh
//! cargo run -p fc-local --example fc2_conditional_update
//! ```

use std::error::Error;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use fc_client::code::{CodePackage, ZipEntry};
use fc_client::conditional::ResponseETag;
use fc_client::fc2::types::{
    Code, CreateFunctionInput, CreateServiceInput, Runtime, UpdateFunctionInput,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let server = fc_local::FcLocal::new().start().await?;
    let fc2 = server.fc2_client()?;

    fc2.create_service()
        .body(CreateServiceInput::builder().service_name("demoService"))
        .send()
        .await?;
    let source = "def handler(event, context):\n    return 'hello from FC 2.0'\n";
    let package = CodePackage::from_entries([ZipEntry::file("index.py", source.into(), 0o644)])?;
    let code: Code = Code::builder()
        .zip_file(STANDARD.encode(package.zip_bytes()))
        .try_into()?;
    fc2.create_function()
        .service_name("demoService")
        .body(
            CreateFunctionInput::builder()
                .function_name("demoFunction")
                .runtime(Runtime::from("python3.10"))
                .handler("index.handler")
                .memory_size(128)
                .code(code),
        )
        .send()
        .await?;

    // GetFunction answers the function and its ETag.
    let read = fc2
        .get_function()
        .service_name("demoService")
        .function_name("demoFunction")
        .send()
        .await?;
    let etag = read.etag().ok_or("GetFunction sent no ETag")?;
    println!(
        "GetFunction: memorySize {:?}, ETag {etag}",
        read.memory_size
    );

    // An update under the current ETag succeeds and changes the ETag.
    let updated = fc2
        .update_function()
        .service_name("demoService")
        .function_name("demoFunction")
        .if_match(etag.clone())
        .body(UpdateFunctionInput::builder().memory_size(256))
        .send()
        .await?;
    println!(
        "UpdateFunction with If-Match: memorySize {:?}, new ETag {:?}",
        updated.memory_size,
        updated.etag()
    );

    // A writer still holding the old ETag is refused with 412, and nothing changes.
    let stale = fc2
        .update_function()
        .service_name("demoService")
        .function_name("demoFunction")
        .if_match(etag)
        .body(UpdateFunctionInput::builder().memory_size(512))
        .send()
        .await;
    let refused = stale.err().ok_or("a stale If-Match was accepted")?;
    if !refused.is_precondition_failed() {
        return Err(format!("expected PreconditionFailed, got {refused}").into());
    }
    println!("UpdateFunction with the old ETag: {refused}");

    // The read-modify-write loop reads, applies the change and writes under the fresh ETag.
    let modified = fc2
        .modify_function("demoService", "demoFunction")
        .apply(|current| {
            let memory = current.memory_size.unwrap_or(128);
            UpdateFunctionInput::builder().memory_size(memory * 2)
        })
        .await?;
    println!("modify_function: memorySize {:?}", modified.memory_size);
    if modified.memory_size != Some(512) {
        return Err("the read-modify-write loop did not apply its change".into());
    }

    let answer = fc2
        .invoke("demoService", "demoFunction")
        .send()
        .await?
        .text()
        .await?;
    println!("InvokeFunction: {answer}");

    fc2.delete_function()
        .service_name("demoService")
        .function_name("demoFunction")
        .send()
        .await?;
    fc2.delete_service()
        .service_name("demoService")
        .send()
        .await?;
    server.shutdown().await;
    Ok(())
}
