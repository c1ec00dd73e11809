//! Permission worlds: the typed provider states of the permission checks
//! (the analogue of Dredd hooks and Pact provider states), built from the
//! server's own condition recipes.
//!
//! A permission check asks for a [`Given`]: for every condition of the
//! rules in scope, whether it should hold. The conditions are the server's
//! ([`Catalogue`], read from `open_event_server::resources::registry()`):
//! each carries a [`World`](open_event_server::permissions::World) recipe —
//! the [`Setup`] steps after which it holds, and those after which it
//! fails. The runner interprets the steps generically through the
//! [kinds](super::kinds): a column of the world's event, a column of the
//! object, the object's user, the address it is sent to, the role it
//! names, an attribute of the request. A condition the server does not
//! declare, or whose steps no kind can build, leaves its rows uncovered.
//!
//! From the role and the `Given`, [`Layout::new`] decides deterministically
//! what each object should be ([`Want`]: whose it is, which columns it
//! has, …), as far as the role allows (the kinds adjust it), so the plan
//! knows the facts ([`Layout::facts`]). The seeder builds exactly that
//! through the factories and reads the facts back off the stored rows; a
//! check whose world differs from the plan fails at set-up.
//!
//! Every world has an event `E` owned by a fresh user `O`; the actor holds
//! its role on `E` (the `owner` actor *is* `O`). The objects a check needs
//! are named by [`Obj`]: the world's object of a type, or what one of its
//! to-one relationships names.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::OnceLock,
};

use open_event_factories::FactoryContext;
use open_event_server::{
    jsonapi::RelKind,
    permissions::{Action, Condition, EventLink, Role, Setup},
};

pub use super::model::{Facts, Given, RoleWant, Want, Who};
use super::{
    kinds::{self, EVENT, Row},
    model::{Actor, SeededUser},
};

impl Given {
    /// Every condition of `names` as the factories build an object by
    /// default (a draft event, a pending invite, someone else's object, a
    /// role other than the one named, a request without the value named).
    pub fn neutral<'a>(names: impl IntoIterator<Item = &'a str>) -> Given {
        let cat = catalogue();
        let mut given = Given::default();
        for n in names {
            given.set(n, cat.neutral(n));
        }
        given
    }
}

/// A short label of a `Given` over `names`: `event-published,!self`; `-`
/// when `names` is empty.
pub fn label(given: &Given, names: &[String]) -> String {
    if names.is_empty() {
        return "-".into();
    }
    names
        .iter()
        .filter_map(|n| {
            given
                .holds(n)
                .map(|h| if h { n.clone() } else { format!("!{n}") })
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The server's conditions: every condition some rule of some resource
/// uses, with the resource types using it.
pub struct Catalogue {
    conditions: BTreeMap<&'static str, &'static Condition>,
    users: BTreeMap<&'static str, BTreeSet<&'static str>>,
    neutral: BTreeMap<&'static str, bool>,
}

/// The catalogue of the server's conditions (read once).
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(Catalogue::read)
}

impl Catalogue {
    fn read() -> Catalogue {
        let mut conditions = BTreeMap::new();
        let mut users: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
        for res in kinds::registry().all() {
            let table = res.permissions();
            for action in Action::ALL {
                for rule in table.rules(action) {
                    for c in rule.conditions {
                        conditions.insert(c.name, *c);
                        users.entry(c.name).or_default().insert(res.type_name());
                    }
                }
            }
        }
        let mut cat = Catalogue {
            conditions,
            users,
            neutral: BTreeMap::new(),
        };
        let ctx = FactoryContext::seeded(0);
        let mut defaults: BTreeMap<&'static str, Option<Row>> = BTreeMap::new();
        let mut default_row = |ty: &'static str| -> Option<Row> {
            defaults
                .entry(ty)
                .or_insert_with(|| kinds::get(ty).and_then(|k| k.build(&ctx).ok()))
                .clone()
        };
        let mut neutral = BTreeMap::new();
        for (name, c) in &cat.conditions {
            let holds = c.world.holds.iter().all(|step| match *step {
                Setup::EventColumn { column, value } => {
                    default_row(EVENT).is_some_and(|r| kinds::same(r.get(column), value))
                }
                Setup::ObjectColumn { column, value } => cat
                    .users(name)
                    .into_iter()
                    .filter(|ty| kinds::get(ty).is_some())
                    .find_map(&mut default_row)
                    .is_some_and(|r| kinds::same(r.get(column), value)),
                Setup::ObjectUser { caller } | Setup::ObjectEmail { caller, .. } => !caller,
                Setup::ObjectRole { is, .. } | Setup::RequestAttribute { is, .. } => !is,
            });
            neutral.insert(*name, holds);
        }
        cat.neutral = neutral;
        cat
    }

    /// The condition named `name`.
    pub fn get(&self, name: &str) -> Option<&'static Condition> {
        self.conditions.get(name).copied()
    }

    /// The resource types whose rules use condition `name`.
    pub fn users(&self, name: &str) -> Vec<&'static str> {
        self.users
            .get(name)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Whether condition `name` holds on the factories' default objects.
    pub fn neutral(&self, name: &str) -> bool {
        self.neutral.get(name).copied().unwrap_or(false)
    }

    /// Whether the rules of `type_name` use condition `name`.
    pub fn used_by(&self, name: &str, type_name: &str) -> bool {
        self.users.get(name).is_some_and(|s| s.contains(type_name))
    }

    /// Whether the runner can build worlds where condition `name` holds
    /// and where it fails: the server declares it, with a recipe, and a
    /// kind can apply every step to every type using it. `Err` says why not.
    pub fn interpret(&self, name: &str) -> Result<&'static Condition, String> {
        let c = self.get(name).ok_or_else(|| {
            format!(
                "no world recipe for condition `{name}` (the server declares no such condition)"
            )
        })?;
        if c.world.holds.is_empty() || c.world.fails.is_empty() {
            return Err(format!(
                "condition `{name}` has no world recipe (how to make it hold and fail)"
            ));
        }
        for step in c.world.holds.iter().chain(c.world.fails) {
            match *step {
                Setup::EventColumn { column, .. } => {
                    let ok = kinds::get(EVENT)
                        .and(kinds::resource(EVENT))
                        .is_some_and(|r| kinds::has_column(r, column));
                    if !ok {
                        return Err(format!("condition `{name}`: no kind sets events.{column}"));
                    }
                }
                Setup::RequestAttribute { .. } => {}
                _ => {
                    for ty in self.users(name) {
                        let Some(res) = kinds::get(ty).and(kinds::resource(ty)) else {
                            continue;
                        };
                        let ok = match *step {
                            Setup::ObjectUser { .. } => res.permissions().user_column.is_some(),
                            Setup::ObjectColumn { column, .. }
                            | Setup::ObjectEmail { column, .. }
                            | Setup::ObjectRole { column, .. } => kinds::has_column(res, column),
                            Setup::EventColumn { .. } | Setup::RequestAttribute { .. } => true,
                        };
                        if !ok {
                            return Err(format!(
                                "condition `{name}`: the `{ty}` kind cannot apply {step:?}"
                            ));
                        }
                    }
                }
            }
        }
        Ok(c)
    }

    /// The request attributes the recipe of condition `name` sets.
    pub fn request_attributes(&self, name: &str) -> Vec<&'static str> {
        self.get(name)
            .map(|c| {
                c.world
                    .holds
                    .iter()
                    .chain(c.world.fails)
                    .filter_map(|s| match *s {
                        Setup::RequestAttribute { attribute, .. } => Some(attribute),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The columns a public object of `type_name` is built with (the happy
    /// path's objects): for the event and for the object, the column steps
    /// making the conditions of `anyone` view rules hold (a published event).
    pub fn public(
        &self,
        type_name: &str,
    ) -> (
        BTreeMap<&'static str, &'static str>,
        BTreeMap<&'static str, &'static str>,
    ) {
        let mut event = BTreeMap::new();
        let mut object = BTreeMap::new();
        for ty in [EVENT, type_name] {
            let Some(res) = kinds::resource(ty) else {
                continue;
            };
            for rule in res.permissions().rules(Action::View) {
                if rule.role != Role::Anyone {
                    continue;
                }
                for c in rule.conditions {
                    for step in c.world.holds {
                        match *step {
                            Setup::EventColumn { column, value } => {
                                event.insert(column, value);
                            }
                            Setup::ObjectColumn { column, value } if ty == type_name => {
                                object.insert(column, value);
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        if type_name == EVENT {
            event.extend(std::mem::take(&mut object));
        }
        (event, object)
    }

    /// Whether condition `name` holds on the happy path's public objects
    /// (its steps only set columns, which [`public`](Catalogue::public) applies).
    pub fn holds_when_public(&self, name: &str) -> bool {
        self.get(name).is_some_and(|c| {
            !c.world.holds.is_empty()
                && c.world
                    .holds
                    .iter()
                    .all(|s| matches!(s, Setup::EventColumn { .. } | Setup::ObjectColumn { .. }))
        })
    }

    /// Whether condition `name` makes an object the caller's own.
    pub fn is_ownership(&self, name: &str) -> bool {
        self.get(name).is_some_and(|c| {
            c.world
                .holds
                .iter()
                .any(|s| matches!(s, Setup::ObjectUser { caller: true }))
        })
    }
}

/// An object of a world: the world's object of type `of` (`rel: None`; the
/// world's event for `event`), or what its to-one relationship `rel` names
/// (an event's `creator`, a grant's `user` or `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Obj {
    /// The type of the world's object it is, or starts from.
    pub of: &'static str,
    /// The to-one relationship followed from it.
    pub rel: Option<&'static str>,
}

impl Obj {
    /// The world's object of type `type_name`, when a kind seeds it.
    pub fn primary(type_name: &str) -> Option<Obj> {
        let kind = kinds::get(type_name)?;
        Some(Obj {
            of: kind.type_name(),
            rel: None,
        })
    }

    /// What the to-one relationship `rel` of the world's `of` names: the
    /// world's event when it is the type's event column.
    pub fn via(of: &str, rel: &str) -> Option<Obj> {
        let from = Obj::primary(of)?;
        let res = kinds::resource(of)?;
        let r = res.relationship(rel)?;
        let RelKind::BelongsTo { fk } = r.kind else {
            return None;
        };
        if kinds::event_column(res) == Some(fk) {
            return Obj::primary(EVENT);
        }
        kinds::resource(r.target_type())?;
        Some(Obj {
            of: from.of,
            rel: Some(r.name),
        })
    }

    /// The resource type of the object.
    pub fn kind(self) -> &'static str {
        match self.rel {
            None => self.of,
            Some(rel) => kinds::resource(self.of)
                .and_then(|r| r.relationship(rel))
                .map_or(self.of, |r| r.target_type()),
        }
    }

    /// The parent and the target of a related endpoint
    /// `/<parent>/{id}/<rel>`: a to-one relationship names what the
    /// parent's relationship names; a to-many one lists the world's
    /// objects of its type, whose parent is what their own relationship
    /// back names (a user's grants: the grant's user).
    pub fn related(parent_kind: &str, rel: &str) -> Option<(Obj, Obj)> {
        let res = kinds::resource(parent_kind)?;
        let r = res.relationship(rel)?;
        match r.kind {
            RelKind::BelongsTo { .. } => {
                Some((Obj::primary(parent_kind)?, Obj::via(parent_kind, rel)?))
            }
            RelKind::HasMany { fk } => {
                let target = r.target();
                let back = target
                    .relationships()
                    .iter()
                    .find(|b| matches!(b.kind, RelKind::BelongsTo { fk: f } if f == fk))?;
                let parent = Obj::via(target.type_name(), back.name)?;
                (parent.kind() == parent_kind)
                    .then_some((parent, Obj::primary(target.type_name())?))
            }
        }
    }
}

impl std::fmt::Display for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.rel {
            None => f.write_str(self.of),
            Some(rel) => write!(f, "{}.{rel}", self.of),
        }
    }
}

impl Want {
    fn apply(&mut self, step: &Setup) {
        let who = |caller: bool| if caller { Who::Actor } else { Who::Other };
        match *step {
            Setup::ObjectColumn { column, value } => {
                self.columns.insert(column, value);
            }
            Setup::ObjectUser { caller } => self.user = Some(who(caller)),
            Setup::ObjectEmail { column, caller } => self.email = Some((column, who(caller))),
            Setup::ObjectRole { column, role, is } => {
                self.role = Some(RoleWant {
                    column,
                    name: role,
                    is,
                });
            }
            Setup::EventColumn { .. } | Setup::RequestAttribute { .. } => {}
        }
    }
}

/// What a world holds: a pure function of the role and the `Given`, so the
/// plan knows the facts the seeder will build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The actor's role.
    pub role: Actor,
    /// The conditions asked for.
    pub given: Given,
    /// The columns of the world's event `E`.
    pub event: BTreeMap<&'static str, &'static str>,
    /// What the conditions ask of the objects, per type (before the kinds
    /// adjust it: see [`want`](Layout::want)).
    asked: BTreeMap<&'static str, Want>,
    /// The request attributes: attribute → (value, whether it is sent).
    pub request: BTreeMap<&'static str, (&'static str, bool)>,
}

impl Layout {
    /// The world for `role` where the conditions of `given` hold or fail,
    /// as far as the role allows (an anonymous caller owns nothing; the
    /// kinds adjust the rest). Conditions the server does not declare are
    /// ignored (their rows are uncovered).
    pub fn new(role: Actor, given: &Given) -> Layout {
        let cat = catalogue();
        let mut layout = Layout {
            role,
            given: given.clone(),
            event: BTreeMap::new(),
            asked: BTreeMap::new(),
            request: BTreeMap::new(),
        };
        for (name, holds) in given.iter() {
            let Some(c) = cat.get(name) else { continue };
            let steps = if holds { c.world.holds } else { c.world.fails };
            for step in steps {
                match *step {
                    Setup::EventColumn { column, value } => {
                        layout.event.insert(column, value);
                    }
                    Setup::RequestAttribute {
                        attribute,
                        value,
                        is,
                    } => {
                        layout.request.insert(attribute, (value, is));
                    }
                    _ => {
                        for ty in cat.users(name) {
                            layout.asked.entry(ty).or_default().apply(step);
                        }
                    }
                }
            }
        }
        layout
    }

    /// What the world's object of `type_name` should be, adjusted to what
    /// the role allows (nobody is the anonymous caller) and by its kind.
    pub fn want(&self, type_name: &str) -> Want {
        let mut want = self.asked.get(type_name).cloned().unwrap_or_default();
        if self.role == Actor::Anyone {
            if want.user == Some(Who::Actor) {
                want.user = Some(Who::Other);
            }
            if let Some((_, who)) = &mut want.email
                && *who == Who::Actor
            {
                *who = Who::Other;
            }
        }
        if let Some(kind) = kinds::get(type_name) {
            kind.plan(self.role, &mut want);
        }
        want
    }

    /// The columns of the world's event.
    pub fn event_columns(&self) -> BTreeMap<&'static str, &'static str> {
        let mut cols = self.event.clone();
        cols.extend(self.want(EVENT).columns);
        cols
    }

    /// Whether a person is the actor.
    pub fn is_actor(&self, who: Who) -> bool {
        match who {
            Who::Actor => self.role != Actor::Anyone,
            Who::Owner => self.role == Actor::Owner,
            Who::Other => false,
        }
    }

    /// The person a user object is, or an object belongs to.
    fn person(&self, obj: Obj) -> Who {
        let Some(rel) = obj.rel else {
            return self.want(obj.of).user.unwrap_or(Who::Other);
        };
        let Some(res) = kinds::resource(obj.of) else {
            return Who::Other;
        };
        let fk = kinds::foreign_key(res, rel);
        if fk.is_some() && fk == res.permissions().user_column {
            self.want(obj.of).user.unwrap_or(Who::Other)
        } else {
            kinds::get(obj.of).map_or(Who::Owner, |k| k.person(rel))
        }
    }

    /// Whether a step of a recipe is satisfied by `obj` in this world.
    fn satisfied(&self, step: &Setup, obj: Obj) -> bool {
        let ty = obj.kind();
        let Some(res) = kinds::resource(ty) else {
            return false;
        };
        match *step {
            Setup::EventColumn { column, value } => {
                res.permissions().event != EventLink::None
                    && self.event_columns().get(column) == Some(&value)
            }
            Setup::ObjectColumn { column, value } => {
                obj.rel.is_none()
                    && if ty == EVENT {
                        self.event_columns().get(column) == Some(&value)
                    } else {
                        self.want(ty).columns.get(column) == Some(&value)
                    }
            }
            Setup::ObjectUser { caller } => {
                res.permissions().user_column.is_some() && self.is_actor(self.person(obj)) == caller
            }
            Setup::ObjectEmail { column, caller } => {
                let to_actor = obj.rel.is_none()
                    && self
                        .want(ty)
                        .email
                        .is_some_and(|(c, who)| c == column && self.is_actor(who));
                to_actor == caller
            }
            Setup::ObjectRole { column, role, is } => {
                let named = obj.rel.is_none()
                    && self
                        .want(ty)
                        .role
                        .is_some_and(|r| r.column == column && r.is && r.name == role);
                named == is
            }
            Setup::RequestAttribute {
                attribute,
                value,
                is,
            } => (self.request.get(attribute) == Some(&(value, true))) == is,
        }
    }

    /// The facts of `obj` the seeder must read back: every condition asked
    /// for that the rules of its type use and that reads a stored row.
    pub fn object_facts(&self, obj: Obj) -> Facts {
        let cat = catalogue();
        let ty = obj.kind();
        self.given
            .iter()
            .filter_map(|(name, _)| {
                let c = cat.get(name)?;
                (!c.on_request && cat.used_by(name, ty))
                    .then(|| (name, c.world.holds.iter().all(|s| self.satisfied(s, obj))))
            })
            .collect()
    }

    /// The facts of the request: the conditions asked for that read the
    /// request body.
    pub fn request_facts(&self) -> Facts {
        let cat = catalogue();
        self.given
            .iter()
            .filter_map(|(name, _)| {
                let c = cat.get(name)?;
                c.on_request.then(|| {
                    let holds = c.world.holds.iter().all(|s| match *s {
                        Setup::RequestAttribute {
                            attribute,
                            value,
                            is,
                        } => (self.request.get(attribute) == Some(&(value, true))) == is,
                        _ => false,
                    });
                    (name, holds)
                })
            })
            .collect()
    }

    /// Everything the rules read about `obj` in this world: its facts and
    /// the request's.
    pub fn facts(&self, obj: Obj) -> Facts {
        let mut f = self.object_facts(obj);
        f.extend(&self.request_facts());
        f
    }

    /// What the rules of a create read: the request's facts; every
    /// condition on a stored row fails (there is none yet).
    pub fn create_facts(&self) -> Facts {
        let cat = catalogue();
        let mut f: Facts = self
            .given
            .iter()
            .filter(|(n, _)| cat.get(n).is_some_and(|c| !c.on_request))
            .map(|(n, _)| (n, false))
            .collect();
        f.extend(&self.request_facts());
        f
    }
}

/// One built object.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// Its id.
    pub id: String,
    /// A query narrowing a list of its type to it (and a few others):
    /// `(parameter, value)`.
    pub narrow: Option<(String, String)>,
    /// Its facts, read off the stored rows.
    pub facts: Facts,
    /// Its stored row (snake_case columns).
    pub row: Row,
}

/// A built world.
#[derive(Debug, Clone)]
pub struct World {
    /// The actor's account (`None` for `anyone`).
    pub actor: Option<SeededUser>,
    /// The objects asked for.
    pub objects: BTreeMap<Obj, Built>,
}

impl World {
    /// A built object.
    pub fn get(&self, obj: Obj) -> Result<&Built, super::RunnerError> {
        self.objects
            .get(&obj)
            .ok_or_else(|| super::RunnerError::Seed(format!("the world has no {obj}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(ty: &str) -> Obj {
        Obj::primary(ty).unwrap()
    }

    #[test]
    fn the_servers_conditions_are_all_interpretable() {
        let cat = catalogue();
        for name in [
            "event-published",
            "self",
            "invitee",
            "not-owner-grant",
            "invite-pending",
            "below-owner",
        ] {
            assert!(
                cat.interpret(name).is_ok(),
                "{name}: {:?}",
                cat.interpret(name)
            );
        }
        assert!(
            cat.interpret("full-moon")
                .unwrap_err()
                .contains("`full-moon`")
        );
        // The neutral world: a draft, someone else's, a pending invite, a
        // co-organizer's grant, a request below owner.
        let neutral: Vec<bool> = ["event-published", "self", "invitee", "invite-pending"]
            .iter()
            .map(|n| cat.neutral(n))
            .collect();
        assert_eq!(neutral, [false, false, false, true]);
        assert!(cat.neutral("not-owner-grant") && cat.neutral("below-owner"));
    }

    #[test]
    fn layouts_make_what_the_role_allows() {
        let own = Given::neutral(["self", "not-owner-grant"]).with("self", true);
        let grant = obj("users-events-roles");
        let facts = |role, o| Layout::new(role, &own).facts(o);
        assert_eq!(facts(Actor::Moderator, grant).get("self"), Some(true));
        let owner = facts(Actor::Owner, grant);
        assert_eq!(
            (owner.get("self"), owner.get("not-owner-grant")),
            (Some(true), Some(false))
        );
        assert_eq!(facts(Actor::Registered, grant).get("self"), Some(false));
        assert_eq!(
            facts(Actor::Registered, obj("user")).get("self"),
            Some(true)
        );
        assert_eq!(facts(Actor::Anyone, obj("user")).get("self"), Some(false));
        let creator = Obj::via("event", "creator").unwrap();
        assert_eq!(creator.kind(), "user");
        assert_eq!(facts(Actor::Owner, creator).get("self"), Some(true));
        assert_eq!(facts(Actor::Admin, creator).get("self"), Some(false));
    }

    #[test]
    fn related_endpoints_name_their_parent_and_target() {
        let grant = obj("users-events-roles");
        assert_eq!(
            Obj::related("users-events-roles", "event"),
            Some((grant, obj("event")))
        );
        let holder = Obj::via("users-events-roles", "user").unwrap();
        assert_eq!(
            Obj::related("user", "users-events-roles"),
            Some((holder, grant))
        );
        assert_eq!(
            Obj::related("event", "role-invites"),
            Some((obj("event"), obj("role-invite")))
        );
        assert_eq!(Obj::related("event", "no-such-thing"), None);
    }

    #[test]
    fn labels_name_each_condition_in_scope() {
        let g = Given::neutral(["event-published", "self"]).with("event-published", true);
        assert_eq!(
            label(&g, &["event-published".into(), "self".into()]),
            "event-published,!self"
        );
        assert_eq!(label(&g, &[]), "-");
    }
}
