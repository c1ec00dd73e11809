//! Permission rows read from the `x-permissions` extension of an operation.
//!
//! The plan turns each row into an allowed case and denied cases for every
//! role ([`crate::runner::cases::permission`]); a row whose conditions have
//! no scenario builder is planned and reported as **uncovered** (so adding
//! rows to the spec can never silently pass). Operations without the
//! extension have no rows. On related endpoints the `via` member holds the
//! parent's view rules ([`parse_via`]).
//!
//! Accepted shapes (the first is what the server exports):
//!
//! ```json
//! {"resource": "event", "action": "update", "requires-authentication": true,
//!  "rules": [{"role": "owner", "conditions": ["event-published"], "fields": "all"}],
//!  "denials": {"unauthenticated": 401, "hidden": 404, "forbidden": 403},
//!  "via": {"resource": "users-events-roles", "action": "view", "rules": […]}}
//! ```
//!
//! or a bare array of rules.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RunnerError;

/// The statuses a denied caller gets (design §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denials {
    /// No token where one is needed.
    pub unauthenticated: u16,
    /// The object is missing or hidden from the caller.
    pub hidden: u16,
    /// Visible but not allowed.
    pub forbidden: u16,
}

impl Default for Denials {
    fn default() -> Self {
        Denials {
            unauthenticated: 401,
            hidden: 404,
            forbidden: 403,
        }
    }
}

/// One rule of an operation's permission table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionRow {
    /// The operation the row belongs to.
    pub operation_id: String,
    /// The resource type, when the extension names it.
    pub resource: Option<String>,
    /// The action (`list`, `view`, `create`, `update`, `delete`).
    pub action: Option<String>,
    /// The role the rule grants (higher roles included).
    pub role: String,
    /// Named conditions, all required.
    pub conditions: Vec<String>,
    /// Field limits as written in the spec, if any.
    pub fields: Option<Value>,
    /// Denial statuses.
    pub denials: Denials,
    /// The ids of the checks that exercise the row (filled by the plan):
    /// its allowed cases and the denied cases around it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
}

impl PermissionRow {
    /// A short label: `role[+cond…]`.
    pub fn label(&self) -> String {
        if self.conditions.is_empty() {
            self.role.clone()
        } else {
            format!("{}+{}", self.role, self.conditions.join("+"))
        }
    }

    /// The rows of one operation's `x-permissions` value.
    pub fn parse_all(operation_id: &str, value: &Value) -> Result<Vec<PermissionRow>, RunnerError> {
        let bad = |why: &str| RunnerError::Spec(format!("{operation_id}: x-permissions {why}"));
        let (rules, resource, action, denials) = match value {
            Value::Array(rules) => (rules.clone(), None, None, Denials::default()),
            Value::Object(map) => {
                let rules = map
                    .get("rules")
                    .and_then(Value::as_array)
                    .cloned()
                    .ok_or_else(|| bad("has no `rules` array"))?;
                let denials = match map.get("denials") {
                    Some(d) => parse_denials(d).ok_or_else(|| bad("has malformed `denials`"))?,
                    None => Denials::default(),
                };
                let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
                (rules, text("resource"), text("action"), denials)
            }
            _ => return Err(bad("must be an object or an array")),
        };
        rules
            .iter()
            .map(|rule| {
                let role = rule
                    .get("role")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("has a rule without a `role`"))?;
                let conditions = rule
                    .get("conditions")
                    .and_then(Value::as_array)
                    .map(|c| {
                        c.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(PermissionRow {
                    operation_id: operation_id.to_owned(),
                    resource: resource.clone(),
                    action: action.clone(),
                    role: role.to_owned(),
                    conditions,
                    fields: rule.get("fields").cloned(),
                    denials,
                    checks: Vec::new(),
                })
            })
            .collect()
    }
}

/// The parent's view rules of a related endpoint (`via`), and whether they
/// need a token; `None` when the extension has no `via`.
pub fn parse_via(
    operation_id: &str,
    value: &Value,
) -> Result<Option<(Vec<PermissionRow>, bool)>, RunnerError> {
    let Some(via) = value.get("via") else {
        return Ok(None);
    };
    let rows = PermissionRow::parse_all(operation_id, via)?;
    let requires = via
        .get("requires-authentication")
        .and_then(Value::as_bool)
        .unwrap_or_else(|| !rows.iter().any(|r| r.role == "anyone"));
    Ok(Some((rows, requires)))
}

/// Whether a rule's `fields` limit lets the caller see or set attribute
/// `name` (`"all"` or absent: every attribute; `{"only": […]}`;
/// `{"except": […]}`).
pub fn fields_allow(fields: Option<&Value>, name: &str) -> bool {
    let list = |k: &str| -> Option<Vec<&str>> {
        fields?
            .get(k)?
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
    };
    if let Some(only) = list("only") {
        return only.contains(&name);
    }
    if let Some(except) = list("except") {
        return !except.contains(&name);
    }
    true
}

fn parse_denials(v: &Value) -> Option<Denials> {
    let get = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u16::try_from(n).ok())
    };
    Some(Denials {
        unauthenticated: get("unauthenticated")?,
        hidden: get("hidden")?,
        forbidden: get("forbidden")?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_exported_shape_and_bare_arrays() {
        let rows = PermissionRow::parse_all(
            "update_event",
            &json!({"resource": "event", "action": "update",
                    "rules": [{"role": "owner"}, {"role": "registered", "conditions": ["self"]}],
                    "denials": {"unauthenticated": 401, "hidden": 404, "forbidden": 403}}),
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].label(), "registered+self");
        assert_eq!(rows[0].action.as_deref(), Some("update"));
        let bare = PermissionRow::parse_all("x", &json!([{"role": "anyone"}])).unwrap();
        assert_eq!(bare[0].denials, Denials::default());
        assert!(PermissionRow::parse_all("x", &json!({"rules": [{}]})).is_err());
    }
}
