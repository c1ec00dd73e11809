//! Scenario builders: for each operation, which (status, actor, scenario)
//! cases the runner can build, and how. Every negative case starts from the
//! operation's happy request ([`base`]) and introduces exactly one fault,
//! so the expected status does not depend on the order the server checks
//! things in.
//!
//! | module | statuses |
//! |---|---|
//! | [`base`] | the happy path (2xx) with factory-built state |
//! | [`negotiation`] | 406 (bad `Accept`), 415 (wrong `Content-Type`) |
//! | [`tokens`] | 401 (garbage, tampered, wrong-secret, expired, wrong-type, missing token) |
//! | [`query`] | 400 (unknown query parameter) |
//! | [`body`] | 400 (malformed JSON, schema violations of plain JSON), 403 (client id), 409 (wrong type, id mismatch), 422 (schema-derived attribute violations) |
//! | [`lookup`] | 404 (missing and soft-deleted objects) |
//! | [`recipes`] | operation-specific happy paths and faults (the `/v1/auth` helpers, `/health`) |
//! | [`oauth`] | the `/v1/auth/oauth` recipes: real round trips through the provider stand-ins |
//! | [`relations`] | required relationships of create bodies, relationship `PATCH` bodies (400, 404, 409, 422) |
//! | [`permission`] | every `x-permissions` row: allowed and denied cases per role (401, 403, 404, list presence, field limits) |
//! | [`semantics`] | what the reads' answers mean: sort, filter, pagination, sparse fieldsets, include, visibility of every item, linkage (the success status) |
//! | [`chain`] | stateful CRUD chains |
//!
//! Dialect rules apply whether or not the operation documents the status:
//! every JSON:API operation gets the 406/415/409/422 cases, every operation
//! reading a token the 401 cases, every path id the 404 cases. A status the
//! server then returns without the spec documenting it fails the check
//! ("status N is not documented"), which is how a status dropped from the
//! spec is caught.

pub mod base;
pub mod body;
pub mod chain;
pub mod lookup;
pub mod negotiation;
pub mod oauth;
pub mod permission;
pub mod query;
pub mod recipes;
pub mod relations;
pub mod semantics;
pub mod tokens;

pub use super::model::Caps;
use super::{
    model::{Actor, Scenario},
    spec::{Operation, Spec},
};

/// One planned case of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Expected status.
    pub status: u16,
    /// Who sends it.
    pub actor: Actor,
    /// What it does.
    pub scenario: Scenario,
}

/// The cases of one operation, and the scenarios this target cannot run.
#[derive(Debug, Default)]
pub struct Derived {
    /// Planned cases.
    pub cases: Vec<Case>,
    /// `op: scenario — why` lines.
    pub skipped: Vec<String>,
    /// Documented statuses only skipped scenarios produce on this target
    /// (listed as skipped, not as uncovered).
    pub skipped_statuses: Vec<u16>,
}

impl Derived {
    pub(crate) fn push(&mut self, status: u16, actor: Actor, scenario: Scenario) {
        self.cases.push(Case {
            status,
            actor,
            scenario,
        });
    }
}

/// The id of a case of `op`: `operation/status/actor/scenario`.
pub fn case_id(op_id: &str, case: &Case) -> String {
    format!(
        "{op_id}/{}/{}/{}",
        case.status,
        case.actor.name(),
        case.scenario.label()
    )
}

/// The cases the runner can build for `op`.
pub fn derive(op: &Operation, spec: &Spec, caps: &Caps) -> Derived {
    let mut out = Derived::default();
    let Ok(base) = base::plan_base(op, spec, caps) else {
        return out;
    };
    if let Some(status) = op.success_status() {
        out.push(status, base.actor, Scenario::Happy);
    }
    negotiation::derive(op, &base, &mut out);
    tokens::derive(op, &base, caps, &mut out);
    query::derive(op, &base, &mut out);
    body::derive(op, spec, &base, &mut out);
    lookup::derive(&base, caps, &mut out);
    recipes::derive(op, &base, caps, &mut out);
    out
}

/// Why no case produces `status` on `op`.
pub fn why_uncovered(op: &Operation, spec: &Spec, status: u16, caps: &Caps) -> String {
    if let Err(why) = base::plan_base(op, spec, caps) {
        return format!("no happy request to start from: {why}");
    }
    match status {
        403 if !op.permissions.is_empty() => format!(
            "no role in any world the x-permissions rows describe is denied with 403: \
             whoever may see the object may also {} it, and no field limit applies",
            op.permissions
                .first()
                .and_then(|r| r.action.clone())
                .unwrap_or_else(|| "act on".into())
        ),
        403 => "needs permission data: a caller who sees the object but may not act \
                (x-permissions rows)"
            .into(),
        400 => "no request fault maps to 400 here (the operation reads no query \
                parameters and takes no body)"
            .into(),
        503 => "needs the server's database to be down (in-process target only)".into(),
        s if (200..300).contains(&s) => "no happy-path builder for this operation".into(),
        _ => "no scenario produces this status".into(),
    }
}
