//! sea-orm entities, one table per file.

pub mod event;
pub mod faq;
pub mod mail;
pub mod microlocation;
pub mod role;
pub mod role_invite;
pub mod session_type;
pub mod social_link;
pub mod sponsor;
pub mod track;
pub mod used_token;
pub mod user;
pub mod users_events_role;
