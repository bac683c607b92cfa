//! `conformance run`: checks a backend against Magento's password-reset behaviour;
//! `conformance diff A B`: what differs between two backends; `conformance record`: golden files
//! from a live target. Exit status 0 conforms / identical, 1 deviations / differences, 2 could not
//! run (bad arguments, target unreachable, nothing selected or everything skipped, reCAPTCHA).

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use conformance::check::Verdict;
use conformance::context::{Account, Context};
use conformance::release::Release;
use conformance::report;
use conformance::run::{Builtin, Options, Outcome, TargetSpec, prepare, recaptcha_message, run_selected, select};
use serde_json::json;

#[derive(Debug, Parser)]
#[command(name = "conformance", version, about = "Checks a backend against Magento's password-reset behaviour")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the checks against a target.
    Run(Box<RunArgs>),
    /// List the checks (id and area).
    List,
    /// Send the same documented cases and seeded inputs to two targets and report every difference.
    #[command(long_about = DIFF_HELP)]
    Diff(Box<DiffArgs>),
    /// Record a live target's answers to every documented case as golden files.
    Record(Box<RecordArgs>),
}

const DIFF_HELP: &str = "Sends every documented case and the same generated inputs (one --seed) to two targets, \
and reports every difference in status or body, grouped by kind with one example each.\n\n\
A target is a GraphQL URL, `builtin` (the mock in-process, imitating --magento-version) or `builtin@2.4.6` \
(the mock imitating that release).\n\n\
What legitimately differs between two stores is normalised before comparing: every \"token\" value \
(reset tokens and customer tokens), storeConfig's store_name, each side's account emails (replaced by \
active@example.com and locked@example.com), and the error record number and base URL of Magento's HTML error \
page. Generated emails are the same on both sides. Exit status: 0 identical, 1 different, 2 could not run.";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ThrottleArg {
    Off,
    Magento,
}

/// How to reach one target and what it has.
#[derive(Debug, Clone, clap::Args)]
struct TargetArgs {
    /// Mailpit-compatible API base where the target's reset emails arrive.
    #[arg(long, env = "CONFORMANCE_INBOX")]
    inbox: Option<String>,
    /// The mock's /__admin base: the suite then sets up its own accounts in its own namespaces.
    #[arg(long, env = "CONFORMANCE_ADMIN")]
    admin: Option<String>,
    /// An existing unlocked customer (repeatable, each with its --active-password).
    #[arg(long = "active-email")]
    active_email: Vec<String>,
    #[arg(long = "active-password")]
    active_password: Vec<String>,
    /// An existing locked customer.
    #[arg(long = "locked-email")]
    locked_email: Option<String>,
}

/// What every subcommand that sends requests shares.
#[derive(Debug, clap::Args)]
struct CommonArgs {
    /// The release whose messages and shapes to expect (2.4.0 to 2.4.8, e.g. 2.4.7-p3).
    #[arg(long, env = "CONFORMANCE_MAGENTO_VERSION", default_value = "2.4.8")]
    magento_version: String,
    /// Whether the target throttles reset requests over GraphQL as Magento's web forms are (10 minutes
    /// apart, 5 an hour). No Magento release does (its throttle guards the storefront's forms), so the
    /// default is off (--admin: the mock's setting; `magento` starts builtin with --throttle web-forms).
    #[arg(long, value_enum, env = "CONFORMANCE_THROTTLE")]
    throttle: Option<ThrottleArg>,
    /// Extra header on every request, 'Name: value' (repeatable).
    #[arg(long = "header")]
    headers: Vec<String>,
    /// The store's frontend name, which the reset email's subject names (default: storeConfig's
    /// store_group_name, Magento's default frontend name).
    #[arg(long)]
    store_name: Option<String>,
    /// A store view of another website, for the multi-store checks (repeatable; availableStores lists
    /// the current website's views only). builtin: its second_view and third_view.
    #[arg(long = "store", value_name = "CODE")]
    stores: Vec<String>,
    /// The store view whose reCAPTCHA the reCAPTCHA checks test (default: the first of the default
    /// and --store views whose recaptchaV3Config lists forms; builtin: second_view).
    #[arg(long, value_name = "CODE")]
    recaptcha_store: Option<String>,
    /// The target's Magento mode: default, production or developer (only developer mode answers every error).
    #[arg(long, value_parser = ["default", "production", "developer"])]
    magento_mode: Option<String>,
    /// Requests per second to the target (default: 5 for a target off this machine, unlimited on it; 0: unlimited).
    #[arg(long)]
    rate: Option<f64>,
    /// Requests to the target in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: u32,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 20.0)]
    timeout: f64,
    /// Seconds to wait for a reset email.
    #[arg(long, default_value_t = 10.0)]
    mail_timeout: f64,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// `builtin` (the mock, in-process) or the target's GraphQL URL.
    #[arg(long, env = "CONFORMANCE_TARGET", default_value = "builtin")]
    target: String,
    #[command(flatten)]
    target_args: TargetArgs,
    #[command(flatten)]
    common: CommonArgs,
    /// Golden files to compare with instead of the built-in snapshots/<release> (e.g. from `conformance record`).
    #[arg(long, env = "CONFORMANCE_GOLDEN")]
    golden: Option<PathBuf>,
    /// Cases per property check (at least 1).
    #[arg(long, env = "CONFORMANCE_CASES", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    cases: u32,
    /// Seed of the generated inputs (same seed, same inputs).
    #[arg(long, env = "CONFORMANCE_SEED", default_value_t = 0)]
    seed: u64,
    /// Run only the checks whose id contains TEXT.
    #[arg(long)]
    filter: Option<String>,
    /// Leave out the checks whose id contains TEXT (repeatable).
    #[arg(long)]
    exclude: Vec<String>,
    /// A skipped check (or part of one) counts as a failure.
    #[arg(long)]
    strict: bool,
    /// Print what the run would send, and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write a JUnit XML report.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a JSON report.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Also list the checks that passed.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The first target: a GraphQL URL, `builtin` or `builtin@<release>`.
    target_a: String,
    /// The second target.
    target_b: String,
    /// Mailpit-compatible API base where target A's reset emails arrive.
    #[arg(long = "inbox-a")]
    inbox_a: Option<String>,
    /// The mock's /__admin base of target A.
    #[arg(long = "admin-a")]
    admin_a: Option<String>,
    /// An unlocked customer of target A, with --active-password-a.
    #[arg(long = "active-email-a")]
    active_email_a: Option<String>,
    /// The password of --active-email-a.
    #[arg(long = "active-password-a")]
    active_password_a: Option<String>,
    /// A locked customer of target A.
    #[arg(long = "locked-email-a")]
    locked_email_a: Option<String>,
    /// Mailpit-compatible API base where target B's reset emails arrive.
    #[arg(long = "inbox-b")]
    inbox_b: Option<String>,
    /// The mock's /__admin base of target B.
    #[arg(long = "admin-b")]
    admin_b: Option<String>,
    /// An unlocked customer of target B, with --active-password-b.
    #[arg(long = "active-email-b")]
    active_email_b: Option<String>,
    /// The password of --active-email-b.
    #[arg(long = "active-password-b")]
    active_password_b: Option<String>,
    /// A locked customer of target B.
    #[arg(long = "locked-email-b")]
    locked_email_b: Option<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Generated inputs per family (at least 1).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    cases: u32,
    /// Seed of the generated inputs.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Only the probes whose kind contains TEXT (`case/`, `request-email/`, `reset/`).
    #[arg(long)]
    filter: Option<String>,
    /// Write a JUnit XML report (a testcase per kind of probe).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a JSON report (every group with its example).
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct RecordArgs {
    /// The target's GraphQL URL (or `builtin`).
    #[arg(long)]
    target: String,
    /// The directory to write `<case>.snap` files into.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    target_args: TargetArgs,
    #[command(flatten)]
    common: CommonArgs,
    /// What the target is, written into each file (default: `mock` for builtin and --admin, else `real store`).
    #[arg(long)]
    origin: Option<String>,
}

fn accounts(emails: &[String], passwords: &[String]) -> Result<Vec<Account>, String> {
    if emails.len() != passwords.len() {
        return Err("give one --active-password for each --active-email".into());
    }
    Ok(emails
        .iter()
        .zip(passwords)
        .map(|(email, password)| Account { email: email.clone(), password: password.clone(), name: None })
        .collect())
}

/// `builtin`, `builtin@2.4.6` or a URL; the release a builtin target imitates.
fn target_spec(text: &str, release: Release) -> Result<(TargetSpec, Release), String> {
    if text == "builtin" {
        return Ok((TargetSpec::Builtin, release));
    }
    if let Some(version) = text.strip_prefix("builtin@") {
        return Ok((TargetSpec::Builtin, version.parse()?));
    }
    Ok((TargetSpec::Url(text.to_owned()), release))
}

fn options(target: &str, t: &TargetArgs, c: &CommonArgs) -> Result<Options, String> {
    let release: Release = c.magento_version.parse()?;
    let (target, release) = target_spec(target, release)?;
    if !(c.timeout > 0.0 && c.mail_timeout > 0.0) {
        return Err("--timeout and --mail-timeout must be more than 0 seconds".into());
    }
    Ok(Options {
        target,
        inbox: t.inbox.clone(),
        admin: t.admin.clone(),
        active: accounts(&t.active_email, &t.active_password)?,
        locked_email: t.locked_email.clone(),
        release,
        throttle: c.throttle.map(|t| matches!(t, ThrottleArg::Magento)),
        headers: c.headers.clone(),
        store_name: c.store_name.clone(),
        rate: c.rate,
        concurrency: c.concurrency as usize,
        timeout: Duration::from_secs_f64(c.timeout),
        mail_timeout: Duration::from_secs_f64(c.mail_timeout),
        magento_mode: c.magento_mode.clone(),
        stores: c.stores.clone(),
        recaptcha_store: c.recaptcha_store.clone(),
        ..Options::default()
    })
}

/// A failure to run: exit status 2, with the message (and whether the count line was printed).
struct CannotRun(String, bool);

impl From<String> for CannotRun {
    fn from(message: String) -> Self {
        CannotRun(message, false)
    }
}

impl From<conformance::error::SetupError> for CannotRun {
    fn from(error: conformance::error::SetupError) -> Self {
        CannotRun(error.to_string(), false)
    }
}

fn describe_target(ctx: &Context, options: &Options) -> String {
    let inner = ctx.inner();
    let pace = match inner.endpoint.traffic.interval {
        Some(interval) => format!("{:.1} requests/s", 1.0 / interval.as_secs_f64()),
        None => "no pace limit".into(),
    };
    format!(
        "{} (expecting Magento {}, golden files {}), throttle {}, seed {}, {} cases per property, {pace}",
        inner.endpoint.graphql,
        options.release,
        inner.goldens.as_ref().map_or("none".to_owned(), |g| g.origin.clone()),
        if inner.throttles { "magento" } else { "off" },
        options.seed,
        options.cases
    )
}

/// A progress line on a terminal (counts and ETA, rewritten in place), plain lines otherwise.
fn progress_printer(total: usize, started: Instant) -> impl Fn(&Outcome, usize, usize) {
    let terminal = std::io::stderr().is_terminal();
    let counts = std::cell::Cell::new((0usize, 0usize, 0usize));
    move |outcome: &Outcome, done: usize, _| {
        let (mut passed, mut failed, mut skipped) = counts.get();
        let word = match outcome.verdict {
            Verdict::Passed => {
                passed += 1;
                "ok"
            }
            Verdict::Failed(_) => {
                failed += 1;
                "FAIL"
            }
            Verdict::Skipped(_) => {
                skipped += 1;
                "skip"
            }
        };
        counts.set((passed, failed, skipped));
        let elapsed = started.elapsed().as_secs_f64();
        let eta = elapsed / done as f64 * (total - done) as f64;
        let mut err = std::io::stderr();
        if terminal {
            let _ = write!(
                err,
                "\r\x1b[2K[{done}/{total}] {passed} passed, {failed} failed, {skipped} skipped, ETA {eta:.0}s  {}",
                outcome.id
            );
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "[{done}/{total}] {word:<4} {} ({:.1}s)", outcome.id, outcome.duration.as_secs_f64());
        }
    }
}

async fn run(args: Box<RunArgs>) -> Result<bool, CannotRun> {
    let mut options = options(&args.target, &args.target_args, &args.common)?;
    options.cases = args.cases;
    options.seed = args.seed;
    options.filter = args.filter.clone();
    options.exclude = args.exclude.clone();
    options.golden_dir = args.golden.clone();
    let selected = select(conformance::checks::all(), &options);
    if selected.is_empty() {
        return Err(CannotRun::from(format!(
            "no check selected (--filter {:?}, --exclude {:?}): see `conformance list`",
            options.filter.as_deref().unwrap_or(""),
            options.exclude
        )));
    }
    let (ctx, _server): (Context, Option<Builtin>) = prepare(&options).await?;
    println!("conformance: {}", describe_target(&ctx, &options));
    let plan = conformance::plan::estimate(&ctx, &selected);
    print!("{}", plan.describe());
    if args.dry_run {
        println!("dry run: nothing sent beyond the probe of the target (storeConfig)");
        return Ok(true);
    }
    let started = Instant::now();
    let before = ctx.inner().endpoint.traffic.requests_sent();
    let printer = progress_printer(selected.len(), started);
    let outcomes = run_selected(&ctx, selected, options.parallel, &printer).await;
    let sent = ctx.inner().endpoint.traffic.requests_sent() - before;
    let other = ctx.inner().endpoint.traffic.other.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(path) = &args.junit {
        std::fs::write(path, report::junit(&outcomes)?).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.json {
        let run = json!({
            "target": ctx.inner().endpoint.graphql.as_str(), "magento_version": options.release.to_string(),
            "throttle": ctx.inner().throttles, "seed": options.seed, "cases": options.cases,
            "seconds": started.elapsed().as_secs_f64(), "requests": sent, "other_requests": other,
            "strict": args.strict,
        });
        let text = serde_json::to_string_pretty(&report::json_report(&outcomes, &run)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    print!("{}", report::human(&outcomes, args.verbose));
    println!(
        "sent {sent} requests to the target and {other} to its inbox or control API in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let counts = report::counts(&outcomes);
    println!("{}", report::summary_line(counts));
    if let Some(request) = ctx.recaptcha() {
        return Err(CannotRun(recaptcha_message(&request), true));
    }
    if counts.passed + counts.failed == 0 {
        return Err(CannotRun(
            format!(
                "every selected check was skipped ({}): nothing was checked (the reasons are listed above)",
                counts.skipped
            ),
            true,
        ));
    }
    Ok(counts.failed == 0 && !(args.strict && counts.skipped > 0))
}

async fn diff(args: Box<DiffArgs>) -> Result<bool, CannotRun> {
    let side = |target: &str,
                inbox: &Option<String>,
                admin: &Option<String>,
                email: &Option<String>,
                password: &Option<String>,
                locked: &Option<String>| {
        let t = TargetArgs {
            inbox: inbox.clone(),
            admin: admin.clone(),
            active_email: email.iter().cloned().collect(),
            active_password: password.iter().cloned().collect(),
            locked_email: locked.clone(),
        };
        let mut o = options(target, &t, &args.common)?;
        o.cases = args.cases;
        o.seed = args.seed;
        Ok::<_, String>(o)
    };
    let a = side(
        &args.target_a,
        &args.inbox_a,
        &args.admin_a,
        &args.active_email_a,
        &args.active_password_a,
        &args.locked_email_a,
    )?;
    let b = side(
        &args.target_b,
        &args.inbox_b,
        &args.admin_b,
        &args.active_email_b,
        &args.active_password_b,
        &args.locked_email_b,
    )?;
    let (ctx_a, _server_a) = prepare(&a).await.map_err(|e| format!("target A: {e}"))?;
    let (ctx_b, _server_b) = prepare(&b).await.map_err(|e| format!("target B: {e}"))?;
    let label = |ctx: &Context, options: &Options| match options.target {
        TargetSpec::Builtin => format!("{} (the mock imitating {})", ctx.inner().endpoint.graphql, options.release),
        TargetSpec::Url(_) => ctx.inner().endpoint.graphql.to_string(),
    };
    let (name_a, name_b) = (label(&ctx_a, &a), label(&ctx_b, &b));
    let started = Instant::now();
    let report = conformance::diff::diff(&ctx_a, &ctx_b, args.cases, args.seed, args.filter.as_deref()).await;
    for (ctx, label) in [(&ctx_a, "A"), (&ctx_b, "B")] {
        if let Some(request) = ctx.recaptcha() {
            return Err(CannotRun::from(format!("target {label}: {}", recaptcha_message(&request))));
        }
    }
    if report.probes == 0 {
        return Err(CannotRun::from(
            "no probe was sent to both targets (check --filter and the skips above)".to_owned(),
        ));
    }
    let run = json!({
        "a": name_a, "b": name_b, "seed": args.seed, "cases": args.cases,
        "seconds": started.elapsed().as_secs_f64(),
        "requests_a": ctx_a.inner().endpoint.traffic.requests_sent(),
        "requests_b": ctx_b.inner().endpoint.traffic.requests_sent(),
    });
    if let Some(path) = &args.json {
        let text =
            serde_json::to_string_pretty(&conformance::diff::json_report(&report, &run)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, conformance::diff::junit(&report)?)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    print!("{}", conformance::diff::human(&report, &name_a, &name_b));
    Ok(report.identical())
}

async fn record(args: Box<RecordArgs>) -> Result<bool, CannotRun> {
    let options = options(&args.target, &args.target_args, &args.common)?;
    let (ctx, _server) = prepare(&options).await?;
    let origin = args.origin.clone().unwrap_or_else(|| if ctx.is_mock() { "mock".into() } else { "real store".into() });
    let provenance = conformance::record::Provenance {
        release: args.common.magento_version.clone(),
        origin,
        target: ctx.inner().endpoint.graphql.to_string(),
    };
    let recorded = conformance::record::record(&ctx, &args.out, &provenance).await?;
    for (case, reason) in &recorded.left_out {
        println!("  not recorded  {case}: {reason}");
    }
    println!(
        "recorded {} of {} documented cases into {} ({} requests)",
        recorded.written.len(),
        conformance::golden::CASES.len() + conformance::golden::ACCOUNT_CASES.len(),
        args.out.display(),
        ctx.inner().endpoint.traffic.requests_sent()
    );
    Ok(!recorded.written.is_empty())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("conformance: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let (result, closing) = match cli.command {
        Command::List => {
            for check in conformance::checks::all() {
                println!("{:<12} {:<48} {}", check.area.name(), check.id, check.about);
            }
            return ExitCode::SUCCESS;
        }
        Command::Run(args) => (runtime.block_on(run(args)), Some("0 passed, 0 failed")),
        Command::Diff(args) => (runtime.block_on(diff(args)), None),
        Command::Record(args) => (runtime.block_on(record(args)), None),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(CannotRun(message, printed)) => {
            eprintln!("conformance: {message}");
            if let (Some(line), false) = (closing, printed) {
                println!("{line}");
            }
            ExitCode::from(2)
        }
    }
}
