//! The archive's tables, created on `--init`: `schema.sql` in one transaction, under a
//! transaction-scoped advisory lock so that two first runs at once create them once.
//! `invoicesmith.schema_version` records the version for later migrations.

use postgres::Client;

const SCHEMA: &str = include_str!("schema.sql");

/// Serialises migrations (the run lock plus one).
const MIGRATION_LOCK: i64 = super::RUN_LOCK + 1;

/// Creates the schema unless it exists.
pub(super) fn migrate(c: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = c.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let exists: bool = tx.query_one("SELECT to_regclass('invoicesmith.schema_version') IS NOT NULL", &[])?.get(0);
    if !exists {
        tx.batch_execute(SCHEMA)?;
    }
    tx.commit()
}
