//! The roles of the permission tables and how they include each other.

use serde::Serialize;

/// A row of a permission table. A rule for a role is also satisfied by every
/// role above it: super-admin ⊃ admin ⊃ owner ⊃ organizer ⊃ coorganizer ⊃
/// {track-organizer, moderator, registrar} ⊃ registered ⊃ anyone (staff pass
/// every event-role rule, as in Open Event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The system owner: everything, including making admins.
    SuperAdmin,
    /// Staff.
    Admin,
    /// The event's owner (its creator, or whoever accepted an owner invite).
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
    /// Any logged-in user.
    Registered,
    /// Anyone, with or without a token.
    Anyone,
}

impl Role {
    /// Every role, highest first.
    pub const ALL: [Role; 10] = [
        Role::SuperAdmin,
        Role::Admin,
        Role::Owner,
        Role::Organizer,
        Role::Coorganizer,
        Role::TrackOrganizer,
        Role::Moderator,
        Role::Registrar,
        Role::Registered,
        Role::Anyone,
    ];

    /// The kebab-case name (also the `roles.name` for event roles).
    pub fn name(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super-admin",
            Role::Admin => "admin",
            Role::Owner => "owner",
            Role::Organizer => "organizer",
            Role::Coorganizer => "coorganizer",
            Role::TrackOrganizer => "track-organizer",
            Role::Moderator => "moderator",
            Role::Registrar => "registrar",
            Role::Registered => "registered",
            Role::Anyone => "anyone",
        }
    }

    /// A human title for the handbook.
    pub fn title(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super admin",
            Role::Admin => "Admin",
            Role::Owner => "Event owner",
            Role::Organizer => "Event organizer",
            Role::Coorganizer => "Event co-organizer",
            Role::TrackOrganizer => "Track organizer",
            Role::Moderator => "Moderator",
            Role::Registrar => "Registrar",
            Role::Registered => "Registered user",
            Role::Anyone => "Everyone else",
        }
    }

    /// Whether this is a role held per event.
    pub fn is_event_role(self) -> bool {
        matches!(
            self,
            Role::Owner
                | Role::Organizer
                | Role::Coorganizer
                | Role::TrackOrganizer
                | Role::Moderator
                | Role::Registrar
        )
    }

    /// The event role names that satisfy a rule for this event role.
    pub fn satisfying_event_roles(self) -> &'static [&'static str] {
        match self {
            Role::Owner => &["owner"],
            Role::Organizer => &["owner", "organizer"],
            Role::Coorganizer => &["owner", "organizer", "coorganizer"],
            Role::TrackOrganizer => &["owner", "organizer", "coorganizer", "track-organizer"],
            Role::Moderator => &["owner", "organizer", "coorganizer", "moderator"],
            Role::Registrar => &["owner", "organizer", "coorganizer", "registrar"],
            _ => &[],
        }
    }

    /// Whether a caller holding `self` satisfies a rule written for `rule`.
    pub fn includes(self, rule: Role) -> bool {
        match rule {
            Role::Anyone => true,
            Role::Registered => self != Role::Anyone,
            Role::SuperAdmin => self == Role::SuperAdmin,
            Role::Admin => matches!(self, Role::SuperAdmin | Role::Admin),
            event_role => {
                matches!(self, Role::SuperAdmin | Role::Admin)
                    || (self.is_event_role()
                        && event_role.satisfying_event_roles().contains(&self.name()))
            }
        }
    }

    /// A role by name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::Role::*;

    #[test]
    fn higher_roles_include_lower_rows() {
        assert!(SuperAdmin.includes(Admin) && Admin.includes(Owner) && Admin.includes(Registrar));
        assert!(!Admin.includes(SuperAdmin));
        assert!(
            Owner.includes(Organizer)
                && Organizer.includes(Coorganizer)
                && Coorganizer.includes(Moderator)
        );
        assert!(!Coorganizer.includes(Organizer) && !Organizer.includes(Owner));
        assert!(!TrackOrganizer.includes(Moderator) && !Registrar.includes(TrackOrganizer));
        assert!(
            Registrar.includes(Registered)
                && !Anyone.includes(Registered)
                && Anyone.includes(Anyone)
        );
    }
}
