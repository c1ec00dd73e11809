//! Request bodies: the valid attribute set of a happy request (factory data,
//! gaps filled from the schema), and the body faults derived from the
//! request schema:
//!
//! * malformed JSON → 400;
//! * JSON:API documents: wrong `data.type` → 409, `data.id` ≠ URL id → 409,
//!   a client-generated id on create → 403 (JSON:API 1.0), and per
//!   attribute: missing (when required on create), wrong JSON type, `null`
//!   when not nullable, longer than `maxLength`, shorter than `minLength`,
//!   below `minimum`, above `maximum`, outside `enum`, not matching `format`
//!   (`date-time`, `date`, `email`, `uri`, `uuid`), plus one unknown
//!   (non-ASCII) attribute name → 422 with `source.pointer` naming it;
//! * plain JSON bodies (the `/v1/auth` helpers): each required member
//!   missing, and each member of the wrong type → 400.

use open_event_factories::FactoryContext;
use serde_json::{Map, Value, json};

use super::{Derived, base::BasePlan};
use crate::runner::{
    RunnerError,
    env::Env,
    model::{BodyEdit, Scenario},
    spec::{Operation, Spec},
};

/// The unknown attribute sent by the unknown-attribute case (non-ASCII on
/// purpose: a known way to crash mock servers).
pub const UNKNOWN_ATTRIBUTE: &str = "ünknown-attribüte";

/// `allOf` members merged into one object schema (properties, required, type).
pub fn effective(schema: &Value) -> Value {
    let Some(all) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut out = schema.clone();
    if let Some(o) = out.as_object_mut() {
        o.remove("allOf");
    }
    for member in all {
        let m = effective(member);
        if let (Some(o), Some(mo)) = (out.as_object_mut(), m.as_object()) {
            for (k, v) in mo {
                match (k.as_str(), o.get_mut(k)) {
                    ("properties", Some(Value::Object(p))) => {
                        if let Some(vp) = v.as_object() {
                            p.extend(vp.clone());
                        }
                    }
                    ("required", Some(Value::Array(r))) => {
                        if let Some(vr) = v.as_array() {
                            r.extend(vr.clone());
                        }
                    }
                    (_, Some(_)) => {}
                    (_, None) => {
                        o.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
    out
}

/// `data.type` of a (resolved) JSON:API document schema.
pub fn data_type(schema: &Value) -> Option<String> {
    data_property(schema)?
        .pointer("/properties/type/enum/0")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The `data` property of `schema` as [`effective`] merges it (a later
/// `allOf` member's replaces an earlier one's and the schema's own),
/// found without copying the schema: every check asks for its document's
/// type, and the copies were ~2% of a contract run's CPU.
fn data_property(schema: &Value) -> Option<&Value> {
    let members = schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|all| all.iter().rev().find_map(data_property));
    members.or_else(|| schema.pointer("/properties/data"))
}

/// The (resolved) attributes schema of a JSON:API request document.
fn attributes_schema(op: &Operation) -> Option<Value> {
    let rb = op.request_body.as_ref()?;
    let data = effective(rb.schema.pointer("/properties/data")?);
    data.pointer("/properties/attributes").map(effective)
}

fn required(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn properties(schema: &Value) -> Vec<(String, Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), effective(v))).collect())
        .unwrap_or_default()
}

fn type_of(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn length(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// A string of exactly `n` characters that satisfies `format`.
fn string_of(format: Option<&str>, n: usize, fill: char) -> String {
    let pad = |prefix: &str, suffix: &str| {
        let k = n.saturating_sub(prefix.len() + suffix.len()).max(1);
        format!("{prefix}{}{suffix}", fill.to_string().repeat(k))
    };
    match format {
        Some("uri") => pad("https://example.test/", ""),
        Some("email") => pad("", "@example.test"),
        _ => fill.to_string().repeat(n),
    }
}

/// A valid value for a schema (used where factory data has no value).
pub fn generate(schema: &Value, salt: u64) -> Value {
    let schema = effective(schema);
    if let Some(first) = schema.pointer("/enum/0") {
        return first.clone();
    }
    let format = schema.get("format").and_then(Value::as_str);
    match type_of(&schema) {
        Some("string") => {
            let s = match format {
                Some("date-time") => "2030-06-01T09:00:00Z".to_owned(),
                Some("date") => "2030-06-01".to_owned(),
                Some("email") => format!("runner.{salt:x}@example.test"),
                Some("uri") => format!("https://example.test/{salt:x}"),
                Some("uuid") => "00000000-0000-4000-8000-000000000000".to_owned(),
                _ => format!("contract-{salt:x}"),
            };
            let min = length(&schema, "minLength").unwrap_or(0);
            let max = length(&schema, "maxLength").unwrap_or(usize::MAX);
            let n = s.chars().count().clamp(min, max.max(min));
            if n == s.chars().count() {
                Value::String(s)
            } else {
                Value::String(string_of(format, n, 'x'))
            }
        }
        Some("integer") => {
            let min = number(&schema, "minimum").unwrap_or(1.0);
            json!(min.ceil() as i64)
        }
        Some("number") => match (number(&schema, "minimum"), number(&schema, "maximum")) {
            (Some(a), Some(b)) => json!((a + b) / 2.0),
            (Some(a), None) => json!(a + 1.0),
            (None, Some(b)) => json!(b - 1.0),
            (None, None) => json!(1.5),
        },
        Some("boolean") => Value::Bool(false),
        Some("array") => json!([]),
        Some("object") => {
            let mut m = Map::new();
            for name in required(&schema) {
                if let Some(sub) = schema.pointer(&format!("/properties/{name}")) {
                    m.insert(name.clone(), generate(sub, salt));
                }
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}

/// The attributes of a happy create (required attributes) or update (the
/// attributes a create requires, when the update takes them), from a
/// factory-built object; gaps are filled from the schema.
pub fn happy_attributes(
    env: &Env,
    ctx: &FactoryContext,
    op: &Operation,
    body_type: &str,
    create: bool,
) -> Result<Map<String, Value>, RunnerError> {
    let Some(schema) = attributes_schema(op) else {
        return Ok(Map::new());
    };
    let props: Map<String, Value> = properties(&schema).into_iter().collect();
    let names: Vec<String> = if create {
        required(&schema)
    } else {
        create_required(&env.spec, body_type)
            .into_iter()
            .filter(|n| props.contains_key(n))
            .collect()
    };
    let built = env.seeder()?.attributes(ctx, body_type)?;
    let mut out = Map::new();
    for (i, name) in names.iter().enumerate() {
        let value = match built.get(name) {
            Some(v) => v.clone(),
            None => generate(
                props.get(name).unwrap_or(&Value::Null),
                ctx.seed().wrapping_add(i as u64),
            ),
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

/// The required attributes of the create operation of `body_type`.
fn create_required(spec: &Spec, body_type: &str) -> Vec<String> {
    spec.operations
        .iter()
        .filter(|o| o.method == "POST")
        .filter(|o| {
            o.request_body
                .as_ref()
                .and_then(|b| data_type(&b.schema))
                .as_deref()
                == Some(body_type)
        })
        .find_map(attributes_schema)
        .map(|s| required(&s))
        .unwrap_or_default()
}

/// A value of another JSON type, one no lenient parser coerces (numbers
/// are not sent for strings: some parsers accept them as text).
fn wrong_type(schema: &Value) -> Option<Value> {
    Some(match type_of(schema)? {
        "string" => json!(["not", "a", "string"]),
        "integer" | "number" => json!("not-a-number"),
        "boolean" => json!("not-a-boolean"),
        "array" => json!("not-an-array"),
        "object" => json!("not-an-object"),
        _ => return None,
    })
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// Per-attribute violations: `(label, value)`, `None` = remove.
fn attribute_violations(
    name: &str,
    schema: &Value,
    is_required: bool,
) -> Vec<(String, Option<Value>)> {
    let mut out = Vec::new();
    if is_required {
        out.push((format!("missing:{name}"), None));
    }
    if let Some(v) = wrong_type(schema) {
        out.push((format!("wrong-type:{name}"), Some(v)));
    }
    if !is_nullable(schema) && type_of(schema).is_some() {
        out.push((format!("null:{name}"), Some(Value::Null)));
    }
    let format = schema.get("format").and_then(Value::as_str);
    if let Some(max) = length(schema, "maxLength") {
        out.push((
            format!("too-long:{name}"),
            Some(Value::String(string_of(format, max + 1, 'x'))),
        ));
    }
    if let Some(min) = length(schema, "minLength").filter(|m| *m > 0) {
        out.push((
            format!("too-short:{name}"),
            Some(Value::String(string_of(None, min - 1, 'x'))),
        ));
    }
    let integer = type_of(schema) == Some("integer");
    if let Some(min) = number(schema, "minimum") {
        let v = if integer {
            json!(min as i64 - 1)
        } else {
            json!(min - 1.0)
        };
        out.push((format!("below-minimum:{name}"), Some(v)));
    }
    if let Some(max) = number(schema, "maximum") {
        let v = if integer {
            json!(max as i64 + 1)
        } else {
            json!(max + 1.0)
        };
        out.push((format!("above-maximum:{name}"), Some(v)));
    }
    if schema.get("enum").is_some() {
        out.push((
            format!("not-in-enum:{name}"),
            Some(json!("not-a-documented-value")),
        ));
    }
    if let Some(f @ ("date-time" | "date" | "email" | "uri" | "uuid")) = format {
        out.push((
            format!("bad-format:{name}"),
            Some(json!(format!("not a {f}"))),
        ));
    }
    out
}

/// Plain JSON bodies: each required member missing, each member of the
/// wrong type, recursively.
fn plain_violations(schema: &Value, at: &[String], out: &mut Vec<(String, BodyEdit)>) {
    let schema = effective(schema);
    let req = required(&schema);
    for (name, sub) in properties(&schema) {
        let mut path = at.to_vec();
        path.push(name.clone());
        let dotted = path.join(".");
        if req.contains(&name) {
            out.push((
                format!("missing:{dotted}"),
                BodyEdit {
                    path: path.clone(),
                    value: None,
                },
            ));
        }
        if let Some(v) = wrong_type(&sub) {
            out.push((
                format!("wrong-type:{dotted}"),
                BodyEdit {
                    path: path.clone(),
                    value: Some(v),
                },
            ));
        }
        if type_of(&sub) == Some("object") || sub.get("properties").is_some() {
            plain_violations(&sub, &path, out);
        }
    }
}

fn edit(path: &[&str], value: Option<Value>) -> BodyEdit {
    BodyEdit {
        path: path.iter().map(|s| (*s).to_owned()).collect(),
        value,
    }
}

/// Applies an edit to a JSON document (missing parents are created).
pub fn apply(doc: &mut Value, e: &BodyEdit) {
    let Some((last, parents)) = e.path.split_last() else {
        if let Some(v) = &e.value {
            *doc = v.clone();
        }
        return;
    };
    let mut cur = doc;
    for key in parents {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        cur = obj
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(obj) = cur.as_object_mut() {
        match &e.value {
            Some(v) => {
                obj.insert(last.clone(), v.clone());
            }
            None => {
                obj.remove(last);
            }
        }
    }
}

/// Plans the body cases of `op`.
pub fn derive(op: &Operation, spec: &Spec, base: &BasePlan, out: &mut Derived) {
    let Some(rb) = &op.request_body else {
        return;
    };
    let actor = base.actor;
    if base.linkage.is_some() {
        linkage_cases(base, out);
        return;
    }
    // JSON:API bodies get every rule of the dialect whether or not the
    // operation documents the status (then the check reports it undocumented).
    let jsonapi = base.body_type.is_some();
    if jsonapi || op.documents(400) {
        out.push(400, actor, Scenario::MalformedJson);
    }
    if base.body_type.is_none() {
        if op.documents(400) {
            let mut v = Vec::new();
            plain_violations(&rb.schema, &[], &mut v);
            for (label, e) in v {
                out.push(
                    400,
                    actor,
                    Scenario::Body {
                        label,
                        edit: e,
                        pointer: None,
                    },
                );
            }
        }
        return;
    }
    let create = op.method == "POST";
    if jsonapi {
        out.push(409, actor, Scenario::WrongType);
        if !create {
            out.push(409, actor, Scenario::IdMismatch);
        }
    }
    if create && jsonapi {
        out.push(403, actor, Scenario::ClientId);
        if let Some(ty) = &base.body_type {
            relationship_cases(op, spec, ty, actor, out);
        }
    }
    let Some(schema) = attributes_schema(op) else {
        return;
    };
    let req = required(&schema);
    let mut props = properties(&schema);
    props.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, sub) in props {
        let is_required = create && req.contains(&name);
        for (label, value) in attribute_violations(&name, &sub, is_required) {
            out.push(
                422,
                actor,
                Scenario::Body {
                    label,
                    edit: edit(&["data", "attributes", &name], value),
                    pointer: Some(format!("/data/attributes/{name}")),
                },
            );
        }
    }
    out.push(
        422,
        actor,
        Scenario::Body {
            label: "unknown-attribute".into(),
            edit: edit(&["data", "attributes", UNKNOWN_ATTRIBUTE], Some(json!("x"))),
            pointer: Some(format!("/data/attributes/{UNKNOWN_ATTRIBUTE}")),
        },
    );
}

/// The relationship body of a relationship endpoint: malformed JSON (400),
/// a wrong `type` (409 at `/data/type`), an id naming nothing (404, JSON:API
/// 1.0), `null` for a relationship that must be set (422 at `/data`).
fn linkage_cases(base: &BasePlan, out: &mut Derived) {
    let actor = base.actor;
    out.push(400, actor, Scenario::MalformedJson);
    out.push(409, actor, Scenario::WrongType);
    out.push(
        404,
        actor,
        Scenario::Body {
            label: "missing-related".into(),
            edit: edit(&["data", "id"], Some(json!(super::lookup::MISSING_ID))),
            pointer: None,
        },
    );
    out.push(
        422,
        actor,
        Scenario::Body {
            label: "null-linkage".into(),
            edit: edit(&["data"], Some(Value::Null)),
            pointer: Some("/data".into()),
        },
    );
}

/// Per required relationship of a create: missing (422 at the
/// relationship), an id naming nothing (404, JSON:API 1.0: "a request that
/// references a related resource that does not exist"), a wrong `type`
/// (409 at its `type`).
fn relationship_cases(
    op: &Operation,
    spec: &Spec,
    body_type: &str,
    actor: crate::runner::model::Actor,
    out: &mut Derived,
) {
    for (rel, _) in super::relations::required(op, spec, body_type) {
        let at = |tail: &[&str]| -> Vec<String> {
            ["data", "relationships", rel.as_str()]
                .iter()
                .chain(tail)
                .map(|s| (*s).to_owned())
                .collect()
        };
        out.push(
            422,
            actor,
            Scenario::Body {
                label: format!("missing-relationship:{rel}"),
                edit: BodyEdit {
                    path: at(&[]),
                    value: None,
                },
                pointer: Some(format!("/data/relationships/{rel}")),
            },
        );
        out.push(
            404,
            actor,
            Scenario::Body {
                label: format!("missing-related:{rel}"),
                edit: BodyEdit {
                    path: at(&["data", "id"]),
                    value: Some(json!(super::lookup::MISSING_ID)),
                },
                pointer: Some(format!("/data/relationships/{rel}")),
            },
        );
        out.push(
            409,
            actor,
            Scenario::Body {
                label: format!("wrong-related-type:{rel}"),
                edit: BodyEdit {
                    path: at(&["data", "type"]),
                    value: Some(json!("no-such-type")),
                },
                pointer: Some(format!("/data/relationships/{rel}/data/type")),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `data_type` reads what `effective` merges, without the copy.
    #[test]
    fn data_type_follows_all_of_as_effective_merges_it() {
        let typed =
            |t: &str| json!({"properties": {"data": {"properties": {"type": {"enum": [t]}}}}});
        let cases = [
            typed("own"),
            json!({"allOf": [typed("member")]}),
            json!({"allOf": [{"allOf": [typed("deep")]}, {"properties": {"meta": {}}}]}),
            json!({"properties": {"data": {"properties": {"type": {"enum": ["own"]}}}}, "allOf": [typed("member")]}),
            json!({"allOf": [typed("first"), typed("last")]}),
            json!({"properties": {"meta": {}}}),
        ];
        for schema in cases {
            let merged = effective(&schema)
                .pointer("/properties/data/properties/type/enum/0")
                .and_then(Value::as_str)
                .map(str::to_owned);
            assert_eq!(data_type(&schema), merged, "{schema}");
        }
        assert_eq!(
            data_type(&json!({"allOf": [typed("first"), typed("last")]})).as_deref(),
            Some("last")
        );
    }

    #[test]
    fn generated_values_respect_bounds_and_formats() {
        let s = json!({"type": "string", "minLength": 40, "format": "uri"});
        let v = generate(&s, 1);
        let text = v.as_str().unwrap();
        assert!(text.starts_with("https://") && text.len() == 40);
        assert_eq!(
            generate(&json!({"type": "integer", "minimum": 3}), 0),
            json!(3)
        );
        assert_eq!(generate(&json!({"enum": ["a", "b"]}), 0), json!("a"));
    }

    #[test]
    fn violations_cover_every_keyword() {
        let s = json!({"type": "string", "maxLength": 3, "minLength": 2, "format": "email"});
        let labels: Vec<String> = attribute_violations("e", &s, true)
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        assert_eq!(
            labels,
            [
                "missing:e",
                "wrong-type:e",
                "null:e",
                "too-long:e",
                "too-short:e",
                "bad-format:e"
            ]
        );
    }

    #[test]
    fn edits_set_and_remove_members() {
        let mut doc = json!({"data": {"attributes": {"a": 1}}});
        apply(&mut doc, &edit(&["data", "attributes", "a"], None));
        apply(&mut doc, &edit(&["data", "type"], Some(json!("x"))));
        assert_eq!(doc, json!({"data": {"attributes": {}, "type": "x"}}));
    }
}
