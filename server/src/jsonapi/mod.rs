//! The JSON:API machinery, written once: a resource declares its fields,
//! relationships and visibility ([`Resource`]); documents, schemas, query
//! parsing, filtering, sorting, pagination, includes, sparse fieldsets and
//! request validation all follow from that declaration.

pub mod body;
pub mod endpoints;
pub mod fetch;
pub mod filter;
pub mod load;
pub mod negotiation;
pub mod ops;
pub mod payload;
pub mod query;
pub mod registry;
pub mod render;
pub mod resource;
pub mod schema;
pub mod sql_json;

pub use endpoints::{Guarded, ResourceApi};
pub use payload::{Created, JSONAPI_MEDIA_TYPE, JsonApi, JsonApiBody};
pub use registry::{Cx, DynResource, Meta, Registry};
pub use resource::{
    Access, Field, FieldKind, Format, Op, OpKind, Record, RelKind, Relationship, Resource, Row,
    Tag, meta,
};
pub use schema::{Collection, Create, Doc, MetaDoc, Single, Update};

/// The URL prefix of the API.
pub const PREFIX: &str = "/v1";
