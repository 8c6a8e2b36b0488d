struct Demo;

#[jsonws::service]
impl Demo {
    fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }
}

fn main() {}
