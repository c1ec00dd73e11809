//! sea-orm entities, one table per file.

pub mod event;
pub mod mail;
pub mod role;
pub mod role_invite;
pub mod used_token;
pub mod user;
pub mod users_events_role;
