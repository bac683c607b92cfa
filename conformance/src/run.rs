//! Preparing a run (starting the built-in mock, probing the target) and running the checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::time::{Duration, Instant};

use reqwest::Url;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinSet;

use crate::admin::Admin;
use crate::check::{Area, Check, Stop, Verdict};
use crate::context::{Account, Context, Inner, Mode, header_map};
use crate::release::Release;
use crate::target::Endpoint;

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
    /// `None`: off for a URL, Magento's throttle for `builtin`, the mock's setting with `--admin`.
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
        }
    }
}

/// The result of one check.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub id: String,
    pub area: Area,
    pub about: String,
    pub verdict: Verdict,
    pub duration: Duration,
}

/// Keeps the in-process mock running; dropping it stops the server.
#[derive(Debug)]
pub struct Builtin {
    _stop: oneshot::Sender<()>,
    pub address: std::net::SocketAddr,
}

/// Starts the mock in-process, imitating `release`, throttling or not.
pub async fn start_builtin(release: Release, throttle: bool) -> Result<Builtin, String> {
    use mock_server::config::{Config, Throttle};
    let mut config = Config::for_tests().map_err(|e| format!("the built-in mock's fixtures: {e}"))?;
    config.magento_version =
        release.to_string().parse().map_err(|_| format!("the built-in mock cannot imitate {release}"))?;
    config.throttle = if throttle { Throttle::Magento } else { Throttle::Off };
    let app =
        mock_server::Application::build(config).await.map_err(|e| format!("cannot start the built-in mock: {e}"))?;
    let address = app.address();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Ok(Builtin { _stop: stop, address })
}

fn parse_url(what: &str, text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{what} {text:?} is not a URL: {e}"))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{what} {text:?} is not an http(s) URL"));
    }
    Ok(url)
}

/// Makes the context: starts `builtin`, checks that the target answers, probes the control API.
/// An `Err` means the run cannot start (exit status 2).
pub async fn prepare(options: &Options) -> Result<(Context, Option<Builtin>), String> {
    let headers = header_map(&options.headers)?;
    let (graphql, mut admin, mut inbox, builtin, mode) = match &options.target {
        TargetSpec::Builtin => {
            let server = start_builtin(options.release, options.throttle.unwrap_or(true)).await?;
            let base = format!("http://{}/", server.address);
            let base = parse_url("builtin", &base)?;
            let admin = base.join("__admin").map_err(|e| e.to_string())?;
            (base.join("graphql").map_err(|e| e.to_string())?, Some(admin), Some(base), Some(server), Mode::Builtin)
        }
        TargetSpec::Url(text) => {
            let mut url = parse_url("--target", text)?;
            if url.path() == "/" || url.path().is_empty() {
                url = url.join("graphql").map_err(|e| e.to_string())?;
            }
            (url, None, None, None, Mode::Plain)
        }
    };
    let mut mode = mode;
    if let Some(text) = &options.admin {
        let url = parse_url("--admin", text)?;
        if inbox.is_none() {
            // The mock serves its inbox on the same address as its control API.
            inbox = Some(url.join("/").map_err(|e| e.to_string())?);
        }
        admin = Some(url);
        mode = if mode == Mode::Builtin { mode } else { Mode::Admin };
    }
    if let Some(text) = &options.inbox {
        inbox = Some(parse_url("--inbox", text)?);
    }
    let endpoint = Endpoint::new(graphql.clone(), headers)?;
    let probe = endpoint.graphql("{ storeConfig { store_name } }").await.map_err(|stop| match stop {
        Stop::Deviation(f) => format!("the target {graphql} cannot be reached: {}", f.summary),
        Stop::Skip(reason) => reason,
    })?;
    if probe.status >= 500 && probe.body.is_empty() {
        return Err(format!("the target {graphql} answered HTTP {} with no body", probe.status));
    }
    let run_id = format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
            % 0xff_ffff_ffff
    );
    let mut throttles = options.throttle.unwrap_or(mode == Mode::Builtin);
    let mut can_create_customers = false;
    if let Some(base) = &admin {
        let probe_ns = endpoint
            .with_header("x-mock-namespace", &format!("conformance-{run_id}-probe"))
            .map_err(|_| "bad namespace".to_owned())?;
        let client = Admin { base: base.clone(), endpoint: probe_ns };
        let unreachable = |stop: Stop| match stop {
            Stop::Deviation(f) => format!("the control API {base} does not work: {}", f.summary),
            Stop::Skip(reason) => reason,
        };
        if let Some(settings) = client.settings().await.map_err(unreachable)?
            && options.throttle.is_none()
            && let Some(mode) = settings["throttle"].as_str()
        {
            throttles = mode != "off";
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
        run_id,
        counter: AtomicU64::new(0),
        request_budget: AtomicUsize::new(1),
    });
    Ok((ctx, builtin))
}

/// Runs the checks whose id contains `filter`; outcomes in the order of `checks`.
pub async fn run_checks(ctx: &Context, checks: Vec<Check>, filter: Option<&str>, parallel: usize) -> Vec<Outcome> {
    let selected: Vec<Check> = checks.into_iter().filter(|c| filter.is_none_or(|f| c.id.contains(f))).collect();
    run_selected(ctx, selected, parallel).await
}

/// Runs the checks `options` selects (`filter`, `exclude`).
pub async fn run_options(ctx: &Context, checks: Vec<Check>, options: &Options) -> Vec<Outcome> {
    let selected: Vec<Check> = checks
        .into_iter()
        .filter(|c| options.filter.as_deref().is_none_or(|f| c.id.contains(f)))
        .filter(|c| !options.exclude.iter().any(|x| c.id.contains(x.as_str())))
        .collect();
    run_selected(ctx, selected, options.parallel).await
}

async fn run_selected(ctx: &Context, selected: Vec<Check>, parallel: usize) -> Vec<Outcome> {
    let parallel = if ctx.is_mock() { parallel.max(1) } else { 1 };
    let semaphore = Arc::new(Semaphore::new(parallel));
    let local = tokio::task::LocalSet::new();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; selected.len()];
    local
        .run_until(async {
            let mut tasks = JoinSet::new();
            for (index, check) in selected.iter().cloned().enumerate() {
                let ctx = ctx.clone();
                let semaphore = Arc::clone(&semaphore);
                tasks.spawn_local(async move {
                    let _permit = semaphore.acquire_owned().await;
                    let started = Instant::now();
                    let verdict = match (check.run)(ctx).await {
                        Ok(()) => Verdict::Passed,
                        Err(Stop::Deviation(failure)) => Verdict::Failed(failure),
                        Err(Stop::Skip(reason)) => Verdict::Skipped(reason),
                    };
                    let duration = started.elapsed();
                    (index, Outcome { id: check.id, area: check.area, about: check.about, verdict, duration })
                });
            }
            while let Some(joined) = tasks.join_next().await {
                match joined {
                    Ok((index, outcome)) => outcomes[index] = Some(outcome),
                    Err(error) => eprintln!("conformance: a check panicked: {error}"),
                }
            }
        })
        .await;
    outcomes
        .into_iter()
        .zip(selected)
        .map(|(outcome, check)| {
            outcome.unwrap_or(Outcome {
                id: check.id,
                area: check.area,
                about: check.about,
                verdict: Verdict::Failed(Box::new(crate::check::Failure {
                    summary: "the check panicked".into(),
                    detail: None,
                    answer: None,
                })),
                duration: Duration::ZERO,
            })
        })
        .collect()
}
