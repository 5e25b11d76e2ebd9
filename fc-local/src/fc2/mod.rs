//! FC 2.0 (`fc-open` 2021-04-06, and the classic 2016-08-15 paths): services holding functions,
//! conditional writes with ETags, service versions and aliases, triggers, invocation.
//!
//! Every operation of `fc_models::fc2::API` is routed at its path and at the same path under
//! `/2016-08-15/` (the classic SDKs); the operations without a handler here answer 501 naming
//! the action. Errors on these paths have FC 2.0's body (`ErrorCode`, `ErrorMessage`;
//! `request_id::layer`), and requests may be signed with ACS3 or the classic `FC` scheme
//! (`gate`).
//!
//! State lives in the one store: services, their functions, triggers, versions and aliases as
//! resources (`store::resources::Kind::Service*`), each with its ETag; each function also as the
//! FC 3.0 function `service$function` ([`resource::fc3_name`]), which is how the FC 3.0 API
//! lists functions of FC 2.0 services, and what runs when one is invoked.

mod asynchronous;
mod bindings;
mod capacity;
mod domains;
mod functions;
mod instances;
mod invoke;
mod layers;
pub mod proxy;
pub mod qualifier;
pub mod resource;
mod services;
mod tags;
mod triggers;
pub mod twins;
mod versions;

use axum::Router;
use axum::routing::on;

use crate::api::table::Handlers;
use crate::state::AppState;

/// The path prefix of the 2021-04-06 API (the generated SDKs).
pub const OPEN_PREFIX: &str = "/2021-04-06/";
/// The path prefix of the 2016-08-15 API (the classic SDKs).
pub const CLASSIC_PREFIX: &str = "/2016-08-15/";

/// Whether `path` is one of FC 2.0's.
///
/// ```
/// assert!(fc_local::fc2::is_fc2_path("/2016-08-15/services"));
/// assert!(!fc_local::fc2::is_fc2_path("/2023-03-30/functions"));
/// ```
pub fn is_fc2_path(path: &str) -> bool {
    path.starts_with(OPEN_PREFIX) || path.starts_with(CLASSIC_PREFIX)
}

/// The FC 2.0 actions fc-local emulates, with their handlers (methods and paths come from the
/// operation table).
const HANDLERS: Handlers = Handlers(&[
    ("CreateService", |m| on(m, services::create)),
    ("GetService", |m| on(m, services::get)),
    ("UpdateService", |m| on(m, services::update)),
    ("DeleteService", |m| on(m, services::delete)),
    ("ListServices", |m| on(m, services::list)),
    ("CreateFunction", |m| on(m, functions::create)),
    ("GetFunction", |m| on(m, functions::get)),
    ("UpdateFunction", |m| on(m, functions::update)),
    ("DeleteFunction", |m| on(m, functions::delete)),
    ("ListFunctions", |m| on(m, functions::list)),
    ("GetFunctionCode", |m| on(m, functions::get_code)),
    ("InvokeFunction", |m| on(m, invoke::invoke)),
    ("PublishServiceVersion", |m| on(m, versions::publish)),
    ("ListServiceVersions", |m| on(m, versions::list)),
    ("DeleteServiceVersion", |m| on(m, versions::delete)),
    ("CreateAlias", |m| on(m, versions::create_alias)),
    ("GetAlias", |m| on(m, versions::get_alias)),
    ("UpdateAlias", |m| on(m, versions::update_alias)),
    ("DeleteAlias", |m| on(m, versions::delete_alias)),
    ("ListAliases", |m| on(m, versions::list_aliases)),
    ("CreateTrigger", |m| on(m, triggers::create)),
    ("GetTrigger", |m| on(m, triggers::get)),
    ("UpdateTrigger", |m| on(m, triggers::update)),
    ("DeleteTrigger", |m| on(m, triggers::delete)),
    ("ListTriggers", |m| on(m, triggers::list)),
    ("GetStatefulAsyncInvocation", |m| on(m, asynchronous::get)),
    ("StopStatefulAsyncInvocation", |m| on(m, asynchronous::stop)),
    ("ListStatefulAsyncInvocations", |m| {
        on(m, asynchronous::list)
    }),
    ("PutFunctionAsyncInvokeConfig", |m| {
        on(m, asynchronous::put_config)
    }),
    ("GetFunctionAsyncInvokeConfig", |m| {
        on(m, asynchronous::get_config)
    }),
    ("DeleteFunctionAsyncInvokeConfig", |m| {
        on(m, asynchronous::delete_config)
    }),
    ("ListFunctionAsyncInvokeConfigs", |m| {
        on(m, asynchronous::list_configs)
    }),
    ("ListInstances", |m| on(m, instances::list)),
    ("PutProvisionConfig", |m| {
        on(m, capacity::put::<capacity::Provision>)
    }),
    ("GetProvisionConfig", |m| {
        on(m, capacity::get::<capacity::Provision>)
    }),
    ("ListProvisionConfigs", |m| on(m, capacity::list_provision)),
    ("PutFunctionOnDemandConfig", |m| {
        on(m, capacity::put::<capacity::OnDemand>)
    }),
    ("GetFunctionOnDemandConfig", |m| {
        on(m, capacity::get::<capacity::OnDemand>)
    }),
    ("DeleteFunctionOnDemandConfig", |m| {
        on(m, capacity::delete_on_demand)
    }),
    ("ListOnDemandConfigs", |m| on(m, capacity::list_on_demand)),
    ("GetAccountSettings", |m| on(m, instances::account_settings)),
    ("ListStatefulAsyncInvocationFunctions", |m| {
        on(m, asynchronous::list_functions)
    }),
    ("CreateLayerVersion", |m| on(m, layers::create_version)),
    ("GetLayerVersion", |m| on(m, layers::get_version)),
    ("DeleteLayerVersion", |m| on(m, layers::delete_version)),
    ("ListLayerVersions", |m| on(m, layers::list_versions)),
    ("ListLayers", |m| on(m, layers::list_layers)),
    ("PutLayerACL", |m| on(m, layers::put_acl)),
    ("TagResource", |m| on(m, tags::tag)),
    ("UntagResource", |m| on(m, tags::untag)),
    ("GetResourceTags", |m| on(m, tags::get)),
    ("ListTaggedResources", |m| on(m, tags::list)),
    ("CreateCustomDomain", |m| on(m, domains::create)),
    ("GetCustomDomain", |m| on(m, domains::get)),
    ("UpdateCustomDomain", |m| on(m, domains::update)),
    ("DeleteCustomDomain", |m| on(m, domains::delete)),
    ("ListCustomDomains", |m| on(m, domains::list)),
    ("CreateVpcBinding", |m| on(m, bindings::create)),
    ("ListVpcBindings", |m| on(m, bindings::list)),
    ("DeleteVpcBinding", |m| on(m, bindings::delete)),
]);

/// The FC 2.0 actions this build emulates, in the order of the operation table.
pub fn emulated_actions() -> Vec<&'static str> {
    HANDLERS.emulated(&fc_models::fc2::API)
}

/// Every FC 2.0 operation at its 2021-04-06 path and its 2016-08-15 twin, and the HTTP trigger
/// paths (`proxy`).
pub fn routes() -> Router<AppState> {
    let classic = |path: &str| Some(path.replacen(OPEN_PREFIX, CLASSIC_PREFIX, 1));
    let proxies = [OPEN_PREFIX, CLASSIC_PREFIX].map(|prefix| format!("{prefix}proxy/{{*rest}}"));
    HANDLERS
        .routes(&fc_models::fc2::API, classic)
        .route(&proxies[0], axum::routing::any(proxy::serve))
        .route(&proxies[1], axum::routing::any(proxy::serve))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handled_action_is_an_fc2_operation_once() {
        HANDLERS.assert_all_in(&fc_models::fc2::API);
    }
}
