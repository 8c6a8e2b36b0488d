struct Calc;

#[jsonws::service]
impl Calc {
    #[jsonws(errors(-32001 = "Timed out"))]
    fn slow(&self) {}
}

fn main() {}
