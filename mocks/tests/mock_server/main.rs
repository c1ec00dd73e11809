#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The mock server binary over real HTTP: its table, flags and env vars,
//! the accounts and reset endpoints, latency and error injection, CORS and
//! its spec section. Each test starts its own `open-event-mock` process.

#[path = "../common/mock_process.rs"]
mod mock_process;

mod accounts;
mod cors;
mod flags;
mod injection;
mod reset;
mod spec;
