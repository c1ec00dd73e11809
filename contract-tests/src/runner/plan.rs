//! The plan: checks = operation × documented status × actor × scenario,
//! plus one stateful chain per resource with a full CRUD set. Every
//! documented status no scenario produces is listed as uncovered (and fails
//! the run), with the reason; so is every `x-permissions` row until its
//! scenario builders exist.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    cases::{self, Caps, Case},
    oracle::Tables,
    permissions::PermissionRow,
    spec::{Operation, Spec},
    target::TokenFault,
    world::Given,
};

/// Who sends the request: a role of the permission tables. Generic checks
/// use `anyone`, `registered` (a verified user who owns the state the check
/// builds) and the staff roles; permission checks use every role, event
/// roles held on the event of the check's world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// No token.
    Anyone,
    /// A verified user (with no role on the check's event).
    Registered,
    /// Staff: admin.
    Admin,
    /// Staff: super admin.
    SuperAdmin,
    /// The event's owner.
    Owner,
    /// An organizer of the event.
    Organizer,
    /// A co-organizer of the event.
    Coorganizer,
    /// A track organizer of the event.
    TrackOrganizer,
    /// A moderator of the event.
    Moderator,
    /// A registrar of the event.
    Registrar,
}

impl Actor {
    /// Every role, highest first (the rows of the permission matrix).
    pub const ALL: [Actor; 10] = [
        Actor::SuperAdmin,
        Actor::Admin,
        Actor::Owner,
        Actor::Organizer,
        Actor::Coorganizer,
        Actor::TrackOrganizer,
        Actor::Moderator,
        Actor::Registrar,
        Actor::Registered,
        Actor::Anyone,
    ];

    /// The role name (as in the permission tables).
    pub fn name(self) -> &'static str {
        match self {
            Actor::Anyone => "anyone",
            Actor::Registered => "registered",
            Actor::Admin => "admin",
            Actor::SuperAdmin => "super-admin",
            Actor::Owner => "owner",
            Actor::Organizer => "organizer",
            Actor::Coorganizer => "coorganizer",
            Actor::TrackOrganizer => "track-organizer",
            Actor::Moderator => "moderator",
            Actor::Registrar => "registrar",
        }
    }

    /// A role by name.
    pub fn from_name(name: &str) -> Option<Actor> {
        Actor::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether this is a role held per event.
    pub fn is_event_role(self) -> bool {
        matches!(
            self,
            Actor::Owner
                | Actor::Organizer
                | Actor::Coorganizer
                | Actor::TrackOrganizer
                | Actor::Moderator
                | Actor::Registrar
        )
    }

    /// Whether this is staff (admin or super admin).
    pub fn is_staff(self) -> bool {
        matches!(self, Actor::Admin | Actor::SuperAdmin)
    }

    /// Whether a caller holding this role satisfies a rule written for
    /// `rule` (the hierarchy of `spec/permissions.md`): super-admin ⊃ admin
    /// ⊃ owner ⊃ organizer ⊃ coorganizer ⊃ {track-organizer, moderator,
    /// registrar} ⊃ registered ⊃ anyone; staff pass every event-role rule.
    pub fn includes(self, rule: Actor) -> bool {
        use Actor::*;
        match rule {
            Anyone => true,
            Registered => self != Anyone,
            SuperAdmin => self == SuperAdmin,
            Admin => self.is_staff(),
            _ if self.is_staff() => true,
            Owner => self == Owner,
            Organizer => matches!(self, Owner | Organizer),
            Coorganizer => matches!(self, Owner | Organizer | Coorganizer),
            TrackOrganizer | Moderator | Registrar => {
                self == rule || matches!(self, Owner | Organizer | Coorganizer)
            }
        }
    }
}

/// One edit of the happy request's JSON body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodyEdit {
    /// Object keys from the document root, e.g. `["data", "attributes", "name"]`.
    pub path: Vec<String>,
    /// The new value; `None` removes the member. (`Some(null)` sets JSON
    /// null, so the field is absent rather than null when `None`.)
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
}

/// A present member is `Some`, even when it is JSON null.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    <Value as serde::Deserialize>::deserialize(d).map(Some)
}

/// What a check does to the happy request (exactly one fault, or none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scenario {
    /// The happy path: valid state, valid request.
    Happy,
    /// An `Accept` header that excludes the response media type.
    BadAccept {
        /// The header value.
        accept: String,
    },
    /// A body sent with an unsupported `Content-Type`.
    WrongContentType {
        /// The header value.
        content_type: String,
    },
    /// A bad token in `Authorization`.
    BadToken {
        /// How it is bad.
        fault: TokenFault,
    },
    /// No token where one is required.
    NoToken,
    /// An unknown query parameter.
    UnknownQuery {
        /// Its name.
        name: String,
    },
    /// A body that is not JSON.
    MalformedJson,
    /// A path id that names nothing.
    MissingObject {
        /// The path parameter.
        param: String,
    },
    /// A path id that names a soft-deleted object.
    DeletedObject {
        /// The path parameter.
        param: String,
    },
    /// `data.type` is another type.
    WrongType,
    /// `data.id` differs from the URL id.
    IdMismatch,
    /// A client-generated `data.id` on create.
    ClientId,
    /// One schema violation in the body.
    Body {
        /// E.g. `too-long:name`.
        label: String,
        /// The edit.
        edit: BodyEdit,
        /// The `source.pointer` the error must carry, when checked.
        pointer: Option<String>,
    },
    /// An operation-specific fault from a recipe.
    Recipe {
        /// Its name, e.g. `wrong-password`.
        name: String,
    },
    /// A permission check: the world of a [`Given`] built for the actor's
    /// role, the request the operation makes there, the status (and for
    /// lists the presence) the `x-permissions` rules predict.
    Permission {
        /// `perm:<conditions>[:listed|:absent][:field:<name>]`.
        label: String,
        /// The conditions asked for.
        given: Given,
        /// For lists: whether the world's object must be listed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        present: Option<bool>,
        /// An attribute sent that a rule's field limit may forbid.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
        /// The `source.pointer` the error must carry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pointer: Option<String>,
        /// Attributes the object must not show the caller (field limits).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        hidden: Vec<String>,
        /// Limited attributes the object must show the caller.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        shown: Vec<String>,
    },
    /// A stateful chain: create → view → update → list → delete → view 404.
    Chain {
        /// The resource type.
        resource: String,
        /// Operation ids: create, view, update, list, delete.
        ops: [String; 5],
    },
}

impl Scenario {
    /// A short, stable label.
    pub fn label(&self) -> String {
        match self {
            Scenario::Happy => "happy".into(),
            Scenario::BadAccept { accept } => format!("accept:{accept}"),
            Scenario::WrongContentType { content_type } => format!("content-type:{content_type}"),
            Scenario::BadToken { fault } => fault.name().into(),
            Scenario::NoToken => "no-token".into(),
            Scenario::UnknownQuery { name } => format!("unknown-query:{name}"),
            Scenario::MalformedJson => "malformed-json".into(),
            Scenario::MissingObject { param } => format!("missing:{param}"),
            Scenario::DeletedObject { param } => format!("deleted:{param}"),
            Scenario::WrongType => "wrong-type".into(),
            Scenario::IdMismatch => "id-mismatch".into(),
            Scenario::ClientId => "client-id".into(),
            Scenario::Body { label, .. } => label.clone(),
            Scenario::Recipe { name } => name.clone(),
            Scenario::Permission { label, .. } => label.clone(),
            Scenario::Chain { .. } => "create-view-update-list-delete".into(),
        }
    }
}

/// One planned check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `operation/status/actor/scenario`, unique in the plan.
    pub id: String,
    /// The operation (`chain:<type>` for chains).
    pub operation_id: String,
    /// `METHOD path`.
    pub label: String,
    /// The status the response must have.
    pub expected: u16,
    /// Who sends the request.
    pub actor: Actor,
    /// What is done to the happy request.
    pub scenario: Scenario,
    /// The seed of this check's data.
    pub seed: u64,
}

/// Something documented that no check exercises.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Uncovered {
    /// The operation.
    pub operation_id: String,
    /// `status 403`, or `permission row owner+self`.
    pub item: String,
    /// Why the runner cannot exercise it.
    pub reason: String,
}

/// The whole plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Checks in plan order (sorted by id).
    pub checks: Vec<Check>,
    /// Uncovered items, sorted.
    pub uncovered: Vec<Uncovered>,
    /// Every permission row of the selected operations.
    pub permission_rows: Vec<PermissionRow>,
    /// Scenarios left out on this target, with the reason.
    pub skipped: Vec<String>,
}

/// SplitMix64, for deriving seeds and shuffling.
pub fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The seed of a check: a function of the run seed and the check id only.
pub fn check_seed(run_seed: u64, id: &str) -> u64 {
    let mut s = run_seed ^ fnv1a(id);
    splitmix(&mut s)
}

/// Whether `op` is selected by `filters` (operation id, tag or resource type;
/// case-insensitive; no filters selects everything).
pub fn selected(op: &Operation, spec: &Spec, filters: &[String]) -> bool {
    if filters.is_empty() {
        return true;
    }
    let ty = op.resource_type(spec);
    filters.iter().any(|f| {
        op.id.eq_ignore_ascii_case(f)
            || op.tags.iter().any(|t| t.eq_ignore_ascii_case(f))
            || ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(f))
    })
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

/// Builds the plan for the selected operations.
pub fn build(spec: &Spec, caps: &Caps, filters: &[String], seed: u64) -> Plan {
    let mut plan = Plan::default();
    let mut skipped = BTreeSet::new();
    let tables = Tables::from_spec(spec);
    for op in spec
        .operations
        .iter()
        .filter(|o| selected(o, spec, filters))
    {
        let mut derived = cases::derive(op, spec, caps);
        let rows = cases::permission::derive(op, spec, &tables, caps, &mut derived);
        skipped.extend(derived.skipped);
        let mut covered: BTreeSet<u16> = derived.cases.iter().map(|c| c.status).collect();
        covered.extend(derived.skipped_statuses.iter().copied());
        for case in derived.cases {
            let id = case_id(&op.id, &case);
            plan.checks.push(Check {
                seed: check_seed(seed, &id),
                id,
                operation_id: op.id.clone(),
                label: op.label(),
                expected: case.status,
                actor: case.actor,
                scenario: case.scenario,
            });
        }
        for status in op.statuses() {
            if !covered.contains(&status) {
                plan.uncovered.push(Uncovered {
                    operation_id: op.id.clone(),
                    item: format!("status {status}"),
                    reason: cases::why_uncovered(op, spec, status, caps),
                });
            }
        }
        for (row, coverage) in op.permissions.iter().zip(rows) {
            let mut row = row.clone();
            match coverage {
                Ok(checks) => row.checks = checks,
                Err(reason) => plan.uncovered.push(Uncovered {
                    operation_id: op.id.clone(),
                    item: format!("permission row {}", row.label()),
                    reason,
                }),
            }
            plan.permission_rows.push(row);
        }
    }
    for chain in cases::chain::chains(spec, caps) {
        let Scenario::Chain { resource, .. } = &chain.scenario else {
            continue;
        };
        // A chain is selected by its resource type, or by its create operation.
        let create_selected = spec
            .operation(&chain.ops[0])
            .is_some_and(|op| selected(op, spec, filters));
        if !filters.is_empty()
            && !create_selected
            && !filters.iter().any(|f| f.eq_ignore_ascii_case(resource))
        {
            continue;
        }
        let id = format!(
            "chain:{resource}/{}/{}/{}",
            chain.status,
            chain.actor.name(),
            chain.scenario.label()
        );
        plan.checks.push(Check {
            seed: check_seed(seed, &id),
            id,
            operation_id: format!("chain:{resource}"),
            label: format!("CRUD {resource}"),
            expected: chain.status,
            actor: chain.actor,
            scenario: chain.scenario,
        });
    }
    plan.checks.sort_by(|a, b| a.id.cmp(&b.id));
    plan.checks.dedup_by(|a, b| a.id == b.id);
    plan.uncovered.sort();
    plan.skipped = skipped.into_iter().collect();
    plan
}

/// The order checks run in: the plan shuffled by `seed` (Fisher–Yates), so
/// hidden dependencies between checks show up, reproducibly.
pub fn execution_order(len: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut state = seed;
    for i in (1..len).rev() {
        let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

impl Plan {
    /// One line per check and per uncovered item, for `--list`.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            out.push_str(&format!(
                "{:<72} {:<48} expect {}\n",
                c.id, c.label, c.expected
            ));
        }
        out.push_str(&format!("\n{} checks", self.checks.len()));
        if !self.uncovered.is_empty() {
            out.push_str(&format!(", {} uncovered:\n", self.uncovered.len()));
            for u in &self.uncovered {
                out.push_str(&format!(
                    "  UNCOVERED {} {}: {}\n",
                    u.operation_id, u.item, u.reason
                ));
            }
        } else {
            out.push('\n');
        }
        for s in &self.skipped {
            out.push_str(&format!("  skipped: {s}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffles_are_permutations_and_depend_on_the_seed() {
        let a = execution_order(50, 1);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(a, execution_order(50, 1));
        assert_ne!(a, execution_order(50, 2));
        assert_ne!(check_seed(1, "a"), check_seed(1, "b"));
    }
}
