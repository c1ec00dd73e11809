//! Rows → JSON:API documents, written straight into a byte buffer (no
//! intermediate JSON tree): resource objects with relative links, and the
//! small documents (linkage, meta) that are built as values.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{PREFIX, registry::DynResource, resource::Record};
use crate::model::Attributes;

/// A rendered JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json(pub Vec<u8>);

impl Json {
    /// A document from a JSON value.
    pub fn from_value(value: &Value) -> Json {
        Json(serde_json::to_vec(value).unwrap_or_default())
    }

    /// The document as a JSON value (tests, embedders).
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }
}

/// The `links.self` of a resource.
pub fn self_link(res: &dyn DynResource, id: &str) -> String {
    format!("{PREFIX}/{}/{id}", res.plural())
}

/// The `jsonapi` member.
pub fn jsonapi_member() -> Value {
    json!({"version": "1.0"})
}

/// `{"meta": {"message": …}}`.
pub fn meta_document(message: &str) -> Json {
    Json::from_value(&json!({"meta": {"message": message}, "jsonapi": jsonapi_member()}))
}

/// A resource identifier.
pub fn identifier(type_name: &str, id: &str) -> Value {
    json!({"type": type_name, "id": id})
}

/// The targets of one relationship of one object, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// A to-one relationship: the target, or none (`null`).
    One(Option<i64>),
    /// A to-many relationship.
    Many(Vec<i64>),
}

/// The linkage (`data`) of relationship `rel` of one object: identifiers of
/// `type_name`, written straight into the document (no JSON value per
/// identifier: a page of 20 with one `include` built 240 small maps and
/// strings for them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    /// The relationship's name.
    pub rel: &'static str,
    /// The targets' type.
    pub type_name: &'static str,
    /// The targets.
    pub targets: Targets,
}

impl Linked {
    /// The linkage as a JSON value (the relationship endpoints' documents).
    pub fn to_value(&self) -> Value {
        let one = |id: &i64| identifier(self.type_name, &id.to_string());
        match &self.targets {
            Targets::One(id) => id.as_ref().map_or(Value::Null, one),
            Targets::Many(ids) => Value::Array(ids.iter().map(one).collect()),
        }
    }
}

/// Sparse fieldsets: type → the names requested.
pub type Sparse = HashMap<String, Vec<String>>;

fn wanted(sparse: Option<&Vec<String>>, name: &str) -> bool {
    sparse.is_none_or(|names| names.iter().any(|n| n == name))
}

/// A JSON writer over a byte buffer.
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Writer {
            buf: Vec::with_capacity(1024),
        }
    }

    /// Raw JSON text.
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// A JSON string.
    pub fn string(&mut self, s: &str) -> &mut Self {
        // Writing a &str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, s);
        self
    }

    /// Another writer's output, as is.
    pub fn append(&mut self, other: Writer) -> &mut Self {
        self.buf.extend_from_slice(&other.buf);
        self
    }

    /// A JSON string known to need no escaping (paths built from type
    /// names, relationship names and ids).
    fn plain(&mut self, parts: &[&str]) -> &mut Self {
        debug_assert!(
            parts
                .iter()
                .all(|p| !p.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20))
        );
        self.buf.push(b'"');
        for p in parts {
            self.buf.extend_from_slice(p.as_bytes());
        }
        self.buf.push(b'"');
        self
    }

    /// An integer as a JSON string (ids).
    fn id(&mut self, id: i64) -> &mut Self {
        let mut digits = itoa::Buffer::new();
        self.plain(&[digits.format(id)])
    }

    /// A resource identifier.
    fn identifier(&mut self, type_name: &str, id: i64) -> &mut Self {
        self.raw("{\"type\":").plain(&[type_name]);
        self.raw(",\"id\":").id(id).raw("}")
    }

    /// The `data` of a relationship.
    fn linkage(&mut self, linked: &Linked) -> &mut Self {
        match &linked.targets {
            Targets::One(None) => self.raw("null"),
            Targets::One(Some(id)) => self.identifier(linked.type_name, *id),
            Targets::Many(ids) => {
                self.raw("[");
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.identifier(linked.type_name, *id);
                }
                self.raw("]")
            }
        }
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Makes room for `additional` more bytes at once (a page of rows
    /// would otherwise grow the buffer, and copy it, about six times).
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.buf.reserve(additional);
    }

    /// Any JSON value.
    pub fn value(&mut self, v: &Value) -> &mut Self {
        let _ = serde_json::to_writer(&mut self.buf, v);
        self
    }

    /// `"key":`.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.string(key).raw(":")
    }

    /// The document.
    pub fn finish(self) -> Json {
        Json(self.buf)
    }
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes one resource object: the attributes the caller may see (minus
/// `hidden`, narrowed by `fields`), relationship links, and the linkage
/// `data` of the relationships found in `links` (the included ones; the
/// first slice naming a relationship gives its data).
pub fn write_resource(
    w: &mut Writer,
    res: &dyn DynResource,
    row: &Record,
    hidden: &[&'static str],
    fields: &Sparse,
    links: &[&[Linked]],
) {
    let mut digits = itoa::Buffer::new();
    let id: &str = digits.format(row.id);
    let sparse = fields.get(res.type_name());
    let base = [PREFIX, "/", res.plural(), "/", id];
    w.raw("{\"type\":").plain(&[res.type_name()]);
    w.raw(",\"id\":").plain(&[id]);
    w.raw(",\"attributes\":");
    match &row.attributes {
        // Already narrowed to `fields` by the database; nothing is hidden
        // on that path (see `load::rows`).
        Attributes::Json(text) => {
            debug_assert!(hidden.is_empty());
            w.raw(text);
        }
        Attributes::Values(values) => {
            w.raw("{");
            let mut first = true;
            for (f, v) in res.fields().iter().zip(values) {
                if !f.readable() || !wanted(sparse, f.name) || hidden.contains(&f.name) {
                    continue;
                }
                if !first {
                    w.raw(",");
                }
                first = false;
                w.key(f.name).value(v);
            }
            w.raw("}");
        }
    }
    w.raw(",\"relationships\":{");
    let mut first = true;
    for r in res.relationships() {
        if !wanted(sparse, r.name) {
            continue;
        }
        if !first {
            w.raw(",");
        }
        first = false;
        let [prefix, slash, plural, _, id] = base;
        w.plain(&[r.name]).raw(":{\"links\":{\"self\":");
        w.plain(&[prefix, slash, plural, slash, id, "/relationships/", r.name]);
        w.raw(",\"related\":")
            .plain(&[prefix, slash, plural, slash, id, slash, r.name]);
        w.raw("}");
        if let Some(linked) = links
            .iter()
            .find_map(|slice| slice.iter().find(|l| l.rel == r.name))
        {
            w.raw(",\"data\":").linkage(linked);
        }
        w.raw("}");
    }
    w.raw("},\"links\":{\"self\":").plain(&base).raw("}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The linkage written into a document and the linkage as a value (the
    /// relationship endpoints) are the same JSON, for every shape.
    #[test]
    fn written_linkage_is_the_value_linkage() {
        let shapes = [
            Targets::One(None),
            Targets::One(Some(7)),
            Targets::Many(Vec::new()),
            Targets::Many(vec![3, -1, i64::MAX]),
        ];
        for targets in shapes {
            let linked = Linked {
                rel: "sponsors",
                type_name: "sponsor",
                targets,
            };
            let mut w = Writer::new();
            w.linkage(&linked);
            let written: Value = serde_json::from_slice(&w.finish().0).unwrap();
            assert_eq!(written, linked.to_value(), "{linked:?}");
        }
        let many = Linked {
            rel: "sponsors",
            type_name: "sponsor",
            targets: Targets::Many(vec![1, 2]),
        };
        assert_eq!(
            many.to_value(),
            json!([{"type": "sponsor", "id": "1"}, {"type": "sponsor", "id": "2"}])
        );
    }
}
