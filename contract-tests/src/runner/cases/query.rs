//! Query parameters (design §5): an unknown name → 400 naming it in
//! `source.parameter`. Planned for operations that read the query: those
//! documenting query parameters, every JSON:API `GET` (relationship
//! endpoints take none, so any name is unknown there) and every JSON:API
//! `DELETE` (which takes none).

use super::{Derived, base::BasePlan};
use crate::runner::{model::Scenario, spec::Operation};

/// The parameter name no operation knows.
pub const UNKNOWN_PARAMETER: &str = "no-such-parameter";

/// Whether `op` reads its query string: it documents query parameters, or
/// it is a JSON:API `GET` or `DELETE` (a `DELETE` takes no parameter, so
/// any name is unknown there).
pub fn reads_query(op: &Operation) -> bool {
    op.query_params().next().is_some()
        || (matches!(op.method.as_str(), "GET" | "DELETE") && op.is_jsonapi())
}

/// Plans the 400 unknown-parameter case.
pub fn derive(op: &Operation, base: &BasePlan, out: &mut Derived) {
    if reads_query(op) {
        out.push(
            400,
            base.actor,
            Scenario::UnknownQuery {
                name: UNKNOWN_PARAMETER.into(),
            },
        );
    }
}
