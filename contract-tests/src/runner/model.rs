//! The runner's vocabulary: the plain data its layers share — the run's
//! error, the roles and people of a check ([`Actor`], [`Who`]), what a
//! permission world asks for and what holds in it ([`Given`], [`Want`],
//! [`Facts`]), a seeded account, a planned check and its scenario, and what
//! a target lets the runner do ([`Caps`]). A leaf: it names no other runner
//! module, so every layer can use it and nothing here reaches up (the
//! behaviour that needs the server's registry, e.g. `Given::neutral`, is
//! implemented in [`world`](super::world)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why a run could not happen (as opposed to checks failing).
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// The spec could not be read or makes no sense.
    #[error("spec: {0}")]
    Spec(String),
    /// The server could not be started or reached.
    #[error("target: {0}")]
    Target(String),
    /// Data could not be seeded.
    #[error("seeding: {0}")]
    Seed(String),
    /// A report could not be written.
    #[error("report: {0}")]
    Report(String),
}

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

/// A person of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The check's actor.
    Actor,
    /// The event's owner `O` (the actor too when the role is `owner`).
    Owner,
    /// Someone else (a new user).
    Other,
}

/// A role an object should name (`ObjectRole` steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleWant {
    /// The column holding the role id.
    pub column: &'static str,
    /// The role's name.
    pub name: &'static str,
    /// Whether it is that role (else: any other).
    pub is: bool,
}

/// What a world asks of one object. `None` and absent columns: as the
/// kind's factory makes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Want {
    /// Whose it is (the table's user column; for users, who it is).
    pub user: Option<Who>,
    /// Who it is addressed to: `(column, person)`.
    pub email: Option<(&'static str, Who)>,
    /// The role it names.
    pub role: Option<RoleWant>,
    /// Column values (as text).
    pub columns: BTreeMap<&'static str, &'static str>,
}

/// The conditions a permission check asks to hold (`true`) or fail
/// (`false`), by name. The plan states every condition in scope
/// explicitly (see [`Given::neutral`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Given(BTreeMap<String, bool>);

impl Given {
    /// The same, with condition `name` made to hold or fail.
    pub fn with(mut self, name: &str, holds: bool) -> Given {
        self.set(name, holds);
        self
    }

    /// Makes condition `name` hold or fail.
    pub fn set(&mut self, name: &str, holds: bool) {
        self.0.insert(name.to_owned(), holds);
    }

    /// Whether the check asks condition `name` to hold.
    pub fn holds(&self, name: &str) -> Option<bool> {
        self.0.get(name).copied()
    }

    /// The conditions asked for, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, bool)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }
}

/// Which conditions hold on an object, by name (as the rules' conditions
/// read it). A condition it does not name is one the runner cannot tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Facts(BTreeMap<String, bool>);

impl Facts {
    /// Whether condition `name` holds (`None`: not known).
    pub fn get(&self, name: &str) -> Option<bool> {
        self.0.get(name).copied()
    }

    /// Records whether `name` holds.
    pub fn set(&mut self, name: &str, holds: bool) {
        self.0.insert(name.to_owned(), holds);
    }

    /// Adds the facts of `other`.
    pub fn extend(&mut self, other: &Facts) {
        self.0.extend(other.0.iter().map(|(k, v)| (k.clone(), *v)));
    }
}

impl<S: Into<String>> FromIterator<(S, bool)> for Facts {
    fn from_iter<I: IntoIterator<Item = (S, bool)>>(iter: I) -> Self {
        Facts(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

/// A created account, with what the runner needs to act as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededUser {
    /// Database id.
    pub id: i64,
    /// Login email.
    pub email: String,
    /// Plain-text password.
    pub password: String,
    /// Token version (for signing tokens).
    pub token_version: i32,
}

/// How a bad token is bad.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum TokenFault {
    /// Not a JWT at all.
    Garbage,
    /// A valid token whose payload was edited (signature no longer matches).
    Tampered,
    /// Signed with another secret.
    WrongSecret,
    /// Signed by the server's key, expired.
    Expired,
    /// A token of the other type (refresh for access, access for refresh).
    WrongType,
}

impl TokenFault {
    /// Every fault, in plan order.
    pub const ALL: [TokenFault; 5] = [
        TokenFault::Garbage,
        TokenFault::Tampered,
        TokenFault::WrongSecret,
        TokenFault::Expired,
        TokenFault::WrongType,
    ];

    /// Kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            TokenFault::Garbage => "garbage-token",
            TokenFault::Tampered => "tampered-token",
            TokenFault::WrongSecret => "wrong-secret-token",
            TokenFault::Expired => "expired-token",
            TokenFault::WrongType => "wrong-type-token",
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
    /// A semantic check ([`cases::semantics`](super::cases::semantics)):
    /// what the responses of a read mean (sort order, filters, pagination,
    /// sparse fieldsets, includes, visibility of every item, linkage),
    /// against the oracle's answer on a world the runner seeded.
    Semantic {
        /// `sort`, `filter`, `page`, `fields`, `include`, `visibility` or `linkage`.
        family: String,
        /// What the check asks, drawn from `--seed` at plan time: query
        /// fragments (`sort=-name,level`, `include=event`, `page[size]=2`)
        /// or filter probes (`level between`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        probes: Vec<String>,
        /// The seed of the world every semantic check of the run shares.
        world: u64,
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
            Scenario::Semantic { family, .. } => format!("sem:{family}"),
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

/// What the target lets the runner do.
#[derive(Debug, Clone, Default)]
pub struct Caps {
    /// Resource types the seeder can create (empty: no seeding).
    pub kinds: Vec<String>,
    /// Resource types the seeder can create soft-deleted.
    pub deletable: Vec<String>,
    /// Resource types the seeder can make referenced (a hard delete's 409).
    pub referable: Vec<String>,
    /// Whether tokens can be signed (expired tokens need the secret).
    pub can_sign: bool,
    /// Whether the runner can take a server's database down (in-process
    /// targets: a dedicated server is spawned for it).
    pub can_break_database: bool,
    /// Whether the OAuth provider stand-ins the server talks to run in the
    /// runner (in-process targets; external ones with `--google-mock-addr`…).
    pub providers: bool,
}

/// Where the runner binds the OAuth provider stand-ins for a server in
/// another process (which is started pointing at these addresses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderAddrs {
    /// The Google stand-in (`OPEN_EVENT_GOOGLE_BASE_URL`).
    pub google: std::net::SocketAddr,
    /// The Facebook dialog stand-in (`OPEN_EVENT_FACEBOOK_BASE_URL`).
    pub facebook: std::net::SocketAddr,
    /// The Graph API stand-in (`OPEN_EVENT_GRAPH_BASE_URL`).
    pub graph: std::net::SocketAddr,
}

impl Caps {
    /// Whether data can be seeded at all.
    pub fn seeding(&self) -> bool {
        !self.kinds.is_empty()
    }

    /// Whether objects of `kind` can be seeded.
    pub fn seeds(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }
}
