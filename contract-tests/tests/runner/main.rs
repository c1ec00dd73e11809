#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The contract runner against the in-process server: the full plan, the
//! reports, `--list`, and drift self-tests on doctored specs.

mod drift;
mod full_run;
mod list;
mod reports;
mod support;
