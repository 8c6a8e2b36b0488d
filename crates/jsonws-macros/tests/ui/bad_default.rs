struct Calc;

#[jsonws::service]
impl Calc {
    fn scale(&self, #[jsonws(default = "two")] by: i64) -> i64 {
        by
    }

    fn flag(&self, #[jsonws(default = 1)] on: bool) -> bool {
        on
    }
}

#[derive(jsonws::Type)]
struct Options {
    #[jsonws(default = true)]
    name: String,
}

fn main() {}
