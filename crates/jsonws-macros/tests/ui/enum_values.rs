#[derive(jsonws::Type)]
enum Level {
    Low,
    #[jsonws(value = 0)]
    High,
    Mid = 3,
    #[jsonws(value = 4)]
    Top = 4,
    #[jsonws(rename = "Low")]
    Lowest,
}

fn main() {}
