use jsonws::service::Emitter;

#[derive(jsonws::Events)]
enum TodoEvent {
    /// A todo was added.
    Added(String),
}

struct Todos;

#[jsonws::service(events = TodoEvent)]
impl Todos {
    fn add(&self, events: Emitter<TodoEvent>, title: String) {
        let _ = events.emit(TodoEvent::Addded(title));
    }
}

fn main() {}
