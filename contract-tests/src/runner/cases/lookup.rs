//! Resolution (design §3 step 3): a path id that names nothing, or a
//! soft-deleted object → 404 (existence never leaks).

use super::{Caps, Derived, base::BasePlan};
use crate::runner::model::Scenario;

/// An id no seeded object has.
pub const MISSING_ID: &str = "999999999";

/// Plans the 404 cases.
pub fn derive(base: &BasePlan, caps: &Caps, out: &mut Derived) {
    if base.recipe.is_some() {
        return;
    }
    for (param, kind) in &base.params {
        out.push(
            404,
            base.actor,
            Scenario::MissingObject {
                param: param.clone(),
            },
        );
        // The actor's own account is the `user` a path names; deleting it
        // would make the token invalid (401), so deleted users are not planned.
        if kind != "user" && caps.deletable.iter().any(|k| k == kind) {
            out.push(
                404,
                base.actor,
                Scenario::DeletedObject {
                    param: param.clone(),
                },
            );
        }
    }
}
