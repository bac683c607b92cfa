//! [`MockServer`]: the mock running in-process, built from code through the same
//! `ServeArgs` → `Config` → `Application` path as the binary, and stopped on drop.

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::client::MockClient;
use super::error::{MockServerError, Result};
use crate::config::{Config, ServeArgs, SmtpListen, Throttle};
use crate::fixtures::Fixtures;
use crate::magento::{MagentoMode, MagentoVersion};

/// The mock, serving on a free loopback port until it is dropped or [shut down](Self::shutdown).
///
/// It is the [`MockClient`] of its default namespace (through `Deref`, as the npm package's
/// `MockServer` extends `MockClient`): every helper is callable on it directly.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mock_server::MockServerError> {
/// use mock_server::MockServer;
///
/// let server = MockServer::start().await?;
/// let answer = server.graphql("{ storeConfig { store_code } }").send().await?;
/// assert_eq!(answer.data()["storeConfig"]["store_code"], "default");
/// assert!(server.graphql_url().starts_with("http://127.0.0.1:"));
/// assert_eq!(server.smtp_address(), None); // off unless asked for
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MockServer {
    client: MockClient,
    address: SocketAddr,
    smtp: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    served: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// The defaults: the built-in fixtures, Magento 2.4.8, reset links to
    /// `http://localhost:3000/`, no SMTP capture, no admin token.
    pub async fn start() -> Result<Self> {
        Self::builder().start().await
    }

    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// Where it listens (`127.0.0.1` and the port it was given).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Where it captures SMTP, when started with [`MockServerBuilder::smtp`].
    pub fn smtp_address(&self) -> Option<SocketAddr> {
        self.smtp
    }

    /// Stops accepting, lets the requests in flight finish, and waits until it has stopped.
    /// Dropping the server stops it too, without waiting.
    pub async fn shutdown(mut self) -> Result<()> {
        drop(self.stop.take());
        match self.served.take() {
            Some(served) => match served.await {
                Ok(result) => result.map_err(MockServerError::Serve),
                // Cancelled with its runtime, or panicked: nothing left to wait for.
                Err(_) => Ok(()),
            },
            None => Ok(()),
        }
    }
}

impl std::ops::Deref for MockServer {
    type Target = MockClient;

    fn deref(&self) -> &MockClient {
        &self.client
    }
}

impl Drop for MockServer {
    /// Dropping the sender ends `run_until`'s shutdown future: the server stops accepting and
    /// finishes what is in flight on its own task.
    fn drop(&mut self) {
        drop(self.stop.take());
    }
}

/// Where the fixtures come from.
#[derive(Clone, Debug, Default)]
enum FixturesSource {
    #[default]
    BuiltIn,
    File(PathBuf),
    Toml(String),
}

/// The settings of a [`MockServer`], as the binary's flags have them (docs/contract.md), in code.
/// It always listens on a free loopback port.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mock_server::MockServerError> {
/// use mock_server::MockServer;
///
/// let server = MockServer::builder()
///     .magento_version("2.4.6")
///     .storefront_url("https://shop.test/")
///     .fixtures_toml(
///         r#"
///         [[customer]]
///         email = "ada@example.com"
///         password = "Lovelace1815!"
///         "#,
///     )
///     .smtp(true)
///     .start()
///     .await?;
/// assert_eq!(server.customers().await?.len(), 1);
/// assert!(server.smtp_address().is_some());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "nothing starts until .start().await"]
pub struct MockServerBuilder {
    fixtures: FixturesSource,
    smtp: bool,
    magento_version: Option<String>,
    magento_mode: Option<MagentoMode>,
    storefront_url: Option<String>,
    throttle: Option<Throttle>,
    seed: Option<u64>,
    admin_token: Option<String>,
    scenarios: Option<PathBuf>,
    stubs: Vec<PathBuf>,
}

impl MockServerBuilder {
    /// Capture SMTP on a free loopback port too (`--smtp-listen`; off by default here).
    pub fn smtp(mut self, on: bool) -> Self {
        self.smtp = on;
        self
    }

    /// The Magento release to imitate, as `--magento-version` takes it: `2.4.0` to `2.4.8` (the
    /// default), a security patch such as `2.4.7-p3` behaving as its base release.
    pub fn magento_version(mut self, release: impl Into<String>) -> Self {
        self.magento_version = Some(release.into());
        self
    }

    /// `--magento-mode`: `developer` answers every error, the others only the first.
    pub fn magento_mode(mut self, mode: MagentoMode) -> Self {
        self.magento_mode = Some(mode);
        self
    }

    /// The base of the reset links (`--storefront-url`, default `http://localhost:3000/`).
    pub fn storefront_url(mut self, url: impl Into<String>) -> Self {
        self.storefront_url = Some(url.into());
        self
    }

    /// Customers and store from a fixtures file (`--fixtures`; the built-in ones by default).
    pub fn fixtures_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.fixtures = FixturesSource::File(path.into());
        self
    }

    /// Customers and store from fixtures given as TOML text, in the file's format.
    pub fn fixtures_toml(mut self, toml: impl Into<String>) -> Self {
        self.fixtures = FixturesSource::Toml(toml.into());
        self
    }

    /// `--throttle`: `Magento` (never over GraphQL, the default), `Off` or `WebForms`.
    pub fn throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = Some(throttle);
        self
    }

    /// Deterministic tokens and message ids (`--seed`).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Guard `/__admin` with a bearer token (`--admin-token`); the helpers send it.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// Scripted rules loaded at start, from a TOML file (`--scenarios`).
    pub fn scenarios_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.scenarios = Some(path.into());
        self
    }

    /// Recordings and hand-written stubs, a directory or a file (`--stubs`, repeatable).
    pub fn stubs(mut self, path: impl Into<PathBuf>) -> Self {
        self.stubs.push(path.into());
        self
    }

    /// Binds a free loopback port and serves on a task of the current Tokio runtime.
    pub async fn start(self) -> Result<MockServer> {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let mut args = ServeArgs::defaults()?;
        args.listen = loopback;
        args.smtp_listen = SmtpListen(self.smtp.then_some(loopback));
        if let Some(release) = &self.magento_version {
            args.magento_version =
                release.parse::<MagentoVersion>().map_err(|_| MockServerError::UnsupportedVersion(release.clone()))?;
        }
        args.magento_mode = self.magento_mode.unwrap_or(args.magento_mode);
        args.storefront_url = self.storefront_url.unwrap_or(args.storefront_url);
        args.throttle = self.throttle.unwrap_or(args.throttle);
        args.seed = self.seed.or(args.seed);
        args.admin_token = self.admin_token.clone();
        args.scenarios = self.scenarios;
        args.stubs = self.stubs;
        if let FixturesSource::File(path) = &self.fixtures {
            args.fixtures = Some(path.clone());
        }
        let mut config = Config::from_args(&args)?;
        if let FixturesSource::Toml(text) = &self.fixtures {
            config.fixtures =
                Fixtures::parse(text, "MockServerBuilder::fixtures_toml").map_err(crate::config::ConfigError::from)?;
        }
        let app = crate::Application::build(config).await.map_err(MockServerError::Bind)?;
        let address = app.address();
        let smtp = app.smtp_address();
        let client = MockClient::connect(&format!("http://{address}"), self.admin_token.as_deref())?;
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until(async move {
            // Sent or dropped: either way, stop.
            let _ = stopped.await;
        }));
        Ok(MockServer { client, address, smtp, stop: Some(stop), served: Some(served) })
    }
}
