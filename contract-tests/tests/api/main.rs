#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The HTTP-level suite: the real app on port 0 through one helper.

mod auth;
mod budget;
mod cache;
mod dialect;
mod errors;
mod events;
mod faults;
mod fuzz_findings;
mod jsonapi;
mod leaks;
mod list_paths;
mod manager;
mod matrix;
mod negotiation;
mod no_mock_routes;
mod oauth;
mod program;
mod sql_json;
mod support;
mod users;
mod writers;
