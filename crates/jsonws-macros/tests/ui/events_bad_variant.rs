#[derive(jsonws::Events)]
enum TodoEvent {
    /// Two values: events carry one.
    Moved(i64, i64),
    /// Named fields: use a struct that derives `jsonws::Type`.
    Renamed { from: String, to: String },
    #[jsonws(name = "moved")]
    AlsoMoved,
}

fn main() {}
