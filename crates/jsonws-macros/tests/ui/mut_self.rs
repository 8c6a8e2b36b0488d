struct Counter {
    count: i64,
}

#[jsonws::service]
impl Counter {
    fn bump(&mut self) -> i64 {
        self.count += 1;
        self.count
    }
}

fn main() {}
