//! Runs the real `jsonws` binary: `serve` on a free port, then `call` against it, checking exit
//! codes, stdout and stderr as a user in a shell would see them.
//!
//! Each test starts its own `jsonws serve --addr 127.0.0.1:0` (a [`Demo`], killed when dropped)
//! and reads the bound URL from the first line it prints. A failed check prints the command,
//! its exit status, stdout and stderr.

mod support;

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use support::{Demo, JSONWS, WAIT, read_all};

/// A finished command, kept whole so a failed check can show everything about it.
struct Run {
    command: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Panics, showing the whole run, unless the command exited with `code`.
    #[track_caller]
    fn expect_exit(&self, code: i32) -> &Self {
        if self.status.code() != Some(code) {
            panic!("expected exit code {code}\n{self}");
        }
        self
    }

    /// Panics, showing the whole run, unless `check` holds.
    #[track_caller]
    fn expect(&self, what: &str, check: impl FnOnce(&Run) -> bool) -> &Self {
        if !check(self) {
            panic!("expected {what}\n{self}");
        }
        self
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\n\ncommand: {}\nstatus: {}\n\nstdout:\n{}\n\nstderr:\n{}\n",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `jsonws ARGS` with `stdin` as its input, waiting at most [`WAIT`].
fn jsonws(args: &[&str], stdin: &str) -> Run {
    let command = format!(
        "{JSONWS} {}",
        args.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut child = Command::new(JSONWS)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {command}: {e}"));
    {
        let mut input = child.stdin.take().expect("stdin is piped");
        // The command may exit without reading its input; a broken pipe is not a failure here.
        let _ = input.write_all(stdin.as_bytes());
    }
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let deadline = Instant::now() + WAIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let status = child.wait().expect("waiting for a killed child");
                let run = Run {
                    command,
                    status,
                    stdout: stdout.join().unwrap_or_default(),
                    stderr: stderr.join().unwrap_or_default(),
                };
                panic!("still running after {}s, killed\n{run}", WAIT.as_secs());
            }
            Err(e) => panic!("waiting for {command}: {e}"),
        }
    };
    Run {
        command,
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

#[test]
fn call_over_http_prints_the_result() {
    let demo = Demo::start();
    jsonws(&["call", demo.http_url(), "sum", "[1,2]"], "")
        .expect_exit(0)
        .expect("stdout `3`", |run| run.stdout.trim() == "3");
}

#[test]
fn call_over_websocket_prints_the_result() {
    let demo = Demo::start();
    jsonws(&["call", &demo.ws_url(), "sum", "[1,2]"], "")
        .expect_exit(0)
        .expect("stdout `3`", |run| run.stdout.trim() == "3");
}

#[test]
fn rpc_error_prints_the_error_object_and_exits_1() {
    let demo = Demo::start();
    jsonws(&["call", demo.http_url(), "fail"], "")
        .expect_exit(1)
        .expect("the error object, code 4000, on stdout", |run| {
            serde_json::from_str::<serde_json::Value>(&run.stdout)
                .is_ok_and(|error| error["code"] == 4000 && error["data"].is_object())
        })
        .expect("a message on stderr", |run| run.stderr.contains("jsonws:"));
}

#[test]
fn unknown_method_exits_1_with_method_not_found() {
    let demo = Demo::start();
    jsonws(&["call", demo.http_url(), "nosuch"], "")
        .expect_exit(1)
        .expect("-32601 on stdout", |run| run.stdout.contains("-32601"));
}

#[test]
fn params_that_are_not_json_are_a_usage_error() {
    let demo = Demo::start();
    jsonws(&["call", demo.http_url(), "sum", "not json"], "")
        .expect_exit(2)
        .expect("stderr starting with `jsonws:`", |run| {
            run.stderr.starts_with("jsonws:")
        })
        .expect("nothing on stdout", |run| run.stdout.is_empty());
}

#[test]
fn unreachable_server_is_an_io_error() {
    // Port 1 (tcpmux) has no listener on a test machine: the connection is refused.
    jsonws(&["call", "http://127.0.0.1:1/x", "sum", "[1,2]"], "")
        .expect_exit(2)
        .expect("stderr starting with `jsonws:`", |run| {
            run.stderr.starts_with("jsonws:")
        });
}

#[test]
fn server_calls_back_and_the_answer_is_read_from_stdin() {
    let demo = Demo::start();
    jsonws(&["call", &demo.ws_url(), "ask", r#"["ok?"]"#], "sure\n")
        .expect_exit(0)
        .expect("the question on stderr", |run| run.stderr.contains("ok?"))
        .expect("the answer from stdin, as JSON, on stdout", |run| {
            run.stdout.trim() == r#""sure""#
        });
}

#[test]
fn serve_on_an_address_in_use_names_it_and_exits_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    let addr = taken.local_addr().expect("the bound address").to_string();
    jsonws(&["serve", "--addr", &addr], "")
        .expect_exit(2)
        .expect("stderr naming the address", |run| {
            run.stderr.starts_with("jsonws:") && run.stderr.contains(&addr)
        });
}

/// Starts `jsonws listen URL EVENTS --count N` and waits until it says it is listening.
fn listen(url: &str, events: &[&str], count: u32) -> Child {
    let mut args = vec!["listen".to_owned(), url.to_owned()];
    args.extend(events.iter().map(|e| (*e).to_owned()));
    args.extend(["--count".to_owned(), count.to_string()]);
    let mut child = Command::new(JSONWS)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {JSONWS} listen: {e}"));
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("listening to") => return child,
            Ok(_) => continue,
            Err(_) => {
                let _ = child.kill();
                panic!("`jsonws listen` never said it was listening");
            }
        }
    }
}

/// Waits for a child to exit on its own and returns its stdout.
fn finish(mut child: Child) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        match child.try_wait().expect("waiting for listen") {
            Some(status) => {
                let mut out = String::new();
                let _ = child
                    .stdout
                    .take()
                    .expect("stdout is piped")
                    .read_to_string(&mut out);
                assert!(status.success(), "listen exited with {status}: {out}");
                return out;
            }
            None if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            None => {
                let _ = child.kill();
                panic!("`jsonws listen` did not exit after its events");
            }
        }
    }
}

#[test]
fn a_chat_in_two_terminals() {
    let demo = Demo::start();
    let listener = listen(&demo.ws_url(), &["chat.message"], 1);
    jsonws(
        &["call", demo.http_url(), "chat.send", r#"["hello there"]"#],
        "",
    )
    .expect_exit(0);
    let out = finish(listener);
    let (event, data) = out
        .trim()
        .split_once(' ')
        .expect("`event data` on one line");
    assert_eq!(event, "chat.message");
    let data: serde_json::Value = serde_json::from_str(data).expect("the data is JSON");
    assert_eq!(data["text"], "hello there");
    assert!(
        data["at"].as_str().is_some_and(|at| at.ends_with('Z')),
        "{data}"
    );
}

#[test]
fn listen_prints_ticks() {
    let demo = Demo::start();
    let out = finish(listen(&demo.ws_url(), &["tick"], 2));
    let seqs: Vec<i64> = out
        .lines()
        .map(|line| {
            let data = line.strip_prefix("tick ").expect("a tick line");
            serde_json::from_str::<serde_json::Value>(data).expect("JSON")["seq"]
                .as_i64()
                .expect("seq")
        })
        .collect();
    assert_eq!(seqs.len(), 2, "{out}");
    assert_eq!(seqs[1], seqs[0] + 1, "{out}");
}

#[test]
fn listen_to_an_unknown_event_fails_clearly() {
    let demo = Demo::start();
    jsonws(&["listen", &demo.ws_url(), "nope"], "")
        .expect_exit(2)
        .expect("the unknown event named", |run| run.stderr.contains("nope"));
}

// issue 8 §9: `jsonws call` answered only `confirm`, and only with a string; it now answers
// any server → client method with JSON read from stdin.
#[test]
fn any_server_call_is_answered_with_json_from_stdin() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let url = runtime.block_on(async {
        let methods = jsonws::Methods::new().method("pick", |call: jsonws::Call| async move {
            let peer = call
                .peer()
                .cloned()
                .ok_or_else(jsonws::ErrorObject::internal)?;
            let choice: serde_json::Value = peer.call("choose", (["red", "blue"],)).await?;
            Ok::<_, jsonws::ErrorObject>(choice)
        });
        let server = jsonws::Server::new(methods);
        let app = axum::Router::new().nest("/rpc", server.router());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("the bound address");
        tokio::spawn(jsonws::server::serve(
            listener,
            app,
            server.shutdown_signal(),
        ));
        format!("ws://{addr}/rpc")
    });
    jsonws(
        &["call", &url, "pick"],
        "{\"color\": \"blue\", \"sure\": true}\n",
    )
    .expect_exit(0)
    .expect("the call and its params on stderr", |run| {
        run.stderr.contains("`choose`") && run.stderr.contains("red")
    })
    .expect(
        "the JSON answer, passed back by the server, on stdout",
        |run| {
            serde_json::from_str::<serde_json::Value>(&run.stdout).ok()
                == Some(serde_json::json!({"color": "blue", "sure": true}))
        },
    );
}

// issue 8 §9: a refused WebSocket handshake showed only "HTTP error: 404 Not Found".
#[test]
fn a_refused_handshake_shows_the_servers_reason() {
    let demo = Demo::start();
    let url = demo.ws_url().replace("1.0.0", "9.0.0");
    jsonws(&["call", &url, "sum", "[1,2]"], "")
        .expect_exit(2)
        .expect("the server's reason on stderr", |run| {
            run.stderr.contains("404")
                && run
                    .stderr
                    .contains("has no version matching `9.0.0`; it has 1.0.0")
        });
}

/// A file in a fresh temporary directory, removed with it.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("jsonws-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn gen_prints_a_client_generated_from_a_live_url() {
    let demo = Demo::start();
    jsonws(
        &["gen", "--lang", "typescript", "--url", demo.http_url()],
        "",
    )
    .expect_exit(0)
    .expect("the TypeScript client on stdout", |run| {
        run.stdout
            .starts_with("// Client for the service demo 1.0.0.")
            && run.stdout.contains("export class DemoClient")
    });
}

#[test]
fn gen_writes_the_file_into_out_with_the_name_given() {
    let demo = Demo::start();
    let dir = TempDir::new("gen-out");
    let out = dir.0.join("clients");
    let out = out.to_str().unwrap();
    jsonws(
        &[
            "gen",
            "--lang",
            "Python",
            "--url",
            demo.http_url(),
            "--name",
            "Shop",
            "--out",
            out,
        ],
        "",
    )
    .expect_exit(0)
    .expect("nothing on stdout", |run| run.stdout.is_empty());
    let source = std::fs::read_to_string(dir.0.join("clients/Shop.py")).unwrap();
    assert!(source.contains("class Shop:") && source.contains("class AsyncShop:"));
}

#[test]
fn gen_reads_every_file_format() {
    let dir = TempDir::new("gen-formats");
    let files = [
        dir.write(
            "meta.json",
            r#"{"name":"calc","version":"1.0.0","methods":{"sum":{"params":[{"name":"a","type":"int","isArray":false}],"returns":"int"}}}"#,
        ),
        dir.write(
            "rpc.json",
            r#"{"openrpc":"1.3.2","info":{"title":"calc","version":"1.0.0"},"methods":[{"name":"sum","params":[{"name":"a","required":true,"schema":{"type":"integer"}}],"result":{"name":"result","schema":{"type":"integer"}}}]}"#,
        ),
        dir.write(
            "calc.json",
            r#"{"methods":{"sum":{"params":[{"name":"a","type":"int"}],"returns":"int"}}}"#,
        ),
    ];
    for file in &files {
        jsonws(&["gen", "--lang", "rust", "--schema", file], "")
            .expect_exit(0)
            .expect("a Rust client of calc with sum(a: i64)", |run| {
                run.stdout.contains("pub struct CalcClient")
                    && run
                        .stdout
                        .contains("pub async fn sum(&self, a: i64) -> Result<i64, CallError>")
            });
    }
}

#[test]
fn gen_says_what_a_bad_file_looked_like_and_where_it_is_wrong() {
    let dir = TempDir::new("gen-bad");
    let meta = dir.write(
        "meta.json",
        r#"{"name":"calc","version":"1.0.0","methods":{"sum":{"params":[{"name":"a","type":["int"]}]}}}"#,
    );
    jsonws(&["gen", "--lang", "JavaScript", "--schema", &meta], "")
        .expect_exit(2)
        .expect("the format and the JSON path", |run| {
            run.stderr
                .contains("looks like a `?json` metadata document")
                && run
                    .stderr
                    .contains("$.methods.sum.params[0].type: expected a string, found an array")
        });
    let description = dir.write(
        "shop.json",
        r#"{"types":{"Item":{"struct":{"price":"Money"}}}}"#,
    );
    jsonws(
        &["gen", "--lang", "JavaScript", "--schema", &description],
        "",
    )
    .expect_exit(2)
    .expect("the format and the entry", |run| {
        run.stderr.contains("looks like a json-ws description file")
            && run.stderr.contains("types.Item.struct.price")
    });
    let not_json = dir.write("broken.json", "{ nope");
    jsonws(&["gen", "--lang", "JavaScript", "--schema", &not_json], "")
        .expect_exit(2)
        .expect("`is not JSON`", |run| run.stderr.contains("is not JSON"));
}

#[test]
fn gen_refuses_unknown_languages_bad_names_and_unreachable_urls() {
    jsonws(
        &[
            "gen",
            "--lang",
            "Cobol",
            "--url",
            "http://127.0.0.1:1/api/x/1",
        ],
        "",
    )
    .expect_exit(2)
    .expect("the languages listed", |run| {
        run.stderr.contains("JavaScript, TypeScript, Python, Rust")
    });
    jsonws(
        &[
            "gen",
            "--lang",
            "Rust",
            "--url",
            "http://127.0.0.1:1/api/x/1",
            "--name",
            "../x",
        ],
        "",
    )
    .expect_exit(2)
    .expect("the rule for names", |run| {
        run.stderr.contains("[A-Za-z_][A-Za-z0-9_]{0,63}")
    });
    jsonws(
        &[
            "gen",
            "--lang",
            "Rust",
            "--url",
            "http://127.0.0.1:1/api/x/1",
        ],
        "",
    )
    .expect_exit(2)
    .expect("cannot reach", |run| {
        run.stderr
            .contains("cannot reach http://127.0.0.1:1/api/x/1?json")
    });
    jsonws(&["gen", "--lang", "Rust"], "")
        .expect_exit(2)
        .expect("a usage error", |run| run.stderr.contains("--url"));
}
