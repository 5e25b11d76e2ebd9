//! Optimistic read-modify-write of FC 2.0 functions and services (see
//! [`crate::conditional::read_modify_write`]).

use std::fmt::Display;

use progenitor_client::ResponseValue;

use super::Client;
use super::types::{Function, Service, UpdateFunctionInput, UpdateServiceInput};
use crate::Error;
use crate::conditional::{self, DEFAULT_ATTEMPTS};

/// A pending read-modify-write of one resource; finish it with `apply`.
///
/// Made by [`Client::modify_function`] and [`Client::modify_service`].
#[derive(Debug)]
#[must_use = "nothing is read or written until `apply(..)` is awaited"]
pub struct Modify<'a, Key> {
    client: &'a Client,
    key: Key,
    max_attempts: u32,
}

/// Which function [`Modify`] changes.
#[derive(Debug)]
pub struct FunctionKey {
    service: String,
    function: String,
}

/// Which service [`Modify`] changes.
#[derive(Debug)]
pub struct ServiceKey {
    service: String,
}

impl Client {
    /// Changes a function without losing a concurrent update: reads it (`GetFunction`), gives
    /// the current configuration to the change, writes the result (`UpdateFunction` with
    /// `If-Match`) and, if someone changed the function in between, reads again and re-applies
    /// the change, up to 5 attempts ([`Modify::max_attempts`]). Any other error ends it at once.
    ///
    /// The change returns an `UpdateFunctionInput` (or its builder): only the fields it sets
    /// are changed.
    ///
    /// ```no_run
    /// # async fn example(client: fc_client::fc2::Client) -> Result<(), fc_client::Error> {
    /// use fc_client::fc2::types::UpdateFunctionInput;
    ///
    /// let updated = client
    ///     .modify_function("demoService", "demoFunction")
    ///     .apply(|current| {
    ///         let memory = current.memory_size.unwrap_or(128);
    ///         UpdateFunctionInput::builder().memory_size(memory * 2)
    ///     })
    ///     .await?;
    /// println!("now {:?} MB", updated.memory_size);
    /// # Ok(())
    /// # }
    /// ```
    pub fn modify_function(
        &self,
        service: impl Into<String>,
        function: impl Into<String>,
    ) -> Modify<'_, FunctionKey> {
        self.modify(FunctionKey {
            service: service.into(),
            function: function.into(),
        })
    }

    /// Changes a service without losing a concurrent update, as
    /// [`modify_function`](Self::modify_function) does for functions (`GetService`, then
    /// `UpdateService` with `If-Match`).
    pub fn modify_service(&self, service: impl Into<String>) -> Modify<'_, ServiceKey> {
        self.modify(ServiceKey {
            service: service.into(),
        })
    }

    fn modify<Key>(&self, key: Key) -> Modify<'_, Key> {
        Modify {
            client: self,
            key,
            max_attempts: DEFAULT_ATTEMPTS,
        }
    }
}

impl<Key> Modify<'_, Key> {
    /// Reads and writes at most `attempts` times in all (at least once; default 5).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

impl Modify<'_, FunctionKey> {
    /// Runs the read-modify-write; the answer is the written function's (with its new ETag).
    pub async fn apply<Change, Input>(
        self,
        mut change: Change,
    ) -> Result<ResponseValue<Function>, Error>
    where
        Change: FnMut(&Function) -> Input,
        Input: TryInto<UpdateFunctionInput>,
        Input::Error: Display,
    {
        let Modify {
            client,
            key,
            max_attempts,
        } = self;
        let FunctionKey { service, function } = &key;
        conditional::read_modify_write(
            max_attempts,
            || async {
                let get = client
                    .get_function()
                    .service_name(service)
                    .function_name(function);
                Ok(get.send().await?)
            },
            |current, tag| {
                let update = client
                    .update_function()
                    .service_name(service)
                    .function_name(function)
                    .if_match(tag)
                    .body(change(&current));
                async move { Ok(update.send().await?) }
            },
        )
        .await
    }
}

impl Modify<'_, ServiceKey> {
    /// Runs the read-modify-write; the answer is the written service's (with its new ETag).
    pub async fn apply<Change, Input>(
        self,
        mut change: Change,
    ) -> Result<ResponseValue<Service>, Error>
    where
        Change: FnMut(&Service) -> Input,
        Input: TryInto<UpdateServiceInput>,
        Input::Error: Display,
    {
        let Modify {
            client,
            key,
            max_attempts,
        } = self;
        let service = &key.service;
        conditional::read_modify_write(
            max_attempts,
            || async { Ok(client.get_service().service_name(service).send().await?) },
            |current, tag| {
                let update = client
                    .update_service()
                    .service_name(service)
                    .if_match(tag)
                    .body(change(&current));
                async move { Ok(update.send().await?) }
            },
        )
        .await
    }
}
