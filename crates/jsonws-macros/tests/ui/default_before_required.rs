struct Calc;

#[jsonws::service]
impl Calc {
    #[jsonws(namespace = "math")]
    fn pow(&self, base: f64, #[jsonws(default = 2)] exp: i64, scale: f64) -> f64 {
        base.powi(exp as i32) * scale
    }
}

fn main() {}
