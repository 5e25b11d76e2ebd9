//! The HTTP surface: every operation of the API is routed, from the operation table generated
//! from the spec (`fc_models::API.operations`); operations fc-local does not emulate answer
//! `501 NotImplemented` naming the action.

pub mod account;
pub mod aliases;
pub mod async_tasks;
pub mod code_link;
pub mod configs;
pub mod custom_domains;
pub mod functions;
pub mod instances;
pub mod invoke;
pub mod layers;
pub mod resource_groups;
pub mod sessions;
pub mod snapshots;
pub mod table;
pub mod tags;
pub mod triggers;
pub mod versions;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, on};
use axum::{Router, middleware};
use configs::{async_invoke, concurrency, delete_config, get_config, provision, scaling};

use crate::error::FcError;
use crate::state::AppState;
use table::Handlers;

/// The action → handler map: every action fc-local emulates, with its handler. Methods and
/// paths come from the operation table (`fc_models::API`), not from here; an action missing from
/// the table would never be routed (a unit test checks there is none).
const HANDLERS: Handlers = Handlers(&[
    ("CreateFunction", |m| on(m, functions::create)),
    ("GetFunction", |m| on(m, functions::get)),
    ("UpdateFunction", |m| on(m, functions::update)),
    ("DeleteFunction", |m| on(m, functions::delete)),
    ("ListFunctions", |m| on(m, functions::list)),
    ("GetFunctionCode", |m| on(m, functions::get_code)),
    ("DisableFunctionInvocation", |m| on(m, functions::disable)),
    ("EnableFunctionInvocation", |m| on(m, functions::enable)),
    ("InvokeFunction", |m| on(m, invoke::invoke)),
    ("GetAsyncTask", |m| on(m, async_tasks::get)),
    ("ListAsyncTasks", |m| on(m, async_tasks::list)),
    ("StopAsyncTask", |m| on(m, async_tasks::stop)),
    ("ListInstances", |m| on(m, instances::list)),
    ("PublishFunctionVersion", |m| on(m, versions::publish)),
    ("ListFunctionVersions", |m| on(m, versions::list)),
    ("DeleteFunctionVersion", |m| on(m, versions::delete)),
    ("CreateAlias", |m| on(m, aliases::create)),
    ("GetAlias", |m| on(m, aliases::get)),
    ("UpdateAlias", |m| on(m, aliases::update)),
    ("ListAliases", |m| on(m, aliases::list)),
    ("DeleteAlias", |m| on(m, aliases::delete)),
    ("CreateTrigger", |m| on(m, triggers::create)),
    ("GetTrigger", |m| on(m, triggers::get)),
    ("UpdateTrigger", |m| on(m, triggers::update)),
    ("ListTriggers", |m| on(m, triggers::list)),
    ("DeleteTrigger", |m| on(m, triggers::delete)),
    ("PutAsyncInvokeConfig", |m| on(m, async_invoke::put)),
    ("GetAsyncInvokeConfig", |m| {
        on(m, get_config::<async_invoke::AsyncInvokeConfigs>)
    }),
    ("DeleteAsyncInvokeConfig", |m| {
        on(m, delete_config::<async_invoke::AsyncInvokeConfigs>)
    }),
    ("ListAsyncInvokeConfigs", |m| on(m, async_invoke::list)),
    ("PutConcurrencyConfig", |m| on(m, concurrency::put)),
    ("GetConcurrencyConfig", |m| {
        on(m, get_config::<concurrency::ConcurrencyConfigs>)
    }),
    ("DeleteConcurrencyConfig", |m| {
        on(m, delete_config::<concurrency::ConcurrencyConfigs>)
    }),
    ("ListConcurrencyConfigs", |m| on(m, concurrency::list)),
    ("PutProvisionConfig", |m| on(m, provision::put)),
    ("GetProvisionConfig", |m| {
        on(m, get_config::<provision::ProvisionConfigs>)
    }),
    ("DeleteProvisionConfig", |m| {
        on(m, delete_config::<provision::ProvisionConfigs>)
    }),
    ("ListProvisionConfigs", |m| on(m, provision::list)),
    ("PutScalingConfig", |m| on(m, scaling::put)),
    ("GetScalingConfig", |m| {
        on(m, get_config::<scaling::ScalingConfigs>)
    }),
    ("DeleteScalingConfig", |m| {
        on(m, delete_config::<scaling::ScalingConfigs>)
    }),
    ("ListScalingConfigs", |m| on(m, scaling::list)),
    ("CreateCustomDomain", |m| on(m, custom_domains::create)),
    ("GetCustomDomain", |m| on(m, custom_domains::get)),
    ("UpdateCustomDomain", |m| on(m, custom_domains::update)),
    ("ListCustomDomains", |m| on(m, custom_domains::list)),
    ("DeleteCustomDomain", |m| on(m, custom_domains::delete)),
    ("CreateLayerVersion", |m| on(m, layers::create_version)),
    ("GetLayerVersion", |m| on(m, layers::get_version)),
    ("GetLayerVersionByArn", |m| {
        on(m, layers::get_version_by_arn)
    }),
    ("DeleteLayerVersion", |m| on(m, layers::delete_version)),
    ("ListLayerVersions", |m| on(m, layers::list_versions)),
    ("ListLayers", |m| on(m, layers::list_layers)),
    ("PutLayerACL", |m| on(m, layers::put_acl)),
    ("TagResources", |m| on(m, tags::tag)),
    ("UntagResources", |m| on(m, tags::untag)),
    ("ListTagResources", |m| on(m, tags::list)),
    ("DescribeRegions", |m| on(m, account::describe_regions)),
    ("CreateVpcBinding", |m| on(m, account::create_vpc_binding)),
    ("ListVpcBindings", |m| on(m, account::list_vpc_bindings)),
    ("DeleteVpcBinding", |m| on(m, account::delete_vpc_binding)),
    ("ChangeResourceGroup", |m| on(m, resource_groups::change)),
    ("CreateSession", |m| on(m, sessions::create)),
    ("GetSession", |m| on(m, sessions::get)),
    ("UpdateSession", |m| on(m, sessions::update)),
    ("DeleteSession", |m| on(m, sessions::delete)),
    ("ListSessions", |m| on(m, sessions::list)),
    ("PauseSession", |m| on(m, sessions::pause)),
    ("ResumeSession", |m| on(m, sessions::resume)),
    ("CreateSnapshot", |m| on(m, snapshots::create)),
    ("GetSnapshot", |m| on(m, snapshots::get)),
    ("ListSnapshots", |m| on(m, snapshots::list)),
    ("DeleteSnapshot", |m| on(m, snapshots::delete)),
]);

/// The actions this build emulates, in the order of the operation table (the others answer
/// 501). Derived from the action → handler map; `cargo run -p fc-local --example
/// emulated_operations` prints them, and `cargo xtask peer` runs schemathesis on them.
pub fn emulated_actions() -> Vec<&'static str> {
    HANDLERS.emulated(&fc_models::API)
}

/// The complete application: API routes, code links, HTTP triggers, the console, the
/// FC-shaped fallback and the
/// middleware (request id outermost, then body limit and signature check).
///
/// Every operation of the table is routed on its method and path; operations on one path share
/// its route. An emulated operation's requests carry the operation (an `&'static Operation`
/// extension) for the extractors of [`crate::extract`], which apply its checks.
pub fn router(state: AppState) -> Router {
    HANDLERS
        .routes(&fc_models::API, |_| None)
        .route_layer(middleware::from_fn(crate::fc2::twins::guard))
        .route(
            &format!("{}{{token}}", code_link::DOWNLOAD_PREFIX),
            get(code_link::download),
        )
        .route(
            &format!("{}{{*rest}}", crate::http_trigger::PREFIX),
            axum::routing::any(crate::http_trigger::serve),
        )
        .merge(
            crate::fc2::routes().route_layer(middleware::from_fn_with_state(
                state.faults.clone(),
                crate::faults::layer,
            )),
        )
        .merge(crate::console::routes(state.clone()))
        .fallback(|| async { FcError::path_not_supported() })
        .layer(middleware::from_fn_with_state(
            crate::gate::Gate {
                config: state.config.clone(),
                // The console checks its token or the signature itself.
                unsigned_prefixes: &[
                    code_link::DOWNLOAD_PREFIX,
                    crate::http_trigger::PREFIX,
                    crate::console::PREFIX,
                ],
                nonces: std::sync::Arc::default(),
            },
            crate::gate::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http_trigger::custom_domain::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::guard::layer,
        ))
        .layer(axum::Extension(state.faults.clone()))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(crate::request_id::layer))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends a request without signature to a server started with signature checks off.
    async fn send(base: &str, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let reply = reqwest::Client::new()
            .request(method, format!("{base}{path}"))
            .body(body.to_owned())
            .send()
            .await
            .expect("reply");
        let status = reply.status().as_u16();
        (status, reply.json().await.unwrap_or_default())
    }

    #[test]
    fn every_handled_action_is_an_operation_of_the_table_once() {
        HANDLERS.assert_all_in(&fc_models::API);
    }

    #[tokio::test]
    async fn routes_carry_their_operation_and_unknown_actions_answer_501() {
        assert!(HANDLERS.get("CreateSession").is_some());
        let server = crate::FcLocal::new()
            .auth(false)
            .start()
            .await
            .expect("start");
        let base = server.endpoint();
        let (status, body) = send(&base, "POST", "/2023-03-30/functions/f/sessions", "{}").await;
        assert_eq!((status, &body["Code"]), (404, &"FunctionNotFound".into()));
        // Every FC 3.0 operation is emulated; an FC 2.0 one without a handler shows the 501.
        let (status, body) = send(&base, "GET", "/2021-04-06/reserved-capacities", "").await;
        assert_eq!(status, 501, "{body}");
        assert!(
            body.to_string().contains("ListReservedCapacities"),
            "{body}"
        );
        let (status, body) = send(&base, "GET", "/2023-03-30/functions?limit=500", "").await;
        assert_eq!((status, &body["Code"]), (400, &"InvalidArgument".into()));
        assert_eq!(
            body["Message"],
            "query parameter limit is 500; the maximum is 100"
        );
        let (status, body) = send(
            &base,
            "PUT",
            "/2023-03-30/functions/f",
            r#"{"timeout":"x"}"#,
        )
        .await;
        assert_eq!(status, 400);
        assert!(
            body["Message"].as_str().unwrap_or("").contains("timeout"),
            "{body}"
        );
        server.shutdown().await;
    }
}
