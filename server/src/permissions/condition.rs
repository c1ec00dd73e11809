//! Conditions are data. A [`Condition`] is declared once, next to the
//! resource that owns it (`event-published` in `resources::event`, `self` in
//! `resources::user`, …), and that one definition gives everything that
//! needs it:
//!
//! - its SQL, for lists and single objects ([`Condition::sql`]);
//! - its in-memory check, for creation and `has_access` ([`Condition::check`]);
//! - its name and note, exported to `x-permissions` and the handbook;
//! - how to build a world where it holds and one where it does not
//!   ([`Condition::world`]), which the contract runner and the tests read
//!   (they hold no second copy of any condition).

use sea_orm::{Condition as Sql, sea_query::Expr};
use serde::{Serialize, Serializer};

use super::{Table, engine::Args};
use crate::auth::Caller;

/// What an in-memory check concludes without a row.
#[derive(Debug, Clone)]
pub enum Check {
    /// Decided from the facts alone.
    Is(bool),
    /// Holds when the facts' event matches this SQL on the `events` table
    /// (joined into the one `has_access` statement).
    OnEvent(Sql),
}

/// One step of a world recipe: what the runner (or a test) sets so that a
/// condition holds or fails. Interpreted generically by the runner through
/// the factories; a new condition needs no runner code unless it needs a
/// new kind of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "step")]
pub enum Setup {
    /// The object's event has `column = value` (e.g. `state = published`).
    EventColumn {
        /// Column of `events`.
        column: &'static str,
        /// The value (as text).
        value: &'static str,
    },
    /// The object itself has `column = value`.
    ObjectColumn {
        /// Column of the object's table.
        column: &'static str,
        /// The value (as text).
        value: &'static str,
    },
    /// The object belongs to the caller through the table's user column
    /// (a user is the caller; a grant's `user_id` is the caller's), or,
    /// when `caller: false`, to another user.
    ObjectUser {
        /// The caller's (true) or someone else's (false).
        caller: bool,
    },
    /// The object's `column` holds the caller's email (or another address).
    ObjectEmail {
        /// Column holding an email.
        column: &'static str,
        /// The caller's (true) or someone else's (false).
        caller: bool,
    },
    /// The object's `column` references the role named `role` (or, when
    /// `is: false`, a role other than it).
    ObjectRole {
        /// Column holding a role id.
        column: &'static str,
        /// The role's name.
        role: &'static str,
        /// Whether it is that role.
        is: bool,
    },
    /// The request body names `value` in attribute `attribute` (or, when
    /// `is: false`, any other allowed value).
    RequestAttribute {
        /// Dasherized attribute.
        attribute: &'static str,
        /// The value.
        value: &'static str,
        /// Whether the body carries it.
        is: bool,
    },
}

/// How to make a condition hold, and how to make it fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct World {
    /// Steps after which the condition holds.
    pub holds: &'static [Setup],
    /// Steps after which it fails.
    pub fails: &'static [Setup],
}

/// A named predicate of permission rules, declared once.
pub struct Condition {
    /// Kebab-case name used in `x-permissions` (e.g. `event-published`).
    pub name: &'static str,
    /// The handbook footnote text.
    pub note: &'static str,
    /// The SQL on the rows of `table` for this caller.
    pub sql: fn(&Table, &Caller) -> Sql,
    /// The check from facts when there is no row (creation, `has_access`).
    pub check: fn(&Args, &Caller) -> Check,
    /// Whether it reads the request body rather than a stored row (its SQL
    /// is then always true and [`check`](Condition::check) decides).
    pub on_request: bool,
    /// How to build a world where it holds or fails.
    pub world: World,
}

impl Condition {
    /// The kebab-case name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The handbook footnote text.
    pub fn description(&self) -> &'static str {
        self.note
    }
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Condition {}

impl PartialOrd for Condition {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Condition {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(other.name)
    }
}

impl std::hash::Hash for Condition {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

/// SQL that matches every row.
pub fn always() -> Sql {
    Sql::all()
}

/// SQL that matches no row.
pub fn nothing() -> Sql {
    Sql::all().add(Expr::val(1).eq(0))
}

use sea_orm::sea_query::ExprTrait as _;
