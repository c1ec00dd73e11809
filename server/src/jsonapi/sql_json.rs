//! A row's attributes object as one text on the read path: rendered by
//! SQLite, or on PostgreSQL written by the server from the columns as it
//! reads them (below). On SQLite, a page of rows read column by column
//! costs about 1 µs per column in the server (sqlx's SQLite worker copies
//! every value, which is then decoded, boxed as a JSON value, escaped and
//! freed); SQLite renders the same object as one text value with
//! `json_object` in a fraction of that (events list of 20: 896 → ~400 µs
//! of CPU per request, with `SQLITE_ENABLE_QPSG`). The expression writes
//! exactly what [`super::render::write_resource`] writes from the columns
//! (same keys, same order, same value shapes), which
//! `tests/api/sql_json.rs` checks for every resource.
//!
//! Value shapes:
//! - booleans are `true`/`false` (SQLite stores 0/1);
//! - date-times are RFC 3339 in UTC with `Z` and as many fraction digits
//!   as chrono's `AutoSi` (none, 3, 6 or 9), as the columns path renders
//!   them. SQLite keeps what sqlx wrote (`AutoSi` with `+00:00`), so the
//!   offset is swapped for `Z`; a value stored in another form (written
//!   outside the API) is rendered to the second by `strftime`;
//! - floats are read from their column and printed by the server
//!   ([`Layout`]): SQLite prints 15 significant digits;
//! - everything else is the column's own JSON value.
//!
//! PostgreSQL reads columns: its binary protocol hands them over cheaply,
//! and the same rendering there (`to_json` text concatenation) made the
//! benchmark slower (event detail 0.64 against 0.82 of the one-statement
//! ceiling, list of 20 1569 against 1793 req/s), the database sharing the
//! server's two cores. Its layout is every member a column the server
//! writes straight from the row into the object's text (texts borrowed
//! from the driver, escaped once), the same bytes again: not a JSON value
//! per column, decoded, boxed, written and freed.

use std::{
    borrow::Cow,
    collections::HashMap,
    sync::{Arc, LazyLock, PoisonError, RwLock},
};

use sea_orm::{
    DbBackend, DbErr, QueryResult,
    sea_query::{DynIden, Expr, IntoIden, SelectStatement},
    sqlx::Row,
};

use super::registry::DynResource;
use crate::model::{Field, FieldKind};

/// SQLite passes at most 127 arguments to a function (`SQLITE_MAX_FUNCTION_ARG`
/// in older builds): larger objects are split into `json_object` calls of
/// at most this many members, whose members are then spliced into one
/// object as text.
const SQLITE_MEMBERS_PER_CALL: usize = 60;

/// How a rendered attributes object is selected and put together: runs of
/// members SQLite renders, and members the server renders from their
/// column (on SQLite floats only: SQLite prints 15 significant digits, the
/// API the shortest form that round-trips; on PostgreSQL every member).
#[derive(Debug, Clone)]
pub struct Layout {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    /// An object expression for consecutive members, selected as `alias`.
    Members {
        sql: Cow<'static, str>,
        alias: Cow<'static, str>,
    },
    /// A member read from its column and written by the server.
    Column(&'static Field),
}

/// The layout of `res`'s attributes object: the readable fields in
/// `wanted` (all when `None`), in declaration order. `None` on a backend
/// other than SQLite and PostgreSQL.
pub fn layout(
    backend: DbBackend,
    res: &dyn DynResource,
    wanted: Option<&Vec<String>>,
) -> Option<Arc<Layout>> {
    let by_sqlite = match backend {
        DbBackend::Sqlite => true,
        DbBackend::Postgres => false,
        _ => return None,
    };
    if wanted.is_some() {
        return Some(Arc::new(build(res, wanted, by_sqlite)));
    }
    // Every field (what most reads ask for): built once per resource and
    // backend (whether SQLite renders, the table).
    type Known = HashMap<(bool, &'static str), Arc<Layout>>;
    static FULL: LazyLock<RwLock<Known>> = LazyLock::new(RwLock::default);
    let key = (by_sqlite, res.table());
    let known = FULL
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .cloned();
    Some(known.unwrap_or_else(|| {
        // Built under the write lock, so that each resource's text is kept
        // for the life of the process once.
        FULL.write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_insert_with(|| Arc::new(build(res, None, by_sqlite).into_static()))
            .clone()
    }))
}

fn build(res: &dyn DynResource, wanted: Option<&Vec<String>>, by_sqlite: bool) -> Layout {
    let table = res.table();
    let mut pieces = Vec::new();
    let mut run: Vec<&Field> = Vec::new();
    let flush = |run: &mut Vec<&Field>, pieces: &mut Vec<Piece>| {
        if !run.is_empty() {
            let alias = format!("oe_attrs{}", pieces.len());
            pieces.push(Piece::Members {
                sql: Cow::Owned(sqlite(table, run)),
                alias: Cow::Owned(alias),
            });
            run.clear();
        }
    };
    for f in res.fields() {
        if !f.readable() || !wanted.is_none_or(|w| w.iter().any(|n| n == f.name)) {
            continue;
        }
        if !by_sqlite || matches!(f.kind, FieldKind::Float { .. }) {
            flush(&mut run, &mut pieces);
            pieces.push(Piece::Column(f));
        } else {
            run.push(f);
        }
    }
    flush(&mut run, &mut pieces);
    Layout { pieces }
}

/// `text` for the life of the process. Only for what is built once per
/// resource (the layout of every field): a bounded set.
fn leak(text: Cow<'static, str>) -> Cow<'static, str> {
    match text {
        Cow::Owned(s) => Cow::Borrowed(Box::leak(s.into_boxed_str())),
        borrowed => borrowed,
    }
}

/// An identifier from `name`, without a copy when it is static.
#[allow(
    clippy::ptr_arg,
    reason = "which variant it is decides whether the name is copied"
)]
fn iden(name: &Cow<'static, str>) -> DynIden {
    match name {
        Cow::Borrowed(s) => (*s).into_iden(),
        Cow::Owned(s) => s.clone().into_iden(),
    }
}

impl Layout {
    /// The layout with its SQL kept for the life of the process, so that
    /// selecting it copies nothing (the text of a whole event is 2.5 kB).
    fn into_static(self) -> Layout {
        let pieces = self
            .pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Members { sql, alias } => Piece::Members {
                    sql: leak(sql),
                    alias: leak(alias),
                },
                column => column,
            })
            .collect();
        Layout { pieces }
    }

    /// Adds what the layout reads to `stmt` (`FROM table`).
    pub fn select(&self, stmt: &mut SelectStatement, table: &'static str) {
        for piece in &self.pieces {
            match piece {
                Piece::Members { sql, alias } => {
                    stmt.expr_as(Expr::cust(sql.clone()), iden(alias));
                }
                Piece::Column(f) => {
                    stmt.column((table, f.column));
                }
            }
        }
    }

    /// The attributes object of one selected row, built in one buffer of
    /// the right size from the texts the driver holds (borrowed, not
    /// copied: a decoded `String` per piece and the growth of the first
    /// one were ~5% of a page's CPU).
    pub fn read(&self, r: &QueryResult) -> Result<String, DbErr> {
        let text = |alias: &str| -> Result<Cow<'_, str>, DbErr> {
            match r.try_as_sqlite_row() {
                Some(row) => Row::try_get::<&str, _>(row, alias)
                    .map(Cow::Borrowed)
                    .map_err(|e| DbErr::Custom(format!("{alias}: {e}"))),
                // SQLite renders the members' pieces; any other row is read owned.
                None => r.try_get::<String>("", alias).map(Cow::Owned),
            }
        };
        // A column member is at most its key, `"":` and its value (a text
        // is counted as written, escapes aside; a date-time at most 32 with
        // its quotes).
        let mut size = 2;
        for piece in &self.pieces {
            size += match piece {
                Piece::Members { alias, .. } => text(alias)?.len(),
                Piece::Column(f) => f.name.len() + 4 + column_size(f, r),
            };
        }
        let mut out = Vec::with_capacity(size);
        for piece in &self.pieces {
            match piece {
                Piece::Members { alias, .. } => {
                    let text = text(alias)?;
                    let members = text
                        .strip_prefix('{')
                        .and_then(|t| t.strip_suffix('}'))
                        .ok_or_else(|| DbErr::Custom(format!("{alias}: not an object")))?;
                    if members.is_empty() {
                        continue;
                    }
                    out.push(if out.is_empty() { b'{' } else { b',' });
                    out.extend_from_slice(members.as_bytes());
                }
                Piece::Column(f) => {
                    out.push(if out.is_empty() { b'{' } else { b',' });
                    out.push(b'"');
                    out.extend_from_slice(plain(f.name).as_bytes());
                    out.extend_from_slice(b"\":");
                    write_column(&mut out, f, r)?;
                }
            }
        }
        if out.is_empty() {
            out.push(b'{');
        }
        out.push(b'}');
        String::from_utf8(out).map_err(|e| DbErr::Custom(format!("attributes: {e}")))
    }
}

/// The length of `f`'s text in `r` when it is a text read from a
/// PostgreSQL row (what most of an object is: its raw bytes, neither
/// decoded nor checked, which [`write_column`] does once), else a bound
/// for the rest.
fn column_size(f: &Field, r: &QueryResult) -> usize {
    match f.kind {
        FieldKind::Bool | FieldKind::Int { .. } | FieldKind::Float { .. } => 24,
        FieldKind::DateTime => 32,
        _ => r
            .try_as_pg_row()
            .and_then(|row| Row::try_get_raw(row, f.column).ok())
            .and_then(|v| v.as_bytes().ok())
            .map_or(4, |t| t.len() + 2),
    }
}

/// Writes `f`'s value in `r` as the columns path writes it
/// (`model::value_of`, then `serde_json`).
fn write_column(out: &mut Vec<u8>, f: &Field, r: &QueryResult) -> Result<(), DbErr> {
    let col = f.column;
    let json = |e: serde_json::Error| DbErr::Custom(format!("{col}: {e}"));
    match f.kind {
        FieldKind::Bool => out.extend_from_slice(match r.try_get::<Option<bool>>("", col)? {
            Some(true) => b"true",
            Some(false) => b"false",
            None => b"null",
        }),
        FieldKind::Int { .. } => match r.try_get::<Option<i32>>("", col)? {
            Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
            None => out.extend_from_slice(b"null"),
        },
        // As serde_json writes a float (its shortest form that reads back
        // the same; not finite: `null`).
        FieldKind::Float { .. } => match r.try_get::<Option<f64>>("", col)? {
            Some(x) if x.is_finite() => {
                out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes());
            }
            _ => out.extend_from_slice(b"null"),
        },
        FieldKind::DateTime => {
            match r.try_get::<Option<chrono::DateTime<chrono::Utc>>>("", col)? {
                Some(at) => serde_json::to_writer(&mut *out, &at).map_err(json)?,
                None => out.extend_from_slice(b"null"),
            }
        }
        _ => {
            let owned;
            let text = match r.try_as_pg_row() {
                Some(row) => Row::try_get::<Option<&str>, _>(row, col)
                    .map_err(|e| DbErr::Custom(format!("{col}: {e}")))?,
                None => {
                    owned = r.try_get::<Option<String>>("", col)?;
                    owned.as_deref()
                }
            };
            match text {
                Some(t) => serde_json::to_writer(&mut *out, t).map_err(json)?,
                None => out.extend_from_slice(b"null"),
            }
        }
    }
    Ok(())
}

/// Names are declared in code, never taken from a request: identifiers
/// and JSON keys of letters, digits, `_` and `-`, which need no quoting
/// inside SQL literals or JSON strings.
fn plain(name: &str) -> &str {
    debug_assert!(
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        "{name}"
    );
    name
}

fn column(table: &str, f: &Field) -> String {
    format!("\"{}\".\"{}\"", plain(table), plain(f.column))
}

/// The object of `fields` (at least one).
fn sqlite(table: &str, fields: &[&Field]) -> String {
    let calls: Vec<String> = fields
        .chunks(SQLITE_MEMBERS_PER_CALL)
        .map(|chunk| {
            let members: Vec<String> = chunk
                .iter()
                .map(|f| format!("'{}', {}", plain(f.name), sqlite_value(table, f)))
                .collect();
            format!("json_object({})", members.join(", "))
        })
        .collect();
    // Not `json_patch`: it drops members whose value is null.
    match calls.as_slice() {
        [one] => one.clone(),
        many => {
            // Splice the objects' members: `{a…}` + `{b…}` → `{a…,b…}`
            // (each is non-empty, so both have members).
            let inner: Vec<String> = many
                .iter()
                .map(|c| format!("substr({c}, 2, length({c}) - 2)"))
                .collect();
            format!("'{{' || {} || '}}'", inner.join(" || ',' || "))
        }
    }
}

fn sqlite_value(table: &str, f: &Field) -> String {
    let c = column(table, f);
    match f.kind {
        FieldKind::Bool => {
            format!("json(CASE WHEN {c} IS NULL THEN 'null' WHEN {c} THEN 'true' ELSE 'false' END)")
        }
        FieldKind::DateTime => format!(
            "CASE WHEN {c} LIKE '%+00:00' THEN substr({c}, 1, length({c}) - 6) || 'Z' \
             ELSE strftime('%Y-%m-%dT%H:%M:%SZ', {c}) END"
        ),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

    use super::*;

    /// An object of more members than one `json_object` call takes is
    /// spliced from several, keeping every member (nulls too) in order.
    #[tokio::test]
    async fn wide_objects_are_spliced_in_order() {
        let n = 2 * SQLITE_MEMBERS_PER_CALL + 7;
        let fields: Vec<Field> = (0..n)
            .map(|i| {
                let name: &'static str = Box::leak(format!("f-{i}").into_boxed_str());
                let column: &'static str = Box::leak(format!("c_{i}").into_boxed_str());
                let kind = if i % 3 == 0 {
                    FieldKind::Bool
                } else {
                    FieldKind::Int { min: 0, max: 1000 }
                };
                Field::new(name, column, kind, "")
            })
            .collect();
        let refs: Vec<&Field> = fields.iter().collect();
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let columns: Vec<String> = (0..n).map(|i| format!("c_{i} INTEGER")).collect();
        db.execute_unprepared(&format!("CREATE TABLE t ({})", columns.join(", ")))
            .await
            .unwrap();
        // Column i holds i % 2, every fifth null.
        let values: Vec<String> = (0..n)
            .map(|i| {
                if i % 5 == 0 {
                    "NULL".into()
                } else {
                    (i % 2).to_string()
                }
            })
            .collect();
        db.execute_unprepared(&format!("INSERT INTO t VALUES ({})", values.join(", ")))
            .await
            .unwrap();
        let sql = format!("SELECT {} AS o FROM t", sqlite("t", &refs));
        let row = db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .unwrap()
            .unwrap();
        let text: String = row.try_get("", "o").unwrap();
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap();
        assert_eq!(object.len(), n);
        // Declaration order, read from the text (the map sorts its keys).
        let at: Vec<usize> = fields
            .iter()
            .map(|f| text.find(&format!("\"{}\":", f.name)).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        for (i, f) in fields.iter().enumerate() {
            let expected = match (i % 5, &f.kind) {
                (0, _) => serde_json::Value::Null,
                (_, FieldKind::Bool) => serde_json::Value::Bool(i % 2 == 1),
                _ => serde_json::Value::from(i % 2),
            };
            assert_eq!(object[f.name], expected, "{}", f.name);
        }
    }
}
