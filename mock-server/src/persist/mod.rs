//! `--data-dir DIR`: every namespace's accounts (with tokens, passwords, locks, throttles,
//! sessions, carts), inbox, request journal, clock and what the control API set (scripted rules,
//! stubs, SMTP faults, reCAPTCHA, the shared settings) kept in one SQLite file, `DIR/mock-server.sqlite3`, so a
//! restarted server resumes where it stopped.
//!
//! Each change is written, in its own transaction, while the lock of what changed is held and
//! before the request is answered (through [`guard::Saving`] for accounts and
//! [`InboxLog`] for the inbox). WAL with `synchronous=NORMAL`: a commit has reached the
//! operating system when it returns, so a killed process (SIGKILL, a crash) loses nothing it
//! answered; only a power cut or kernel crash can lose the last commits, never corrupting the
//! file. `FULL` would add an fsync to every request to guard against that, which a test double
//! does not need.

pub mod guard;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::accounts::{Accounts, SecuritySettings};
use crate::journal::{Entry, JOURNAL_CAPACITY};
use crate::magento::settings::Settings;
use crate::magento::store::recaptcha_guard::RecaptchaSettings;
use crate::mail::inbox::InboxLog;
use crate::mail::smtp_faults::{SavedFault, SmtpFaults};
use crate::mail::{Content, StoredMessage};
use crate::scenarios::rules::{Rule, Rules};
use crate::stubs::format::StubFile;
use crate::stubs::matching::AdminStubs;
use guard::{Revised, Save};

/// Journal rows kept per namespace: as many as the journal keeps in memory.
const JOURNAL_LIMIT: i64 = JOURNAL_CAPACITY as i64;

/// The database's name inside `--data-dir`.
pub const FILE_NAME: &str = "mock-server.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("--data-dir {path}: cannot create the directory: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("--data-dir: {path} is not a readable mock-server database (corrupt, or not SQLite): {source}")]
    Unreadable { path: PathBuf, source: rusqlite::Error },
    #[error("--data-dir: {path} is damaged (SQLite's integrity check: {detail})")]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "--data-dir: {path} was written by a newer mock-server (schema version {found}, this one knows up to {known}); run that release, or use another directory"
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("--data-dir: {path}: {what} of namespace {namespace:?} cannot be read back: {detail}")]
    BadRecord { path: PathBuf, namespace: String, what: String, detail: String },
    #[error("--data-dir: {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}

/// What a namespace had when the server stopped.
#[derive(Debug)]
pub struct SavedNamespace {
    pub name: String,
    /// `None`: never changed, so as the fixtures make it.
    pub accounts: Option<Accounts>,
    /// Oldest first.
    pub messages: Vec<StoredMessage>,
    /// The journal's last entries, oldest first.
    pub journal: Vec<Entry>,
    pub clock_offset_nanos: i64,
    /// `None`: never changed (the `--scenarios` rules, unused).
    pub rules: Option<Rules>,
    pub stubs: Option<AdminStubs>,
    pub smtp_faults: Option<SmtpFaults>,
    pub recaptcha: Option<RecaptchaSettings>,
}

/// The open database. One connection behind a std `Mutex`: every write is one short
/// synchronous transaction, never held across an await.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl Store {
    /// Opens (or makes) `dir/mock-server.sqlite3`, checks it and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Self, PersistError> {
        std::fs::create_dir_all(dir).map_err(|source| PersistError::CreateDir { path: dir.to_owned(), source })?;
        let path = dir.join(FILE_NAME);
        let unreadable = |source| PersistError::Unreadable { path: path.clone(), source };
        let mut connection = Connection::open(&path).map_err(unreadable)?;
        // The first read of the header: garbage bytes fail here ("file is not a database").
        connection.pragma_update(None, "journal_mode", "WAL").map_err(unreadable)?;
        connection.pragma_update(None, "synchronous", "NORMAL").map_err(unreadable)?;
        let check: String = connection.pragma_query_value(None, "quick_check", |row| row.get(0)).map_err(unreadable)?;
        if check != "ok" {
            return Err(PersistError::Damaged { path, detail: check });
        }
        schema::migrate(&mut connection, &path)?;
        Ok(Self { path, connection: Mutex::new(connection) })
    }

    fn sqlite(&self, source: rusqlite::Error) -> PersistError {
        PersistError::Sqlite { path: self.path.clone(), source }
    }

    /// Every namespace the file holds, sorted by name; inboxes beyond `max_messages` lose their
    /// oldest messages, in the file too (retention as at capture).
    pub fn load(&self, max_messages: usize) -> Result<Vec<SavedNamespace>, PersistError> {
        let connection = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        connection
            .execute(
                "DELETE FROM messages WHERE seq IN (SELECT seq FROM (SELECT seq, ROW_NUMBER() OVER
                 (PARTITION BY namespace ORDER BY seq DESC) AS newer FROM messages) WHERE newer > ?1)",
                [i64::try_from(max_messages).unwrap_or(i64::MAX)],
            )
            .map_err(|e| self.sqlite(e))?;
        connection
            .execute(
                "DELETE FROM journal WHERE (namespace, id) IN (SELECT namespace, id FROM (SELECT namespace, id,
                 ROW_NUMBER() OVER (PARTITION BY namespace ORDER BY id DESC) AS newer FROM journal) WHERE newer > ?1)",
                [JOURNAL_LIMIT],
            )
            .map_err(|e| self.sqlite(e))?;
        let names: Vec<String> = connection
            .prepare(
                "SELECT name FROM namespaces UNION SELECT namespace FROM messages
                 UNION SELECT namespace FROM journal UNION SELECT namespace FROM parts ORDER BY 1",
            )
            .and_then(|mut query| query.query_map([], |row| row.get(0))?.collect())
            .map_err(|e| self.sqlite(e))?;
        let mut saved = Vec::with_capacity(names.len());
        for name in names {
            let row: Option<(Option<String>, i64)> = connection
                .query_row("SELECT account_rest, clock_offset_nanos FROM namespaces WHERE name = ?1", [&name], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()
                .map_err(|e| self.sqlite(e))?;
            let (rest, clock_offset_nanos) = row.unwrap_or((None, 0));
            let accounts = match rest {
                Some(rest) => Some(self.load_accounts(&connection, &name, &rest)?),
                None => None,
            };
            let messages = self.load_messages(&connection, &name)?;
            let journal = self.load_journal(&connection, &name)?;
            let mut parts = SavedNamespace {
                name,
                accounts,
                messages,
                journal,
                clock_offset_nanos,
                rules: None,
                stubs: None,
                smtp_faults: None,
                recaptcha: None,
            };
            self.load_parts(&connection, &mut parts)?;
            saved.push(parts);
        }
        Ok(saved)
    }

    fn load_messages(&self, connection: &Connection, namespace: &str) -> Result<Vec<StoredMessage>, PersistError> {
        let mut query = connection
            .prepare(
                "SELECT id, message_id, created, read, kind, fields, raw FROM messages WHERE namespace = ?1 ORDER BY seq",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = query
            .query_map([namespace], |row| {
                Ok(MessageRow {
                    id: row.get(0)?,
                    message_id: row.get(1)?,
                    created: row.get(2)?,
                    read: row.get(3)?,
                    kind: row.get(4)?,
                    fields: row.get(5)?,
                    raw: row.get(6)?,
                })
            })
            .map_err(|e| self.sqlite(e))?;
        let mut messages = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.sqlite(e))?;
            let id = row.id.clone();
            let message = row.into_message().map_err(|e| self.bad_record(namespace, &format!("message {id}"), e))?;
            messages.push(message);
        }
        Ok(messages)
    }

    fn load_accounts(&self, connection: &Connection, namespace: &str, rest: &str) -> Result<Accounts, PersistError> {
        let customers: Vec<String> = connection
            .prepare_cached("SELECT customer FROM accounts WHERE namespace = ?1")
            .and_then(|mut query| query.query_map([namespace], |row| row.get(0))?.collect())
            .map_err(|e| self.sqlite(e))?;
        Accounts::from_records(SecuritySettings::default(), rest, customers.iter().map(String::as_str))
            .map_err(|e| self.bad_record(namespace, "the accounts", e))
    }

    fn load_journal(&self, connection: &Connection, namespace: &str) -> Result<Vec<Entry>, PersistError> {
        let mut query = connection
            .prepare("SELECT id, entry FROM journal WHERE namespace = ?1 ORDER BY id")
            .map_err(|e| self.sqlite(e))?;
        let rows = query
            .query_map([namespace], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))
            .map_err(|e| self.sqlite(e))?;
        let mut entries = Vec::new();
        for row in rows {
            let (id, json) = row.map_err(|e| self.sqlite(e))?;
            let entry = serde_json::from_str(&json)
                .map_err(|e| self.bad_record(namespace, &format!("journal entry {id}"), e))?;
            entries.push(entry);
        }
        Ok(entries)
    }

    fn load_parts(&self, connection: &Connection, saved: &mut SavedNamespace) -> Result<(), PersistError> {
        let mut query =
            connection.prepare("SELECT part, value FROM parts WHERE namespace = ?1").map_err(|e| self.sqlite(e))?;
        let rows = query
            .query_map([&saved.name], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
            .map_err(|e| self.sqlite(e))?;
        for row in rows {
            let (part, json) = row.map_err(|e| self.sqlite(e))?;
            let bad = |detail: &dyn std::fmt::Display| self.bad_record(&saved.name, &format!("the {part}"), detail);
            match part.as_str() {
                "rules" => {
                    let rules: Vec<Rule> = serde_json::from_str(&json).map_err(|e| bad(&e))?;
                    saved.rules = Some(Rules::restored(rules));
                }
                "stubs" => {
                    let stubs: Vec<(StubFile, String)> = serde_json::from_str(&json).map_err(|e| bad(&e))?;
                    saved.stubs = Some(AdminStubs::restored(stubs).map_err(|e| bad(&e))?);
                }
                "smtp_faults" => {
                    let faults: Vec<SavedFault> = serde_json::from_str(&json).map_err(|e| bad(&e))?;
                    saved.smtp_faults = Some(SmtpFaults::restored(faults));
                }
                "recaptcha" => saved.recaptcha = serde_json::from_str(&json).map_err(|e| bad(&e))?,
                other => return Err(bad(&format_args!("unknown part {other:?}"))),
            }
        }
        Ok(())
    }

    /// The shared settings as `PATCH /__admin/settings` last left them, if it was ever called.
    pub fn load_settings(&self) -> Result<Option<Settings>, PersistError> {
        let connection = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        let json: Option<String> = connection
            .query_row("SELECT value FROM settings WHERE id = 1", [], |row| row.get(0))
            .optional()
            .map_err(|e| self.sqlite(e))?;
        json.map(|json| serde_json::from_str(&json)).transpose().map_err(|e| self.bad_record("", "the settings", e))
    }

    pub fn settings_changed(&self, settings: &Settings) {
        let Some(json) = to_json("the settings", settings) else { return };
        self.write("the settings", |tx| {
            tx.execute(
                "INSERT INTO settings (id, value) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET value = excluded.value",
                [json],
            )
            .map(drop)
        });
    }

    fn bad_record(&self, namespace: &str, what: &str, detail: impl std::fmt::Display) -> PersistError {
        PersistError::BadRecord {
            path: self.path.clone(),
            namespace: namespace.to_owned(),
            what: what.to_owned(),
            detail: detail.to_string(),
        }
    }

    /// Runs `write` in one transaction. A failure is logged, not answered: the request has
    /// already happened in memory (see the README's "Persistence" section).
    fn write(&self, what: &str, write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>) {
        self.write_unless(None, what, write);
    }

    /// [`Store::write`], skipped when `retired` is set: checked under the connection's lock,
    /// which [`NamespaceLog::forget`] sets it under, so every write is ordered before or after.
    fn write_unless(
        &self,
        retired: Option<&AtomicBool>,
        what: &str,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) {
        let mut connection = self.connection.lock().unwrap_or_else(PoisonError::into_inner);
        if retired.is_some_and(|retired| retired.load(Ordering::Acquire)) {
            return;
        }
        let result = connection.transaction().and_then(|transaction| {
            write(&transaction)?;
            transaction.commit()
        });
        if let Err(error) = result {
            tracing::error!(target: "persist", path = %self.path.display(), "cannot save {what}: {error}");
        }
    }
}

fn to_json_string(what: &str, json: serde_json::Result<String>) -> Option<String> {
    json.map_err(|error| tracing::error!(target: "persist", "cannot serialize {what}: {error}")).ok()
}

fn to_json(what: &str, value: &impl serde::Serialize) -> Option<String> {
    serde_json::to_string(value)
        .map_err(|error| tracing::error!(target: "persist", "cannot serialize {what}: {error}"))
        .ok()
}

struct MessageRow {
    id: String,
    message_id: String,
    created: String,
    read: bool,
    kind: String,
    fields: String,
    raw: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
enum RowError {
    #[error("bad time {0:?}")]
    Time(String),
    #[error("unknown kind {0:?}")]
    Kind(String),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl MessageRow {
    fn into_message(self) -> Result<StoredMessage, RowError> {
        let created = OffsetDateTime::parse(&self.created, &Rfc3339).map_err(|_| RowError::Time(self.created))?;
        let content = match self.kind.as_str() {
            "reset" => Content::Reset(serde_json::from_str(&self.fields)?),
            "received" => {
                let mut received: crate::mail::received::Received = serde_json::from_str(&self.fields)?;
                received.raw = self.raw.unwrap_or_default().into_boxed_slice();
                Content::Received(Box::new(received))
            }
            _ => return Err(RowError::Kind(self.kind)),
        };
        let mut message = StoredMessage::new(self.id.into(), self.message_id, created, content);
        message.read = self.read;
        Ok(message)
    }
}

/// One namespace's view of the store: what its accounts guard and inbox report to.
#[derive(Debug)]
pub struct NamespaceLog {
    store: Arc<Store>,
    name: String,
    /// Set by [`NamespaceLog::forget`]: a request still in flight in the reset (or forgotten)
    /// namespace must not write its old state back over the fresh one's.
    retired: AtomicBool,
    /// The accounts' rest as last written: unchanged, it is not written again.
    account_rest: Mutex<Option<String>>,
}

impl NamespaceLog {
    pub fn new(store: Arc<Store>, name: &str) -> Self {
        Self { store, name: name.to_owned(), retired: AtomicBool::new(false), account_rest: Mutex::new(None) }
    }

    fn write(&self, what: &str, write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>) {
        self.store.write_unless(Some(&self.retired), what, write);
    }

    pub fn clock_changed(&self, offset_nanos: i64) {
        self.write("the clock", |tx| {
            tx.execute(
                "INSERT INTO namespaces (name, clock_offset_nanos) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET clock_offset_nanos = excluded.clock_offset_nanos",
                params![self.name, offset_nanos],
            )
            .map(drop)
        });
    }

    /// A new journal entry; the rows beyond the journal's capacity go, oldest first, as in memory.
    pub fn journal_recorded(&self, entry: &Entry) {
        let json = match serde_json::to_string(entry) {
            Ok(json) => json,
            Err(error) => {
                tracing::error!(target: "persist", "cannot serialize journal entry {}: {error}", entry.id);
                return;
            }
        };
        let id = i64::try_from(entry.id).unwrap_or(i64::MAX);
        self.write("a journal entry", |tx| {
            tx.prepare_cached("INSERT OR REPLACE INTO journal (namespace, id, entry) VALUES (?1, ?2, ?3)")?
                .execute(params![self.name, id, json])?;
            tx.prepare_cached("DELETE FROM journal WHERE namespace = ?1 AND id <= ?2")?
                .execute(params![self.name, id - JOURNAL_LIMIT])
                .map(drop)
        });
    }

    /// `part`'s new value, whole (they are small: at most 100 faults, 1,000 stubs).
    fn part_changed(&self, part: &str, value: &impl serde::Serialize) {
        let Some(json) = to_json(part, value) else { return };
        self.write(part, |tx| {
            tx.prepare_cached(
                "INSERT INTO parts (namespace, part, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (namespace, part) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![self.name, part, json])
            .map(drop)
        });
    }

    pub fn recaptcha_changed(&self, recaptcha: Option<&RecaptchaSettings>) {
        self.part_changed("recaptcha", &recaptcha);
    }

    /// Back to the fixtures (reset), or gone (forget): either way nothing of it is kept.
    pub fn forget(&self) {
        self.write("a reset", |tx| {
            // Under the connection's lock: writes already made are deleted below, later ones skipped.
            self.retired.store(true, Ordering::Release);
            tx.execute("DELETE FROM messages WHERE namespace = ?1", [&self.name])?;
            tx.execute("DELETE FROM parts WHERE namespace = ?1", [&self.name])?;
            tx.execute("DELETE FROM accounts WHERE namespace = ?1", [&self.name])?;
            tx.execute("DELETE FROM journal WHERE namespace = ?1", [&self.name])?;
            tx.execute("DELETE FROM namespaces WHERE name = ?1", [&self.name]).map(drop)
        });
    }
}

impl Save<Accounts> for NamespaceLog {
    /// The changed customers' rows, and the rest if it changed: one row for a reset request.
    fn save(&self, accounts: &mut Accounts) {
        let rows = match accounts.take_changed_rows(false) {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(target: "persist", "cannot serialize the accounts: {error}");
                return;
            }
        };
        let Some(rest) = to_json_string("the accounts", accounts.rest_record()) else { return };
        let mut written = self.account_rest.lock().unwrap_or_else(PoisonError::into_inner);
        let rest = (written.as_deref() != Some(rest.as_str())).then_some(rest);
        self.write("the accounts", |tx| {
            // The rest first: its row is what says the namespace's accounts are stored.
            tx.prepare_cached(
                "INSERT INTO namespaces (name, account_rest) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET account_rest = coalesce(excluded.account_rest, account_rest)",
            )?
            .execute(params![self.name, rest])?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO accounts (namespace, website, email, customer) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (namespace, website, email) DO UPDATE SET customer = excluded.customer",
            )?;
            let mut delete =
                tx.prepare_cached("DELETE FROM accounts WHERE namespace = ?1 AND website = ?2 AND email = ?3")?;
            for row in &rows {
                match &row.record {
                    Some(record) => upsert.execute(params![self.name, row.website, row.email_key, record])?,
                    None => delete.execute(params![self.name, row.website, row.email_key])?,
                };
            }
            Ok(())
        });
        if let Some(rest) = rest {
            *written = Some(rest);
        }
    }
}

impl Save<Rules> for NamespaceLog {
    fn save(&self, rules: &mut Rules) {
        self.part_changed("rules", &rules.list());
    }
}

impl Save<AdminStubs> for NamespaceLog {
    fn save(&self, stubs: &mut AdminStubs) {
        self.part_changed("stubs", &stubs.saved());
    }
}

impl Save<SmtpFaults> for NamespaceLog {
    fn save(&self, faults: &mut SmtpFaults) {
        self.part_changed("smtp_faults", &faults.saved());
    }
}

impl Revised for Rules {
    fn revision(&self) -> u64 {
        Rules::revision(self)
    }
}

impl Revised for SmtpFaults {
    fn revision(&self) -> u64 {
        SmtpFaults::revision(self)
    }
}

impl InboxLog for NamespaceLog {
    fn captured(&self, message: &StoredMessage, dropped: &[String]) {
        let (kind, fields, raw) = match &message.content {
            Content::Reset(email) => ("reset", serde_json::to_string(email), None),
            Content::Received(received) => ("received", serde_json::to_string(received), Some(&received.raw[..])),
        };
        let fields = match fields {
            Ok(fields) => fields,
            Err(error) => {
                tracing::error!(target: "persist", "cannot serialize message {}: {error}", message.id);
                return;
            }
        };
        let created = message.created.format(&Rfc3339).unwrap_or_default();
        let recipients = message.to().iter().map(|m| m.address.as_str()).collect::<Vec<_>>().join(", ");
        self.write("a message", |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM messages WHERE namespace = ?1 AND id = ?2")?;
            for id in dropped {
                delete.execute([&self.name, id])?;
            }
            tx.execute(
                "INSERT INTO messages (namespace, id, message_id, created, read, subject, recipients, kind, fields, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    self.name,
                    message.id,
                    message.message_id,
                    created,
                    message.read,
                    message.subject(),
                    recipients,
                    kind,
                    fields,
                    raw
                ],
            )
            .map(drop)
        });
    }

    fn read_changed(&self, ids: &[String], read: bool) {
        self.write("read flags", |tx| {
            let mut update = tx.prepare_cached("UPDATE messages SET read = ?3 WHERE namespace = ?1 AND id = ?2")?;
            for id in ids {
                update.execute(params![self.name, id, read])?;
            }
            Ok(())
        });
    }

    fn deleted(&self, ids: &[String]) {
        self.write("a deletion", |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM messages WHERE namespace = ?1 AND id = ?2")?;
            for id in ids {
                delete.execute([&self.name, id])?;
            }
            Ok(())
        });
    }

    fn cleared(&self) {
        self.write("an emptied inbox", |tx| {
            tx.execute("DELETE FROM messages WHERE namespace = ?1", [&self.name]).map(drop)
        });
    }
}
