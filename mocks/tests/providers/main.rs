//! Behaviour of the provider stand-ins, driven over HTTP like a real OAuth client would.

// The workspace denies `expect` outside tests; here a failed `expect` is a failed test.
#![allow(clippy::expect_used)]

mod facebook;
mod facebook_failures;
mod google;
mod google_failures;
mod support;
mod users;
