//! Renders the shipped samples' documents many times in one thread and prints the time per
//! format: `cargo run --release --example render_speed [ROUNDS]`.
use std::time::Instant;

use invoicesmith::render::Format;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let data = invoicesmith::input::load(std::path::Path::new("samples")).expect("samples load");
    let plan = invoicesmith::issue::plan(&data, &invoicesmith::issue::NoHistory).expect("samples plan");
    let docs: Vec<_> = plan.documents.into_iter().map(|n| n.document).collect();
    for format in Format::ALL {
        let start = Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            for d in &docs {
                bytes += format.render(d).len();
            }
        }
        let n = rounds * docs.len();
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:>5}: {:9.1} docs/s  {:7.3} ms/doc  {:6.1} KB/doc",
            format.name(),
            n as f64 / secs,
            secs * 1000.0 / n as f64,
            bytes as f64 / n as f64 / 1024.0
        );
    }
}
