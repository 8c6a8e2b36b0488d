#[derive(jsonws::Type)]
enum Shape {
    Empty,
    Circle(f64),
}

fn main() {}
