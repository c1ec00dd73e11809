//! Authentication: JWTs, passwords, one-time mail tokens, and the caller extractor.

pub mod caller;
pub mod jwt;
pub mod oauth_state;
pub mod one_time;
pub mod password;
pub mod social;

pub use caller::{Authenticated, Caller, CurrentUser};
