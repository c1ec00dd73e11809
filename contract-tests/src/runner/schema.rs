//! OpenAPI 3.0 schema objects → JSON Schema (draft 7), validated with the
//! `jsonschema` crate. Every keyword is kept or translated, none is dropped
//! silently:
//!
//! * `nullable: true` → `anyOf: [<schema>, {"type": "null"}]` (works for
//!   `$ref`/`allOf` schemas too, where a type union would not);
//! * boolean `exclusiveMinimum`/`exclusiveMaximum` → the numeric draft-7 form;
//! * `format` is validated (`date-time`, `email`, `uri`, …; formats JSON
//!   Schema does not define, such as `int64` or `password`, are ignored);
//! * `writeOnly` properties are removed from response schemas, so a
//!   response that leaks one (a password) fails on the strict rule below;
//! * **strict fields**: the object schema under a property named
//!   `attributes` or `relationships` gets `additionalProperties: false`
//!   unless it says otherwise, so an undocumented attribute or relationship
//!   in a response is a failure. `$ref`s there point at a strict copy
//!   (`<Name>__strict`) of the component;
//! * `discriminator`, `xml`, `externalDocs`, `example`, `deprecated`,
//!   `readOnly` are annotations and are removed.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use serde_json::{Map, Value, json};

use super::{RunnerError, spec::Spec};

const COMPONENTS: &str = "#/components/schemas/";
const STRICT_SUFFIX: &str = "__strict";
const FIELD_OBJECTS: [&str; 2] = ["attributes", "relationships"];
const ANNOTATIONS: [&str; 7] = [
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Compiled response schemas, shared by every check of a run.
pub struct Schemas {
    definitions: Map<String, Value>,
    cache: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").finish_non_exhaustive()
    }
}

struct Converter<'a> {
    spec: &'a Spec,
}

impl Converter<'_> {
    fn is_write_only(&self, schema: &Value) -> bool {
        self.spec
            .resolve(schema)
            .get("writeOnly")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Converts one schema; `strict` closes its top-level object.
    fn convert(&self, schema: &Value, strict: bool) -> Value {
        let Value::Object(map) = schema else {
            return schema.clone();
        };
        if let Some(r) = map.get("$ref").and_then(Value::as_str) {
            return match r.strip_prefix(COMPONENTS) {
                Some(name) if strict => {
                    json!({"$ref": format!("#/definitions/{name}{STRICT_SUFFIX}")})
                }
                Some(name) => json!({"$ref": format!("#/definitions/{name}")}),
                None => json!({"$ref": r}),
            };
        }
        let mut out = Map::new();
        let mut required: Vec<Value> = map
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (key, value) in map {
            match key.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "nullable" | "required" => {}
                "properties" => {
                    let mut props = Map::new();
                    if let Some(p) = value.as_object() {
                        for (name, sub) in p {
                            if self.is_write_only(sub) {
                                required.retain(|r| r.as_str() != Some(name));
                                continue;
                            }
                            let strict_child = FIELD_OBJECTS.contains(&name.as_str());
                            props.insert(name.clone(), self.convert(sub, strict_child));
                        }
                    }
                    out.insert(key.clone(), Value::Object(props));
                }
                "items" | "not" => {
                    out.insert(key.clone(), self.convert(value, false));
                }
                "additionalProperties" if value.is_object() => {
                    out.insert(key.clone(), self.convert(value, false));
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let list = value
                        .as_array()
                        .map(|l| l.iter().map(|s| self.convert(s, false)).collect())
                        .unwrap_or_default();
                    out.insert(key.clone(), Value::Array(list));
                }
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {
                    let bound = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    if value.as_bool() == Some(true)
                        && let Some(b) = map.get(bound)
                    {
                        out.insert(key.clone(), b.clone());
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        // A boolean exclusive bound replaces the inclusive one.
        for (excl, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if map.get(excl).and_then(Value::as_bool) == Some(true) {
                out.remove(bound);
            }
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        if strict && out.contains_key("properties") && !out.contains_key("additionalProperties") {
            out.insert("additionalProperties".into(), Value::Bool(false));
        }
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        if nullable {
            json!({"anyOf": [Value::Object(out), {"type": "null"}]})
        } else {
            Value::Object(out)
        }
    }
}

impl Schemas {
    /// Converts every component schema of `spec` (plain and strict copies).
    pub fn new(spec: &Spec) -> Schemas {
        let conv = Converter { spec };
        let mut defs = Map::new();
        if let Some(components) = spec
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in components {
                defs.insert(name.clone(), conv.convert(schema, false));
                defs.insert(format!("{name}{STRICT_SUFFIX}"), conv.convert(schema, true));
            }
        }
        Schemas {
            definitions: defs,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The draft-7 schema a response schema (as written in the spec)
    /// converts to, with the definitions it reaches (only those: a
    /// validator compiles, checks and indexes all it is given, and with
    /// every component twice that was ~7% of a contract run's CPU).
    pub fn converted(&self, spec: &Spec, schema: &Value) -> Value {
        let conv = Converter { spec };
        let converted = conv.convert(schema, false);
        let definitions = self.reachable(&converted);
        json!({
            "allOf": [converted],
            "definitions": definitions,
        })
    }

    /// The definitions `schema` reaches through `$ref`s, transitively.
    fn reachable(&self, schema: &Value) -> Map<String, Value> {
        let mut out = Map::new();
        let mut todo = Vec::new();
        definition_refs(schema, &mut todo);
        while let Some(name) = todo.pop() {
            if out.contains_key(name) {
                continue;
            }
            if let Some(def) = self.definitions.get(name) {
                definition_refs(def, &mut todo);
                out.insert(name.to_owned(), def.clone());
            }
        }
        out
    }

    fn validator(
        &self,
        spec: &Spec,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, RunnerError> {
        let key = schema.to_string();
        if let Some(v) = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(v.clone());
        }
        let root = self.converted(spec, schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .should_ignore_unknown_formats(true)
            .build(&root)
            .map_err(|e| RunnerError::Spec(format!("schema {key} does not compile: {e}")))?;
        let validator = Arc::new(validator);
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, validator.clone());
        Ok(validator)
    }

    /// Validates `instance`; returns one line per violation (empty = valid).
    pub fn validate(
        &self,
        spec: &Spec,
        schema: &Value,
        instance: &Value,
    ) -> Result<Vec<String>, RunnerError> {
        let validator = self.validator(spec, schema)?;
        let mut errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path.to_string();
                let at = if at.is_empty() { "/".to_owned() } else { at };
                let mut msg = e.to_string();
                if msg.len() > 300 {
                    msg.truncate(300);
                    msg.push('…');
                }
                format!("{at}: {msg}")
            })
            .collect();
        errors.sort();
        errors.dedup();
        Ok(errors)
    }
}

/// The names of the definitions `value` refers to (`#/definitions/<name>`).
fn definition_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/definitions/"))
            {
                out.push(name);
            }
            for v in map.values() {
                definition_refs(v, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                definition_refs(v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.0",
            "paths": {},
            "components": {"schemas": {
                "Attrs": {"type": "object", "properties": {
                    "name": {"type": "string", "maxLength": 3},
                    "when": {"type": "string", "format": "date-time", "nullable": true},
                    "secret": {"type": "string", "writeOnly": true},
                    "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
                }, "required": ["name", "secret"]},
                "Res": {"type": "object", "properties": {"attributes": {"$ref": "#/components/schemas/Attrs"}}}
            }}
        }))
        .unwrap()
    }

    /// A validator gets the definitions its schema reaches, transitively,
    /// and no others.
    #[test]
    fn a_converted_schema_carries_only_what_it_reaches() {
        let spec = Spec::from_value(json!({
            "openapi": "3.0.0",
            "paths": {},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "array", "items": {"$ref": "#/components/schemas/C"}},
                "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
                "Unused": {"type": "string"}
            }}
        }))
        .unwrap();
        let schemas = Schemas::new(&spec);
        let root = schemas.converted(&spec, &json!({"$ref": "#/components/schemas/B"}));
        let mut names: Vec<&String> = root["definitions"].as_object().unwrap().keys().collect();
        names.sort();
        assert_eq!(names, ["A", "B", "C"], "a cycle is followed once");
        // And it still validates through them.
        let b = json!({"$ref": "#/components/schemas/B"});
        assert!(
            schemas
                .validate(&spec, &b, &json!([{"a": {"b": []}}]))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            schemas
                .validate(&spec, &b, &json!([{"a": {"b": 7}}]))
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn nullable_formats_bounds_and_strict_attributes() {
        let spec = spec();
        let schemas = Schemas::new(&spec);
        let res = json!({"$ref": "#/components/schemas/Res"});
        let ok = json!({"attributes": {"name": "abc", "when": null}});
        assert_eq!(
            schemas.validate(&spec, &res, &ok).unwrap(),
            Vec::<String>::new()
        );
        let errs = |v: Value| schemas.validate(&spec, &res, &v).unwrap();
        assert_eq!(errs(json!({"attributes": {"name": "abcd"}})).len(), 1);
        assert_eq!(
            errs(json!({"attributes": {"name": "a", "when": "yesterday"}})).len(),
            1
        );
        assert_eq!(
            errs(json!({"attributes": {"name": "a", "extra": 1}})).len(),
            1
        );
        assert_eq!(
            errs(json!({"attributes": {"name": "a", "secret": "x"}})).len(),
            1
        );
        assert_eq!(errs(json!({"attributes": {"name": "a", "n": 0}})).len(), 1);
        assert!(errs(json!({"attributes": {"name": "a", "n": 1}})).is_empty());
    }
}
