//! JSON:API 1.0 structure rules the JSON Schema of a document cannot say:
//! allowed top-level members, `data`/`errors` exclusive, `included` only
//! with `data`, `jsonapi.version` 1.0, resource objects with string `id`
//! and the expected `type`, unique `(type, id)` pairs, error `status`
//! equal to the HTTP status, and relative links.

use std::collections::BTreeSet;

use serde_json::Value;

const TOP_LEVEL: [&str; 6] = ["data", "errors", "meta", "jsonapi", "links", "included"];

/// Structure problems of a JSON:API response body.
pub fn structure(doc: &Value, status: u16, expected_type: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(top) = doc.as_object() else {
        return vec!["the document is not a JSON object".into()];
    };
    for key in top.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            out.push(format!(
                "top-level member `{key}` is not allowed by JSON:API"
            ));
        }
    }
    let (has_data, has_errors) = (top.contains_key("data"), top.contains_key("errors"));
    if !has_data && !has_errors && !top.contains_key("meta") {
        out.push("the document has none of `data`, `errors`, `meta`".into());
    }
    if has_data && has_errors {
        out.push("`data` and `errors` must not coexist".into());
    }
    if top.contains_key("included") && !has_data {
        out.push("`included` without `data`".into());
    }
    match top.get("jsonapi") {
        Some(j) if j.get("version").and_then(Value::as_str) == Some("1.0") => {}
        Some(j) => out.push(format!("`jsonapi.version` must be \"1.0\", got {}", j)),
        None => out.push("the `jsonapi` member is missing".into()),
    }
    if let Some(errors) = top.get("errors") {
        match errors.as_array() {
            Some(list) if !list.is_empty() => {
                for (i, e) in list.iter().enumerate() {
                    let s = e.get("status").and_then(Value::as_str);
                    if s != Some(status.to_string().as_str()) {
                        out.push(format!(
                            "errors[{i}].status is {s:?}, the HTTP status is {status}"
                        ));
                    }
                }
            }
            _ => out.push("`errors` must be a non-empty array".into()),
        }
        if status < 400 {
            out.push(format!("an error document with status {status}"));
        }
    }
    let mut seen = BTreeSet::new();
    if let Some(data) = top.get("data") {
        let primary: Vec<&Value> = match data {
            Value::Array(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
        for (i, r) in primary.iter().enumerate() {
            resource(r, &format!("data[{i}]"), expected_type, &mut seen, &mut out);
        }
    }
    if let Some(Value::Array(included)) = top.get("included") {
        for (i, r) in included.iter().enumerate() {
            resource(r, &format!("included[{i}]"), None, &mut seen, &mut out);
        }
    }
    for (at, link) in links(doc) {
        if !is_relative(&link) {
            out.push(format!("link {at} = {link:?} is not a relative URL"));
        }
    }
    out
}

fn resource(
    r: &Value,
    at: &str,
    expected_type: Option<&str>,
    seen: &mut BTreeSet<(String, String)>,
    out: &mut Vec<String>,
) {
    let ty = r.get("type").and_then(Value::as_str);
    let id = r.get("id").and_then(Value::as_str);
    match (ty, id) {
        (Some(t), Some(i)) => {
            if i.is_empty() {
                out.push(format!("{at}.id is empty"));
            }
            if let Some(want) = expected_type
                && t != want
            {
                out.push(format!("{at}.type is `{t}`, expected `{want}`"));
            }
            if !seen.insert((t.to_owned(), i.to_owned())) {
                out.push(format!("{at} repeats ({t}, {i})"));
            }
        }
        _ => out.push(format!("{at} needs a string `type` and a string `id`")),
    }
}

fn is_relative(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//")
}

/// Every link in a document: `(where, url)`, top-level, resource and
/// relationship links (strings or link objects with `href`).
pub fn links(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect_links(doc.get("links"), "links", &mut out);
    let mut resources: Vec<(String, &Value)> = Vec::new();
    match doc.get("data") {
        Some(Value::Array(items)) => {
            resources.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (format!("data[{i}]"), r)),
            );
        }
        Some(r @ Value::Object(_)) => resources.push(("data".into(), r)),
        _ => {}
    }
    if let Some(Value::Array(items)) = doc.get("included") {
        resources.extend(
            items
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("included[{i}]"), r)),
        );
    }
    for (at, r) in resources {
        collect_links(r.get("links"), &format!("{at}.links"), &mut out);
        if let Some(rels) = r.get("relationships").and_then(Value::as_object) {
            for (name, rel) in rels {
                collect_links(
                    rel.get("links"),
                    &format!("{at}.relationships.{name}.links"),
                    &mut out,
                );
            }
        }
    }
    out
}

fn collect_links(links: Option<&Value>, at: &str, out: &mut Vec<(String, String)>) {
    let Some(map) = links.and_then(Value::as_object) else {
        return;
    };
    for (name, link) in map {
        let href = match link {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("href").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        if let Some(h) = href {
            out.push((format!("{at}.{name}"), h));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn good_documents_pass() {
        let doc = json!({"data": [{"type": "event", "id": "1", "links": {"self": "/v1/events/1"}}],
                         "links": {"self": "/v1/events"}, "meta": {"count": 1}, "jsonapi": {"version": "1.0"}});
        assert!(structure(&doc, 200, Some("event")).is_empty());
        assert_eq!(links(&doc).len(), 2);
        let err = json!({"errors": [{"status": "404"}], "jsonapi": {"version": "1.0"}});
        assert!(structure(&err, 404, None).is_empty());
    }

    #[test]
    fn bad_documents_fail_with_reasons() {
        let doc = json!({"data": {"type": "user", "id": 1}, "errors": [], "extra": 1,
                         "links": {"self": "http://x/v1"}});
        let problems = structure(&doc, 200, Some("event"));
        assert_eq!(problems.len(), 7, "{problems:#?}");
        let err = json!({"errors": [{"status": "400"}], "jsonapi": {"version": "1.0"}});
        assert_eq!(structure(&err, 422, None).len(), 1);
    }
}
