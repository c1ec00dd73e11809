//! Request documents: structure (400), `type`/`id` (409), attributes and
//! relationships checked against the resource's declaration (422 with a
//! `source.pointer` per problem, all reported at once).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, sea_query::Value as SqlValue};
use serde_json::{Map, Value};

use super::{
    registry::DynResource,
    resource::{Access, Field, FieldKind, RelKind},
};
use crate::{auth::password::MIN_PASSWORD_LEN, error::ApiError};

/// A validated attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// JSON null.
    Null,
    /// Any string kind (already trimmed/lowercased where the kind says so).
    Str(String),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i32),
    /// A float.
    Float(f64),
    /// A UTC timestamp.
    DateTime(DateTime<Utc>),
}

impl AttrValue {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The timestamp, if this is one.
    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            AttrValue::DateTime(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn to_sql(&self, kind: FieldKind) -> SqlValue {
        match (self, kind) {
            (AttrValue::Null, FieldKind::Bool) => SqlValue::Bool(None),
            (AttrValue::Null, FieldKind::Int { .. }) => SqlValue::Int(None),
            (AttrValue::Null, FieldKind::Float { .. }) => SqlValue::Double(None),
            (AttrValue::Null, FieldKind::DateTime) => SqlValue::from(None::<DateTime<Utc>>),
            (AttrValue::Null, _) => SqlValue::String(None),
            (AttrValue::Str(s), _) => SqlValue::from(s.clone()),
            (AttrValue::Bool(b), _) => SqlValue::from(*b),
            (AttrValue::Int(i), _) => SqlValue::from(*i),
            (AttrValue::Float(f), _) => SqlValue::from(*f),
            (AttrValue::DateTime(d), _) => SqlValue::from(*d),
        }
    }
}

/// A relationship given in a request: the target ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linkage {
    /// To-one (`None` = `data: null`).
    One(Option<i64>),
    /// To-many.
    Many(Vec<i64>),
}

/// A validated request document.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Attributes that were sent, in declaration order.
    pub attrs: Vec<(&'static Field, AttrValue)>,
    /// Relationships that were sent.
    pub relationships: Vec<(&'static str, Linkage)>,
}

impl Parsed {
    /// The value of an attribute, if sent.
    pub fn get(&self, name: &str) -> Option<&AttrValue> {
        self.attrs
            .iter()
            .find(|(f, _)| f.name == name)
            .map(|(_, v)| v)
    }

    /// Whether an attribute was sent.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The linkage of a relationship, if sent.
    pub fn relationship(&self, name: &str) -> Option<&Linkage> {
        self.relationships
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, l)| l)
    }

    /// Removes an attribute (handled by the caller, e.g. a password).
    pub fn take(&mut self, name: &str) -> Option<AttrValue> {
        let idx = self.attrs.iter().position(|(f, _)| f.name == name)?;
        Some(self.attrs.remove(idx).1)
    }

    /// Sets every attribute on an active model (columns by name).
    pub fn apply<A>(&self, am: &mut A) -> Result<(), ApiError>
    where
        A: ActiveModelTrait,
        <A::Entity as EntityTrait>::Column: FromStr,
    {
        for (field, value) in &self.attrs {
            let col = <A::Entity as EntityTrait>::Column::from_str(field.column)
                .map_err(|_| ApiError::internal(format!("no column {}", field.column)))?;
            am.try_set(col, value.to_sql(field.kind))
                .map_err(ApiError::internal)?;
        }
        Ok(())
    }
}

/// Create (POST) or update (PATCH).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode<'a> {
    /// POST: no id; required attributes must be present.
    Create,
    /// PATCH: `data.id` must equal the URL id.
    Update(&'a str),
}

fn pointer_err(status: StatusCode, code: &str, pointer: &str, detail: String) -> ApiError {
    ApiError::new(status, code, detail).at_pointer(pointer)
}

/// Validates a request document for `res`.
pub fn parse(doc: Value, res: &dyn DynResource, mode: Mode<'_>) -> Result<Parsed, ApiError> {
    let Value::Object(mut top) = doc else {
        return Err(pointer_err(
            StatusCode::BAD_REQUEST,
            "bad-document",
            "",
            "The document must be a JSON object.".into(),
        ));
    };
    let Some(Value::Object(mut data)) = top.remove("data") else {
        return Err(pointer_err(
            StatusCode::BAD_REQUEST,
            "bad-document",
            "/data",
            "The document needs a `data` object.".into(),
        ));
    };
    match data.get("type") {
        Some(Value::String(t)) if t == res.type_name() => {}
        Some(Value::String(t)) => {
            return Err(pointer_err(
                StatusCode::CONFLICT,
                "type-mismatch",
                "/data/type",
                format!(
                    "`type` is `{t}`; this endpoint takes `{}`.",
                    res.type_name()
                ),
            ));
        }
        _ => {
            return Err(pointer_err(
                StatusCode::BAD_REQUEST,
                "bad-document",
                "/data/type",
                "`data.type` is required and must be a string.".into(),
            ));
        }
    }
    match (mode, data.get("id")) {
        (Mode::Create, None) => {}
        (Mode::Create, Some(_)) => {
            return Err(pointer_err(
                StatusCode::FORBIDDEN,
                "client-id",
                "/data/id",
                "Client-generated ids are not supported.".into(),
            ));
        }
        (Mode::Update(url_id), Some(Value::String(id))) => {
            if id != url_id {
                return Err(pointer_err(
                    StatusCode::CONFLICT,
                    "id-mismatch",
                    "/data/id",
                    format!("`data.id` is `{id}` but the URL names `{url_id}`."),
                ));
            }
        }
        (Mode::Update(_), _) => {
            return Err(pointer_err(
                StatusCode::BAD_REQUEST,
                "bad-document",
                "/data/id",
                "`data.id` is required and must be a string.".into(),
            ));
        }
    }
    let attributes = match data.remove("attributes") {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(pointer_err(
                StatusCode::BAD_REQUEST,
                "bad-document",
                "/data/attributes",
                "`data.attributes` must be an object.".into(),
            ));
        }
    };
    let mut errors = Vec::new();
    let mut parsed = Parsed::default();
    for key in attributes.keys() {
        if res.field(key).is_none() {
            errors.push(ApiError::invalid(
                format!("/data/attributes/{key}"),
                format!("`{}` has no attribute `{key}`.", res.type_name()),
            ));
        }
    }
    for field in res.fields() {
        let pointer = format!("/data/attributes/{}", field.name);
        match attributes.get(field.name) {
            None => {
                if mode == Mode::Create && field.required {
                    errors.push(ApiError::invalid(
                        pointer,
                        format!("`{}` is required.", field.name),
                    ));
                }
            }
            Some(value) => {
                let writable = !matches!(
                    (field.access, mode),
                    (Access::ReadOnly, _)
                        | (Access::CreateOnly | Access::CreateSecret, Mode::Update(_))
                );
                if !writable {
                    errors.push(ApiError::invalid(
                        pointer,
                        format!("`{}` is read-only.", field.name),
                    ));
                    continue;
                }
                match check_value(field, value) {
                    Ok(v) => parsed.attrs.push((field, v)),
                    Err(detail) => errors.push(ApiError::invalid(pointer, detail)),
                }
            }
        }
    }
    match data.remove("relationships") {
        None => {}
        Some(Value::Object(rels)) => {
            for (name, value) in rels {
                let pointer = format!("/data/relationships/{name}");
                let refused = res.relationship(&name).and_then(|r| match mode {
                    Mode::Create if !r.settable_on_create() => {
                        Some(format!("`{name}` is set by the server, not by requests."))
                    }
                    Mode::Update(_) if !r.settable_on_update() => {
                        Some(format!("`{name}` cannot be changed here."))
                    }
                    _ => None,
                });
                if let Some(detail) = refused {
                    errors.push(ApiError::invalid(&pointer, detail));
                    continue;
                }
                match check_linkage(res, &name, value, &pointer) {
                    Ok((rel, linkage)) => parsed.relationships.push((rel, linkage)),
                    Err(e) => errors.push(e),
                }
            }
        }
        Some(_) => errors.push(ApiError::invalid(
            "/data/relationships",
            "`data.relationships` must be an object.",
        )),
    }
    if mode == Mode::Create {
        for rel in res.relationships().iter().filter(|r| r.required) {
            if parsed.relationship(rel.name).is_none() {
                errors.push(ApiError::invalid(
                    format!("/data/relationships/{}", rel.name),
                    format!("A valid relationship with `{}` is required.", rel.name),
                ));
            }
        }
    }
    // A wrong target type is a conflict, reported on its own.
    if let Some(conflict) = errors.iter().find(|e| e.status == StatusCode::CONFLICT) {
        return Err(conflict.clone());
    }
    match ApiError::merge(errors) {
        Some(e) => Err(e),
        None => Ok(parsed),
    }
}

fn check_value(field: &Field, value: &Value) -> Result<AttrValue, String> {
    let name = field.name;
    if value.is_null() {
        return if field.nullable {
            Ok(AttrValue::Null)
        } else {
            Err(format!("`{name}` cannot be null."))
        };
    }
    let string = || {
        value
            .as_str()
            .map(str::trim)
            .ok_or_else(|| format!("`{name}` must be a string."))
    };
    match field.kind {
        FieldKind::Str { max } | FieldKind::Text { max } => {
            let s = string()?;
            if s.is_empty() && field.required {
                return Err(format!("`{name}` cannot be empty."));
            }
            if s.chars().count() > max {
                return Err(format!("`{name}` is longer than {max} characters."));
            }
            Ok(AttrValue::Str(s.to_owned()))
        }
        FieldKind::Email => {
            let s = string()?.to_lowercase();
            let valid = s.len() <= 254
                && s.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !s.chars().any(char::is_whitespace)
                });
            if valid {
                Ok(AttrValue::Str(s))
            } else {
                Err(format!("`{name}` is not a valid email address."))
            }
        }
        FieldKind::Url => {
            let s = string()?;
            match url::Url::parse(s) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.host().is_some()
                        && s.len() <= 2048 =>
                {
                    Ok(AttrValue::Str(s.to_owned()))
                }
                _ => Err(format!("`{name}` must be an absolute http(s) URL.")),
            }
        }
        FieldKind::Bool => value
            .as_bool()
            .map(AttrValue::Bool)
            .ok_or_else(|| format!("`{name}` must be a boolean.")),
        FieldKind::Int { min, max } => {
            let i = value
                .as_i64()
                .ok_or_else(|| format!("`{name}` must be an integer."))?;
            if i < i64::from(min) || i > i64::from(max) {
                return Err(format!("`{name}` must be between {min} and {max}."));
            }
            Ok(AttrValue::Int(
                i32::try_from(i).map_err(|_| format!("`{name}` is out of range."))?,
            ))
        }
        FieldKind::Float { min, max } => {
            let f = value
                .as_f64()
                .ok_or_else(|| format!("`{name}` must be a number."))?;
            if !(min..=max).contains(&f) {
                return Err(format!("`{name}` must be between {min} and {max}."));
            }
            Ok(AttrValue::Float(f))
        }
        FieldKind::DateTime => {
            let s = string()?;
            DateTime::parse_from_rfc3339(s)
                .map(|d| AttrValue::DateTime(d.with_timezone(&Utc)))
                .map_err(|_| {
                    format!("`{name}` must be an RFC 3339 date-time such as 2030-01-31T09:00:00Z.")
                })
        }
        FieldKind::Enum(values) => {
            let s = string()?;
            if values.contains(&s) {
                Ok(AttrValue::Str(s.to_owned()))
            } else {
                Err(format!("`{name}` must be one of: {}.", values.join(", ")))
            }
        }
        FieldKind::Format(format) => {
            let s = string()?;
            if format.accepts(s) {
                Ok(AttrValue::Str(s.to_owned()))
            } else {
                Err(format!("`{name}` must be {}.", format.hint()))
            }
        }
        FieldKind::Timezone => {
            let s = string()?;
            s.parse::<chrono_tz::Tz>()
                .map(|_| AttrValue::Str(s.to_owned()))
                .map_err(|_| format!("`{name}` must be an IANA time zone such as Europe/Berlin."))
        }
        FieldKind::Password => {
            let s = value
                .as_str()
                .ok_or_else(|| format!("`{name}` must be a string."))?;
            let n = s.chars().count();
            if n < MIN_PASSWORD_LEN {
                return Err(format!(
                    "`{name}` must have at least {MIN_PASSWORD_LEN} characters."
                ));
            }
            if n > 128 {
                return Err(format!("`{name}` must have at most 128 characters."));
            }
            Ok(AttrValue::Str(s.to_owned()))
        }
    }
}

fn check_linkage(
    res: &dyn DynResource,
    name: &str,
    value: Value,
    pointer: &str,
) -> Result<(&'static str, Linkage), ApiError> {
    // `pointer` names the relationship object; its `data` is at `{pointer}/data`.
    let pointer = pointer.to_owned();
    let rel = res.relationship(name).ok_or_else(|| {
        ApiError::invalid(
            &pointer,
            format!("`{}` has no relationship `{name}`.", res.type_name()),
        )
    })?;
    let data = match value {
        Value::Object(mut m) => m.remove("data"),
        _ => None,
    }
    .ok_or_else(|| ApiError::invalid(&pointer, format!("`{name}` needs a `data` member.")))?;
    let one = |v: &Value, pointer: &str| -> Result<i64, ApiError> {
        let t = v.get("type").and_then(Value::as_str);
        let id = v.get("id").and_then(Value::as_str);
        match (t, id) {
            (Some(t), _) if t != rel.target_type() => Err(pointer_err(
                StatusCode::CONFLICT,
                "type-mismatch",
                &format!("{pointer}/type"),
                format!(
                    "`{name}` holds `{}` resources, not `{t}`.",
                    rel.target_type()
                ),
            )),
            (Some(_), Some(id)) => id.parse::<i64>().map_err(|_| {
                ApiError::invalid(
                    format!("{pointer}/id"),
                    format!("`{id}` is not a valid id."),
                )
            }),
            _ => Err(ApiError::invalid(
                pointer,
                "A resource identifier needs string `type` and `id`.",
            )),
        }
    };
    let linkage = match (rel.kind, &data) {
        (RelKind::BelongsTo { .. }, Value::Null) => Linkage::One(None),
        (RelKind::BelongsTo { .. }, v @ Value::Object(_)) => {
            Linkage::One(Some(one(v, &format!("{pointer}/data"))?))
        }
        (RelKind::HasMany { .. }, Value::Array(items)) => Linkage::Many(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| one(v, &format!("{pointer}/data/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(ApiError::invalid(
                format!("{pointer}/data"),
                format!(
                    "`{name}` takes {}.",
                    if rel.is_to_one() {
                        "one identifier or null"
                    } else {
                        "an array of identifiers"
                    }
                ),
            ));
        }
    };
    Ok((rel.name, linkage))
}

/// Validates the body of a relationship endpoint (`{"data": …}`) for `rel`.
pub fn parse_linkage(doc: Value, res: &dyn DynResource, rel: &str) -> Result<Linkage, ApiError> {
    if !doc.is_object() {
        return Err(pointer_err(
            StatusCode::BAD_REQUEST,
            "bad-document",
            "",
            "The document must be a JSON object.".into(),
        ));
    }
    check_linkage(res, rel, doc, "").map(|(_, linkage)| linkage)
}
