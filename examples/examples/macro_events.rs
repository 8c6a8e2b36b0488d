//! Events from a `#[jsonws::service]`, and state shared by concurrent calls.
//!
//! `TodoEvent` (`#[derive(jsonws::Events)]`) declares the service's events, one per variant;
//! `#[jsonws::service(events = TodoEvent)]` puts them in the service's description. A method
//! emits by taking an `Emitter<TodoEvent>` param, or through one kept in its state: an event
//! that is not a variant, or data of the wrong type, does not compile.
//!
//! The state is the value the methods take `&self` of. One value answers every call, and calls
//! run concurrently, so what they change sits behind a `Mutex` (or atomics). Here ten clients
//! add todos at once; each add sees the ones before it, and a subscriber sees every event.
//!
//! Run it with:
//!
//! ```text
//! cargo run -p jsonws-examples --example macro_events
//! ```

use std::sync::Mutex;

use jsonws::client::WsClient;
use jsonws::server::Registry;
use jsonws::service::Emitter;
use jsonws::{Service, Type};

/// A thing to do.
#[derive(Debug, Clone, Type, serde::Deserialize)]
struct Todo {
    id: u64,
    title: String,
}

/// What the service announces.
#[derive(jsonws::Events)]
enum TodoEvent {
    /// A todo was added.
    #[jsonws(name = "todo.added")]
    Added(Todo),
    /// Every todo was removed.
    Cleared,
}

/// The service's state, shared by every call on every connection.
struct Todos {
    items: Mutex<Vec<Todo>>,
    /// An emitter kept in the state, bound to the service when it is built.
    events: Emitter<TodoEvent>,
}

#[jsonws::service(events = TodoEvent)]
impl Todos {
    /// Adds a todo and announces it.
    async fn add(&self, events: Emitter<TodoEvent>, title: String) -> Todo {
        let todo = {
            let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
            let todo = Todo {
                id: items.len() as u64 + 1,
                title,
            };
            items.push(todo.clone());
            todo
        };
        // Nobody listening is not an error; a service that is gone is, but this one serves.
        let _ = events.emit(TodoEvent::Added(todo.clone()));
        todo
    }

    /// Removes every todo.
    fn clear(&self) {
        self.items.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let _ = self.events.emit(TodoEvent::Cleared);
    }

    /// How many todos there are.
    fn count(&self) -> usize {
        self.items.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events = Emitter::new();
    let service = Service::builder("todo", "1.0.0")
        .emitter(&events)
        .define_all(Todos {
            items: Mutex::new(Vec::new()),
            events: events.clone(),
        })
        .build()?;
    let names: Vec<&str> = service.events().iter().map(|e| e.name.as_str()).collect();
    println!("events: {names:?}");
    assert_eq!(names, ["todo.added", "cleared"]);

    let registry = Registry::new().service(service);
    let app = axum::Router::new().nest("/api", registry.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/api/todo/1", listener.local_addr()?);
    let serving = tokio::spawn(jsonws::server::serve(
        listener,
        app,
        registry.shutdown_signal(),
    ));

    let watcher = WsClient::connect(&url).await?;
    let mut added = watcher.subscribe::<Todo>("todo.added").await?;
    let mut cleared = watcher.subscribe::<()>("cleared").await?;

    // Ten clients add at once.
    let mut adds = tokio::task::JoinSet::new();
    for i in 0..10 {
        let url = url.clone();
        adds.spawn(async move {
            let client = WsClient::connect(&url).await.map_err(|e| e.to_string())?;
            client
                .call::<Todo>("add", [format!("todo {i}")])
                .await
                .map_err(|e| e.to_string())
        });
    }
    let mut ids = Vec::new();
    while let Some(todo) = adds.join_next().await {
        ids.push(todo??.id);
    }
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=10).collect::<Vec<_>>(),
        "each add saw the ones before it"
    );

    let mut seen = Vec::new();
    for _ in 0..10 {
        let todo = tokio::time::timeout(std::time::Duration::from_secs(10), added.recv())
            .await?
            .ok_or("the subscription ended")??;
        seen.push(todo.id);
    }
    seen.sort_unstable();
    println!("the watcher saw todos {seen:?}");
    assert_eq!(seen, ids);

    let count: usize = watcher.call("count", ()).await?;
    assert_eq!(count, 10);
    let () = watcher.call("clear", ()).await?;
    tokio::time::timeout(std::time::Duration::from_secs(10), cleared.recv())
        .await?
        .ok_or("the subscription ended")??;
    println!("cleared");

    watcher.close();
    registry.shutdown().await;
    serving.await??;
    Ok(())
}
