//! The archive's tables, created on `--init`: `schema.sql` in one transaction, under a
//! transaction-scoped advisory lock so that two first runs at once create them once.
//! `invoicesmith.schema_version` records the version for later migrations.
//!
//! A schema `invoicesmith` found in a database is read as an archive only if it is this
//! version's: its `schema_version` says [`VERSION`] and it has every table and column
//! `schema.sql` makes, of the same types. Another tool's schema of that name, or a newer
//! invoicesmith's, would otherwise fail in the middle of a run with a raw SQL error (a
//! missing column), or be written to with this version's idea of its rows.

use postgres::{Client, GenericClient};

const SCHEMA: &str = include_str!("schema.sql");

/// The schema version this build creates, reads and writes (`schema.sql`'s).
pub(super) const VERSION: i32 = 1;

/// Every table and column of version 1, with its type as `format_type` prints it.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("schema_version", "version", "integer"),
    ("archive", "id", "boolean"),
    ("register", "line", "bigint"),
    ("register", "number", "text"),
    ("register", "kind", "text"),
    ("register", "series", "text"),
    ("register", "year", "integer"),
    ("register", "seq", "bigint"),
    ("register", "prev", "bytea"),
    ("register", "hash", "bytea"),
    ("register", "text", "text"),
    ("invoiced", "kind", "text"),
    ("invoiced", "transaction_id", "text"),
    ("invoiced", "line", "bigint"),
    ("invoiced", "correction", "boolean"),
    ("files", "path", "text"),
    ("files", "line", "bigint"),
    ("files", "bytes", "bytea"),
    ("checkpoints", "n", "bigint"),
    ("checkpoints", "hash", "bytea"),
    ("checkpoints", "text", "text"),
];

/// Serialises migrations (the run lock plus one).
const MIGRATION_LOCK: i64 = super::RUN_LOCK + 1;

/// What a database holds under the name `invoicesmith`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// No such schema: no archive.
    Nothing,
    /// This version's archive.
    Archive,
    /// An archive of a later version than [`VERSION`].
    Newer(i32),
    /// Something else, and why it is not this version's archive.
    Foreign(String),
}

/// Creates the schema unless a schema of its name exists (which the caller then checks,
/// [`found`]); in the caller's transaction if `whole`, else in one of its own.
pub(super) fn migrate(c: &mut Client, whole: bool) -> Result<(), postgres::Error> {
    if whole {
        return create(c);
    }
    let mut tx = c.transaction()?;
    create(&mut tx)?;
    tx.commit()
}

fn create(c: &mut impl GenericClient) -> Result<(), postgres::Error> {
    c.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let exists: bool = c.query_one("SELECT to_regnamespace('invoicesmith') IS NOT NULL", &[])?.get(0);
    if !exists {
        c.batch_execute(SCHEMA)?;
    }
    Ok(())
}

/// What the schema `invoicesmith` of the database is: read from the catalogue (which every
/// role may read) and `schema_version`, never from a table whose shape is not known yet.
pub(super) fn found(c: &mut Client) -> Result<Found, postgres::Error> {
    let exists: bool = c.query_one("SELECT to_regnamespace('invoicesmith') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(Found::Nothing);
    }
    let columns: Vec<(String, String, String)> = c
        .query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relnamespace = 'invoicesmith'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let type_of = |table: &str, column: &str| columns.iter().find(|(t, c, _)| t == table && c == column).map(|(_, _, ty)| ty.as_str());
    if type_of("schema_version", "version") != Some("integer") {
        return Ok(Found::Foreign("it has no table invoicesmith.schema_version with an integer column version".into()));
    }
    let version: Option<i32> = c.query_one("SELECT max(version) FROM invoicesmith.schema_version", &[])?.get(0);
    match version {
        None => return Ok(Found::Foreign("invoicesmith.schema_version records no version".into())),
        Some(v) if v > VERSION => return Ok(Found::Newer(v)),
        Some(v) if v != VERSION => return Ok(Found::Foreign(format!("invoicesmith.schema_version says {v}, a version invoicesmith never made"))),
        Some(_) => {}
    }
    Ok(differences(&type_of).map_or(Found::Archive, Found::Foreign))
}

/// The first way the columns `type_of` finds differ from [`COLUMNS`], if any.
fn differences<'c>(type_of: &impl Fn(&str, &str) -> Option<&'c str>) -> Option<String> {
    for (table, column, expected) in COLUMNS {
        match type_of(table, column) {
            Some(found) if found == *expected => {}
            Some(found) => return Some(format!("its column invoicesmith.{table}.{column} is {found}, not {expected}")),
            None if !COLUMNS.iter().any(|(t, c, _)| t == table && type_of(t, c).is_some()) => {
                return Some(format!("it has no table invoicesmith.{table}"));
            }
            None => return Some(format!("its table invoicesmith.{table} has no column {column} ({expected})")),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_from_this_versions_tables_is_named() {
        let complete = |table: &str, column: &str| COLUMNS.iter().find(|(t, c, _)| *t == table && *c == column).map(|(_, _, ty)| *ty);
        assert_eq!(differences(&complete), None);
        let no_text = |table: &str, column: &str| if (table, column) == ("register", "text") { None } else { complete(table, column) };
        assert_eq!(differences(&no_text).as_deref(), Some("its table invoicesmith.register has no column text (text)"));
        let no_files = |table: &str, column: &str| if table == "files" { None } else { complete(table, column) };
        assert_eq!(differences(&no_files).as_deref(), Some("it has no table invoicesmith.files"));
        let text_bytes = |table: &str, column: &str| if (table, column) == ("checkpoints", "text") { Some("bytea") } else { complete(table, column) };
        assert_eq!(differences(&text_bytes).as_deref(), Some("its column invoicesmith.checkpoints.text is bytea, not text"));
    }

    #[test]
    fn the_expected_columns_are_those_schema_sql_creates() {
        for (table, column, ty) in COLUMNS {
            let create = format!("CREATE TABLE invoicesmith.{table} (");
            let body = SCHEMA.split(&create).nth(1).unwrap_or_else(|| panic!("schema.sql creates no table {table}"));
            let body = &body[..body.find(");").unwrap()];
            let declared = body.split([',', '\n']).map(str::trim).any(|d| d.starts_with(&format!("{column} {ty}")));
            assert!(declared, "schema.sql does not declare {table}.{column} as {ty}");
        }
        assert!(SCHEMA.contains(&format!("INSERT INTO invoicesmith.schema_version VALUES ({VERSION});")));
    }
}
