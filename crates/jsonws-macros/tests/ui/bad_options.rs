#[derive(jsonws::Type)]
struct Point {
    #[jsonws(default_json = "[1, 2")]
    xs: Vec<i64>,
    #[jsonws(defualt = 2)]
    y: i64,
    #[jsonws(default = [1, 2])]
    z: Vec<i64>,
}

fn main() {}
