//! The benchmark's ceiling: a bare hyper 1 server that does no work.
//!
//! `POST /graphql` reads the whole request body, then answers the fixed success JSON
//! `{"data":{"requestPasswordResetEmail":true}}`; `GET /readyz` answers 200 `ok`; anything else 404.
//! No parsing, no validation, no token, no mail: it shows what the transport alone costs on this
//! machine, so `bench/run.py` can report mock-server as a ratio of it.
//!
//! ```sh
//! cargo run --release -p mock-server --example ceiling -- --listen 127.0.0.1:4100
//! ```
//!
//! It uses the same runtime set-up as `mock-server` (`#[tokio::main]`, multi-threaded, one worker
//! per core the process may run on) and the same HTTP/1 server (hyper 1 through hyper-util).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::ExitCode;

use hyper::body::{Body, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const SUCCESS: &str = r#"{"data":{"requestPasswordResetEmail":true}}"#;

/// Reads every frame of the request body and returns how many bytes it had.
async fn drain(mut body: Incoming) -> Result<usize, hyper::Error> {
    let mut total = 0;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame?.into_data() {
            total += data.len();
        }
    }
    Ok(total)
}

fn answer(status: StatusCode, content_type: &'static str, body: &'static str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

async fn handle(request: Request<Incoming>) -> Result<Response<String>, Infallible> {
    let (parts, body) = request.into_parts();
    let response = match (parts.method, parts.uri.path()) {
        (Method::POST, "/graphql") => match drain(body).await {
            Ok(_) => answer(StatusCode::OK, "application/json", SUCCESS),
            Err(_) => answer(StatusCode::BAD_REQUEST, "text/plain", "bad body"),
        },
        (Method::GET, "/readyz") => answer(StatusCode::OK, "text/plain; charset=utf-8", "ok"),
        _ => answer(StatusCode::NOT_FOUND, "text/plain", "not found"),
    };
    Ok(response)
}

fn listen_address() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut listen = String::from("127.0.0.1:4100");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().ok_or("--listen needs an address")?,
            other => return Err(format!("unknown argument {other:?} (usage: ceiling [--listen ADDR])")),
        }
    }
    listen.parse().map_err(|error| format!("--listen {listen}: {error}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let address = match listen_address() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ceiling: cannot listen on {address}: {error}");
            return ExitCode::from(2);
        }
    };
    eprintln!("ceiling: listening on http://{address}");
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                eprintln!("ceiling: accept: {error}");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(handle)).await;
        });
    }
}
