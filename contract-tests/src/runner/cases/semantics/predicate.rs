//! The filter dialect evaluated on the seeded world, as SQL would: the JSON
//! form (`name`/`op`/`val` or `field`, `and`/`or`/`not`, `has`/`any` on
//! relationships, a to-one relationship by id) and the `filter[x]=` form.
//! The result is three-valued: `None` is SQL's unknown (a comparison with
//! a null attribute), and an object is listed only when it is `Some(true)`.
//! `has`/`any` count only related objects the caller may view, like the
//! server; `like` is case-sensitive, `ilike` compares lower-cased text.

use open_event_server::jsonapi::{DynResource, FieldKind, RelKind};
use serde_json::Value;

use super::oracle::{Caller, Oracle, V, compare, typed};
use crate::runner::kinds::{self, Row};

/// A three-valued truth.
pub type Truth = Option<bool>;

fn and(items: impl Iterator<Item = Truth>) -> Truth {
    let mut unknown = false;
    for t in items {
        match t {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

fn or(items: impl Iterator<Item = Truth>) -> Truth {
    let mut unknown = false;
    for t in items {
        match t {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

/// Whether `text` matches the SQL `LIKE` pattern `pattern` (`%`: any run,
/// `_`: one character; no escape character).
pub fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // dp[j]: whether p[..j] matches t[..i].
    let mut dp = vec![false; p.len() + 1];
    dp[0] = true;
    for j in 1..=p.len() {
        dp[j] = dp[j - 1] && p[j - 1] == '%';
    }
    for c in &t {
        let mut next = vec![false; p.len() + 1];
        for j in 1..=p.len() {
            next[j] = match p[j - 1] {
                '%' => next[j - 1] || dp[j],
                '_' => dp[j - 1],
                pc => dp[j - 1] && pc == *c,
            };
        }
        dp = next;
    }
    dp[p.len()]
}

fn text(v: &V) -> Option<&str> {
    match v {
        V::Text(s) => Some(s),
        _ => None,
    }
}

/// `a op b` for non-null values.
fn cmp_op(op: &str, a: &V, b: &V) -> Result<bool, String> {
    let o = compare(a, b);
    Ok(match op {
        "eq" => o.is_eq(),
        "ne" => o.is_ne(),
        "lt" => o.is_lt(),
        "le" => o.is_le(),
        "gt" => o.is_gt(),
        "ge" => o.is_ge(),
        other => return Err(format!("`{other}` is no comparison")),
    })
}

impl Oracle<'_> {
    /// Whether `row` of `res` satisfies the JSON filter `node` for `caller`.
    pub fn satisfies(
        &self,
        caller: &Caller,
        res: &dyn DynResource,
        row: &Row,
        node: &Value,
    ) -> Result<Truth, String> {
        match node {
            Value::Array(items) => Ok(and(items
                .iter()
                .map(|i| self.satisfies(caller, res, row, i))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter())),
            Value::Object(map) => {
                if let Some(Value::Array(items)) = map.get("and") {
                    return self.satisfies(caller, res, row, &Value::Array(items.clone()));
                }
                if let Some(Value::Array(items)) = map.get("or") {
                    return Ok(or(items
                        .iter()
                        .map(|i| self.satisfies(caller, res, row, i))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()));
                }
                if let Some(inner) = map.get("not") {
                    return Ok(self.satisfies(caller, res, row, inner)?.map(|b| !b));
                }
                self.leaf(caller, res, row, map)
            }
            other => Err(format!("not a filter: {other}")),
        }
    }

    fn leaf(
        &self,
        caller: &Caller,
        res: &dyn DynResource,
        row: &Row,
        map: &serde_json::Map<String, Value>,
    ) -> Result<Truth, String> {
        let name = map.get("name").and_then(Value::as_str).ok_or("no `name`")?;
        let op = map.get("op").and_then(Value::as_str).ok_or("no `op`")?;
        let val = map.get("val").cloned().unwrap_or(Value::Null);
        if op == "has" || op == "any" {
            let rel = res
                .relationship(name)
                .ok_or_else(|| format!("no relationship `{name}`"))?;
            let target = rel.target();
            let matches = |t: &Row| -> Result<bool, String> {
                Ok(self.visible(caller, target, t)
                    && self.satisfies(caller, target, t, &val)? == Some(true))
            };
            return match rel.kind {
                RelKind::BelongsTo { fk } => {
                    if kinds::int(row, fk).is_none() {
                        return Ok(None);
                    }
                    let mut any = false;
                    for t in self.related(row, rel) {
                        any |= matches(t)?;
                    }
                    Ok(Some(any))
                }
                RelKind::HasMany { .. } => {
                    let mut any = false;
                    for t in self.related(row, rel) {
                        any |= matches(t)?;
                    }
                    Ok(Some(any))
                }
            };
        }
        if let Some(RelKind::BelongsTo { fk }) = res.relationship(name).map(|r| r.kind) {
            return linked(kinds::int(row, fk), op, &val);
        }
        let field = res
            .field(name)
            .ok_or_else(|| format!("no attribute `{name}`"))?;
        let mine = row
            .get(field.column)
            .and_then(|v| typed(field, v))
            .unwrap_or(V::Null);
        if let Some(other) = map.get("field").and_then(Value::as_str) {
            let of = res
                .field(other)
                .ok_or_else(|| format!("no attribute `{other}`"))?;
            let theirs = row
                .get(of.column)
                .and_then(|v| typed(of, v))
                .unwrap_or(V::Null);
            if mine.is_null() || theirs.is_null() {
                return Ok(None);
            }
            return cmp_op(op, &mine, &theirs).map(Some);
        }
        let value = |v: &Value| typed(field, v).ok_or_else(|| format!("{v} is no `{name}`"));
        Ok(match op {
            "eq" | "ne" if val.is_null() => Some((op == "eq") == mine.is_null()),
            "is_" => Some(mine.is_null()),
            "isnot" => Some(!mine.is_null()),
            _ if mine.is_null() => None,
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" => Some(cmp_op(op, &mine, &value(&val)?)?),
            "like" => Some(like(
                text(&mine).unwrap_or_default(),
                val.as_str().unwrap_or_default(),
            )),
            "ilike" => Some(like(
                &text(&mine).unwrap_or_default().to_ascii_lowercase(),
                &val.as_str().unwrap_or_default().to_ascii_lowercase(),
            )),
            "in_" | "notin_" => {
                let items = val.as_array().ok_or("`in_` takes an array")?;
                let mut found = false;
                for v in items {
                    found |= compare(&mine, &value(v)?).is_eq();
                }
                Some(found == (op == "in_"))
            }
            "between" => {
                let pair = val.as_array().ok_or("`between` takes [low, high]")?;
                let (lo, hi) = match pair.as_slice() {
                    [lo, hi] => (value(lo)?, value(hi)?),
                    _ => return Err("`between` takes [low, high]".into()),
                };
                Some(compare(&mine, &lo).is_ge() && compare(&mine, &hi).is_le())
            }
            other => return Err(format!("unknown operator `{other}`")),
        })
    }

    /// Whether `row` satisfies `filter[name]=raw`.
    pub fn satisfies_simple(
        &self,
        res: &dyn DynResource,
        row: &Row,
        name: &str,
        raw: &str,
    ) -> Result<Truth, String> {
        if let Some(RelKind::BelongsTo { fk }) = res.relationship(name).map(|r| r.kind) {
            let val = if raw == "null" {
                Value::Null
            } else {
                Value::String(raw.to_owned())
            };
            return linked(kinds::int(row, fk), "eq", &val);
        }
        let field = res
            .field(name)
            .ok_or_else(|| format!("no attribute `{name}`"))?;
        let mine = row
            .get(field.column)
            .and_then(|v| typed(field, v))
            .unwrap_or(V::Null);
        if raw == "null" && !matches!(field.kind, FieldKind::Str { .. } | FieldKind::Text { .. }) {
            return Ok(Some(mine.is_null()));
        }
        let json = match field.kind {
            FieldKind::Bool | FieldKind::Int { .. } | FieldKind::Float { .. } => {
                serde_json::from_str(raw).unwrap_or(Value::String(raw.to_owned()))
            }
            _ => Value::String(raw.to_owned()),
        };
        let want = typed(field, &json).ok_or_else(|| format!("`{raw}` is no `{name}`"))?;
        Ok(if mine.is_null() {
            None
        } else {
            Some(compare(&mine, &want).is_eq())
        })
    }
}

/// A to-one relationship compared by the related object's id.
fn linked(fk: Option<i64>, op: &str, val: &Value) -> Result<Truth, String> {
    let id = |v: &Value| -> Result<i64, String> {
        match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| format!("{v} is no id"))
    };
    Ok(match (op, val) {
        ("eq" | "is_", Value::Null) => Some(fk.is_none()),
        ("ne" | "isnot", Value::Null) => Some(fk.is_some()),
        _ if fk.is_none() => None,
        ("eq", v) => Some(fk == Some(id(v)?)),
        ("ne", v) => Some(fk != Some(id(v)?)),
        ("in_" | "notin_", Value::Array(items)) => {
            let mut found = false;
            for v in items {
                found |= fk == Some(id(v)?);
            }
            Some(found == (op == "in_"))
        }
        _ => return Err(format!("`{op}` does not compare a relationship")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_match_as_sql_does() {
        assert!(like("amber", "amber"));
        assert!(like("amber", "%mb%"));
        assert!(like("amber", "a_ber"));
        assert!(!like("amber", "A%"));
        assert!(like("", "%"));
        assert!(!like("amber", "_"));
        assert!(like("a%b", "a%b"));
    }

    #[test]
    fn unknown_is_neither_true_nor_false() {
        assert_eq!(and([Some(true), None].into_iter()), None);
        assert_eq!(and([Some(false), None].into_iter()), Some(false));
        assert_eq!(or([Some(true), None].into_iter()), Some(true));
        assert_eq!(or([Some(false), None].into_iter()), None);
        assert_eq!(linked(None, "ne", &Value::from(3)).unwrap(), None);
        assert_eq!(linked(None, "eq", &Value::Null).unwrap(), Some(true));
    }
}
