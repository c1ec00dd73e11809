//! The plan: checks = operation × documented status × actor × scenario,
//! plus one stateful chain per resource with a full CRUD set. Every
//! documented status no scenario produces is listed as uncovered (and fails
//! the run), with the reason; so is every `x-permissions` row until its
//! scenario builders exist.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use super::{
    cases::case_id,
    model::{Actor, BodyEdit, Check, Scenario},
};
use super::{
    cases::{self, Caps},
    oracle::Tables,
    permissions::PermissionRow,
    spec::{Operation, Spec},
};

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
        cases::semantics::derive(op, spec, caps, seed, &mut derived);
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
