//! Open Event API server: a JSON:API 1.0 server for events on poem-openapi
//! and sea-orm (SQLite embedded, PostgreSQL for deployments).
//!
//! Map: [`config`] (typed settings) → [`startup`] (database, routes,
//! listener) → [`api`] (one module per resource) → [`jsonapi`] (the generic
//! document machinery) over [`resources`] (declarations) and [`db`]
//! (entities, migrations, queries). [`auth`] verifies callers; [`error`]
//! maps every failure to a JSON:API error document.

pub mod allow;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
#[cfg(feature = "faults")]
pub mod faults;
pub mod jsonapi;
pub mod permissions;
pub mod resources;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
pub use state::AppState;
