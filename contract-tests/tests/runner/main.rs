#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The contract runner against the in-process server: the full plan (every
//! operation, status and permission row), the reports, `--list`, and drift
//! self-tests on doctored specs (`drift`) and on deliberately broken
//! servers (`faults`, and `semantics` for the query language).

mod drift;
mod faults;
mod full_run;
mod list;
mod reports;
mod semantics;
mod support;
