//! `jsonws gen`: a client for a service, from its live URL or from a file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonws::codegen::{Lang, Model, default_local_name, generate, valid_local_name};

pub(crate) struct Args {
    pub(crate) lang: String,
    pub(crate) url: Option<String>,
    pub(crate) schema: Option<PathBuf>,
    pub(crate) name: Option<String>,
    pub(crate) out: Option<PathBuf>,
}

pub(crate) async fn run(args: Args) -> anyhow::Result<()> {
    let Some(lang) = Lang::parse(&args.lang) else {
        bail!("{} (--lang TypeScript)", Lang::unknown(&args.lang));
    };
    if let Some(name) = &args.name
        && !valid_local_name(name)
    {
        bail!(
            "--name `{name}` is not usable: it must match [A-Za-z_][A-Za-z0-9_]{{0,63}}, e.g. --name DemoClient"
        );
    }
    let model = match (&args.url, &args.schema) {
        (Some(url), None) => from_url(url).await?,
        (None, Some(file)) => from_file(file)?,
        _ => bail!("give the service as --url URL or as --schema FILE (one of them)"),
    };
    let local_name = args
        .name
        .clone()
        .unwrap_or_else(|| default_local_name(&model.name));
    let source = generate(&model, lang, &local_name)?;
    match &args.out {
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(source.as_bytes())?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the directory {}", dir.display()))?;
            let path = dir.join(lang.file_name(&local_name));
            std::fs::write(&path, source).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("jsonws: wrote {}", path.display());
        }
    }
    Ok(())
}

fn from_file(file: &Path) -> anyhow::Result<Model> {
    let label = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {label}"))?;
    let doc: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!("{label} is not JSON; --schema takes a `?json` document, an OpenRPC document or a json-ws description file")
    })?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "service".into());
    if Model::sniff(&doc) == jsonws::codegen::Format::Description {
        // Imports are relative to the file.
        let service = jsonws::Service::builder(stem, "1.0.0")
            .import_file(file)
            .build()
            .map_err(|e| {
                anyhow::anyhow!(
                    "{label}: this looks like a json-ws description file (it has no `openrpc` key and no `name` and `version`), but: {}",
                    e.problems.join("; ")
                )
            })?;
        return Ok(Model::from_service(&service));
    }
    Ok(Model::read(&doc, Some(&stem), &label)?)
}

async fn from_url(url: &str) -> anyhow::Result<Model> {
    let base = url.split(['?', '#']).next().unwrap_or(url);
    let base = if let Some(rest) = base.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        base.to_owned()
    };
    if base.starts_with("https://") || base.starts_with("wss://") {
        bail!(
            "jsonws gen fetches http:// URLs only; download {base}?json yourself (curl -o service.json '{base}?json') and pass --schema service.json"
        );
    }
    if !base.starts_with("http://") {
        bail!(
            "URL `{url}` must start with http:// (the service's URL, e.g. http://127.0.0.1:3000/api/demo/1.0.0)"
        );
    }
    let meta_url = format!("{base}?json");
    let uri: hyper::Uri = meta_url
        .parse()
        .with_context(|| format!("`{url}` is not a valid URL"))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = tokio::time::timeout(Duration::from_secs(30), client.get(uri))
        .await
        .with_context(|| format!("{meta_url} did not answer within 30 s"))?
        .with_context(|| format!("cannot reach {meta_url}: is the server running?"))?;
    let status = response.status();
    let body = tokio::time::timeout(Duration::from_secs(30), response.into_body().collect())
        .await
        .with_context(|| format!("{meta_url} did not send its body within 30 s"))?
        .with_context(|| format!("reading the answer of {meta_url}"))?
        .to_bytes();
    if !status.is_success() {
        bail!(
            "{meta_url} answered {status}: {}",
            String::from_utf8_lossy(&body).trim()
        );
    }
    let doc: serde_json::Value = serde_json::from_slice(&body).with_context(|| {
        format!("{meta_url} did not answer with JSON: is {base} a jsonws or json-ws service?")
    })?;
    Ok(Model::read(&doc, None, &meta_url)?)
}

#[cfg(test)]
mod tests {
    use jsonws::codegen::{Lang, Model, generate};

    /// The four demo clients, as golden files: a change in the generator's output shows as a
    /// diff (`cargo insta review`). The Rust one must also be the file the Rust client crate
    /// compiles and runs (tests/codegen/rust/src/demo_client.rs).
    #[test]
    fn golden_demo_clients() {
        let model = Model::from_service(&crate::demo::service().unwrap());
        for lang in Lang::ALL {
            let source = generate(&model, lang, "DemoClient").unwrap();
            insta::assert_snapshot!(format!("demo_{}", lang.name().to_ascii_lowercase()), source);
            if lang == Lang::Rust {
                let committed = include_str!("../../../tests/codegen/rust/src/demo_client.rs");
                assert!(
                    source == committed,
                    "tests/codegen/rust/src/demo_client.rs is not what the generator writes now; regenerate it: \
                     cargo run -p jsonws-cli -- gen --lang Rust --url http://127.0.0.1:PORT/api/demo/1.0.0 --out tests/codegen/rust/src"
                );
            }
        }
    }
}
