//! What a `GET` of the spec reads, in the server's terms: a list (top-level
//! or a parent's to-many relationship), one object, a parent's to-one
//! related object, or a relationship's linkage. Read off the path and the
//! server's registry; operations that are not generic JSON:API reads (the
//! `/v1/auth` helpers, `/health`) have no route.

use open_event_server::jsonapi::{DynResource, PREFIX, RelKind, Relationship};

use crate::runner::{kinds, spec::Operation};

/// What an operation reads.
#[derive(Clone, Copy)]
pub enum Route {
    /// `GET /v1/<plural>`, or `GET /v1/<parent>/{id}/<to-many>`.
    List {
        /// The listed type.
        ty: &'static dyn DynResource,
        /// The parent and its relationship, for a related list.
        parent: Option<(&'static dyn DynResource, &'static Relationship)>,
    },
    /// `GET /v1/<plural>/{id}`.
    One {
        /// The type.
        ty: &'static dyn DynResource,
    },
    /// `GET /v1/<parent>/{id}/<to-one>`.
    RelatedOne {
        /// The parent.
        parent: &'static dyn DynResource,
        /// Its to-one relationship.
        rel: &'static Relationship,
    },
    /// `GET /v1/<parent>/{id}/relationships/<rel>`.
    Linkage {
        /// The parent.
        parent: &'static dyn DynResource,
        /// Its relationship.
        rel: &'static Relationship,
    },
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Route::List { ty, parent } => write!(
                f,
                "List({}{})",
                ty.type_name(),
                parent
                    .map(|(p, r)| format!(" of {}.{}", p.type_name(), r.name))
                    .unwrap_or_default()
            ),
            Route::One { ty } => write!(f, "One({})", ty.type_name()),
            Route::RelatedOne { parent, rel } => {
                write!(f, "RelatedOne({}.{})", parent.type_name(), rel.name)
            }
            Route::Linkage { parent, rel } => {
                write!(f, "Linkage({}.{})", parent.type_name(), rel.name)
            }
        }
    }
}

fn by_plural(plural: &str) -> Option<&'static dyn DynResource> {
    kinds::registry()
        .all()
        .iter()
        .copied()
        .find(|r| r.plural() == plural)
}

/// The route of `op`, when it is a generic JSON:API read.
pub fn route(op: &Operation) -> Option<Route> {
    if op.method != "GET" || !op.is_jsonapi() {
        return None;
    }
    let rest = op.path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let res = by_plural(segments.first()?)?;
    match segments.as_slice() {
        [_] => Some(Route::List {
            ty: res,
            parent: None,
        }),
        [_, id] if is_param(id) => Some(Route::One { ty: res }),
        [_, id, rel] if is_param(id) => {
            let rel = res.relationship(rel)?;
            Some(match rel.kind {
                RelKind::HasMany { .. } => Route::List {
                    ty: rel.target(),
                    parent: Some((res, rel)),
                },
                RelKind::BelongsTo { .. } => Route::RelatedOne { parent: res, rel },
            })
        }
        [_, id, "relationships", rel] if is_param(id) => Some(Route::Linkage {
            parent: res,
            rel: res.relationship(rel)?,
        }),
        _ => None,
    }
}

impl Route {
    /// The type of the objects the operation returns (`data`).
    pub fn data_type(&self) -> &'static dyn DynResource {
        match self {
            Route::List { ty, .. } | Route::One { ty } => *ty,
            Route::RelatedOne { rel, .. } | Route::Linkage { rel, .. } => rel.target(),
        }
    }

    /// The type the path parameter names, when there is one.
    pub fn parent_type(&self) -> Option<&'static dyn DynResource> {
        match self {
            Route::List { parent, .. } => parent.map(|(p, _)| p),
            Route::One { ty } => Some(*ty),
            Route::RelatedOne { parent, .. } | Route::Linkage { parent, .. } => Some(*parent),
        }
    }
}
