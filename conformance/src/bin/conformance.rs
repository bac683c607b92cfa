//! `conformance run`: checks a backend against Magento's documented password-reset behaviour.
//! Exit status 0 conforms, 1 deviations found, 2 could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use conformance::context::Account;
use conformance::release::Release;
use conformance::report;
use conformance::run::{Options, TargetSpec, prepare, run_options};
use serde_json::json;

#[derive(Debug, Parser)]
#[command(
    name = "conformance",
    version,
    about = "Checks a backend against Magento's documented password-reset behaviour"
)]
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ThrottleArg {
    Off,
    Magento,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// `builtin` (the mock, in-process) or the target's GraphQL URL.
    #[arg(long, env = "CONFORMANCE_TARGET", default_value = "builtin")]
    target: String,
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
    /// The release whose messages and shapes to expect (2.4.0 to 2.4.8).
    #[arg(long, env = "CONFORMANCE_MAGENTO_VERSION", default_value = "2.4.8")]
    magento_version: Release,
    /// Whether the target throttles reset requests (default: off; builtin: magento; --admin: the mock's setting).
    #[arg(long, value_enum, env = "CONFORMANCE_THROTTLE")]
    throttle: Option<ThrottleArg>,
    /// Extra header on every request, 'Name: value' (repeatable).
    #[arg(long = "header")]
    headers: Vec<String>,
    /// Cases per property check.
    #[arg(long, env = "CONFORMANCE_CASES", default_value_t = 64)]
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

fn options(args: &RunArgs) -> Result<Options, String> {
    if args.active_email.len() != args.active_password.len() {
        return Err("give one --active-password for each --active-email".into());
    }
    let active = args
        .active_email
        .iter()
        .zip(&args.active_password)
        .map(|(email, password)| Account { email: email.clone(), password: password.clone(), name: None })
        .collect();
    Ok(Options {
        target: if args.target == "builtin" { TargetSpec::Builtin } else { TargetSpec::Url(args.target.clone()) },
        inbox: args.inbox.clone(),
        admin: args.admin.clone(),
        active,
        locked_email: args.locked_email.clone(),
        release: args.magento_version,
        throttle: args.throttle.map(|t| matches!(t, ThrottleArg::Magento)),
        headers: args.headers.clone(),
        cases: args.cases,
        seed: args.seed,
        filter: args.filter.clone(),
        exclude: args.exclude.clone(),
        ..Options::default()
    })
}

async fn run(args: Box<RunArgs>) -> Result<bool, String> {
    let options = options(&args)?;
    let (ctx, _server) = prepare(&options).await?;
    let inner = ctx.inner();
    println!(
        "conformance: {} (expecting Magento {}, golden files {}), throttle {}, seed {}, {} cases per property",
        inner.endpoint.graphql,
        options.release,
        options.release.family(),
        if inner.throttles { "magento" } else { "off" },
        options.seed,
        options.cases
    );
    let started = std::time::Instant::now();
    let outcomes = run_options(&ctx, conformance::checks::all(), &options).await;
    if let Some(path) = &args.junit {
        std::fs::write(path, report::junit(&outcomes)?).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.json {
        let run = json!({
            "target": inner.endpoint.graphql.as_str(), "magento_version": options.release.to_string(),
            "throttle": inner.throttles, "seed": options.seed, "cases": options.cases,
            "seconds": started.elapsed().as_secs_f64(),
        });
        let text = serde_json::to_string_pretty(&report::json_report(&outcomes, &run)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    print!("{}", report::human(&outcomes, args.verbose));
    Ok(report::counts(&outcomes).failed == 0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::List => {
            for check in conformance::checks::all() {
                println!("{:<12} {:<48} {}", check.area.name(), check.id, check.about);
            }
            ExitCode::SUCCESS
        }
        Command::Run(args) => {
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("conformance: cannot start: {e}");
                    return ExitCode::from(2);
                }
            };
            match runtime.block_on(run(args)) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(message) => {
                    eprintln!("conformance: {message}");
                    println!("0 passed, 0 failed");
                    ExitCode::from(2)
                }
            }
        }
    }
}
