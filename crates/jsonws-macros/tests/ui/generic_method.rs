struct Demo;

#[jsonws::service]
impl Demo {
    fn echo<T: jsonws::Type>(&self, value: T) -> T {
        value
    }
}

fn main() {}
