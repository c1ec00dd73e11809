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
/// `data` of the relationships in `links` (the included ones).
pub fn write_resource(
    w: &mut Writer,
    res: &dyn DynResource,
    row: &Record,
    hidden: &[&'static str],
    fields: &Sparse,
    links: &[(&'static str, Value)],
) {
    let id = row.id.to_string();
    let sparse = fields.get(res.type_name());
    let base = [PREFIX, "/", res.plural(), "/", id.as_str()];
    w.raw("{").key("type").plain(&[res.type_name()]);
    w.raw(",").key("id").plain(&[&id]);
    w.raw(",").key("attributes");
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
    w.raw(",").key("relationships").raw("{");
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
        w.key(r.name).raw("{").key("links").raw("{");
        w.key("self")
            .plain(&[prefix, slash, plural, slash, id, "/relationships/", r.name]);
        w.raw(",")
            .key("related")
            .plain(&[prefix, slash, plural, slash, id, slash, r.name]);
        w.raw("}");
        if let Some((_, data)) = links.iter().find(|(n, _)| *n == r.name) {
            w.raw(",").key("data").value(data);
        }
        w.raw("}");
    }
    w.raw("},")
        .key("links")
        .raw("{")
        .key("self")
        .plain(&base)
        .raw("}}");
}
