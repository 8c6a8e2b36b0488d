//! What the tests that run the real binary share: a `jsonws serve` on a free port.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The binary under test.
pub const JSONWS: &str = env!("CARGO_BIN_EXE_jsonws");

/// How long `serve` may take to print its address, and a `call` to finish. Generous: a loaded
/// 2-core machine running other test binaries at the same time is slow to start processes.
pub const WAIT: Duration = Duration::from_secs(20);

/// A running `jsonws serve --addr 127.0.0.1:0`, killed when dropped.
pub struct Demo {
    child: Child,
    /// `http://127.0.0.1:PORT/api/demo/1.0.0`, from the first line `serve` printed.
    url: String,
}

impl Demo {
    pub fn start() -> Demo {
        let mut command = Command::new(JSONWS);
        command.args(["serve", "--addr", "127.0.0.1:0"]);
        Demo::spawn(command)
    }

    /// Starts `command`, which must run `jsonws serve --addr 127.0.0.1:0` (perhaps through a
    /// shell that sets limits first).
    pub fn spawn(mut command: Command) -> Demo {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {JSONWS} serve: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = read_all(child.stderr.take().expect("stderr is piped"));
        // The guard exists before the wait, so a panic below still kills the child.
        let mut demo = Demo {
            child,
            url: String::new(),
        };
        let line = match first_line(stdout, WAIT) {
            Ok(line) => line,
            Err(why) => {
                drop(demo);
                let stderr = stderr.join().unwrap_or_default();
                panic!(
                    "`jsonws serve --addr 127.0.0.1:0` printed no address: {why}\nstderr:\n{stderr}"
                );
            }
        };
        demo.url = parse_url(&line).unwrap_or_else(|| {
            panic!(
                "`jsonws serve` printed an unexpected first line:\n{line}\nexpected: \
                 jsonws: serving demo 1.0.0 at http://ADDR/api/demo/1.0.0 (HTTP POST and WebSocket)"
            )
        });
        demo
    }

    pub fn http_url(&self) -> &str {
        &self.url
    }

    pub fn ws_url(&self) -> String {
        self.url.replacen("http://", "ws://", 1)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the first line of `stdout` on a thread, waiting at most `wait`. The thread then keeps
/// reading to the end, so the child never blocks on a full pipe.
fn first_line(stdout: ChildStdout, wait: Duration) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(line)) if line.is_empty() => Err("stdout closed before the first line".into()),
        Ok(Ok(line)) => Ok(line.trim_end().to_owned()),
        Ok(Err(e)) => Err(format!("reading stdout: {e}")),
        Err(_) => Err(format!("nothing within {}s", wait.as_secs())),
    }
}

/// The URL in `jsonws: serving demo 1.0.0 at http://… (HTTP POST and WebSocket)`.
fn parse_url(line: &str) -> Option<String> {
    let rest = line.strip_prefix("jsonws: serving demo 1.0.0 at ")?;
    let (url, _) = rest.split_once(' ')?;
    (url.starts_with("http://") && url.ends_with("/api/demo/1.0.0")).then(|| url.to_owned())
}

/// Reads a pipe to its end on a thread, so neither pipe can fill up and stall the child.
pub fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// POSTs `body` as JSON to `url` (`http://host:port/path`) over a fresh connection; returns the
/// status and the body.
pub fn post(url: &str, body: &str) -> (u16, String) {
    use std::io::Write;
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_once('/').expect("a URL with a path");
    let mut stream = std::net::TcpStream::connect(host).expect("connecting to the demo");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sending the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("reading the response");
    let response = String::from_utf8(response).expect("a UTF-8 response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    (status, body.to_owned())
}
