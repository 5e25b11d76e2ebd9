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
pub mod tags;
pub mod triggers;
pub mod versions;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodFilter, MethodRouter, delete, get, on, post, put};

use crate::error::FcError;
use crate::state::AppState;

/// The handler of an emulated action, or `None`.
fn emulated(action: &str) -> Option<MethodRouter<AppState>> {
    Some(match action {
        "CreateFunction" => post(functions::create),
        "GetFunction" => get(functions::get),
        "UpdateFunction" => put(functions::update),
        "DeleteFunction" => delete(functions::delete),
        "ListFunctions" => get(functions::list),
        "GetFunctionCode" => get(functions::get_code),
        "DisableFunctionInvocation" => post(functions::disable),
        "EnableFunctionInvocation" => post(functions::enable),
        "InvokeFunction" => post(invoke::invoke),
        "GetAsyncTask" => get(async_tasks::get),
        "ListAsyncTasks" => get(async_tasks::list),
        "StopAsyncTask" => put(async_tasks::stop),
        "ListInstances" => get(instances::list),
        "PublishFunctionVersion" => post(versions::publish),
        "ListFunctionVersions" => get(versions::list),
        "DeleteFunctionVersion" => delete(versions::delete),
        "CreateAlias" => post(aliases::create),
        "GetAlias" => get(aliases::get),
        "UpdateAlias" => put(aliases::update),
        "ListAliases" => get(aliases::list),
        "DeleteAlias" => delete(aliases::delete),
        "CreateTrigger" => post(triggers::create),
        "GetTrigger" => get(triggers::get),
        "UpdateTrigger" => put(triggers::update),
        "ListTriggers" => get(triggers::list),
        "DeleteTrigger" => delete(triggers::delete),
        "PutAsyncInvokeConfig" => put(configs::async_invoke::put),
        "GetAsyncInvokeConfig" => {
            get(configs::get_config::<configs::async_invoke::AsyncInvokeConfigs>)
        }
        "DeleteAsyncInvokeConfig" => {
            delete(configs::delete_config::<configs::async_invoke::AsyncInvokeConfigs>)
        }
        "ListAsyncInvokeConfigs" => get(configs::async_invoke::list),
        "PutConcurrencyConfig" => put(configs::concurrency::put),
        "GetConcurrencyConfig" => {
            get(configs::get_config::<configs::concurrency::ConcurrencyConfigs>)
        }
        "DeleteConcurrencyConfig" => {
            delete(configs::delete_config::<configs::concurrency::ConcurrencyConfigs>)
        }
        "ListConcurrencyConfigs" => get(configs::concurrency::list),
        "PutProvisionConfig" => put(configs::provision::put),
        "GetProvisionConfig" => get(configs::get_config::<configs::provision::ProvisionConfigs>),
        "DeleteProvisionConfig" => {
            delete(configs::delete_config::<configs::provision::ProvisionConfigs>)
        }
        "ListProvisionConfigs" => get(configs::provision::list),
        "PutScalingConfig" => put(configs::scaling::put),
        "GetScalingConfig" => get(configs::get_config::<configs::scaling::ScalingConfigs>),
        "DeleteScalingConfig" => delete(configs::delete_config::<configs::scaling::ScalingConfigs>),
        "ListScalingConfigs" => get(configs::scaling::list),
        "CreateCustomDomain" => post(custom_domains::create),
        "GetCustomDomain" => get(custom_domains::get),
        "UpdateCustomDomain" => put(custom_domains::update),
        "ListCustomDomains" => get(custom_domains::list),
        "DeleteCustomDomain" => delete(custom_domains::delete),
        "CreateLayerVersion" => post(layers::create_version),
        "GetLayerVersion" => get(layers::get_version),
        "GetLayerVersionByArn" => get(layers::get_version_by_arn),
        "DeleteLayerVersion" => delete(layers::delete_version),
        "ListLayerVersions" => get(layers::list_versions),
        "ListLayers" => get(layers::list_layers),
        "PutLayerACL" => put(layers::put_acl),
        "TagResources" => post(tags::tag),
        "UntagResources" => delete(tags::untag),
        "ListTagResources" => get(tags::list),
        "DescribeRegions" => get(account::describe_regions),
        "CreateVpcBinding" => post(account::create_vpc_binding),
        "ListVpcBindings" => get(account::list_vpc_bindings),
        "DeleteVpcBinding" => delete(account::delete_vpc_binding),
        _ => return None,
    })
}

/// The actions this build emulates (the others answer 501).
pub fn emulated_actions() -> Vec<&'static str> {
    fc_models::API
        .operations
        .iter()
        .map(|op| op.action)
        .filter(|action| emulated(action).is_some())
        .collect()
}

fn method_filter(method: &str) -> Option<MethodFilter> {
    MethodFilter::try_from(Method::from_bytes(method.as_bytes()).ok()?).ok()
}

fn not_implemented(method: MethodFilter, action: &'static str) -> MethodRouter<AppState> {
    on(
        method,
        move || async move { FcError::not_implemented(action) },
    )
}

/// The complete application: API routes, code links, the FC-shaped fallback and the
/// middleware (request id outermost, then body limit and signature check).
pub fn router(state: AppState) -> Router {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for op in fc_models::API.operations {
        let Some(filter) = method_filter(op.method) else {
            continue;
        };
        let route = emulated(op.action).unwrap_or_else(|| not_implemented(filter, op.action));
        let merged = match by_path.remove(op.path) {
            Some(existing) => existing.merge(route),
            None => route,
        };
        by_path.insert(op.path, merged);
    }
    let mut router = Router::new();
    for (path, route) in by_path {
        router = router.route(path, route);
    }
    router
        .route(
            &format!("{}{{token}}", code_link::DOWNLOAD_PREFIX),
            get(code_link::download),
        )
        .route(
            &format!("{}{{*rest}}", triggers::HTTP_TRIGGER_PREFIX),
            axum::routing::any(triggers::invoke_http),
        )
        .fallback(|| async { FcError::path_not_supported() })
        .layer(middleware::from_fn_with_state(
            crate::body::Gate {
                config: state.config.clone(),
                unsigned_prefixes: &[code_link::DOWNLOAD_PREFIX, triggers::HTTP_TRIGGER_PREFIX],
            },
            crate::body::layer,
        ))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(crate::request_id::layer))
        .with_state(state)
}
