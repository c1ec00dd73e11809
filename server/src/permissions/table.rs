//! Permission tables as data: per resource, action → rules; a rule is a role,
//! named conditions (AND) and optional field limits. Rules are OR'ed.

use serde::Serialize;

use super::{Condition, Role};

/// What is done to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// List.
    List,
    /// View one.
    View,
    /// Create.
    Create,
    /// Update.
    Update,
    /// Delete.
    Delete,
}

impl Action {
    /// Every action, in handbook column order.
    pub const ALL: [Action; 5] = [
        Action::List,
        Action::View,
        Action::Create,
        Action::Update,
        Action::Delete,
    ];

    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Action::List => "list",
            Action::View => "view",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// Which attributes a rule lets the caller see or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fields {
    /// Every attribute.
    All,
    /// Only these.
    Only(&'static [&'static str]),
    /// All but these.
    Except(&'static [&'static str]),
}

impl Fields {
    /// Whether the attribute is allowed.
    pub fn allows(self, name: &str) -> bool {
        match self {
            Fields::All => true,
            Fields::Only(list) => list.contains(&name),
            Fields::Except(list) => !list.contains(&name),
        }
    }
}

/// One rule: a role, conditions that must all hold, and field limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The role (higher roles also match).
    pub role: Role,
    /// Conditions, all required.
    pub conditions: &'static [&'static Condition],
    /// Attribute limits.
    pub fields: Fields,
}

impl Rule {
    /// A rule with no conditions or limits.
    pub const fn role(role: Role) -> Rule {
        Rule {
            role,
            conditions: &[],
            fields: Fields::All,
        }
    }

    /// Adds conditions.
    pub const fn when(mut self, conditions: &'static [&'static Condition]) -> Rule {
        self.conditions = conditions;
        self
    }

    /// Adds field limits.
    pub const fn fields(mut self, fields: Fields) -> Rule {
        self.fields = fields;
        self
    }
}

/// How a table's rows reach their event and their user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLink {
    /// The rows are not tied to an event.
    None,
    /// The row is the event.
    IsEvent,
    /// The row's event id column.
    Column(&'static str),
}

/// The denial statuses, the same for every table (design §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Denials {
    /// No token where one is needed.
    pub unauthenticated: u16,
    /// The object is missing or hidden from the caller.
    pub hidden: u16,
    /// Visible but not allowed.
    pub forbidden: u16,
}

/// The statuses of design §3.
pub const DENIALS: Denials = Denials {
    unauthenticated: 401,
    hidden: 404,
    forbidden: 403,
};

/// A resource's permission table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The resource type.
    pub resource: &'static str,
    /// The table its rows live in.
    pub table: &'static str,
    /// How rows reach their event.
    pub event: EventLink,
    /// The column naming the row's user (read by the `self` condition).
    pub user_column: Option<&'static str>,
    /// Rules per action; an action without rules is allowed to nobody.
    pub rules: &'static [(Action, &'static [Rule])],
}

impl Table {
    /// The rules of an action.
    pub fn rules(&self, action: Action) -> &'static [Rule] {
        self.rules
            .iter()
            .find(|(a, _)| *a == action)
            .map(|(_, r)| *r)
            .unwrap_or(&[])
    }

    /// Whether anonymous callers can never pass (so they get 401).
    pub fn requires_auth(&self, action: Action) -> bool {
        !self.rules(action).iter().any(|r| r.role == Role::Anyone)
    }
}
