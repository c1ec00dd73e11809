//! Contract testing for open-event-rs. [`harness`] starts the real server on
//! port 0 (SQLite in memory, or a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set) and gives typed request helpers; the HTTP-level
//! test suite in `tests/api` is built on it.

pub mod bench;
pub mod harness;
pub mod providers;
pub mod runner;

pub use harness::{PublishedEvents, StatementCounter, TestApp, TestResponse};
