//! Rows → JSON:API resource objects and documents, with relative links.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{PREFIX, registry::DynResource, resource::Row};

/// The id of a row as a JSON:API string id.
pub fn row_id(row: &Row) -> String {
    match row.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The `links.self` of a resource.
pub fn self_link(res: &dyn DynResource, id: &str) -> String {
    format!("{PREFIX}/{}/{id}", res.plural())
}

fn wanted(sparse: Option<&Vec<String>>, name: &str) -> bool {
    sparse.is_none_or(|names| names.iter().any(|n| n == name))
}

/// Renders one resource object; `fields` holds the sparse fieldsets.
pub fn resource_object(
    res: &dyn DynResource,
    row: &Row,
    hidden_here: &[&'static str],
    fields: &HashMap<String, Vec<String>>,
) -> Value {
    let id = row_id(row);
    let sparse = fields.get(res.type_name());
    let mut attributes = Map::new();
    for f in res.fields() {
        if !f.readable() || !wanted(sparse, f.name) || hidden_here.contains(&f.name) {
            continue;
        }
        attributes.insert(
            f.name.to_owned(),
            row.get(f.column).cloned().unwrap_or(Value::Null),
        );
    }
    let base = self_link(res, &id);
    let mut relationships = Map::new();
    for r in res.relationships() {
        if !wanted(sparse, r.name) {
            continue;
        }
        relationships.insert(
            r.name.to_owned(),
            json!({"links": {
                "self": format!("{base}/relationships/{}", r.name),
                "related": format!("{base}/{}", r.name),
            }}),
        );
    }
    json!({
        "type": res.type_name(),
        "id": id,
        "attributes": attributes,
        "relationships": relationships,
        "links": {"self": base},
    })
}

/// The `jsonapi` member.
pub fn jsonapi_member() -> Value {
    json!({"version": "1.0"})
}

/// `{"meta": {"message": …}}`.
pub fn meta_document(message: &str) -> Value {
    json!({"meta": {"message": message}, "jsonapi": jsonapi_member()})
}

/// A resource identifier.
pub fn identifier(type_name: &str, id: &str) -> Value {
    json!({"type": type_name, "id": id})
}
