//! Semantic checks: what the answers of the reads mean, not only their
//! shape. One [world](universe) is seeded per run through the kinds and the
//! factories; the [oracle](oracle) knows every object of it, so it computes
//! each answer without reading anything back from the server. For every
//! generic JSON:API read of the spec ([`route`]):
//!
//! | family | operations | callers | what must hold |
//! |---|---|---|---|
//! | [`sort`] | lists documenting `sort` | moderator, full | the order of the world's objects is the oracle's: key by key (attributes and `rel.attribute`), nulls last ascending / first descending, ties by id |
//! | [`filter`] | lists documenting `filter` | moderator, full | each operator of the dialect, `has`/`any`, `and`/`or`/`not`, attribute against attribute, `filter[x]=` with the JSON form: exactly the visible objects satisfying it; `like` on a non-text attribute is a 400 |
//! | [`page`] | lists documenting `page[size]` | moderator | `meta.count`, disjoint complete pages in id order, `first`/`last`/`prev`/`next`/`self`, `page[size]=0`, a page past the end |
//! | [`fields`] | reads documenting `fields` | moderator (related objects: full) | exactly the requested attributes (minus field limits) and relationships, per type, in `data` and `included` |
//! | [`include`] | reads documenting `include` | moderator, full (related objects: full) | linkage of every requested relationship on every object a path passes, `included` exactly what the paths reach (visible only, none twice, no primary data), with the caller's attributes and the world's values |
//! | [`visibility`] | lists | anyone (when allowed), moderator, full | every list (under every parent, by every event) shows exactly what the caller may see, none twice, each object `GET`-able with the same attributes |
//! | [`linkage`] | relationship endpoints | anyone (when allowed), moderator, full | the linkage is the related objects the caller may view, and the related endpoint returns the same ones |
//!
//! "Full" is the events' owner for types that belong to an event (and
//! events), else an admin. Where the product of attributes × operators ×
//! directions × callers is too large, the plan draws the probes from
//! `--seed` (rotating so that the checks of a type cover its attributes
//! between them) and the report counts what was covered ([`figures`]).

pub mod fields;
pub mod filter;
pub mod include;
pub mod linkage;
pub mod oracle;
pub mod page;
pub mod predicate;
pub mod route;
pub mod session;
pub mod sort;
pub mod universe;
pub mod visibility;

use std::collections::{BTreeMap, BTreeSet};

use open_event_server::{
    jsonapi::{DynResource, Field, RelKind},
    permissions::EventLink,
};
use serde::{Deserialize, Serialize};

use self::{route::Route, session::Session};
use super::{Caps, Case, Derived, case_id};
use crate::runner::{
    RunnerError,
    check::Recorder,
    env::Env,
    model::{Actor, Check, Scenario},
    spec::{Operation, Spec},
};

/// SplitMix64 step (the runner's generator).
pub fn mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed from `seed` and a name.
pub fn seed_of(seed: u64, name: &str) -> u64 {
    let mut h = name.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    }) ^ seed;
    mix(&mut h)
}

/// The seed of a run's world.
pub fn world_seed(run_seed: u64) -> u64 {
    seed_of(run_seed, "semantics:world")
}

fn shuffle<T>(items: &mut [T], rng: &mut u64) {
    for i in (1..items.len()).rev() {
        let j = (mix(rng) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

fn draw(rng: &mut u64, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (mix(rng) % n as u64) as usize
    }
}

/// The families of semantic checks.
pub const FAMILIES: [&str; 7] = [
    "sort",
    "filter",
    "page",
    "fields",
    "include",
    "visibility",
    "linkage",
];

/// The caller who sees every object of a type: the events' owner for
/// types that belong to events, else an admin.
fn full(route: &Route) -> Actor {
    let evented = |r: &dyn DynResource| r.permissions().event != EventLink::None;
    if evented(route.data_type()) || route.parent_type().is_some_and(evented) {
        Actor::Owner
    } else {
        Actor::Admin
    }
}

/// The families planned for `op` and their callers.
fn families(op: &Operation, route: &Route) -> Vec<(&'static str, Vec<Actor>)> {
    let documents = |name: &str| op.query_params().any(|p| p.name == name);
    let anyone = (!op.requires_auth).then_some(Actor::Anyone);
    let partial = Actor::Moderator;
    let full = full(route);
    let has_rels = !route.data_type().relationships().is_empty();
    let mut out = Vec::new();
    match route {
        Route::List { .. } => {
            if documents("sort") {
                out.push(("sort", vec![partial, full]));
            }
            if documents("filter") {
                out.push(("filter", vec![partial, full]));
            }
            if documents("page[size]") {
                out.push(("page", vec![partial]));
            }
            if documents("fields") {
                out.push(("fields", vec![partial]));
            }
            if documents("include") && has_rels {
                out.push(("include", vec![partial, full]));
            }
            out.push((
                "visibility",
                anyone.into_iter().chain([partial, full]).collect(),
            ));
        }
        Route::One { .. } => {
            if documents("fields") {
                out.push(("fields", vec![partial]));
            }
            if documents("include") && has_rels {
                out.push(("include", vec![partial, full]));
            }
        }
        Route::RelatedOne { .. } => {
            if documents("fields") {
                out.push(("fields", vec![full]));
            }
            if documents("include") && has_rels {
                out.push(("include", vec![full]));
            }
        }
        Route::Linkage { .. } => {
            out.push((
                "linkage",
                anyone.into_iter().chain([partial, full]).collect(),
            ));
        }
    }
    out
}

/// Plans the semantic checks of `op` into `out`.
pub fn derive(op: &Operation, spec: &Spec, caps: &Caps, run_seed: u64, out: &mut Derived) {
    let Some(route) = route::route(op) else {
        return;
    };
    let needed = [
        universe::USER,
        universe::EVENT,
        universe::ROLE,
        universe::GRANT,
        universe::INVITE,
    ];
    if !caps.seeding() || !needed.iter().all(|t| caps.seeds(t)) {
        out.skipped.push(format!(
            "{}: semantic checks (they need a database to seed their world: pass --database-url)",
            op.id
        ));
        return;
    }
    let Some(status) = op.success_status() else {
        return;
    };
    let world = world_seed(run_seed);
    for (family, callers) in families(op, &route) {
        for caller in callers {
            let label = Scenario::Semantic {
                family: family.to_owned(),
                probes: Vec::new(),
                world,
            };
            let id = case_id(
                &op.id,
                &Case {
                    status,
                    actor: caller,
                    scenario: label,
                },
            );
            let mut rng = seed_of(run_seed, &id);
            let probes = match family {
                "sort" => sort_probes(spec, op, &route, caller, run_seed, &mut rng),
                "filter" => filter_probes(spec, op, &route, caller, run_seed, &mut rng),
                "page" => vec![
                    format!("page[size]={}", 2 + draw(&mut rng, 2)),
                    "page[size]=0".to_owned(),
                    "page[number]=past".to_owned(),
                ],
                "fields" => field_probes(op, &route, &mut rng),
                "include" => include_probes(&route, &mut rng),
                _ => Vec::new(),
            };
            out.push(
                status,
                caller,
                Scenario::Semantic {
                    family: family.to_owned(),
                    probes,
                    world,
                },
            );
        }
    }
}

/// This check's place among the checks of family `family` on lists of
/// `ty`, and their number: `(k, n)`.
fn slot(spec: &Spec, family: &str, ty: &str, op: &Operation, caller: Actor) -> (usize, usize) {
    let mut slots: Vec<(String, Actor)> = Vec::new();
    for o in &spec.operations {
        let Some(r @ Route::List { .. }) = route::route(o) else {
            continue;
        };
        if r.data_type().type_name() != ty {
            continue;
        }
        for (f, callers) in families(o, &r) {
            if f == family {
                slots.extend(callers.into_iter().map(|c| (o.id.clone(), c)));
            }
        }
    }
    slots.sort();
    let k = slots
        .iter()
        .position(|(i, c)| *i == op.id && *c == caller)
        .unwrap_or(0);
    (k, slots.len().max(1))
}

fn queryable(res: &dyn DynResource) -> Vec<&'static Field> {
    res.fields().iter().filter(|f| f.queryable()).collect()
}

fn sort_key(name: &str, desc: bool) -> String {
    if desc {
        format!("-{name}")
    } else {
        name.to_owned()
    }
}

/// Sort probes: every own attribute of the type as the first key, in both
/// directions, shared out among the type's sort checks; each with up to two
/// more keys; and one probe led by a `relationship.attribute` key.
fn sort_probes(
    spec: &Spec,
    op: &Operation,
    route: &Route,
    caller: Actor,
    run_seed: u64,
    rng: &mut u64,
) -> Vec<String> {
    let ty = route.data_type();
    let fields = queryable(ty);
    let mut keys: Vec<(&str, bool)> = fields
        .iter()
        .flat_map(|f| [(f.name, false), (f.name, true)])
        .collect();
    let mut type_rng = seed_of(run_seed, &format!("sort:{}", ty.type_name()));
    shuffle(&mut keys, &mut type_rng);
    let (k, n) = slot(spec, "sort", ty.type_name(), op, caller);
    let width = keys.len().div_ceil(n);
    let mut out = Vec::new();
    for (name, desc) in keys.iter().skip(k * width).take(width) {
        let mut probe = vec![sort_key(name, *desc)];
        for _ in 0..draw(rng, 3) {
            let f = fields[draw(rng, fields.len())];
            if !probe.iter().any(|p| p.trim_start_matches('-') == f.name) {
                probe.push(sort_key(f.name, mix(rng).is_multiple_of(2)));
            }
        }
        out.push(format!("sort={}", probe.join(",")));
    }
    let to_one: Vec<_> = ty
        .relationships()
        .iter()
        .filter(|r| matches!(r.kind, RelKind::BelongsTo { .. }))
        .collect();
    if let Some(rel) = to_one.get(draw(rng, to_one.len())) {
        let tf = queryable(rel.target());
        if let Some(f) = tf.get(draw(rng, tf.len())) {
            let mut probe = vec![sort_key(
                &format!("{}.{}", rel.name, f.name),
                mix(rng).is_multiple_of(2),
            )];
            let own = fields[draw(rng, fields.len())];
            probe.push(sort_key(own.name, mix(rng).is_multiple_of(2)));
            out.push(format!("sort={}", probe.join(",")));
        }
    }
    out
}

/// The kind class of an attribute, for attribute-against-attribute probes.
fn class(f: &Field) -> u8 {
    use open_event_server::jsonapi::FieldKind::*;
    match f.kind {
        Bool => 0,
        Int { .. } | Float { .. } => 1,
        DateTime => 2,
        _ => 3,
    }
}

/// Filter probes. The leaf operators are shared out among the filter
/// checks of the type (each gets a slice of at least three, on attributes
/// they apply to, rotating so the checks cover different attributes), and
/// so are the other forms, in three groups of which each check takes two
/// (one form each): `has` / `any` / a to-one relationship by id; `and` /
/// `or` / `not`; an attribute against another, `filter[x]=` on an
/// attribute or a relationship. The first check of the type also sends a
/// `like` on an attribute that is not text (a 400).
fn filter_probes(
    spec: &Spec,
    op: &Operation,
    route: &Route,
    caller: Actor,
    run_seed: u64,
    rng: &mut u64,
) -> Vec<String> {
    let ty = route.data_type();
    let fields = queryable(ty);
    let (k, n) = slot(spec, "filter", ty.type_name(), op, caller);
    let mut out = Vec::new();
    let ops = filter::LEAF_OPS;
    let width = ops.len().div_ceil(n).max(3);
    for i in 0..width {
        let op_name = ops[(k * width + i) % ops.len()];
        let mut applicable: Vec<&Field> = fields
            .iter()
            .copied()
            .filter(|f| filter::applies(op_name, f))
            .collect();
        if applicable.is_empty() {
            continue;
        }
        let mut type_rng = seed_of(run_seed, &format!("filter:{}:{op_name}", ty.type_name()));
        shuffle(&mut applicable, &mut type_rng);
        out.push(format!(
            "{} {op_name}",
            applicable[k % applicable.len()].name
        ));
    }
    let rels = ty.relationships();
    let to_one: Vec<_> = rels.iter().filter(|r| r.is_to_one()).collect();
    let to_many: Vec<_> = rels.iter().filter(|r| !r.is_to_one()).collect();
    let mut relational: Vec<String> = Vec::new();
    if let Some(r) = to_one.get(draw(rng, to_one.len())) {
        relational.push(format!("{} has", r.name));
        relational.push(format!("{} id", r.name));
    }
    if let Some(r) = to_many.get(draw(rng, to_many.len())) {
        relational.push(format!("{} any", r.name));
    }
    let pairs: Vec<(&Field, &Field)> = fields
        .iter()
        .flat_map(|a| fields.iter().map(move |b| (*a, *b)))
        .filter(|(a, b)| a.name != b.name && class(a) == class(b) && class(a) != 0)
        .collect();
    let mut other: Vec<String> = Vec::new();
    if let Some((a, b)) = pairs.get(draw(rng, pairs.len())) {
        other.push(format!("{} field {}", a.name, b.name));
    }
    if let Some(f) = fields.get(draw(rng, fields.len())) {
        other.push(format!("filter[{}]", f.name));
    }
    if let Some(r) = to_one.get(draw(rng, to_one.len())) {
        other.push(format!("filter[{}]", r.name));
    }
    let compound = ["and", "or", "not"].map(str::to_owned).to_vec();
    // One of each group, but a check of several skips one group in turn.
    for (g, list) in [relational, compound, other].iter().enumerate() {
        if list.is_empty() || (n > 1 && k % 3 == g) {
            continue;
        }
        out.push(list[k % list.len()].clone());
    }
    let not_text: Vec<&&Field> = fields.iter().filter(|f| !filter::is_text(f)).collect();
    if k == 0
        && let Some(f) = not_text.get(draw(rng, not_text.len()))
    {
        out.push(format!("{} like!", f.name));
    }
    out
}

/// A random non-empty subset of `names` (at most `max`).
fn subset(names: &[String], max: usize, rng: &mut u64) -> Vec<String> {
    let mut pool = names.to_vec();
    shuffle(&mut pool, rng);
    let n = 1 + draw(rng, max.min(pool.len()).max(1));
    pool.truncate(n);
    pool
}

fn field_names(res: &dyn DynResource) -> Vec<String> {
    queryable(res)
        .iter()
        .map(|f| f.name.to_owned())
        .chain(res.relationships().iter().map(|r| r.name.to_owned()))
        .collect()
}

/// Fieldset probes: a subset of the type's fields with one relationship
/// included and a subset of the included type's fields (or a subset alone
/// where nothing can be included).
fn field_probes(op: &Operation, route: &Route, rng: &mut u64) -> Vec<String> {
    let ty = route.data_type();
    let names = field_names(ty);
    let mut out = Vec::new();
    let include = op.query_params().any(|p| p.name == "include");
    let rels = ty.relationships();
    let first = subset(&names, 3, rng).join(",");
    match rels.get(draw(rng, rels.len())).filter(|_| include) {
        Some(rel) => {
            let target = rel.target();
            let theirs = subset(&field_names(target), 2, rng).join(",");
            let mut q = vec![
                (format!("fields[{}]", ty.type_name()), first),
                ("include".to_owned(), rel.name.to_owned()),
            ];
            if target.type_name() != ty.type_name() {
                q.push((format!("fields[{}]", target.type_name()), theirs));
            }
            out.push(session::query(&q));
        }
        None => out.push(session::query(&[(
            format!("fields[{}]", ty.type_name()),
            first,
        )])),
    }
    out
}

/// The include probe: every relationship of the type, and two paths of two
/// steps.
fn include_probes(route: &Route, rng: &mut u64) -> Vec<String> {
    let ty = route.data_type();
    let mut paths: Vec<String> = ty
        .relationships()
        .iter()
        .map(|r| r.name.to_owned())
        .collect();
    let mut deep: Vec<String> = ty
        .relationships()
        .iter()
        .flat_map(|r| {
            r.target()
                .relationships()
                .iter()
                .map(move |r2| format!("{}.{}", r.name, r2.name))
        })
        .collect();
    shuffle(&mut deep, rng);
    paths.extend(deep.into_iter().take(2));
    vec![format!("include={}", paths.join(","))]
}

/// Runs a semantic check.
pub async fn run(env: &Env, check: &Check, rec: &mut Recorder) -> Result<(), RunnerError> {
    let Scenario::Semantic {
        family,
        probes,
        world,
    } = &check.scenario
    else {
        return Err(RunnerError::Spec("not a semantic check".into()));
    };
    let op = env
        .spec
        .operation(&check.operation_id)
        .ok_or_else(|| RunnerError::Spec(format!("no operation `{}`", check.operation_id)))?;
    let route = route::route(op)
        .ok_or_else(|| RunnerError::Spec(format!("{} is no generic read", op.id)))?;
    let world = *world;
    let u = env
        .memo
        .get_or_build(&universe::key(world), || async move {
            universe::build(env, world).await.map_err(|e| e.to_string())
        })
        .await
        .map_err(RunnerError::Seed)?;
    let caller = oracle::Oracle::new(&u, &env.spec).caller(check.actor);
    let mut s = Session::new(env, op, route, &u, caller, rec, check.seed).await?;
    match family.as_str() {
        "sort" => sort::run(&mut s, probes).await,
        "filter" => filter::run(&mut s, probes).await,
        "page" => page::run(&mut s, probes).await,
        "fields" => fields::run(&mut s, probes).await,
        "include" => include::run(&mut s, probes).await,
        "visibility" => visibility::run(&mut s).await,
        "linkage" => linkage::run(&mut s).await,
        other => Err(RunnerError::Spec(format!("no semantic family `{other}`"))),
    }
}

/// What the semantic checks of a plan cover: per family the checks and
/// probes; the sort keys (type, attribute, direction) led by a probe, and
/// the (type, attribute, operator) filter combinations, of all there are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Family → (checks, probes).
    pub families: BTreeMap<String, (usize, usize)>,
    /// Sort keys probed first, of all (type, attribute, direction).
    pub sort_keys: (usize, usize),
    /// (type, operator) filter combinations probed, of all.
    #[serde(default)]
    pub filter_ops: (usize, usize),
    /// (type, attribute, operator) filter combinations probed, of all.
    pub filters: (usize, usize),
}

impl Figures {
    /// Semantic checks in all.
    pub fn checks(&self) -> usize {
        self.families.values().map(|(c, _)| c).sum()
    }

    /// Probes in all.
    pub fn probes(&self) -> usize {
        self.families.values().map(|(_, p)| p).sum()
    }

    /// One line for the console.
    pub fn line(&self) -> String {
        let families: Vec<String> = FAMILIES
            .iter()
            .filter_map(|f| {
                self.families.get(*f).map(|(c, p)| {
                    if *p > 0 {
                        format!("{f} {c} ({p} probes)")
                    } else {
                        format!("{f} {c}")
                    }
                })
            })
            .collect();
        format!(
            "semantic checks: {} with {} probes: {}; sort keys led {} of {}; filter type×operator {} of {}, type×attribute×operator {} of {}",
            self.checks(),
            self.probes(),
            families.join(", "),
            self.sort_keys.0,
            self.sort_keys.1,
            self.filter_ops.0,
            self.filter_ops.1,
            self.filters.0,
            self.filters.1,
        )
    }
}

/// The figures of the semantic checks among `checks`.
pub fn figures(spec: &Spec, checks: &[Check]) -> Figures {
    let mut fig = Figures::default();
    let mut sort_led: BTreeSet<(String, String)> = BTreeSet::new();
    let mut filtered: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut sort_types: BTreeSet<&'static str> = BTreeSet::new();
    let mut filter_types: BTreeSet<&'static str> = BTreeSet::new();
    for c in checks {
        let Scenario::Semantic { family, probes, .. } = &c.scenario else {
            continue;
        };
        let e = fig.families.entry(family.clone()).or_default();
        e.0 += 1;
        e.1 += probes.len();
        let Some(route) = spec.operation(&c.operation_id).and_then(route::route) else {
            continue;
        };
        let ty = route.data_type();
        match family.as_str() {
            "sort" => {
                sort_types.insert(ty.type_name());
            }
            "filter" => {
                filter_types.insert(ty.type_name());
            }
            _ => {}
        }
        for p in probes {
            if family == "sort"
                && let Some(first) = p.strip_prefix("sort=").and_then(|v| v.split(',').next())
                && !first.contains('.')
            {
                sort_led.insert((ty.type_name().to_owned(), first.to_owned()));
            }
            if family == "filter"
                && let [attr, op] = p.split(' ').collect::<Vec<_>>().as_slice()
                && filter::LEAF_OPS.contains(op)
            {
                filtered.insert((
                    ty.type_name().to_owned(),
                    (*attr).to_owned(),
                    (*op).to_owned(),
                ));
            }
        }
    }
    let registry = crate::runner::kinds::registry();
    let mut sort_total = 0;
    let mut filter_total = 0;
    let mut ops_total = 0;
    for t in &sort_types {
        if let Some(res) = registry.lookup(t) {
            sort_total += queryable(res).len() * 2;
        }
    }
    for t in &filter_types {
        if let Some(res) = registry.lookup(t) {
            let fields = queryable(res);
            filter_total += filter::LEAF_OPS
                .iter()
                .map(|op| fields.iter().filter(|f| filter::applies(op, f)).count())
                .sum::<usize>();
            ops_total += filter::LEAF_OPS
                .iter()
                .filter(|op| fields.iter().any(|f| filter::applies(op, f)))
                .count();
        }
    }
    fig.sort_keys = (sort_led.len(), sort_total);
    let ops: BTreeSet<(&String, &String)> = filtered.iter().map(|(t, _, o)| (t, o)).collect();
    fig.filter_ops = (ops.len(), ops_total);
    fig.filters = (filtered.len(), filter_total);
    fig
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::kinds;

    fn spec() -> Spec {
        Spec::from_value(open_event_server::api::spec_json(
            &open_event_server::api::service(),
            &open_event_server::resources::registry(),
        ))
        .unwrap()
    }

    fn caps() -> Caps {
        Caps {
            kinds: kinds::types().into_iter().map(str::to_owned).collect(),
            ..Caps::default()
        }
    }

    /// The semantic checks of the whole spec, as the plan makes them.
    fn checks(spec: &Spec, seed: u64) -> Vec<Check> {
        let mut out = Vec::new();
        for op in &spec.operations {
            let mut derived = Derived::default();
            derive(op, spec, &caps(), seed, &mut derived);
            for case in derived.cases {
                out.push(Check {
                    id: case_id(&op.id, &case),
                    operation_id: op.id.clone(),
                    label: op.label(),
                    expected: case.status,
                    actor: case.actor,
                    scenario: case.scenario,
                    seed: 0,
                });
            }
        }
        out
    }

    #[test]
    fn every_generic_read_gets_semantic_checks() {
        let spec = spec();
        let all = checks(&spec, 7);
        let mut reads = 0;
        for op in &spec.operations {
            let planned = all.iter().any(|c| c.operation_id == op.id);
            let generic = op.method == "GET"
                && kinds::registry()
                    .all()
                    .iter()
                    .any(|r| op.path.starts_with(&format!("/v1/{}", r.plural())));
            assert_eq!(planned, generic, "{}", op.id);
            reads += usize::from(generic);
        }
        assert!(reads >= 60, "{reads}");
        // Every family is planned, and nothing without a database.
        let fig = figures(&spec, &all);
        assert_eq!(fig.families.len(), FAMILIES.len(), "{fig:?}");
        let mut none = Derived::default();
        let op = spec.operation("list_sponsors").unwrap();
        derive(op, &spec, &Caps::default(), 7, &mut none);
        assert!(none.cases.is_empty() && !none.skipped.is_empty());
    }

    #[test]
    fn sort_checks_lead_with_every_attribute_both_ways_and_probes_follow_the_seed() {
        let spec = spec();
        let fig = figures(&spec, &checks(&spec, 7));
        assert_eq!(fig.sort_keys.0, fig.sort_keys.1, "{fig:?}");
        assert!(fig.filters.0 > 100, "{fig:?}");
        assert_eq!(
            fig.filter_ops.0, fig.filter_ops.1,
            "every operator on every type"
        );
        let ids = |c: &[Check]| c.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        let (a, b, c) = (checks(&spec, 7), checks(&spec, 7), checks(&spec, 8));
        assert_eq!(a, b);
        assert_eq!(ids(&a), ids(&c));
        assert_ne!(a, c, "the probes are drawn from the seed");
    }

    #[test]
    fn routes_name_lists_objects_related_objects_and_linkage() {
        let spec = spec();
        let route_of =
            |id: &str| format!("{:?}", route::route(spec.operation(id).unwrap()).unwrap());
        assert_eq!(route_of("list_sponsors"), "List(sponsor)");
        assert_eq!(
            route_of("list_event_sponsors"),
            "List(sponsor of event.sponsors)"
        );
        assert_eq!(route_of("get_event"), "One(event)");
        assert_eq!(route_of("get_sponsor_event"), "RelatedOne(sponsor.event)");
        assert_eq!(
            route_of("get_event_sponsors_relationship"),
            "Linkage(event.sponsors)"
        );
        assert!(route::route(spec.operation("login").unwrap()).is_none());
    }
}
