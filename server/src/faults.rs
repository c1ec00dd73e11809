//! Deliberate defects inside the authorization path, so the contract
//! runner can prove it catches drift. Compiled only with the `faults` cargo
//! feature, which the shipped binary does not enable (`cargo build
//! --release -p open-event-server` leaves it off; CI checks the binary for
//! [`MARKER`]). The response-rewriting defects (a rewritten status, an
//! undocumented attribute) are middleware in the test crate, added through
//! the embedding hook ([`crate::startup::Embedding`]).

/// A string present in a binary only when fault injection is compiled in.
pub const MARKER: &str = "open-event-fault-injection-compiled-in";

/// The defects to inject; all off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Skip the permission check of an action (`update`, …) on this
    /// resource type (visibility still applies).
    pub drop_permission: Option<(String, String)>,
    /// Lists of this type ignore visibility (hidden objects leak into them).
    pub leak_hidden: Option<String>,
}

impl Faults {
    /// Whether the permission check of `action` on `resource` is dropped.
    pub fn drops(&self, resource: &str, action: &str) -> bool {
        self.drop_permission
            .as_ref()
            .is_some_and(|(r, a)| r == resource && a == action)
    }

    /// Whether lists of `resource` leak hidden objects.
    pub fn leaks(&self, resource: &str) -> bool {
        self.leak_hidden.as_deref() == Some(resource)
    }

    /// Whether any fault is set (logged at start with [`MARKER`]).
    pub fn any(&self) -> bool {
        self.drop_permission.is_some() || self.leak_hidden.is_some()
    }
}
