//! The server's shared state: settings that can change at run time, and one [`Namespace`] of
//! accounts, inbox and clock per `X-Mock-Namespace` (the default one is named "").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use time::OffsetDateTime;
use tokio::sync::{Notify, broadcast};

use crate::accounts::{Accounts, SecuritySettings};
use crate::clock::Clock;
use crate::config::Config;
use crate::fixtures::Fixtures;
use crate::journal::{Entry, Journal};
use crate::magento::MagentoVersion;
use crate::magento::schema::{MagentoSchema, build_schema};
pub use crate::magento::settings::{Enumeration, Settings};
use crate::magento::store::recaptcha_guard::RecaptchaSettings;
use crate::magento::validation::{DocumentCache, ReleaseIndexes, SchemaIndex};
use crate::mail::inbox::Events;
use crate::mail::smtp_faults::SmtpFaults;
use crate::mail::webhook::{self, Webhook};
use crate::mail::{Content, Inbox, StoredMessage};
use crate::persist::guard::{Save, Saving, SavingRevised};
use crate::persist::{NamespaceLog, PersistError, SavedNamespace, Store};
use crate::random::{Random, RandomError};
use crate::scenarios::rules::{Rule, Rules};
use crate::stubs::Stubs;
use crate::stubs::matching::AdminStubs;

/// Namespaces alive at once; `DELETE /__admin/namespaces/{name}` forgets one.
pub const MAX_NAMESPACES: usize = 1_000;

#[derive(Debug, thiserror::Error)]
#[error(
    "too many namespaces: at most {MAX_NAMESPACES} at once; forget finished ones with DELETE /__admin/namespaces/{{name}}"
)]
pub struct TooManyNamespaces;

/// Accounts, inbox, journal, scripted rules and clock of one namespace.
#[derive(Debug)]
pub struct Namespace {
    /// Shared with every journal entry it records.
    pub name: Arc<str>,
    // std Mutexes: every critical section is short and synchronous, never held across an await.
    accounts: Mutex<Accounts>,
    inbox: Mutex<Inbox>,
    journal: Mutex<Journal>,
    rules: Mutex<Rules>,
    stubs: Mutex<AdminStubs>,
    smtp_faults: Mutex<SmtpFaults>,
    /// reCAPTCHA set through the control API for every store view; `None`: the fixtures'.
    recaptcha: Mutex<Option<Arc<RecaptchaSettings>>>,
    /// Woken whenever the journal grows, for `/__admin/requests/wait`.
    pub journal_grew: Notify,
    pub clock: Clock,
    /// `--data-dir`: where changes are written; `None` keeps everything in memory only.
    log: Option<Arc<NamespaceLog>>,
}

impl Namespace {
    /// From the fixtures, or from what `saved` kept; writing its changes to `store` if any.
    fn new(
        name: &str,
        start: &Start,
        events: Events,
        store: Option<&Arc<Store>>,
        saved: Option<SavedNamespace>,
    ) -> Self {
        let log = store.map(|store| Arc::new(NamespaceLog::new(Arc::clone(store), name)));
        let (saved_accounts, messages, journal, clock_offset_nanos, saved_rules, stubs, smtp_faults, recaptcha) = saved
            .map_or((None, Vec::new(), Vec::new(), 0, None, None, None, None), |s| {
                (s.accounts, s.messages, s.journal, s.clock_offset_nanos, s.rules, s.stubs, s.smtp_faults, s.recaptcha)
            });
        let mut accounts = saved_accounts.unwrap_or_else(|| {
            let mut accounts = Accounts::new(SecuritySettings::default());
            // Tracked from the first: a fresh namespace's first save writes the fixtures' rows.
            if log.is_some() {
                accounts.track_changes();
            }
            for entry in &start.fixtures.customers {
                // Fixtures were checked for duplicates when loaded.
                accounts.use_website(&entry.website);
                let _ = accounts.create(entry.customer.clone());
            }
            accounts
        });
        if log.is_some() {
            accounts.track_changes();
        }
        let inbox = match &log {
            Some(log) => Inbox::logged(start.max_messages, events, Arc::clone(log) as _, messages),
            None => Inbox::new(start.max_messages, events),
        };
        let clock = Clock::default();
        clock.advance(time::Duration::nanoseconds(clock_offset_nanos));
        // Saved rules are the `--scenarios` ones as used, plus those added.
        let rules = saved_rules.unwrap_or_else(|| {
            let mut rules = Rules::default();
            for rule in start.rules.iter().rev() {
                rules.add(rule.clone());
            }
            rules
        });
        Self {
            name: name.into(),
            accounts: Mutex::new(accounts),
            inbox: Mutex::new(inbox),
            journal: Mutex::new(Journal::restored(journal)),
            rules: Mutex::new(rules),
            stubs: Mutex::new(stubs.unwrap_or_default()),
            smtp_faults: Mutex::new(smtp_faults.unwrap_or_default()),
            recaptcha: Mutex::new(recaptcha.map(Arc::new)),
            journal_grew: Notify::new(),
            clock,
            log,
        }
    }

    /// The accounts, with lookups by email in the default website; saved on release after any
    /// change, with `--data-dir`.
    pub fn accounts(&self) -> Saving<'_, Accounts> {
        self.accounts_in(crate::accounts::DEFAULT_WEBSITE)
    }

    /// The accounts, with lookups by email in `website` (the request's store view's).
    pub fn accounts_in(&self, website: &str) -> Saving<'_, Accounts> {
        let mut accounts = lock(&self.accounts);
        accounts.use_website(website);
        Saving::new(accounts, self.log.as_deref().map(|log| log as &dyn Save<Accounts>))
    }

    /// To call after moving [`Namespace::clock`], so that `--data-dir` keeps its offset.
    pub fn clock_changed(&self) {
        if let Some(log) = &self.log {
            log.clock_changed(i64::try_from(self.clock.offset().whole_nanoseconds()).unwrap_or(i64::MAX));
        }
    }

    pub fn inbox(&self) -> MutexGuard<'_, Inbox> {
        lock(&self.inbox)
    }

    pub fn journal(&self) -> MutexGuard<'_, Journal> {
        lock(&self.journal)
    }

    /// Saved on release when a rule was added, removed or used, with `--data-dir`.
    pub fn rules(&self) -> SavingRevised<'_, Rules> {
        SavingRevised::new(lock(&self.rules), self.log.as_deref().map(|log| log as &dyn Save<Rules>))
    }

    /// reCAPTCHA as the control API set it for this namespace (`None`: as the fixtures say).
    /// Shared, not cloned: every reCAPTCHA-guarded request reads it.
    pub fn recaptcha(&self) -> Option<Arc<RecaptchaSettings>> {
        lock(&self.recaptcha).clone()
    }

    pub fn set_recaptcha(&self, settings: Option<RecaptchaSettings>) {
        let mut recaptcha = lock(&self.recaptcha);
        *recaptcha = settings.map(Arc::new);
        if let Some(log) = &self.log {
            log.recaptcha_changed(recaptcha.as_deref());
        }
    }

    /// The stubs added through the control API.
    pub fn stubs(&self) -> Saving<'_, AdminStubs> {
        Saving::new(lock(&self.stubs), self.log.as_deref().map(|log| log as &dyn Save<AdminStubs>))
    }

    /// `/__admin/smtp-faults`; saved on release when one was added, removed, drawn or used.
    pub fn smtp_faults(&self) -> SavingRevised<'_, SmtpFaults> {
        SavingRevised::new(lock(&self.smtp_faults), self.log.as_deref().map(|log| log as &dyn Save<SmtpFaults>))
    }

    /// Keeps the entry (written to `--data-dir` under the journal's lock, so in id order).
    pub fn record(&self, entry: Entry) {
        // The entry given up is dropped at the end, after the lock: a cold entry's frees, often of
        // the other thread's memory, made the other worker wait for the journal. (Not `drop()`ped:
        // that copies the 392-byte entry first.)
        let mut journal = self.journal();
        let _given_up = journal.record(entry);
        if let (Some(log), Some(entry)) = (&self.log, journal.newest()) {
            log.journal_recorded(entry);
        }
        drop(journal);
        self.journal_grew.notify_waiters();
    }
}

/// What every namespace starts from.
#[derive(Debug)]
struct Start {
    fixtures: Fixtures,
    /// From `--scenarios`.
    rules: Vec<Rule>,
    max_messages: usize,
}

/// A panic elsewhere must not take the server down: the data behind a poisoned lock is still
/// the last consistent state, since no critical section here leaves it half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Cheap to clone: one per request.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

struct Shared {
    start: Start,
    storefront_url: Arc<str>,
    admin_token: Option<String>,
    max_message_bytes: usize,
    body_read_timeout: std::time::Duration,
    /// `Config::direct_answers`.
    direct_answers: bool,
    cors_origins: Vec<axum::http::HeaderValue>,
    started: std::time::Instant,
    settings: RwLock<Settings>,
    random: Random,
    namespaces: Mutex<foldhash::HashMap<String, Arc<Namespace>>>,
    /// Inbox listeners by namespace name: kept apart so they survive a namespace's reset.
    events: Mutex<HashMap<String, Events>>,
    schema: MagentoSchema,
    schema_indexes: ReleaseIndexes,
    documents: DocumentCache,
    /// `--stubs`, `--upstream`, `--record`.
    stubs: Arc<Stubs>,
    /// The HS256 key customer tokens are signed with (Magento's is derived from its crypt key).
    customer_token_key: Vec<u8>,
    /// `--webhook-url`.
    webhook: Option<Webhook>,
    /// `--enable-chaos`.
    chaos_enabled: bool,
    /// `--data-dir`.
    store: Option<Arc<Store>>,
}

impl AppState {
    /// State in memory only, whatever `config.data_dir` says; see [`AppState::open`].
    pub fn new(config: &Config) -> Self {
        Self::with_store(config, None)
    }

    /// With `--data-dir`, the state the directory's database kept (every namespace, as it was),
    /// each change written there from now on; in memory only otherwise.
    pub fn open(config: &Config) -> Result<Self, PersistError> {
        let Some(dir) = &config.data_dir else { return Ok(Self::new(config)) };
        let store = Arc::new(Store::open(dir)?);
        let saved = store.load(config.max_messages)?;
        let settings = store.load_settings()?;
        let state = Self::with_store(config, Some(Arc::clone(&store)));
        if let Some(settings) = settings {
            *state.shared.settings.write().unwrap_or_else(PoisonError::into_inner) = settings;
        }
        {
            let mut namespaces = lock(&state.shared.namespaces);
            for saved in saved.into_iter().take(MAX_NAMESPACES) {
                let name = saved.name.clone();
                let events = state.events_of(&name);
                let namespace = Namespace::new(&name, &state.shared.start, events, Some(&store), Some(saved));
                namespaces.insert(name, Arc::new(namespace));
            }
        }
        Ok(state)
    }

    fn with_store(config: &Config, store: Option<Arc<Store>>) -> Self {
        let random = config.seed.map_or_else(Random::from_os, Random::seeded);
        let customer_token_key = random.hex(32).unwrap_or_default().into_bytes();
        let schema = build_schema();
        let schema_indexes = ReleaseIndexes::default();
        // Built now for the configured release, so its first request does not pay for it.
        schema_indexes.get(config.magento_version);
        Self {
            shared: Arc::new(Shared {
                start: Start {
                    fixtures: config.fixtures.clone(),
                    rules: config.scenarios.clone(),
                    max_messages: config.max_messages,
                },
                storefront_url: config.storefront_url.as_str().into(),
                admin_token: config.admin_token.clone(),
                max_message_bytes: config.max_message_bytes,
                body_read_timeout: config.body_read_timeout,
                direct_answers: config.direct_answers,
                cors_origins: config.cors_origins.clone(),
                started: std::time::Instant::now(),
                settings: RwLock::new(Settings {
                    magento_version: config.magento_version,
                    magento_mode: config.magento_mode,
                    throttle: config.throttle,
                    enumeration: Enumeration::Magento,
                    create_account_confirmation: None,
                }),
                random,
                namespaces: Mutex::new(foldhash::HashMap::default()),
                events: Mutex::new(HashMap::new()),
                schema,
                schema_indexes,
                documents: DocumentCache::default(),
                customer_token_key,
                stubs: Arc::clone(&config.stubs),
                webhook: config.webhook_url.clone().map(Webhook::new),
                chaos_enabled: config.enable_chaos,
                store,
            }),
        }
    }

    pub fn settings(&self) -> Settings {
        *self.shared.settings.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Settings {
        let mut settings = self.shared.settings.write().unwrap_or_else(PoisonError::into_inner);
        change(&mut settings);
        if let Some(store) = &self.shared.store {
            store.settings_changed(&settings);
        }
        *settings
    }

    pub fn fixtures(&self) -> &Fixtures {
        &self.shared.start.fixtures
    }

    pub fn max_message_bytes(&self) -> usize {
        self.shared.max_message_bytes
    }

    pub fn direct_answers(&self) -> bool {
        self.shared.direct_answers
    }

    pub fn body_read_timeout(&self) -> std::time::Duration {
        self.shared.body_read_timeout
    }

    /// Empty: any origin may call.
    pub fn cors_origins(&self) -> &[axum::http::HeaderValue] {
        &self.shared.cors_origins
    }

    pub fn uptime_seconds(&self) -> u64 {
        self.shared.started.elapsed().as_secs()
    }

    /// `--enable-chaos`: `/api/v1/chaos` answers.
    pub fn chaos_enabled(&self) -> bool {
        self.shared.chaos_enabled
    }

    pub fn max_messages(&self) -> usize {
        self.shared.start.max_messages
    }

    pub fn admin_token(&self) -> Option<&str> {
        self.shared.admin_token.as_deref()
    }

    pub fn storefront_url(&self) -> &Arc<str> {
        &self.shared.storefront_url
    }

    pub fn schema(&self) -> &MagentoSchema {
        &self.shared.schema
    }

    pub fn documents(&self) -> &DocumentCache {
        &self.shared.documents
    }

    /// What validation knows of the schema of `version` (fields per release, its type table).
    pub fn schema_index(&self, version: MagentoVersion) -> &SchemaIndex {
        self.shared.schema_indexes.get(version)
    }

    pub fn stubs(&self) -> &Stubs {
        &self.shared.stubs
    }

    pub fn random(&self) -> &Random {
        &self.shared.random
    }

    /// `--webhook-url`, when given.
    pub fn webhook(&self) -> Option<&Webhook> {
        self.shared.webhook.as_ref()
    }

    pub fn customer_token_key(&self) -> &[u8] {
        &self.shared.customer_token_key
    }

    /// The namespace named `name`, made from the fixtures on first use; refused beyond
    /// [`MAX_NAMESPACES`], so made-up names cannot grow memory without bound.
    pub fn namespace(&self, name: &str) -> Result<Arc<Namespace>, TooManyNamespaces> {
        let mut namespaces = lock(&self.shared.namespaces);
        if let Some(namespace) = namespaces.get(name) {
            return Ok(Arc::clone(namespace));
        }
        if namespaces.len() >= MAX_NAMESPACES {
            return Err(TooManyNamespaces);
        }
        let namespace = Arc::new(self.fresh_namespace(name));
        namespaces.insert(name.to_owned(), Arc::clone(&namespace));
        Ok(namespace)
    }

    /// The namespace named `name` if it is in use (none is made).
    pub fn existing_namespace(&self, name: &str) -> Option<Arc<Namespace>> {
        lock(&self.shared.namespaces).get(name).cloned()
    }

    /// Puts a namespace back to the fixtures: accounts, tokens, inbox, journal, rules and clock.
    pub fn reset_namespace(&self, name: &str) -> Result<(), TooManyNamespaces> {
        let old = self.namespace(name)?;
        let fresh = Arc::new(self.fresh_namespace(name));
        let mut namespaces = lock(&self.shared.namespaces);
        // Live inbox pages learn that their list is gone; the stored copy goes before the fresh
        // namespace can be reached and change anything.
        old.inbox().clear();
        if let Some(log) = &old.log {
            log.forget();
        }
        namespaces.insert(name.to_owned(), fresh);
        Ok(())
    }

    /// A namespace as the fixtures make it (stored with `--data-dir`).
    fn fresh_namespace(&self, name: &str) -> Namespace {
        Namespace::new(name, &self.shared.start, self.events_of(name), self.shared.store.as_ref(), None)
    }

    /// Forgets a namespace and everything in it; it starts from the fixtures if used again.
    pub fn forget_namespace(&self, name: &str) -> bool {
        let forgotten = lock(&self.shared.namespaces).remove(name);
        lock(&self.shared.events).remove(name);
        if let Some(old) = &forgotten {
            old.inbox().clear();
            if let Some(log) = &old.log {
                log.forget();
            }
        }
        forgotten.is_some()
    }

    /// The live-update channel of a namespace's inbox (the namespace is made if need be).
    pub fn events(&self, name: &str) -> Result<Events, TooManyNamespaces> {
        self.namespace(name)?;
        Ok(self.events_of(name))
    }

    fn events_of(&self, name: &str) -> Events {
        lock(&self.shared.events).entry(name.to_owned()).or_insert_with(|| broadcast::channel(256).0).clone()
    }

    /// Names of the namespaces in use, sorted ("" is the default).
    pub fn namespace_names(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.shared.namespaces).keys().cloned().collect();
        names.sort();
        names
    }

    /// Stores a message in `namespace`'s inbox (with a new `Message-ID` unless it has one);
    /// answers its Mailpit id.
    pub fn capture(
        &self,
        namespace: &Namespace,
        message_id: Option<String>,
        created: OffsetDateTime,
        content: Content,
    ) -> Result<Arc<str>, RandomError> {
        let id = self.random().shared_alphanumeric(22)?;
        let message_id = match message_id {
            Some(message_id) => message_id,
            None => self.new_message_id()?,
        };
        let message = StoredMessage::new(Arc::clone(&id), message_id, created, content);
        let notice = self.shared.webhook.as_ref().map(|webhook| (webhook, webhook::payload(&namespace.name, &message)));
        // Dropped at the end, after the lock, as the journal's oldest entry is (`Namespace::record`).
        let _given_up = namespace.inbox().capture(message);
        // Queued once stored, so a receiver that asks the inbox finds the message.
        if let Some((webhook, payload)) = notice {
            webhook.enqueue(payload);
        }
        Ok(id)
    }

    pub fn new_message_id(&self) -> Result<String, RandomError> {
        crate::mail::message::new_message_id(self.random())
    }
}
