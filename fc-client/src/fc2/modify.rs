//! Optimistic read-modify-write of FC 2.0 functions and services (see
//! [`crate::conditional::read_modify_write`]).

use std::fmt::Display;
use std::future::Future;

use progenitor_client::ResponseValue;

use super::Client;
use super::types::{Function, Service, UpdateFunctionInput, UpdateServiceInput};
use crate::Error;
use crate::conditional::{self, CarriesETag, DEFAULT_ATTEMPTS, ETag};

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

/// A resource [`Modify`] reads and writes back with `If-Match`: [`FunctionKey`] or
/// [`ServiceKey`]. Sealed: implemented here only.
pub trait ModifyTarget: sealed::Sealed {
    /// The resource as read and written.
    type Value: CarriesETag;
    /// The body of its update.
    type Input;

    /// Reads the resource, with its ETag.
    fn read(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<ResponseValue<Self::Value>, Error>> + Send;

    /// Writes `input` if the resource still carries `tag`.
    fn write(
        &self,
        client: &Client,
        tag: ETag,
        input: Self::Input,
    ) -> impl Future<Output = Result<ResponseValue<Self::Value>, Error>> + Send;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::FunctionKey {}
    impl Sealed for super::ServiceKey {}
}

impl ModifyTarget for FunctionKey {
    type Value = Function;
    type Input = UpdateFunctionInput;

    fn read(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<ResponseValue<Function>, Error>> + Send {
        let get = client
            .get_function()
            .service_name(&self.service)
            .function_name(&self.function);
        async move { get.send().await }
    }

    fn write(
        &self,
        client: &Client,
        tag: ETag,
        input: UpdateFunctionInput,
    ) -> impl Future<Output = Result<ResponseValue<Function>, Error>> + Send {
        let update = client
            .update_function()
            .service_name(&self.service)
            .function_name(&self.function)
            .if_match(tag)
            .body(input);
        async move { update.send().await }
    }
}

impl ModifyTarget for ServiceKey {
    type Value = Service;
    type Input = UpdateServiceInput;

    fn read(
        &self,
        client: &Client,
    ) -> impl Future<Output = Result<ResponseValue<Service>, Error>> + Send {
        let get = client.get_service().service_name(&self.service);
        async move { get.send().await }
    }

    fn write(
        &self,
        client: &Client,
        tag: ETag,
        input: UpdateServiceInput,
    ) -> impl Future<Output = Result<ResponseValue<Service>, Error>> + Send {
        let update = client
            .update_service()
            .service_name(&self.service)
            .if_match(tag)
            .body(input);
        async move { update.send().await }
    }
}

impl<Key: ModifyTarget> Modify<'_, Key> {
    /// Runs the read-modify-write: `change` gets the current resource and returns its update
    /// (the input type or its builder; only the fields it sets change). The answer is the
    /// written resource's, with its new ETag. An update the builder cannot complete is an
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest) error, and nothing is written.
    pub async fn apply<Change, Update>(
        self,
        mut change: Change,
    ) -> Result<ResponseValue<Key::Value>, Error>
    where
        Change: FnMut(&Key::Value) -> Update,
        Update: TryInto<Key::Input>,
        Update::Error: Display,
    {
        let Modify {
            client,
            key,
            max_attempts,
        } = self;
        let key = &key;
        conditional::read_modify_write(
            max_attempts,
            || key.read(client),
            |current, tag| {
                let input = change(&current).try_into().map_err(|e| {
                    Error::new(
                        crate::ErrorKind::InvalidRequest,
                        format!("the change is not a valid update: {e}"),
                    )
                });
                async move { key.write(client, tag, input?).await }
            },
        )
        .await
    }
}
