//! Requests that real deployments send pass fc-client's input checks and fc-local accepts them;
//! what the service refuses for every instance type stays refused, by both.
//!
//! Regression for client-side limits that were stricter than the service (the CPU-instance table
//! applied to GPU functions, a required deprecated field, lower bounds above the documented ones).

mod client;

use client::{code, start};
use fc_client::types::{
    CreateFunctionInput, CustomContainerConfigInput, CustomHealthCheckConfigInput, GpuConfigInput,
    GpuType, PutAsyncInvokeConfigInput, PutProvisionConfigInput, UpdateFunctionInput,
};
use fc_client::{Client, ErrorKind};

const GPU_IMAGE: &str = "registry.cn-shanghai.aliyuncs.com/example/llm-server:v1";

/// A nested input built from its builder (the parent's setter takes the finished value).
/// The GPU function of a public deployment script: 8 vCPUs, 64 GB memory, a 48 GB Ada card.
fn gpu_function(name: &str) -> CreateFunctionInput {
    CreateFunctionInput::builder()
        .function_name(name)
        .runtime("custom-container")
        .handler("index.handler")
        .cpu(8.0)
        .memory_size(65536)
        .disk_size(10240)
        .timeout(600)
        .instance_concurrency(1)
        .gpu_config(
            GpuConfigInput::builder()
                .gpu_type(GpuType::FcGpuAda1)
                .gpu_memory_size(49152),
        )
        .custom_container_config(
            CustomContainerConfigInput::builder()
                .image(GPU_IMAGE.to_owned())
                .port(9000)
                .health_check_config(
                    CustomHealthCheckConfigInput::builder()
                        .http_get_url("/health".to_owned())
                        .initial_delay_seconds(0)
                        .period_seconds(0)
                        .timeout_seconds(0)
                        .failure_threshold(0)
                        .success_threshold(0),
                ),
        )
        .try_into()
        .expect("a complete CreateFunctionInput")
}

/// A Python function of `memory_size` MB with one file.
fn cpu_function(name: &str, memory_size: i32) -> fc_client::types::builder::CreateFunctionInput {
    CreateFunctionInput::builder()
        .function_name(name)
        .runtime("python3.10")
        .handler("index.handler")
        .memory_size(memory_size)
        .code(code(&[("index.py", "def handler(e, c):\n    return e\n")]))
}

/// Sends CreateFunction with `input`.
async fn create(
    client: &Client,
    input: fc_client::types::builder::CreateFunctionInput,
) -> Result<(), fc_client::Error> {
    let input: CreateFunctionInput = input.try_into().expect("valid input");
    client.create_function().body(input).send().await?;
    Ok(())
}

/// The client refused `result` before sending, naming `field`.
fn refused_before_sending<T: std::fmt::Debug, E: Into<fc_client::Error>>(
    result: Result<T, E>,
    field: &str,
) {
    let error: fc_client::Error = result
        .map_err(Into::into)
        .expect_err("the client refuses it");
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert!(error.to_string().contains(field), "{error}");
}

#[tokio::test]
async fn a_gpu_function_beyond_the_cpu_instance_table_is_created_and_updated() {
    let (_server, client) = start().await;
    let created = client
        .create_function()
        .body(gpu_function("llm"))
        .send()
        .await
        .expect("fc-client and fc-local accept the GPU function");
    assert_eq!(created.memory_size, Some(65536));
    assert_eq!(created.cpu, Some(8.0));
    let gpu = created.gpu_config.as_ref().expect("gpu config");
    assert_eq!(gpu.gpu_type, Some(GpuType::FcGpuAda1));
    assert_eq!(gpu.gpu_memory_size, Some(49152));

    // A larger card: UpdateFunction documents no range at all, only the steps.
    let updated = client
        .update_function()
        .function_name("llm")
        .body(
            UpdateFunctionInput::builder()
                .cpu(16.0)
                .memory_size(98304)
                .gpu_config(
                    GpuConfigInput::builder()
                        .gpu_type(GpuType::FcGpuHopper1)
                        .gpu_memory_size(98304),
                ),
        )
        .send()
        .await
        .expect("the update is accepted");
    assert_eq!(updated.memory_size, Some(98304));
    assert_eq!(updated.cpu, Some(16.0));
}

#[tokio::test]
async fn the_looser_documented_bounds_are_accepted() {
    let (_server, client) = start().await;
    create(
        &client,
        cpu_function("small", 64)
            .timeout(0)
            .instance_concurrency(500),
    )
    .await
    .expect("64 MB, timeout 0 and a concurrency above 200 pass");
    client
        .put_async_invoke_config()
        .function_name("small")
        .body(
            PutAsyncInvokeConfigInput::builder()
                .max_async_event_age_in_seconds(2_592_000)
                .max_async_retry_attempts(8),
        )
        .send()
        .await
        .expect("an event age of 30 days is accepted");
}

#[tokio::test]
async fn a_provision_config_with_only_default_target_is_accepted() {
    let (_server, client) = start().await;
    create(&client, cpu_function("warm", 512))
        .await
        .expect("function");
    let config = client
        .put_provision_config()
        .function_name("warm")
        .qualifier("LATEST")
        .body(
            PutProvisionConfigInput::builder()
                .default_target(2)
                .always_allocate_cpu(true),
        )
        .send()
        .await
        .expect("defaultTarget alone is enough");
    assert_eq!(config.default_target, Some(2));
    assert_eq!(config.current, Some(2));
}

#[tokio::test]
async fn what_every_instance_type_refuses_stays_refused() {
    let (_server, client) = start().await;
    refused_before_sending(
        create(&client, cpu_function("odd", 200)).await,
        "memorySize",
    );
    refused_before_sending(
        create(&client, cpu_function("odd", 512).cpu(0.33)).await,
        "cpu",
    );
    refused_before_sending(
        create(&client, cpu_function("odd", 512).disk_size(2048)).await,
        "diskSize",
    );
    refused_before_sending(
        create(&client, cpu_function("odd", 512).timeout(86401)).await,
        "timeout",
    );
    refused_before_sending(
        client
            .update_function()
            .function_name("odd")
            .body(UpdateFunctionInput::builder().memory_size(1000))
            .send()
            .await,
        "memorySize",
    );
    refused_before_sending(
        client
            .update_function()
            .function_name("odd")
            .body(UpdateFunctionInput::builder().cpu(1.01))
            .send()
            .await,
        "cpu",
    );
}

#[tokio::test]
async fn fc_local_refuses_what_the_cpu_instance_table_refuses() {
    let (_server, client) = start().await;
    // Allowed by the spec (GPU functions need it) but beyond a CPU instance: the service's
    // check, which fc-local applies when there is no gpuConfig.
    let error = create(&client, cpu_function("big", 65536))
        .await
        .expect_err("64 GB without a GPU");
    assert_eq!(error.status(), Some(400), "{error}");
    assert!(error.to_string().contains("memorySize"), "{error}");
    let error = create(&client, cpu_function("wide", 1024).cpu(4.0))
        .await
        .expect_err("4 vCPUs with 1 GB");
    assert_eq!(error.status(), Some(400), "{error}");
    assert!(error.to_string().contains("cpu"), "{error}");
}
