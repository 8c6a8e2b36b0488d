struct Demo;

#[jsonws::service]
impl Demo {
    fn finish(self) -> i64 {
        1
    }
}

fn main() {}
