struct Report {
    lines: Vec<String>,
}

struct Reports;

#[jsonws::service]
impl Reports {
    fn report(&self) -> Report {
        Report { lines: Vec::new() }
    }

    fn maybe(&self) -> Result<Report, jsonws::ErrorObject> {
        Ok(Report { lines: Vec::new() })
    }
}

fn main() {}
