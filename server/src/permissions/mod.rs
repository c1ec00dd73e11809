//! Permissions are data: each resource declares a [`Table`] (action → rules of
//! role + conditions + field limits); one [`engine`] compiles them to SQL for
//! lists and single objects; [`guard`] runs the request order of design §3;
//! [`manager`] is Open Event's permission manager, typed; [`export`] renders
//! the same tables into the spec (`x-permissions`) and the handbook.

pub mod condition;
pub mod engine;
pub mod export;
pub mod manager;
mod role;
mod table;

pub use condition::{Check, Condition, Setup, World, always, nothing};
pub use engine::{Args, has_access};
pub use role::Role;
pub use table::{Action, DENIALS, Denials, EventLink, Fields, Rule, Table};
