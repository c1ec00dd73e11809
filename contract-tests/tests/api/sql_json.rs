//! Attributes rendered on the read path (`jsonapi::sql_json`: by SQLite,
//! or on PostgreSQL by the server straight from the row's columns) are the
//! bytes the columns path renders, for every resource: booleans both ways,
//! date-times with 0, 3, 6 and 9 fraction digits, floats that need 17
//! digits or an exponent, strings that need escaping, nulls, and sparse
//! fieldsets. CI runs it on both backends.

use chrono::{TimeZone, Utc};
use open_event_factories::seed;
use open_event_server::{
    auth::Caller,
    jsonapi::{
        DynResource, FieldKind,
        load::{self, Checks, Fieldset, Loaded},
        render::{Sparse, Writer, write_resource},
    },
    model::Attributes,
    permissions::{Action, Fields},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection,
    sea_query::{Alias, Expr, ExprTrait, Order, Query, Value},
};

use crate::support::app;

/// Gives the first rows of `res` values the factories do not draw.
async fn awkward_values(db: &DatabaseConnection, res: &dyn DynResource) {
    let ids: Vec<i64> = {
        let stmt = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new(res.table()))
            .order_by(Alias::new("id"), Order::Asc)
            .limit(4)
            .to_owned();
        db.query_all(&stmt)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<i64>("", "id").unwrap())
            .collect()
    };
    let instants = [
        Utc.timestamp_opt(1_790_000_000, 0).unwrap(),
        Utc.timestamp_opt(1_790_000_001, 123_000_000).unwrap(),
        Utc.timestamp_opt(1_790_000_002, 123_456_000).unwrap(),
        Utc.timestamp_opt(1_790_000_003, 123_456_789).unwrap(),
    ];
    for (i, id) in ids.iter().enumerate() {
        let mut update = Query::update();
        update
            .table(Alias::new(res.table()))
            .and_where(Expr::col(Alias::new("id")).eq(*id));
        let mut any = false;
        for f in res.fields().iter().filter(|f| f.readable()) {
            let value: Option<Value> = match f.kind {
                FieldKind::Bool => Some((i % 2 == 0).into()),
                FieldKind::DateTime => Some(instants[i].into()),
                // 17 significant digits, an exponent, a whole number.
                FieldKind::Float { .. } => {
                    Some([0.1 + 0.2, -33.876_543_210_987_65, 1e-7, 12.0][i].into())
                }
                FieldKind::Str { max } | FieldKind::Text { max } => Some(
                    format!("{id}\"q\" b\\s\nl\tt\u{1}é😀</x>")
                        .chars()
                        .take(max)
                        .collect::<String>()
                        .into(),
                ),
                _ => None,
            };
            if let Some(v) = value {
                update.value(Alias::new(f.column), v);
                any = true;
            }
        }
        if any {
            db.execute(&update).await.unwrap();
        }
    }
}

async fn load(
    db: &DatabaseConnection,
    res: &dyn DynResource,
    render: Option<Fieldset>,
) -> Vec<Loaded> {
    let mut stmt = load::base(res);
    stmt.order_by((Alias::new(res.table()), Alias::new("id")), Order::Asc);
    let checks = Checks {
        render,
        ..Checks::default()
    };
    load::rows(db, res, &Caller::Anonymous, stmt, checks)
        .await
        .unwrap()
        .0
}

fn rendered(res: &dyn DynResource, rows: &[Loaded], fields: &Sparse) -> Vec<String> {
    rows.iter()
        .map(|row| {
            let mut w = Writer::new();
            write_resource(&mut w, res, &row.row, &row.hidden, fields, &[]);
            String::from_utf8(w.finish().0).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn the_database_renders_the_bytes_the_columns_path_renders() {
    let app = app().await;
    seed::demo(&app.state.writer, 7).await.unwrap();
    let mut compared = 0;
    for res in app.state.registry.all() {
        awkward_values(&app.state.writer, *res).await;
        let readable: Vec<String> = res
            .fields()
            .iter()
            .filter(|f| f.readable())
            .map(|f| f.name.to_owned())
            .collect();
        // Every readable field, then every other one, then none.
        let sets = [
            None,
            Some(readable.iter().step_by(2).cloned().collect::<Vec<_>>()),
            Some(Vec::new()),
        ];
        for names in sets {
            let sparse: Sparse = names
                .clone()
                .map(|n| [(res.type_name().to_owned(), n)].into_iter().collect())
                .unwrap_or_default();
            let columns = load(&app.state.db, *res, None).await;
            let json = load(&app.state.db, *res, Some(Fieldset { names })).await;
            assert!(
                !columns.is_empty(),
                "{}: the seed made no rows",
                res.type_name()
            );
            let (by_columns, by_db) = (
                rendered(*res, &columns, &sparse),
                rendered(*res, &json, &sparse),
            );
            assert_eq!(by_columns.len(), by_db.len(), "{}", res.type_name());
            for (c, j) in by_columns.iter().zip(&by_db) {
                assert_eq!(c, j, "{}", res.type_name());
            }
            let as_text = json
                .iter()
                .all(|l| matches!(l.row.attributes, Attributes::Json(_)));
            if as_text {
                compared += 1;
            } else {
                // Only resources whose view rules limit fields are read by
                // columns on the rendered path.
                assert!(
                    res.permissions()
                        .rules(Action::View)
                        .iter()
                        .any(|r| r.fields != Fields::All),
                    "{} was not rendered on the read path",
                    res.type_name()
                );
            }
            // Every row reached the text with all its keys and values.
            for (c, j) in columns.iter().zip(&json) {
                assert_eq!((c.id, &c.row.keys), (j.id, &j.row.keys));
            }
        }
    }
    // Most resources take the rendered path (users, whose view rules hide
    // fields, do not).
    assert!(
        compared >= 3 * (app.state.registry.all().len() - 2),
        "only {compared} fieldsets were rendered on the read path ({:?})",
        app.state.db.get_database_backend()
    );
}
