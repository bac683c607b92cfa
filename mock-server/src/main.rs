//! `mock-server`: parse the command line, then serve, check health or print the schema.

use std::process::ExitCode;

use clap::Parser;
use mock_server::config::{Cli, Command, Config, ServeArgs};
use mock_server::{Application, magento::schema::build_schema};

// Every request allocates some 70 times (the journal entry, the captured email, hyper's buffers):
// mimalloc's thread-local free lists cost a fraction of glibc's malloc and free here.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mock_server::allocator::Mimalloc = mock_server::allocator::Mimalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Schema) => {
            print!("{}", build_schema().sdl());
            ExitCode::SUCCESS
        }
        Some(Command::Healthcheck(args)) => healthcheck(&args.url()).await,
        Some(Command::Serve(args)) => serve(args).await,
        None => serve(cli.serve).await,
    };
    // The log is batched: whatever is waiting goes out before the process ends.
    mock_server::logging::flush();
    code
}

async fn serve(args: ServeArgs) -> ExitCode {
    // Logs go to stderr, coloured only on a terminal; stdout has the banner.
    mock_server::logging::init();
    let config = match Config::from_args(&args) {
        Ok(config) => config,
        Err(error) => {
            mock_server::logging::flush(); // the log lines before it come first
            eprintln!("mock-server: {error}");
            return ExitCode::from(2);
        }
    };
    let banner = Banner::of(&config);
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            mock_server::logging::flush(); // the log lines before it come first
            eprintln!("mock-server: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    banner.print(app.address(), app.smtp_address());
    match app.run_until(shutdown_signal()).await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            mock_server::logging::flush(); // the log lines before it come first
            eprintln!("mock-server: {error}");
            ExitCode::FAILURE
        }
    }
}

struct Banner {
    warnings: Vec<String>,
    version: String,
    customers: usize,
    storefront: String,
    throttle: String,
}

impl Banner {
    fn of(config: &Config) -> Self {
        let mut warnings = Vec::new();
        if !config.listen.ip().is_loopback() {
            warnings.push(match config.admin_token {
                Some(_) => format!("listening on {}: GraphQL and the inbox are reachable from other machines", config.listen),
                None => format!(
                    "listening on {} without --admin-token: anyone who can reach it can change accounts, the clock and scenarios",
                    config.listen
                ),
            });
        }
        if let Some(smtp) = config.smtp_listen.filter(|a| !a.ip().is_loopback()) {
            warnings.push(format!("SMTP capture on {smtp} accepts mail from other machines"));
        }
        Self {
            warnings,
            version: config.magento_version.to_string(),
            customers: config.fixtures.customers.len(),
            storefront: config.storefront_url.clone(),
            throttle: format!("{:?}", config.throttle).to_lowercase(),
        }
    }

    fn print(&self, address: std::net::SocketAddr, smtp: Option<std::net::SocketAddr>) {
        let base = format!("http://{address}");
        println!(
            "mock-server {} imitating Magento {} ({} customers, throttle {})\n  \
             GraphQL      {base}/graphql\n  \
             Inbox API    {base}/api/v1/messages\n  \
             Control API  {base}/__admin/\n  \
             Inbox page   {base}/\n  \
             Health       {base}/readyz\n  \
             Reset links  {}customer/account/createPassword/?token=...",
            env!("CARGO_PKG_VERSION"),
            self.version,
            self.customers,
            self.throttle,
            self.storefront,
        );
        match smtp {
            Some(smtp) => println!("  SMTP capture {smtp}"),
            None => println!("  SMTP capture off"),
        }
        for warning in &self.warnings {
            println!("warning: {warning}");
        }
    }
}

async fn healthcheck(url: &str) -> ExitCode {
    // Always a local address: a proxy from the environment (HTTP_PROXY in a container) must not apply.
    let client = match reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).no_proxy().build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("healthcheck: {error}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(url).send().await {
        Ok(response) if response.status().is_success() => ExitCode::SUCCESS,
        Ok(response) => {
            eprintln!("healthcheck: {url} answered {}", response.status());
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("healthcheck: {url}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM (what container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
