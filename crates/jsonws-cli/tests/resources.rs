//! The real server out of file descriptors: idle sockets beyond its limit must not starve
//! normal requests for good. It backs off while `accept` fails, its header timeout closes the
//! idle sockets, and normal requests are served again.

mod support;

use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{Demo, JSONWS, post};

#[test]
fn idle_sockets_past_the_file_limit_do_not_starve_the_server() {
    let mut command = Command::new("sh");
    command.args([
        "-c",
        r#"ulimit -n 64 && exec "$0" serve --addr 127.0.0.1:0"#,
        JSONWS,
    ]);
    let demo = Demo::spawn(command);
    let addr = demo
        .http_url()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    // More idle connections than the server has descriptors; they send nothing.
    let idle: Vec<TcpStream> = (0..80)
        .map(|_| TcpStream::connect(&addr).expect("the kernel queues connections"))
        .collect();
    // The idle ones are closed after the 10 s header timeout; a call queued behind them is
    // then served (the helper waits up to 20 s for its answer).
    let started = Instant::now();
    let (status, body) = post(
        demo.http_url(),
        r#"{"jsonrpc":"2.0","method":"sum","params":[2,3],"id":1}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""result":5"#), "{body}");
    assert!(started.elapsed() < Duration::from_secs(20));
    drop(idle);
}
