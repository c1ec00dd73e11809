//! The one `Respond` type behind every stateful endpoint.

use wiremock::matchers::method;
use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

use crate::state::Shared;

/// Handles one request with the stand-in's state and its registered client `C`.
pub(crate) type Handler<C> = fn(&Shared, &C, &Request) -> ResponseTemplate;

/// A responder backed by the stand-in's shared state, so that what one endpoint does
/// (issue a code) changes what another answers (accept it once).
pub(crate) struct Endpoint<C> {
    state: Shared,
    client: C,
    handle: Handler<C>,
}

impl<C: Send + Sync> Respond for Endpoint<C> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        (self.handle)(&self.state, &self.client, request)
    }
}

/// A mock for `verb` requests matching `at`, answered by `handle`.
pub(crate) fn mock<C: Clone + Send + Sync + 'static>(
    verb: &str,
    at: impl Match + 'static,
    state: &Shared,
    client: &C,
    handle: Handler<C>,
) -> Mock {
    Mock::given(method(verb)).and(at).respond_with(Endpoint {
        state: state.clone(),
        client: client.clone(),
        handle,
    })
}
