//! Routing an API's operation table: every operation at its method and path, with its handler
//! from an action → handler map, or a 501 naming the action; operations on one path share its
//! route, and an emulated operation's requests carry the operation (an `&'static Operation`
//! extension) for the extractors of [`crate::extract`].

use std::collections::BTreeMap;

use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Extension, Router};
use fc_models::api::Api;

use crate::error::FcError;
use crate::state::AppState;

/// An emulated action's handler, routed on the method the operation table gives.
pub(crate) type Handler = fn(MethodFilter) -> MethodRouter<AppState>;

/// An action → handler map: the actions fc-local emulates of one API. Methods and paths come
/// from the operation table, not from here.
pub(crate) struct Handlers(pub(crate) &'static [(&'static str, Handler)]);

impl Handlers {
    /// The handler of an emulated action, or `None`.
    pub(crate) fn get(&self, action: &str) -> Option<Handler> {
        let found = self.0.iter().find(|(name, _)| *name == action);
        found.map(|&(_, handler)| handler)
    }

    /// The actions of `api` this map emulates, in the order of its operation table.
    pub(crate) fn emulated(&self, api: &Api) -> Vec<&'static str> {
        let actions = api.operations.iter().map(|op| op.action);
        actions
            .filter(|action| self.get(action).is_some())
            .collect()
    }

    /// Panics unless every action of the map is an operation of `api`, named once (a unit test
    /// of each map calls it: an action missing from the table would never be routed).
    #[cfg(test)]
    pub(crate) fn assert_all_in(&self, api: &Api) {
        let mut seen = std::collections::BTreeSet::new();
        for (action, _) in self.0 {
            assert!(
                api.operations.iter().any(|op| op.action == *action),
                "the action → handler map names {action}, which is not in the {} table",
                api.version
            );
            assert!(seen.insert(*action), "{action} has two handlers");
        }
        assert_eq!(self.emulated(api).len(), self.0.len());
    }

    /// Every operation of `api` at its path, and also at the path `twin` gives for it.
    pub(crate) fn routes(
        &self,
        api: &'static Api,
        twin: impl Fn(&str) -> Option<String>,
    ) -> Router<AppState> {
        let mut by_path: BTreeMap<String, MethodRouter<AppState>> = BTreeMap::new();
        for op in api.operations {
            let Some(filter) = method_filter(op.method) else {
                continue;
            };
            for path in std::iter::once(op.path.to_owned()).chain(twin(op.path)) {
                let route = match self.get(op.action) {
                    // Outermost first: the operation, then the fault rules that read it.
                    Some(handler) => handler(filter)
                        .route_layer(axum::middleware::from_fn(crate::faults::layer))
                        .route_layer(Extension(op)),
                    None => not_implemented(filter, op.action),
                };
                let merged = match by_path.remove(&path) {
                    Some(existing) => existing.merge(route),
                    None => route,
                };
                by_path.insert(path, merged);
            }
        }
        by_path
            .into_iter()
            .fold(Router::new(), |router, (path, route)| {
                router.route(&path, route)
            })
    }
}

/// The method filter of an operation's method.
fn method_filter(method: &str) -> Option<MethodFilter> {
    MethodFilter::try_from(Method::from_bytes(method.as_bytes()).ok()?).ok()
}

fn not_implemented(method: MethodFilter, action: &'static str) -> MethodRouter<AppState> {
    on(
        method,
        move || async move { FcError::not_implemented(action) },
    )
}
