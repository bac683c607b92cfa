//! The file's schema, versioned by `PRAGMA user_version`: migration N takes version N-1 to N,
//! each in its own transaction; a file from a newer build is refused rather than guessed at.

use std::path::Path;

use rusqlite::{Connection, Transaction};

use super::PersistError;
use crate::accounts::{Accounts, SecuritySettings};

/// In order; never edit a released step, add one. Each step's SQL, then its conversion of data.
/// A step's conversion of the data its SQL reshaped.
type Convert = fn(&Transaction<'_>) -> rusqlite::Result<()>;

const MIGRATIONS: [(&str, Option<Convert>); 4] = [
    // 1: namespaces (accounts as one JSON document, the clock's offset) and captured messages.
    (
        "CREATE TABLE namespaces (
        name TEXT PRIMARY KEY NOT NULL,
        accounts TEXT,
        clock_offset_nanos INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace TEXT NOT NULL,
        id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        created TEXT NOT NULL,
        read INTEGER NOT NULL,
        subject TEXT NOT NULL,
        recipients TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reset', 'received')),
        fields TEXT NOT NULL,
        raw BLOB,
        UNIQUE (namespace, id)
    );",
        None,
    ),
    // 2: the request journal, one row per entry (its JSON as `GET /__admin/requests` shows it).
    (
        "CREATE TABLE journal (
        namespace TEXT NOT NULL,
        id INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (namespace, id)
    ) WITHOUT ROWID;",
        None,
    ),
    // 3: what the control API set: per namespace its scripted rules, stubs, SMTP faults and
    // reCAPTCHA (one JSON document each), and the shared run-time settings.
    (
        "CREATE TABLE parts (
        namespace TEXT NOT NULL,
        part TEXT NOT NULL CHECK (part IN ('rules', 'stubs', 'smtp_faults', 'recaptcha')),
        value TEXT NOT NULL,
        PRIMARY KEY (namespace, part)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        value TEXT NOT NULL
    );",
        None,
    ),
    // 4: accounts one row per customer (key: namespace, website, email as looked up), the rest
    // (next id, throttles, sessions, carts) in `namespaces`; version 1's documents converted.
    (
        "CREATE TABLE accounts (
            namespace TEXT NOT NULL,
            website TEXT NOT NULL,
            email TEXT NOT NULL,
            customer TEXT NOT NULL,
            PRIMARY KEY (namespace, website, email)
        ) WITHOUT ROWID;
        ALTER TABLE namespaces ADD COLUMN account_rest TEXT;",
        Some(accounts_to_rows),
    ),
];

/// The version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(connection: &mut Connection, path: &Path) -> Result<(), PersistError> {
    let sqlite = |source| PersistError::Sqlite { path: path.to_owned(), source };
    let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(sqlite)?;
    if found > VERSION {
        return Err(PersistError::Newer { path: path.to_owned(), found, known: VERSION });
    }
    for (done, (step, convert)) in (1..=VERSION).zip(MIGRATIONS).skip(usize::try_from(found).unwrap_or(0)) {
        let transaction = connection.transaction().map_err(sqlite)?;
        transaction.execute_batch(step).map_err(sqlite)?;
        if let Some(convert) = convert {
            convert(&transaction).map_err(sqlite)?;
        }
        transaction.pragma_update(None, "user_version", done).map_err(sqlite)?;
        transaction.commit().map_err(sqlite)?;
    }
    Ok(())
}

/// Version 1's one document per namespace, split into rows.
fn accounts_to_rows(transaction: &Transaction<'_>) -> rusqlite::Result<()> {
    let documents: Vec<(String, String)> = transaction
        .prepare("SELECT name, accounts FROM namespaces WHERE accounts IS NOT NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let unreadable = |error: serde_json::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(error));
    for (name, document) in documents {
        let mut accounts =
            Accounts::from_snapshot(SecuritySettings::default(), document.as_bytes()).map_err(unreadable)?;
        for row in accounts.take_changed_rows(true).map_err(unreadable)? {
            transaction.execute(
                "INSERT INTO accounts (namespace, website, email, customer) VALUES (?1, ?2, ?3, ?4)",
                (&name, &row.website, &row.email_key, row.record.unwrap_or_default()),
            )?;
        }
        let rest = accounts.rest_record().map_err(unreadable)?;
        transaction
            .execute("UPDATE namespaces SET account_rest = ?2, accounts = NULL WHERE name = ?1", (&name, rest))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_reaches_the_current_version_and_migrating_again_changes_nothing() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection, Path::new(":memory:")).unwrap();
        migrate(&mut connection, Path::new(":memory:")).unwrap();
        let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, VERSION);
    }

    #[test]
    fn a_file_from_a_newer_build_is_refused() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection.pragma_update(None, "user_version", VERSION + 1).unwrap();
        let error = migrate(&mut connection, Path::new("x")).unwrap_err();
        assert!(matches!(error, PersistError::Newer { found, .. } if found == VERSION + 1), "{error}");
    }
}
