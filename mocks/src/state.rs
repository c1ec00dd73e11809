//! What a stand-in remembers between requests: accounts, codes, tokens, failure modes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::failure::{Failure, Failures};
use crate::user::FakeUser;

/// What the user consented to at the authorization endpoint; a code and then an access
/// token carry it.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) user: FakeUser,
    pub(crate) redirect_uri: String,
    /// The requested scopes, as sent.
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    /// The PKCE challenge sent with the authorization request, as the S256
    /// form (`plain` challenges are stored hashed), if any.
    pub(crate) code_challenge: Option<String>,
    /// Unix seconds when the access token was issued (0 while it is still a code).
    pub(crate) issued_at: u64,
}

impl Grant {
    pub(crate) fn has_scope(&self, names: &[&str]) -> bool {
        self.scopes.iter().any(|s| names.contains(&s.as_str()))
    }
}

/// Why a code cannot be exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeError {
    Unknown,
    Used,
}

#[derive(Debug)]
pub(crate) struct ProviderState {
    users: Vec<FakeUser>,
    default_user: usize,
    redirect_uris: Vec<String>,
    codes: HashMap<String, Grant>,
    used_codes: HashSet<String>,
    tokens: HashMap<String, Grant>,
    pub(crate) failures: Failures,
}

impl ProviderState {
    /// The account for `login_hint`: a known one by email, a new one made from the email,
    /// or the default account without a hint.
    pub(crate) fn user_for_hint(&mut self, hint: Option<&str>) -> FakeUser {
        let Some(email) = hint.filter(|h| !h.is_empty()) else {
            return self.users[self.default_user].clone();
        };
        match self
            .users
            .iter()
            .find(|u| u.email.as_deref() == Some(email))
        {
            Some(user) => user.clone(),
            None => {
                let user = FakeUser::new(email);
                self.users.push(user.clone());
                user
            }
        }
    }

    pub(crate) fn user_by_id(&self, id: &str) -> Option<&FakeUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// Until a redirect URI is registered, any absolute http(s) URL is accepted.
    pub(crate) fn redirect_uri_allowed(&self, uri: &str) -> bool {
        let absolute = url::Url::parse(uri)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.fragment().is_none())
            .unwrap_or(false);
        absolute && (self.redirect_uris.is_empty() || self.redirect_uris.iter().any(|r| r == uri))
    }

    pub(crate) fn issue_code(&mut self, prefix: &str, grant: Grant) -> String {
        let code = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Takes the grant behind `code` out: codes are single-use.
    pub(crate) fn redeem_code(&mut self, code: &str) -> Result<Grant, CodeError> {
        match self.codes.remove(code) {
            Some(grant) => {
                self.used_codes.insert(code.to_owned());
                Ok(grant)
            }
            None if self.used_codes.contains(code) => Err(CodeError::Used),
            None => Err(CodeError::Unknown),
        }
    }

    pub(crate) fn issue_token(&mut self, prefix: &str, mut grant: Grant) -> (String, Grant) {
        let token = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
        grant.issued_at = now();
        self.tokens.insert(token.clone(), grant.clone());
        (token, grant)
    }

    pub(crate) fn grant_for_token(&self, token: &str) -> Option<&Grant> {
        self.tokens.get(token)
    }
}

/// The state behind one stand-in, shared by its responders and its handle.
#[derive(Debug, Clone)]
pub(crate) struct Shared(Arc<Mutex<ProviderState>>);

impl Shared {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Mutex::new(ProviderState {
            users: vec![FakeUser::default()],
            default_user: 0,
            redirect_uris: Vec::new(),
            codes: HashMap::new(),
            used_codes: HashSet::new(),
            tokens: HashMap::new(),
            failures: Failures::default(),
        })))
    }

    /// Runs `f` under the lock. A panic in another holder cannot leave the state
    /// half-written in a way that matters here, so a poisoned lock is used as is.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut ProviderState) -> R) -> R {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }

    pub(crate) fn add_user(&self, user: FakeUser) {
        self.with(
            |s| match s.users.iter().position(|u| u.email == user.email) {
                Some(i) => s.users[i] = user,
                None => s.users.push(user),
            },
        );
    }

    pub(crate) fn set_default_user(&self, user: FakeUser) {
        self.with(|s| {
            let index = match s.users.iter().position(|u| u.email == user.email) {
                Some(i) => {
                    s.users[i] = user;
                    i
                }
                None => {
                    s.users.push(user);
                    s.users.len() - 1
                }
            };
            s.default_user = index;
        });
    }

    pub(crate) fn default_user(&self) -> FakeUser {
        self.with(|s| s.users[s.default_user].clone())
    }

    pub(crate) fn register_redirect_uri(&self, uri: impl Into<String>) {
        let uri = uri.into();
        self.with(|s| s.redirect_uris.push(uri));
    }

    pub(crate) fn fail_with(&self, failure: Failure) {
        self.with(|s| s.failures.insert(failure));
    }

    pub(crate) fn heal(&self) {
        self.with(|s| s.failures.clear());
    }
}

/// Unix seconds; a clock before 1970 reads as 0.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
