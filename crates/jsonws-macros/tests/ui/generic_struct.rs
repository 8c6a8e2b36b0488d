#[derive(jsonws::Type)]
struct Page<T> {
    items: Vec<T>,
}

fn main() {}
