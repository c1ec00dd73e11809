//! Ways a provider can misbehave, switched on and off at runtime.

use std::mem::discriminant;
use std::time::Duration;

/// A failure mode of a stand-in, set with `fail_with` and cleared with `heal`.
///
/// Modes stack: `fail_with(Slow(…))` then `fail_with(ServerError)` gives slow 5xx
/// responses. Setting a mode again replaces the earlier one of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The user clicks "Cancel" on the consent screen: the authorization endpoint
    /// redirects back with `error=access_denied` (Facebook adds `error_reason=user_denied`).
    ConsentDenied,
    /// The token endpoint rejects every code (`invalid_grant`, Graph error 100).
    InvalidCode,
    /// The provider is down: the token, userinfo, `debug_token` and `/me` endpoints
    /// answer 5xx. The authorization page still works.
    ServerError,
    /// Every response, redirects included, is delayed by this long.
    Slow(Duration),
    /// The token, userinfo, `debug_token` and `/me` endpoints answer 200 with a truncated
    /// JSON body. Error responses stay well formed.
    MalformedJson,
    /// Google reports `email_verified: false`; Facebook leaves `email` out of `/me`.
    UnverifiedEmail,
}

/// The set of failure modes in force.
#[derive(Debug, Clone, Default)]
pub(crate) struct Failures(Vec<Failure>);

impl Failures {
    pub(crate) fn insert(&mut self, failure: Failure) {
        self.0.retain(|f| discriminant(f) != discriminant(&failure));
        self.0.push(failure);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn has(&self, failure: Failure) -> bool {
        self.0
            .iter()
            .any(|f| discriminant(f) == discriminant(&failure))
    }

    pub(crate) fn delay(&self) -> Option<Duration> {
        self.0.iter().find_map(|f| match f {
            Failure::Slow(delay) => Some(*delay),
            _ => None,
        })
    }
}
