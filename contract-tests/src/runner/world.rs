//! Permission worlds: the typed provider states of the permission checks
//! (the analogue of Dredd hooks and Pact provider states).
//!
//! A permission check asks for a [`Given`]: which conditions of the
//! `x-permissions` rules should hold (the event is published, the object is
//! the caller's own, the invite is addressed to the caller, …). Each
//! condition name has a [`ConditionBuilder`] registered in [`CONDITIONS`]:
//! how to make it hold or fail in a `Given`, and how to read it off the
//! built objects. A condition without a builder leaves its rows uncovered.
//!
//! From the role and the `Given`, [`Layout::new`] decides deterministically
//! who holds what (the check's actor, the event's owner, a third user); the
//! seeder builds exactly that through the factories ([`World`]) and reports
//! the facts of what it built, which must equal [`Layout::facts`] (the
//! facts the plan computed the expected status from).
//!
//! Every world has an event `E` owned by a fresh user `O`; the actor holds
//! its role on `E` (the `owner` actor *is* `O`). The objects a check needs
//! are named by [`Obj`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::plan::Actor;

/// The conditions a permission check asks to hold. Fields left at their
/// [neutral](Given::NEUTRAL) value do not restrict anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Given {
    /// The event is published (`event-published`).
    pub event_published: bool,
    /// The object is the caller's own (`self`).
    pub own: bool,
    /// The invite is addressed to the caller (`invitee`).
    pub invitee: bool,
    /// The grant is the event's owner grant (`not-owner-grant` fails).
    pub owner_grant: bool,
    /// The invite is still pending (`invite-pending`).
    pub invite_pending: bool,
    /// The request names the `owner` role (`below-owner` fails).
    pub asks_owner: bool,
}

impl Given {
    /// A draft event, nobody's own objects, a pending invite to someone
    /// else, a co-organizer's grant, a request below owner.
    pub const NEUTRAL: Given = Given {
        event_published: false,
        own: false,
        invitee: false,
        owner_grant: false,
        invite_pending: true,
        asks_owner: false,
    };
}

impl Default for Given {
    fn default() -> Self {
        Given::NEUTRAL
    }
}

/// The facts of one built object, as the rules' conditions read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Its event is published.
    pub published: bool,
    /// It is the caller, or the caller's (`user_id`).
    pub is_self: bool,
    /// An invite addressed to the caller's email.
    pub invitee: bool,
    /// A grant of the `owner` role.
    pub owner_grant: bool,
    /// An invite still pending.
    pub pending: bool,
}

/// How one condition name is made true or false, and read back.
#[derive(Debug, Clone, Copy)]
pub struct ConditionBuilder {
    /// The name used in `x-permissions`.
    pub name: &'static str,
    /// Makes the condition hold (`true`) or fail in a `Given`.
    pub set: fn(&mut Given, bool),
    /// Whether the `Given` asks for it to hold.
    pub get: fn(&Given) -> bool,
    /// Whether it holds on an object with these facts, for a request that
    /// asks for the owner role or not.
    pub holds: fn(&Facts, bool) -> bool,
}

/// The registered condition builders, by name.
pub const CONDITIONS: &[ConditionBuilder] = &[
    ConditionBuilder {
        name: "event-published",
        set: |g, v| g.event_published = v,
        get: |g| g.event_published,
        holds: |f, _| f.published,
    },
    ConditionBuilder {
        name: "self",
        set: |g, v| g.own = v,
        get: |g| g.own,
        holds: |f, _| f.is_self,
    },
    ConditionBuilder {
        name: "invitee",
        set: |g, v| g.invitee = v,
        get: |g| g.invitee,
        holds: |f, _| f.invitee,
    },
    ConditionBuilder {
        name: "not-owner-grant",
        set: |g, v| g.owner_grant = !v,
        get: |g| !g.owner_grant,
        holds: |f, _| !f.owner_grant,
    },
    ConditionBuilder {
        name: "invite-pending",
        set: |g, v| g.invite_pending = v,
        get: |g| g.invite_pending,
        holds: |f, _| f.pending,
    },
    ConditionBuilder {
        name: "below-owner",
        set: |g, v| g.asks_owner = !v,
        get: |g| !g.asks_owner,
        holds: |_, asks_owner| !asks_owner,
    },
];

/// The builder registered for a condition name.
pub fn condition(name: &str) -> Option<&'static ConditionBuilder> {
    CONDITIONS.iter().find(|c| c.name == name)
}

/// A short label of the conditions a `Given` makes hold among `names`:
/// `event-published,!self`; `-` when `names` is empty.
pub fn label(given: &Given, names: &[String]) -> String {
    if names.is_empty() {
        return "-".into();
    }
    names
        .iter()
        .filter_map(|n| condition(n))
        .map(|c| {
            if (c.get)(given) {
                c.name.to_owned()
            } else {
                format!("!{}", c.name)
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The objects of a world a check can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Obj {
    /// The event `E`.
    Event,
    /// `E`'s creator (its owner `O`).
    Creator,
    /// The `user` object: the actor when [`Given::own`], else a third user.
    User,
    /// The grant: see [`Layout`].
    Grant,
    /// The user holding the grant.
    GrantHolder,
    /// The grant's role.
    GrantRole,
    /// The invite on `E`.
    Invite,
    /// The invite's role.
    InviteRole,
    /// A custom role.
    CustomRole,
}

impl Obj {
    /// The resource type of the object.
    pub fn kind(self) -> &'static str {
        match self {
            Obj::Event => "event",
            Obj::Creator | Obj::User | Obj::GrantHolder => "user",
            Obj::Grant => "users-events-roles",
            Obj::Invite => "role-invite",
            Obj::GrantRole | Obj::InviteRole | Obj::CustomRole => "role",
        }
    }

    /// The object a path parameter of resource type `kind` names.
    pub fn primary(kind: &str) -> Option<Obj> {
        Some(match kind {
            "event" => Obj::Event,
            "user" => Obj::User,
            "users-events-roles" => Obj::Grant,
            "role-invite" => Obj::Invite,
            "role" => Obj::CustomRole,
            _ => return None,
        })
    }

    /// The parent and the target of a related endpoint `/<parent>/{id}/<rel>`.
    pub fn related(parent_kind: &str, rel: &str) -> Option<(Obj, Obj)> {
        Some(match (parent_kind, rel) {
            ("event", "creator") => (Obj::Event, Obj::Creator),
            ("event", "users-events-roles") => (Obj::Event, Obj::Grant),
            ("event", "role-invites") => (Obj::Event, Obj::Invite),
            ("users-events-roles", "event") => (Obj::Grant, Obj::Event),
            ("users-events-roles", "role") => (Obj::Grant, Obj::GrantRole),
            ("users-events-roles", "user") => (Obj::Grant, Obj::GrantHolder),
            ("role-invite", "event") => (Obj::Invite, Obj::Event),
            ("role-invite", "role") => (Obj::Invite, Obj::InviteRole),
            // A user's grants: the user is the grant's holder.
            ("user", "users-events-roles") => (Obj::GrantHolder, Obj::Grant),
            _ => return None,
        })
    }
}

/// A person of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The check's actor.
    Actor,
    /// The event's owner `O` (the actor too when the role is `owner`).
    Owner,
    /// A third user.
    Other,
}

/// Who holds what in a world: a pure function of the role and the `Given`,
/// so the plan knows the facts the seeder will build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// The actor's role.
    pub role: Actor,
    /// `E` is published.
    pub published: bool,
    /// Who the `user` object is.
    pub user: Who,
    /// Who holds the grant.
    pub grant_holder: Who,
    /// The grant's role name.
    pub grant_role: &'static str,
    /// The invite is addressed to the actor.
    pub invite_to_actor: bool,
    /// The invite is pending (else accepted).
    pub invite_pending: bool,
    /// The role a created invite asks for.
    pub asks_owner: bool,
}

impl Layout {
    /// The layout for `role` that makes as much of `given` true as the role
    /// allows. Where it cannot (an anonymous caller owns nothing; a
    /// registered caller holding a grant would hold an event role), the
    /// object is someone else's, and the facts say so.
    pub fn new(role: Actor, given: &Given) -> Layout {
        let person = role != Actor::Anyone;
        let (grant_holder, grant_role) = if given.own && role == Actor::Owner {
            (Who::Owner, "owner")
        } else if given.own && role.is_event_role() {
            (Who::Actor, role.name())
        } else if given.own && role.is_staff() {
            (Who::Actor, "registrar")
        } else if given.owner_grant {
            (Who::Owner, "owner")
        } else {
            (Who::Other, "coorganizer")
        };
        Layout {
            role,
            published: given.event_published,
            user: if given.own && person {
                Who::Actor
            } else {
                Who::Other
            },
            grant_holder,
            grant_role,
            invite_to_actor: given.invitee && person,
            invite_pending: given.invite_pending,
            asks_owner: given.asks_owner,
        }
    }

    fn is_actor(&self, who: Who) -> bool {
        match who {
            Who::Actor => true,
            Who::Owner => self.role == Actor::Owner,
            Who::Other => false,
        }
    }

    /// The facts of `obj` in this world.
    pub fn facts(&self, obj: Obj) -> Facts {
        let grant_self = self.is_actor(self.grant_holder);
        match obj {
            Obj::Event => Facts {
                published: self.published,
                ..Facts::default()
            },
            Obj::Creator => Facts {
                is_self: self.role == Actor::Owner,
                ..Facts::default()
            },
            Obj::User => Facts {
                is_self: self.is_actor(self.user),
                ..Facts::default()
            },
            Obj::Grant => Facts {
                published: self.published,
                is_self: grant_self,
                owner_grant: self.grant_role == "owner",
                ..Facts::default()
            },
            Obj::GrantHolder => Facts {
                is_self: grant_self,
                ..Facts::default()
            },
            Obj::Invite => Facts {
                published: self.published,
                invitee: self.invite_to_actor,
                pending: self.invite_pending,
                ..Facts::default()
            },
            Obj::GrantRole | Obj::InviteRole | Obj::CustomRole => Facts::default(),
        }
    }
}

/// One built object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Its id.
    pub id: String,
    /// A query narrowing a list of its type to it (and a few others):
    /// `(parameter, value)`.
    pub narrow: Option<(String, String)>,
    /// Its facts, read off the stored rows.
    pub facts: Facts,
    /// Its secret, when it has one (an invite's token).
    pub secret: Option<String>,
    /// Its name, when it has one (roles).
    pub name: Option<String>,
}

/// A built world.
#[derive(Debug, Clone)]
pub struct World {
    /// The actor's account (`None` for `anyone`).
    pub actor: Option<super::seed::SeededUser>,
    /// The objects asked for.
    pub objects: BTreeMap<Obj, Built>,
}

impl World {
    /// A built object.
    pub fn get(&self, obj: Obj) -> Result<&Built, super::RunnerError> {
        self.objects
            .get(&obj)
            .ok_or_else(|| super::RunnerError::Seed(format!("the world has no {obj:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_make_what_the_role_allows() {
        let own = Given {
            own: true,
            ..Given::NEUTRAL
        };
        assert!(
            Layout::new(Actor::Moderator, &own)
                .facts(Obj::Grant)
                .is_self
        );
        let owner = Layout::new(Actor::Owner, &own).facts(Obj::Grant);
        assert!(owner.is_self && owner.owner_grant);
        assert!(
            !Layout::new(Actor::Registered, &own)
                .facts(Obj::Grant)
                .is_self
        );
        assert!(
            Layout::new(Actor::Registered, &own)
                .facts(Obj::User)
                .is_self
        );
        assert!(!Layout::new(Actor::Anyone, &own).facts(Obj::User).is_self);
        assert!(
            Layout::new(Actor::Owner, &Given::NEUTRAL)
                .facts(Obj::Creator)
                .is_self
        );
    }

    #[test]
    fn every_builder_round_trips() {
        for c in CONDITIONS {
            let mut g = Given::NEUTRAL;
            (c.set)(&mut g, true);
            assert!((c.get)(&g), "{}", c.name);
            (c.set)(&mut g, false);
            assert!(!(c.get)(&g), "{}", c.name);
        }
        let g = Given {
            event_published: true,
            ..Given::NEUTRAL
        };
        assert_eq!(
            label(&g, &["event-published".into(), "self".into()]),
            "event-published,!self"
        );
    }
}
