//! Preparing a run (starting the built-in mock, probing the target) and running the checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::time::{Duration, Instant};

use reqwest::Url;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::admin::Admin;
use crate::check::{Check, Stop, Verdict};
use crate::context::{Account, Context, Inner, Mode, header_map};
use crate::error::SetupError;
pub use crate::outcome::Outcome;
use crate::release::Release;
use crate::target::{Endpoint, Traffic};

/// Where the checks go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetSpec {
    /// The mock, started in-process.
    Builtin,
    /// A GraphQL endpoint (`…/graphql`, or a base URL to which `graphql` is added).
    Url(String),
}

/// Everything a run needs, as the CLI (or a test) gives it.
#[derive(Clone, Debug)]
pub struct Options {
    pub target: TargetSpec,
    pub inbox: Option<String>,
    pub admin: Option<String>,
    pub active: Vec<Account>,
    pub locked_email: Option<String>,
    pub release: Release,
    /// Whether the target throttles reset requests over GraphQL as Magento's web forms are
    /// throttled (10 minutes apart, 5 an hour). No Magento release throttles GraphQL
    /// (docs/release-families.md section 8), so `None` means off, or the mock's setting with
    /// `--admin`; `builtin` then starts the mock with `--throttle web-forms`.
    pub throttle: Option<bool>,
    pub headers: Vec<String>,
    pub cases: u32,
    pub seed: u64,
    pub filter: Option<String>,
    /// Leave out the checks whose id contains any of these.
    pub exclude: Vec<String>,
    /// How long to wait for a reset email.
    pub mail_timeout: Duration,
    /// Checks run at once against the mock (one at a time elsewhere).
    pub parallel: usize,
    /// Golden files to compare with instead of the built-in ones (`--golden DIR`).
    pub golden_dir: Option<std::path::PathBuf>,
    /// The store's frontend name, when `storeConfig.store_group_name` is not it (`--store-name`).
    pub store_name: Option<String>,
    /// Requests per second to the target; `None`: 5 for a target off this machine, unlimited on it.
    pub rate: Option<f64>,
    /// Requests to the target in flight at once.
    pub concurrency: usize,
    /// How long one request may take.
    pub timeout: Duration,
    /// The target's Magento mode (`default`, `production`, `developer`); `None`: the mock's setting
    /// with `--admin`, else `default` (a fresh install's).
    pub magento_mode: Option<String>,
    /// Store views of other websites (`--store CODE`): `availableStores` lists only the current
    /// website's, so the multi-store checks learn the others from the user.
    pub stores: Vec<String>,
    /// The store view whose reCAPTCHA the reCAPTCHA checks test (`--recaptcha-store CODE`); `None`:
    /// the first of the default and `--store` views whose `recaptchaV3Config` lists forms.
    pub recaptcha_store: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target: TargetSpec::Builtin,
            inbox: None,
            admin: None,
            active: Vec::new(),
            locked_email: None,
            release: Release::LATEST,
            throttle: None,
            headers: Vec::new(),
            cases: 64,
            seed: 0,
            filter: None,
            exclude: Vec::new(),
            mail_timeout: crate::inbox::MAIL_TIMEOUT,
            parallel: 8,
            golden_dir: None,
            store_name: None,
            rate: None,
            concurrency: 16,
            timeout: crate::target::REQUEST_TIMEOUT,
            magento_mode: None,
            stores: Vec::new(),
            recaptcha_store: None,
        }
    }
}

/// Keeps the in-process mock running; dropping it stops the server.
#[derive(Debug)]
pub struct Builtin {
    _server: mock_server::MockServer,
    pub address: std::net::SocketAddr,
}

/// The store views the built-in mock adds to its fixtures' default one, as the recorded real store
/// had them: `second_view` on a second website with reCAPTCHA v3 on the four customer forms, and
/// `third_view` on a third website without it (so that the accounts' website can be tested with
/// reCAPTCHA on elsewhere).
pub const BUILTIN_STORES: &[&str] = &["second_view", "third_view"];
/// The built-in mock's store view with reCAPTCHA on.
pub const BUILTIN_RECAPTCHA_STORE: &str = "second_view";

const BUILTIN_STORE_VIEWS: &str = r#"
[[store_view]]
code = "second_view"
view_name = "Second Store View"
name = "Second Store"
group_code = "second_store"
website = "second"
website_name = "Second Website"
locale = "en_GB"

[store_view.recaptcha]
forms = ["customer_login", "customer_forgot_password", "customer_create", "customer_edit"]

[[store_view]]
code = "third_view"
view_name = "Third Store View"
name = "Third Store"
group_code = "third_store"
website = "third"
website_name = "Third Website"
"#;

/// Starts the mock in-process (the library's `MockServer`), imitating `release`, throttling or not,
/// with the repository's fixtures and [`BUILTIN_STORES`].
pub async fn start_builtin(release: Release, throttle: bool) -> Result<Builtin, SetupError> {
    use mock_server::config::Throttle;
    let fixtures = format!("{}\n{BUILTIN_STORE_VIEWS}", include_str!("../../fixtures/customers.toml"));
    let server = mock_server::MockServer::builder()
        .magento_version(release.to_string())
        .fixtures_toml(fixtures)
        .throttle(if throttle { Throttle::WebForms } else { Throttle::Magento })
        .start()
        .await
        .map_err(|e| match e {
            mock_server::MockServerError::UnsupportedVersion(_) => SetupError::BuiltinRelease(release),
            other => SetupError::BuiltinStart(other),
        })?;
    Ok(Builtin { address: server.address(), _server: server })
}

fn parse_url(what: &'static str, text: &str) -> Result<Url, SetupError> {
    let url = Url::parse(text).map_err(|e| bad_url(what, text, e))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(SetupError::NotHttp { what, text: text.to_owned() });
    }
    Ok(url)
}

fn bad_url(what: &'static str, text: &str, reason: impl std::fmt::Display) -> SetupError {
    SetupError::Url { what, text: text.to_owned(), reason: reason.to_string() }
}

/// Whether `url` is on this machine (loopback): no pace by default.
pub fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Makes the context: starts `builtin`, checks that the target answers, probes the control API,
/// learns the store's names and password policy from `storeConfig`.
/// An `Err` means the run cannot start (exit status 2).
pub async fn prepare(options: &Options) -> Result<(Context, Option<Builtin>), SetupError> {
    if options.cases == 0 {
        return Err(SetupError::NoCases);
    }
    let headers = header_map(&options.headers)?;
    let (graphql, mut admin, mut inbox, builtin, mode) = match &options.target {
        TargetSpec::Builtin => {
            let server = start_builtin(options.release, options.throttle.unwrap_or(false)).await?;
            let base = format!("http://{}/", server.address);
            let base = parse_url("builtin", &base)?;
            let admin = base.join("__admin").map_err(|e| bad_url("builtin", base.as_str(), e))?;
            let graphql = base.join("graphql").map_err(|e| bad_url("builtin", base.as_str(), e))?;
            (graphql, Some(admin), Some(base), Some(server), Mode::Builtin)
        }
        TargetSpec::Url(text) => {
            let mut url = parse_url("--target", text)?;
            if url.path() == "/" || url.path().is_empty() {
                url = url.join("graphql").map_err(|e| bad_url("--target", text, e))?;
            }
            (url, None, None, None, Mode::Plain)
        }
    };
    let mut mode = mode;
    let (mut stores, mut recaptcha_store) = (options.stores.clone(), options.recaptcha_store.clone());
    if builtin.is_some() {
        if stores.is_empty() {
            stores = BUILTIN_STORES.iter().map(|s| (*s).to_owned()).collect();
        }
        recaptcha_store.get_or_insert_with(|| BUILTIN_RECAPTCHA_STORE.to_owned());
    }
    if let Some(text) = &options.admin {
        let url = parse_url("--admin", text)?;
        if inbox.is_none() {
            // The mock serves its inbox on the same address as its control API.
            inbox = Some(url.join("/").map_err(|e| bad_url("--admin", text, e))?);
        }
        admin = Some(url);
        mode = if mode == Mode::Builtin { mode } else { Mode::Admin };
    }
    if let Some(text) = &options.inbox {
        inbox = Some(parse_url("--inbox", text)?);
    }
    let rate = match options.rate {
        Some(rate) if rate > 0.0 => Some(rate),
        Some(_) => None,
        None if builtin.is_some() || is_loopback(&graphql) => None,
        None => Some(5.0),
    };
    let traffic = Traffic::new(rate, options.concurrency);
    let endpoint = Endpoint::with_traffic(graphql.clone(), headers, options.timeout, traffic)?;
    let unreachable = |stop: Stop| match stop {
        Stop::Deviation(f) => SetupError::Unreachable { url: graphql.clone(), reason: f.summary },
        Stop::Skip(reason) => SetupError::Missing(reason),
    };
    let probe = endpoint.graphql("{ storeConfig { store_name } }").await.map_err(unreachable)?;
    if probe.status >= 500 && probe.body.is_empty() {
        return Err(SetupError::NoBody { url: graphql, status: probe.status });
    }
    let store_name = match &options.store_name {
        Some(name) => Some(name.clone()),
        None => endpoint.store_config("store_group_name").await.map_err(unreachable)?,
    };
    let number = |text: Option<String>, default: usize| text.and_then(|t| t.trim().parse().ok()).unwrap_or(default);
    let policy = (
        number(endpoint.store_config("minimum_password_length").await.map_err(unreachable)?, 8),
        number(endpoint.store_config("required_character_classes_number").await.map_err(unreachable)?, 3),
    );
    let goldens = match &options.golden_dir {
        Some(dir) => Some(crate::golden::Set::from_dir(dir)?),
        None => crate::golden::Set::built_in(&options.release.family()),
    };
    let run_id = format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
            % 0xff_ffff_ffff
    );
    let mut throttles = options.throttle.unwrap_or(false);
    let mut can_create_customers = false;
    let mut magento_mode = options.magento_mode.clone();
    if let Some(base) = &admin {
        let probe_ns = endpoint
            .with_header("x-mock-namespace", &format!("conformance-{run_id}-probe"))
            .map_err(|_| SetupError::Namespace(format!("conformance-{run_id}-probe")))?;
        let client = Admin { base: base.clone(), endpoint: probe_ns };
        let unreachable = |stop: Stop| match stop {
            Stop::Deviation(f) => SetupError::ControlApi { url: base.clone(), reason: f.summary },
            Stop::Skip(reason) => SetupError::Missing(reason),
        };
        if let Some(settings) = client.settings().await.map_err(unreachable)?
            && options.throttle.is_none()
            && let Some(mode) = settings["throttle"].as_str()
        {
            // The mock's `magento` and `off` leave GraphQL alone; `web-forms` throttles it.
            throttles = mode == "web-forms";
        }
        if let Some(settings) = client.settings().await.map_err(unreachable)?
            && magento_mode.is_none()
        {
            magento_mode = settings["magento_mode"].as_str().map(str::to_owned);
        }
        let email = format!("conformance.{run_id}.probe@example.com");
        can_create_customers =
            client.create_customer(&email, "Pr0be-Passw0rd!", ("Probe", "Account")).await.map_err(unreachable)?;
        client.reset().await.map_err(unreachable)?;
    }
    let ctx = Context::new(Inner {
        endpoint,
        inbox,
        admin,
        mode,
        release: options.release,
        throttles,
        can_create_customers,
        active: options.active.clone(),
        locked_email: options.locked_email.clone(),
        cases: options.cases,
        seed: options.seed,
        mail_timeout: options.mail_timeout,
        goldens,
        store_name,
        policy,
        magento_mode: magento_mode.unwrap_or_else(|| "default".to_owned()),
        run_id,
        counter: AtomicU64::new(0),
        request_budget: AtomicUsize::new(1),
        stores,
        recaptcha_store,
    });
    Ok((ctx, builtin))
}

/// Runs the checks whose id contains `filter`; outcomes in the order of `checks`.
pub async fn run_checks(ctx: &Context, checks: Vec<Check>, filter: Option<&str>, parallel: usize) -> Vec<Outcome> {
    let selected: Vec<Check> = checks.into_iter().filter(|c| filter.is_none_or(|f| c.id.contains(f))).collect();
    run_selected(ctx, selected, parallel, &|_, _, _| {}).await
}

/// The checks `options` selects (`filter`, `exclude`).
pub fn select(checks: Vec<Check>, options: &Options) -> Vec<Check> {
    checks
        .into_iter()
        .filter(|c| options.filter.as_deref().is_none_or(|f| c.id.contains(f)))
        .filter(|c| !options.exclude.iter().any(|x| c.id.contains(x.as_str())))
        .collect()
}

/// Runs the checks `options` selects (`filter`, `exclude`).
pub async fn run_options(ctx: &Context, checks: Vec<Check>, options: &Options) -> Vec<Outcome> {
    run_selected(ctx, select(checks, options), options.parallel, &|_, _, _| {}).await
}

/// Called after each check: the outcome, how many are done, how many in all.
pub type Progress<'a> = &'a dyn Fn(&Outcome, usize, usize);

/// The verdict of a check from its result and its notes: a skipped part means it did not pass.
fn verdict(result: Result<(), Stop>, notes: &crate::context::Notes) -> Verdict {
    let skipped: Vec<String> = notes.skipped.iter().map(|(part, reason)| format!("{part}: {reason}")).collect();
    match result {
        Ok(()) if skipped.is_empty() => Verdict::Passed,
        Ok(()) => Verdict::Skipped(format!("not every part ran ({}); the rest passed", skipped.join("; "))),
        Err(Stop::Deviation(mut failure)) => {
            if !skipped.is_empty() {
                let detail = failure.detail.take().unwrap_or_default();
                failure.detail = Some(format!("{detail}\nparts not run: {}", skipped.join("; ")).trim().to_owned());
            }
            Verdict::Failed(failure)
        }
        Err(Stop::Skip(reason)) => Verdict::Skipped(reason),
    }
}

/// Runs `selected`, `parallel` at once on the mock (one at a time elsewhere), calling `progress`
/// after each. A store that asks for reCAPTCHA stops the run: the checks not yet started are
/// left out (see [`Context::recaptcha`]).
pub async fn run_selected(
    ctx: &Context,
    selected: Vec<Check>,
    parallel: usize,
    progress: Progress<'_>,
) -> Vec<Outcome> {
    let parallel = if ctx.is_mock() { parallel.max(1) } else { 1 };
    let semaphore = Arc::new(Semaphore::new(parallel));
    let local = tokio::task::LocalSet::new();
    let total = selected.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; total];
    let mut done = 0;
    local
        .run_until(async {
            let mut tasks = JoinSet::new();
            for (index, check) in selected.iter().cloned().enumerate() {
                let ctx = ctx.for_check();
                let semaphore = Arc::clone(&semaphore);
                tasks.spawn_local(async move {
                    let _permit = semaphore.acquire_owned().await;
                    if ctx.recaptcha().is_some() {
                        return (index, None);
                    }
                    let started = Instant::now();
                    let result = (check.run)(ctx.clone()).await;
                    let notes = ctx.notes();
                    let verdict = verdict(result, &notes);
                    let duration = started.elapsed();
                    let mut lines = notes.info.clone();
                    lines.extend(notes.skipped.iter().map(|(part, reason)| format!("skipped {part}: {reason}")));
                    (
                        index,
                        Some(Outcome {
                            id: check.id,
                            area: check.area,
                            about: check.about,
                            verdict,
                            duration,
                            notes: lines,
                        }),
                    )
                });
            }
            while let Some(joined) = tasks.join_next().await {
                match joined {
                    Ok((index, Some(outcome))) => {
                        done += 1;
                        progress(&outcome, done, total);
                        outcomes[index] = Some(outcome);
                    }
                    Ok((_, None)) => {}
                    Err(error) => eprintln!("conformance: a check panicked: {error}"),
                }
            }
        })
        .await;
    let stopped = ctx.recaptcha().is_some();
    outcomes
        .into_iter()
        .zip(selected)
        .filter_map(|(outcome, check)| match outcome {
            Some(outcome) => Some(outcome),
            None if stopped => None,
            None => Some(Outcome {
                id: check.id,
                area: check.area,
                about: check.about,
                verdict: Verdict::Failed(Box::new(crate::check::Failure {
                    summary: "the check panicked".into(),
                    detail: None,
                    answer: None,
                })),
                duration: Duration::ZERO,
                notes: Vec::new(),
            }),
        })
        .collect()
}

/// What to tell the user when the store answered with reCAPTCHA's refusal (exit status 2).
pub fn recaptcha_message(request: &str) -> String {
    format!(
        "the store requires reCAPTCHA (it answered \"{}\") to:\n  {}\n\
         The run stops here: every answer after this would be reCAPTCHA's, not the behaviour under test.\n\
         To test such a store, either send an integration's access token, which Magento lets past \
         reCAPTCHA (--header 'Authorization: Bearer <integration access token>', from System > Extensions > \
         Integrations), or turn reCAPTCHA off for the test website (Stores > Configuration > Security > \
         Google reCAPTCHA Storefront: 'Forgot Password', 'Customer Login' and 'Create New Customer Account' \
         set to No).",
        crate::target::RECAPTCHA_FAILED,
        request.lines().next().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Notes;

    #[test]
    fn a_check_with_a_part_not_run_is_skipped_with_the_reason_never_passed() {
        let notes = Notes { skipped: vec![("greeting".into(), "no name".into())], info: Vec::new() };
        let Verdict::Skipped(reason) = verdict(Ok(()), &notes) else { panic!("not skipped") };
        assert!(reason.contains("greeting: no name"), "{reason}");
        assert!(matches!(verdict(Ok(()), &Notes::default()), Verdict::Passed));
        let failed = verdict(Err(Stop::error("wrong")), &notes);
        let Verdict::Failed(failure) = failed else { panic!("not failed") };
        assert!(failure.detail.unwrap_or_default().contains("parts not run: greeting: no name"));
    }

    #[test]
    fn loopback_targets_are_recognised() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080/graphql", true),
            ("http://localhost/graphql", true),
            ("http://[::1]:4000/graphql", true),
            ("https://shop.example/graphql", false),
            ("http://10.0.0.5/graphql", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), loopback, "{url}");
        }
    }
}
