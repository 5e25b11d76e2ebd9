//! Which session a synchronous invocation belongs to (InvokeFunction and HTTP triggers): the
//! id the request names in the function's affinity form, a new session for a request that
//! names none (or an id no live session has), and what the answer tells the caller.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use fc_models::{CreateSessionInput, ErrorCode};

use super::affinity::{self, AffinityType, COOKIE_NAME};
use super::{Live, Lookup, NewSession};
use crate::error::{FcError, FcResult};
use crate::executor::SessionRef;
use crate::invoke::{Prepared, prepare};
use crate::state::AppState;

/// The session of an invocation, and the header its answer carries.
#[derive(Debug, Default)]
pub(crate) struct Bound {
    /// The session to run in (`None`: the function has no affinity fc-local binds).
    pub(crate) session: Option<SessionRef>,
    /// For a session this request started: HEADER_FIELD's header with the id fc-local made
    /// (none when the caller named it), or GENERATED_COOKIE's `Set-Cookie`.
    pub(crate) reply: Option<(HeaderName, HeaderValue)>,
}

impl Bound {
    /// Adds the reply header to an answer.
    pub(crate) fn mark(&self, headers: &mut HeaderMap) {
        if let Some((name, value)) = &self.reply {
            headers.append(name.clone(), value.clone());
        }
    }

    /// Counts the invocation as the session's activity (its idle timer starts again).
    pub(crate) fn finish(&self, state: &AppState) {
        if let Some(session) = &self.session {
            state.engine.sessions.touch(&session.key);
        }
    }
}

/// Binds an invocation of `prepared` to its session: the live session the request's header or
/// cookie names (resumed first if it is paused and has `enableAutoResume`; `prepared` is then
/// the session's version), else a new session under that id or a new one.
///
/// Errors: 400 for an id not of the service's form; 412 `PreconditionFailed` for a paused
/// session without `enableAutoResume`, or an expired id with `disableSessionIdReuse`.
pub(crate) async fn bind(
    state: &AppState,
    prepared: &mut Prepared,
    headers: &HeaderMap,
    request_id: &str,
) -> FcResult<Bound> {
    let Some(affinity) = prepared.affinity.clone() else {
        return Ok(Bound::default());
    };
    if !affinity.has_session_api() {
        return Ok(Bound::default());
    }
    let function = prepared.spec.name.clone();
    let qualifier = prepared.qualifier.clone();
    let sessions = &state.engine.sessions;
    let named = affinity.session_id(headers)?;
    let id = match &named {
        Some(id) => match sessions.lookup(&function, &qualifier, id) {
            Lookup::Live(live) => {
                let session = resume_if_paused(state, prepared, &live, id, request_id).await?;
                pin_version(state, prepared, &live.version).await?;
                return Ok(Bound {
                    session: Some(session),
                    reply: None,
                });
            }
            Lookup::Spent => return Err(super::spent(id)),
            Lookup::Free => id.clone(),
        },
        None => affinity::new_session_id(),
    };
    let created = sessions
        .create(NewSession {
            function: &function,
            qualifier: &qualifier,
            spec: &prepared.spec,
            affinity: &affinity,
            input: CreateSessionInput::default(),
            id: id.clone(),
            request_id,
        })
        .await;
    let live = match created {
        Ok(_) => sessions.lookup(&function, &qualifier, &id),
        // Another request started the same id first: run in that session.
        Err(error) if error.code == ErrorCode::SessionAlreadyExists => {
            sessions.lookup(&function, &qualifier, &id)
        }
        Err(error) => return Err(error),
    };
    let Lookup::Live(live) = live else {
        return Err(FcError::internal(format!(
            "session '{id}' ended as it was created"
        )));
    };
    let reply = match affinity.kind {
        // The caller knows the id it sent; a generated one is told in the same header.
        AffinityType::HeaderField if named.is_some() => None,
        AffinityType::HeaderField => affinity.header.clone().zip(HeaderValue::from_str(&id).ok()),
        AffinityType::GeneratedCookie => {
            let ttl = affinity.ttl_seconds;
            HeaderValue::from_str(&format!("{COOKIE_NAME}={id}; Max-Age={ttl}"))
                .ok()
                .map(|value| (header::SET_COOKIE, value))
        }
        _ => None,
    };
    Ok(Bound {
        session: Some(live.session),
        reply,
    })
}

/// A paused session's instance, resumed if the session has `enableAutoResume`.
async fn resume_if_paused(
    state: &AppState,
    prepared: &mut Prepared,
    live: &Live,
    id: &str,
    request_id: &str,
) -> FcResult<SessionRef> {
    if live.paused.is_none() {
        return Ok(live.session.clone());
    }
    if !live.auto_resume {
        return Err(FcError::new(
            ErrorCode::PreconditionFailed,
            format!(
                "session '{id}' is paused and does not take invocations; call ResumeSession (or \
                 create the session with enableAutoResume)"
            ),
        ));
    }
    pin_version(state, prepared, &live.version).await?;
    let function = prepared.spec.name.clone();
    state
        .engine
        .sessions
        .resume(
            &function,
            &prepared.qualifier,
            id,
            &prepared.spec,
            request_id,
        )
        .await?;
    Ok(live.session.clone())
}

/// Makes `prepared` run `version` (a session stays on the version its qualifier resolved to
/// when it was created, whatever an alias's weights draw now).
async fn pin_version(state: &AppState, prepared: &mut Prepared, version: &str) -> FcResult<()> {
    if prepared.spec.version == version {
        return Ok(());
    }
    let name = prepared.spec.name.clone();
    let pinned = prepare(
        &state.store,
        prepared.function_arn.clone(),
        &name,
        Some(version),
    )
    .await?;
    let qualifier = std::mem::take(&mut prepared.qualifier);
    *prepared = Prepared {
        qualifier,
        ..pinned
    };
    Ok(())
}
