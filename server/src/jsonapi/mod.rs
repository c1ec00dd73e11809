//! The JSON:API machinery, written once: a resource declares its fields,
//! relationships and visibility ([`Resource`]); documents, schemas, query
//! parsing, filtering, sorting, pagination, includes, sparse fieldsets and
//! request validation all follow from that declaration.

pub mod body;
pub mod fetch;
pub mod filter;
pub mod negotiation;
pub mod payload;
pub mod query;
pub mod registry;
pub mod render;
pub mod resource;
pub mod schema;

pub use payload::{Created, JSONAPI_MEDIA_TYPE, JsonApi, JsonApiBody};
pub use registry::{DynResource, Meta};
pub use resource::{Access, Field, FieldKind, RelKind, Relationship, Resource, Row};
pub use schema::{Collection, Create, Doc, MetaDoc, Single, Update};

/// The URL prefix of the API.
pub const PREFIX: &str = "/v1";
