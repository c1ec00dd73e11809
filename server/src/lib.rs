//! Open Event API server: a JSON:API 1.0 server for events on poem-openapi
//! and sea-orm (SQLite embedded, PostgreSQL for deployments).
//!
//! Map: [`config`] (typed settings) → [`startup`] (database, routes,
//! listener, the embedding hook) → [`resources`] (one declaration per
//! resource) → [`jsonapi`] (the generic machinery: generated routes and spec
//! entries, one-statement reads, the write path) over [`model`] (the
//! declaration vocabulary), [`permissions`] (tables as data, one engine) and
//! [`db`] (entities, migrations, generic writes). [`api`] holds the
//! hand-written operations ([`oauth`] talks to the login providers); [`auth`] verifies callers; [`error`] maps every
//! failure to a JSON:API error document. `scripts/module-cycles.py` checks
//! that these modules import each other without cycles.

pub mod allow;
pub mod api;
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
#[cfg(feature = "faults")]
pub mod faults;
pub mod jsonapi;
pub mod media;
pub mod memory;
pub mod model;
pub mod oauth;
pub mod permissions;
pub mod resources;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
pub use state::AppState;
