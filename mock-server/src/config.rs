//! The command line: every flag has an environment twin (contract.md), validated into [`Config`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::HeaderValue;

use clap::{Args, Parser, Subcommand};

use crate::fixtures::{Fixtures, FixturesError};
pub use crate::magento::settings::Throttle;
use crate::magento::{MagentoMode, MagentoVersion};
use crate::scenarios::rules::{Rule, RuleError, ScenariosFileError, parse_scenarios_file};
use crate::stubs::{Stubs, StubsError, StubsOptions, Unrecorded};

#[derive(Debug, Parser)]
#[command(
    name = "mock-server",
    version,
    about = "A test double for Magento's customer password-reset GraphQL flow, with a Mailpit-compatible inbox",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
// Parsed once at start: the size of `Serve` costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Exit 0 when the server's /readyz answers 200 (for a container HEALTHCHECK).
    Healthcheck(HealthcheckArgs),
    /// Print the GraphQL schema (SDL) the server answers.
    Schema,
}

/// What `healthcheck` asks: `--url`, else the server's own `--listen` address (so a container that
/// sets `MOCK_LISTEN` needs nothing else), else the default listen address.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The readiness URL to ask (default: http://<listen>/readyz).
    #[arg(long, env = "MOCK_HEALTHCHECK_URL")]
    pub url: Option<String>,
    /// The address the server listens on; an unspecified one (0.0.0.0, [::]) is asked on loopback.
    #[arg(long, env = "MOCK_LISTEN", default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
}

impl HealthcheckArgs {
    /// The URL to ask.
    pub fn url(&self) -> String {
        if let Some(url) = &self.url {
            return url.clone();
        }
        let mut address = self.listen;
        if address.ip().is_unspecified() {
            address.set_ip(match address {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{address}/readyz")
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address for GraphQL, the inbox API and the admin API.
    #[arg(long, env = "MOCK_LISTEN", default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
    /// Address where other applications deliver mail over SMTP, or `off`.
    #[arg(long, env = "MOCK_SMTP_LISTEN", default_value = "127.0.0.1:1025", value_parser = parse_smtp_listen)]
    pub smtp_listen: SmtpListen,
    /// Customers and store settings (TOML); the built-in fixtures/customers.toml when absent.
    #[arg(long, env = "MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Base URL of the storefront: reset links are <URL>customer/account/createPassword/?token=...
    #[arg(long, env = "MOCK_STOREFRONT_URL", default_value = "http://localhost:3000/")]
    pub storefront_url: String,
    /// The Magento release whose messages, error shapes and HTTP statuses to imitate (2.4.0 to 2.4.8).
    #[arg(long, env = "MOCK_MAGENTO_VERSION", default_value = "2.4.8")]
    pub magento_version: MagentoVersion,
    /// Reset-request throttling: as Magento does over GraphQL (never), not at all, or with the
    /// storefront web forms' limits (10 minutes apart, 5 an hour).
    #[arg(long, env = "MOCK_THROTTLE", value_enum, default_value_t = Throttle::Magento)]
    pub throttle: Throttle,
    /// Magento's mode: `default` and `production` answer only the first error, `developer` all.
    #[arg(long, env = "MOCK_MAGENTO_MODE", value_enum, default_value_t = MagentoMode::Default)]
    pub magento_mode: MagentoMode,
    /// Seed for deterministic tokens and message ids (the OS generator otherwise).
    #[arg(long, env = "MOCK_SEED")]
    pub seed: Option<u64>,
    /// Inbox retention: the oldest messages are dropped beyond this many (per namespace).
    #[arg(long, env = "MOCK_MAX_MESSAGES", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_messages: u32,
    /// Largest message accepted over SMTP or `POST /api/v1/send`, in bytes.
    #[arg(long, env = "MOCK_MAX_MESSAGE_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Keep accounts, tokens, locks, throttles, inboxes, journals (last 1,000 per namespace), rules,
    /// stubs, SMTP faults, settings and clocks in DIR/mock-server.sqlite3 (schema version 4), so a
    /// restart resumes where the server stopped (memory only when absent).
    #[arg(long, env = "MOCK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Scripted rules loaded at start (TOML `[[rule]]` tables, as posted to /__admin/scenarios).
    #[arg(long, env = "MOCK_SCENARIOS")]
    pub scenarios: Option<PathBuf>,
    /// When set, /__admin/* needs "Authorization: Bearer <token>".
    #[arg(long, env = "MOCK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Origins allowed to call from a browser (repeatable, or comma-separated); any when absent.
    #[arg(long = "cors-origin", env = "MOCK_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Recordings and hand-written stubs (docs/stubs.md): a directory of *.json files, or one
    /// file (repeatable, or comma-separated).
    #[arg(long, env = "MOCK_STUBS", value_delimiter = ',')]
    pub stubs: Vec<PathBuf>,
    /// A real store's GraphQL URL: operations the mock does not emulate are forwarded to it.
    #[arg(long, env = "MOCK_UPSTREAM")]
    pub upstream: Option<String>,
    /// Write each forwarded request's answer into this directory (needs --upstream).
    #[arg(long, env = "MOCK_RECORD")]
    pub record: Option<PathBuf>,
    /// With --upstream, what a request no stub answers gets: forwarded, or the explanatory error.
    #[arg(long, env = "MOCK_UNRECORDED", value_enum, default_value_t = Unrecorded::Forward)]
    pub unrecorded: Unrecorded,
    /// Replace email addresses in recordings with made-up ones (the same address, the same one).
    #[arg(long, env = "MOCK_SCRUB_EMAILS")]
    pub scrub_emails: bool,
    /// POST a JSON summary of every captured message to this URL (Mailpit's webhook, plus the
    /// reset link and token).
    #[arg(long, env = "MOCK_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Answer Mailpit's `/api/v1/chaos` (its `--enable-chaos`): SMTP errors by percentage.
    #[arg(long, env = "MOCK_ENABLE_CHAOS")]
    pub enable_chaos: bool,
}

impl ServeArgs {
    /// Every flag at its default, as the command line has it, without reading the environment: a
    /// library call must not pick up a `MOCK_*` variable set for some other server.
    pub fn defaults() -> Result<Self, ConfigError> {
        use clap::{CommandFactory, FromArgMatches};
        let command = Cli::command().mut_args(|arg| arg.env(None::<&'static str>));
        let matches = command.try_get_matches_from(["mock-server"]).map_err(ConfigError::Defaults)?;
        Self::from_arg_matches(&matches).map_err(ConfigError::Defaults)
    }

    /// The serve arguments of a command line (`mock-server [serve] ...`), for embedding and tests.
    pub fn try_from_command_line<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = Cli::try_parse_from(args)?;
        Ok(match cli.command {
            Some(Command::Serve(args)) => args,
            _ => cli.serve,
        })
    }
}

/// `--smtp-listen`: an address, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmtpListen(pub Option<SocketAddr>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is neither an address (IP:PORT) nor off")]
pub struct BadSmtpListen(String);

fn parse_smtp_listen(text: &str) -> Result<SmtpListen, BadSmtpListen> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(SmtpListen(None));
    }
    text.parse().map(|a| SmtpListen(Some(a))).map_err(|_| BadSmtpListen(text.to_owned()))
}

/// Everything the server needs to start, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// `None` when SMTP capture is off.
    pub smtp_listen: Option<SocketAddr>,
    pub max_message_bytes: usize,
    pub fixtures: Fixtures,
    /// Always ends with `/`.
    pub storefront_url: String,
    pub magento_version: MagentoVersion,
    pub throttle: Throttle,
    pub magento_mode: MagentoMode,
    pub seed: Option<u64>,
    pub max_messages: usize,
    /// `--data-dir`: where the state persists; memory only when `None`.
    pub data_dir: Option<PathBuf>,
    /// Rules every namespace starts with.
    pub scenarios: Vec<Rule>,
    pub admin_token: Option<String>,
    /// Empty: any origin.
    pub cors_origins: Vec<HeaderValue>,
    /// A client must send its request headers within this time, and its body within this time.
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    /// `--stubs`, `--upstream`, `--record`, loaded and checked.
    pub stubs: std::sync::Arc<Stubs>,
    /// `--webhook-url`.
    pub webhook_url: Option<reqwest::Url>,
    /// `--enable-chaos`.
    pub enable_chaos: bool,
    /// Answer the reset and sign-in mutations of documents already seen by calling their rules
    /// directly, and send plain GraphQL posts past the router (`http/dispatch.rs`): the same
    /// bytes, fewer instructions. Not a flag: off only to compare the two paths (the
    /// differential test).
    pub direct_answers: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Fixtures(#[from] FixturesError),
    #[error("--storefront-url {0:?} is not an http(s) URL")]
    StorefrontUrl(String),
    #[error("cannot read scenarios file {path}: {source}")]
    ReadScenarios { path: String, source: std::io::Error },
    #[error(transparent)]
    Scenarios(#[from] ScenariosFileError),
    #[error("--scenarios: {0}")]
    Rule(#[from] RuleError),
    #[error("--admin-token must not be empty")]
    EmptyAdminToken,
    #[error("--cors-origin {0:?} is not an origin like http://localhost:3000")]
    CorsOrigin(String),
    #[error(transparent)]
    Stubs(#[from] StubsError),
    #[error("--webhook-url {0:?} is not an http(s) URL")]
    WebhookUrl(String),
    #[error("the defaults of the command line do not parse: {0}")]
    Defaults(#[source] clap::Error),
}

impl Config {
    /// Replaces the fixtures with those of the file at `path` (as `--fixtures PATH`).
    pub fn load_fixtures(&mut self, path: &std::path::Path) -> Result<(), ConfigError> {
        self.fixtures = Fixtures::load(path)?;
        Ok(())
    }

    pub fn from_args(args: &ServeArgs) -> Result<Self, ConfigError> {
        let fixtures = match &args.fixtures {
            Some(path) => Fixtures::load(path)?,
            None => Fixtures::built_in()?,
        };
        Ok(Self {
            listen: args.listen,
            smtp_listen: args.smtp_listen.0,
            max_message_bytes: args.max_message_bytes,
            fixtures,
            storefront_url: normalise_storefront_url(&args.storefront_url)?,
            magento_version: args.magento_version,
            throttle: args.throttle,
            magento_mode: args.magento_mode,
            seed: args.seed,
            max_messages: args.max_messages as usize,
            data_dir: args.data_dir.clone(),
            scenarios: match &args.scenarios {
                Some(path) => load_scenarios(path)?,
                None => Vec::new(),
            },
            admin_token: match args.admin_token.as_deref().map(str::trim) {
                Some("") => return Err(ConfigError::EmptyAdminToken),
                other => other.map(str::to_owned),
            },
            cors_origins: args
                .cors_origins
                .iter()
                .map(|origin| origin.trim())
                .filter(|origin| !origin.is_empty())
                .map(|origin| {
                    let valid = origin.starts_with("http://") || origin.starts_with("https://");
                    HeaderValue::from_str(origin.trim_end_matches('/'))
                        .ok()
                        .filter(|_| valid)
                        .ok_or_else(|| ConfigError::CorsOrigin(origin.to_owned()))
                })
                .collect::<Result<_, _>>()?,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            stubs: std::sync::Arc::new(Stubs::load(&StubsOptions {
                stubs: &args.stubs,
                upstream: args.upstream.as_deref(),
                record: args.record.as_deref(),
                unrecorded: args.unrecorded,
                scrub_emails: args.scrub_emails,
            })?),
            webhook_url: args.webhook_url.as_deref().map(parse_webhook_url).transpose()?,
            enable_chaos: args.enable_chaos,
            direct_answers: true,
        })
    }

    /// The defaults on the built-in fixtures, listening on an ephemeral loopback port (for tests).
    pub fn for_tests() -> Result<Self, ConfigError> {
        let mut args = ServeArgs::defaults()?;
        args.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        args.smtp_listen = SmtpListen(Some(SocketAddr::from(([127, 0, 0, 1], 0))));
        Self::from_args(&args)
    }
}

fn load_scenarios(path: &Path) -> Result<Vec<Rule>, ConfigError> {
    let origin = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::ReadScenarios { path: origin.clone(), source })?;
    let specs = parse_scenarios_file(&text, &origin)?;
    specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| spec.into_rule(format!("file-{}", i + 1)).map_err(ConfigError::Rule))
        .collect()
}

fn parse_webhook_url(url: &str) -> Result<reqwest::Url, ConfigError> {
    reqwest::Url::parse(url)
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host())
        .ok_or_else(|| ConfigError::WebhookUrl(url.to_owned()))
}

fn normalise_storefront_url(url: &str) -> Result<String, ConfigError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| ConfigError::StorefrontUrl(url.to_owned()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(ConfigError::StorefrontUrl(url.to_owned()));
    }
    let mut url = url.to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storefront_urls_get_a_trailing_slash_and_must_be_http() {
        assert_eq!(normalise_storefront_url("https://shop.test").unwrap(), "https://shop.test/");
        assert_eq!(normalise_storefront_url("http://localhost:3000/de/").unwrap(), "http://localhost:3000/de/");
        assert!(normalise_storefront_url("localhost:3000").is_err());
        assert!(normalise_storefront_url("ftp://shop.test/").is_err());
    }

    #[test]
    fn webhook_urls_must_be_http() {
        assert_eq!(parse_webhook_url("http://127.0.0.1:9000/hook").unwrap().as_str(), "http://127.0.0.1:9000/hook");
        assert!(parse_webhook_url("127.0.0.1:9000").is_err());
        assert!(parse_webhook_url("file:///etc/passwd").is_err());
    }

    #[test]
    fn the_contracts_defaults() {
        let args = Cli::parse_from(["mock-server"]).serve;
        assert_eq!(args.listen.to_string(), "127.0.0.1:4000");
        assert_eq!(args.magento_version.to_string(), "2.4.8");
        assert_eq!(args.throttle, Throttle::Magento);
        assert_eq!(args.max_messages, 500);
    }

    /// `MOCK_*` variables are for the binary; a server started from code ignores them.
    #[test]
    fn the_defaults_in_code_read_no_environment() {
        let from_code = ServeArgs::defaults().unwrap();
        let from_line = Cli::try_parse_from(["mock-server"]).unwrap().serve;
        assert_eq!(format!("{from_code:?}"), format!("{from_line:?}"));
        let command = <Cli as clap::CommandFactory>::command().mut_args(|arg| arg.env(None::<&'static str>));
        assert!(command.get_arguments().all(|arg| arg.get_env().is_none()));
    }

    #[test]
    fn flags_work_after_the_serve_subcommand_too() {
        let cli = Cli::parse_from(["mock-server", "serve", "--magento-version", "2.4.6", "--throttle", "off"]);
        let Some(Command::Serve(args)) = cli.command else { panic!("expected serve") };
        assert_eq!((args.magento_version.to_string(), args.throttle), ("2.4.6".to_owned(), Throttle::Off));
    }

    /// A container sets `MOCK_LISTEN=0.0.0.0:PORT`; its HEALTHCHECK runs `mock-server healthcheck` with
    /// the same environment, which must then ask that port on loopback.
    #[test]
    fn healthcheck_asks_the_listen_address_on_loopback_unless_given_a_url() {
        let url = |args: &[&str]| {
            let cli = Cli::parse_from([&["mock-server", "healthcheck"], args].concat());
            let Some(Command::Healthcheck(args)) = cli.command else { panic!("expected healthcheck") };
            args.url()
        };
        assert_eq!(url(&["--listen", "0.0.0.0:4100"]), "http://127.0.0.1:4100/readyz");
        assert_eq!(url(&["--listen", "[::]:4100"]), "http://[::1]:4100/readyz");
        assert_eq!(url(&["--listen", "10.0.0.2:80"]), "http://10.0.0.2:80/readyz");
        assert_eq!(
            url(&["--listen", "0.0.0.0:4100", "--url", "http://127.0.0.1:9/readyz"]),
            "http://127.0.0.1:9/readyz"
        );
    }
}
