//! The `jsonws` command: serve the demo service, call methods from a shell, generate clients.

mod call;
mod demo;
mod generate;
mod listen;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// JSON-RPC 2.0 web services: serve the demo, call any jsonws (or JSON-RPC) server.
#[derive(Debug, Parser)]
#[command(name = "jsonws", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the demo service at http://ADDR/api/demo/1.0.0 (HTTP POST and WebSocket).
    Serve {
        /// Address to listen on; port 0 picks a free port. The bound address is printed first.
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: String,
        /// Share events with the other instances on this Redis (redis://HOST:PORT): every
        /// subscriber of every instance gets each `chat.message` once. Connections are accepted
        /// once the backplane reads the stream.
        #[arg(long, value_name = "URL")]
        redis: Option<String>,
        /// With --redis: how many events wait in memory while Redis is unreachable; more are
        /// refused (and counted).
        #[arg(
            long,
            value_name = "EVENTS",
            default_value_t = 10_000,
            requires = "redis"
        )]
        redis_buffer: usize,
    },
    /// Call METHOD on the service at URL (http:// or ws://) and print the result as JSON.
    ///
    /// Exits 0 with the result, 1 when the server answers with an error, 2 when the call could
    /// not be made. Over ws://, a call from the server (any method, such as the demo's
    /// `confirm`) is answered with a line read from standard input: JSON, or text for a string.
    Call {
        /// The service URL, e.g. http://127.0.0.1:3000/api/demo/1.0.0 or ws://….
        url: String,
        /// The method name, e.g. sum.
        method: String,
        /// The params as JSON: an array or an object, e.g. `[1,2]`.
        params: Option<String>,
    },
    /// Subscribe to EVENTs on the service at URL (ws://) and print each as it arrives, one
    /// line each: the event name, a space, the data as JSON. Reconnects by itself.
    Listen {
        /// The service URL, e.g. ws://127.0.0.1:3000/api/demo/1.0.0.
        url: String,
        /// The events, e.g. tick chat.message.
        #[arg(required = true)]
        events: Vec<String>,
        /// Stop after this many events.
        #[arg(long)]
        count: Option<u64>,
    },
    /// Generate a client for a service: from its live URL (its `?json`) or from a file (a
    /// `?json` document, an OpenRPC 1.x document or a json-ws description file).
    ///
    /// Writes one file, DIR/NAME.ext with --out, else prints the source.
    Gen {
        /// The language: JavaScript, TypeScript, Python, Rust, Go, Java, Php or CSharp (lower
        /// case accepted).
        #[arg(long)]
        lang: String,
        /// The service's URL, e.g. http://127.0.0.1:3000/api/demo/1.0.0.
        #[arg(long, conflicts_with = "schema", required_unless_present = "schema")]
        url: Option<String>,
        /// A file describing the service.
        #[arg(long)]
        schema: Option<std::path::PathBuf>,
        /// The client's name (default: the service's name + Client, e.g. DemoClient).
        #[arg(long)]
        name: Option<String>,
        /// The directory to write the file into (default: print it).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `gen` reads descriptions without handlers: the server's warnings about them are noise.
    let default_filter = match cli.command {
        Command::Gen { .. } => "jsonws=error",
        _ => "jsonws=info",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JSONWS_LOG")
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("jsonws: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve {
                addr,
                redis,
                redis_buffer,
            } => {
                let redis = redis.map(|url| serve::Redis {
                    url,
                    buffer: redis_buffer,
                });
                serve::run(&addr, redis).await.map(|()| ExitCode::SUCCESS)
            }
            Command::Call {
                url,
                method,
                params,
            } => call::run(&url, &method, params.as_deref()).await,
            Command::Listen { url, events, count } => listen::run(&url, &events, count).await,
            Command::Gen {
                lang,
                url,
                schema,
                name,
                out,
            } => generate::run(generate::Args {
                lang,
                url,
                schema,
                name,
                out,
            })
            .await
            .map(|()| ExitCode::SUCCESS),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("jsonws: {e:#}");
            ExitCode::from(2)
        }
    }
}
