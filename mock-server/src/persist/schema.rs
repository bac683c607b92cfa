//! The file's schema, versioned by `PRAGMA user_version`: migration N takes version N-1 to N,
//! each in its own transaction; a file from a newer build is refused rather than guessed at.

use std::path::Path;

use rusqlite::Connection;

use super::PersistError;

/// In order; never edit a released step, add one.
const MIGRATIONS: [&str; 3] = [
    // 1: namespaces (accounts as one JSON document, the clock's offset) and captured messages.
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
    // 2: the request journal, one row per entry (its JSON as `GET /__admin/requests` shows it).
    "CREATE TABLE journal (
        namespace TEXT NOT NULL,
        id INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (namespace, id)
    ) WITHOUT ROWID;",
    // 3: what the control API set: per namespace its scripted rules, stubs, SMTP faults and
    // reCAPTCHA (one JSON document each), and the shared run-time settings.
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
];

/// The version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(connection: &mut Connection, path: &Path) -> Result<(), PersistError> {
    let sqlite = |source| PersistError::Sqlite { path: path.to_owned(), source };
    let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(sqlite)?;
    if found > VERSION {
        return Err(PersistError::Newer { path: path.to_owned(), found, known: VERSION });
    }
    for (done, step) in (1..=VERSION).zip(MIGRATIONS).skip(usize::try_from(found).unwrap_or(0)) {
        let transaction = connection.transaction().map_err(sqlite)?;
        transaction.execute_batch(step).map_err(sqlite)?;
        transaction.pragma_update(None, "user_version", done).map_err(sqlite)?;
        transaction.commit().map_err(sqlite)?;
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
