//! The tables rendered for people and tools: the `x-permissions` extension of
//! each operation, and `spec/permissions.md` in the handbook's format.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Action, DENIALS, Fields, Role, Rule, Table};

fn fields_json(fields: Fields) -> Value {
    match fields {
        Fields::All => json!("all"),
        Fields::Only(list) => json!({"only": list}),
        Fields::Except(list) => json!({"except": list}),
    }
}

/// One rule as JSON.
pub fn rule_json(rule: &Rule) -> Value {
    json!({
        "role": rule.role.name(),
        "conditions": rule.conditions.iter().map(|c| c.name()).collect::<Vec<_>>(),
        "fields": fields_json(rule.fields),
    })
}

/// The `x-permissions` value for an action of a table.
pub fn x_permissions(table: &Table, action: Action) -> Value {
    json!({
        "resource": table.resource,
        "action": action.name(),
        "requires-authentication": table.requires_auth(action),
        "rules": table.rules(action).iter().map(rule_json).collect::<Vec<_>>(),
        "denials": DENIALS,
    })
}

/// The `x-permissions` of a related endpoint: the target's rules, and under
/// `via` the parent's view rules, which are checked first.
pub fn x_permissions_via(parent: &Table, target: &Table, action: Action) -> Value {
    let mut value = x_permissions(target, action);
    value["requires-authentication"] =
        Value::Bool(parent.requires_auth(Action::View) || target.requires_auth(action));
    value["via"] = x_permissions(parent, Action::View);
    value
}

/// The `x-permissions` value for an operation guarded by explicit rules.
pub fn x_permissions_rules(resource: &str, action: Action, rules: &[Rule]) -> Value {
    json!({
        "resource": resource,
        "action": action.name(),
        "requires-authentication": !rules.iter().any(|r| r.role == Role::Anyone),
        "rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
        "denials": DENIALS,
    })
}

fn rule_note(rule: &Rule) -> Option<String> {
    let mut parts: Vec<String> = rule
        .conditions
        .iter()
        .map(|c| c.description().to_owned())
        .collect();
    match rule.fields {
        Fields::All => {}
        Fields::Only(list) => parts.push(format!("only the attributes {}", quote(list))),
        Fields::Except(list) => parts.push(format!("all attributes except {}", quote(list))),
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn quote(list: &[&str]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cell for `role` and `action`, registering footnotes as needed.
fn cell(table: &Table, role: Role, action: Action, notes: &mut Vec<String>) -> String {
    let rules: Vec<&Rule> = table
        .rules(action)
        .iter()
        .filter(|r| role.includes(r.role))
        .collect();
    if rules.is_empty() {
        return "–".to_owned();
    }
    if rules.iter().any(|r| rule_note(r).is_none()) {
        return "✓".to_owned();
    }
    let mut alternatives = Vec::new();
    for rule in rules {
        if let Some(note) = rule_note(rule) {
            let n = match notes.iter().position(|n| *n == note) {
                Some(i) => i + 1,
                None => {
                    notes.push(note);
                    notes.len()
                }
            };
            alternatives.push(format!("✓[{n}]"));
        }
    }
    alternatives.dedup();
    alternatives.join(" / ")
}

/// One resource's handbook section.
pub fn handbook_section(title: &str, path: &str, table: &Table) -> String {
    let mut out = String::new();
    let mut notes = Vec::new();
    let _ = writeln!(out, "### {title} `{path}`\n");
    let _ = writeln!(out, "| Role | List | View | Create | Update | Delete |");
    let _ = writeln!(out, "|---|:-:|:-:|:-:|:-:|:-:|");
    for role in Role::ALL {
        let cells: Vec<String> = Action::ALL
            .iter()
            .map(|a| cell(table, role, *a, &mut notes))
            .collect();
        let _ = writeln!(out, "| {} | {} |", role.title(), cells.join(" | "));
    }
    if !notes.is_empty() {
        out.push('\n');
        for (i, note) in notes.iter().enumerate() {
            let _ = writeln!(out, "{}. {note}", i + 1);
        }
    }
    out
}

/// The whole handbook page.
pub fn handbook(sections: &[(&str, &str, &Table)]) -> String {
    let mut out = String::from(
        "# Permissions\n\n\
         Generated from the permission tables in the server's code by `cargo run -p open-event-spec`; \
         do not edit by hand. The same tables drive the server and the `x-permissions` extension of \
         every operation in `openapi.json`.\n\n\
         - Each row includes the permissions of the rows below it (a super admin can do everything an \
         admin can; an event owner everything an organizer can; organizers everything co-organizers \
         can; co-organizers everything track organizers, moderators and registrars can). Staff pass \
         every event-role rule.\n\
         - Event roles are held per event: \"Event organizer\" means organizer *of that event*.\n\
         - `✓` allowed, `–` not allowed, `✓[n]` allowed under footnote n; `a / b` means either.\n\
         - Denials: no token where one is needed → 401; an object that is missing or hidden from the \
         caller → 404 (existence never leaks); visible but not allowed → 403; a field the caller may \
         not set → 403 with `source.pointer`. Lists are filtered, never 403.\n\n",
    );
    for (title, path, table) in sections {
        out.push_str(&handbook_section(title, path, table));
        out.push('\n');
    }
    out
}
