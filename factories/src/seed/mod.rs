//! Whole worlds of data: [`demo()`] for the mock server and for people trying
//! the product, [`large()`] for benchmarks.
//!
//! # Extension point
//!
//! Each world is built in steps, one per resource family, each a function
//! of the database, a seeded [`FactoryContext`](crate::FactoryContext) and
//! the world built so far (`demo::users`, `demo::events`, `demo::grants`).
//! When sessions and speakers exist, add `demo::speakers` and
//! `demo::sessions` steps (sessions in every state, on the demo events,
//! through their factories), a field for each on [`DemoWorld`], and a
//! projection of them in the demo-world snapshot test; [`large()`] gets the
//! same as a batch insert.

pub mod demo;
pub mod large;

pub use demo::{
    DEMO_DOMAIN, DEMO_PASSWORD, DemoAccount, DemoEvents, DemoRole, DemoUsers, DemoWorld, demo,
};
pub use large::{LargeWorld, large};
