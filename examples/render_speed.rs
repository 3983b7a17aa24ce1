//! Renders the shipped samples' documents many times in one thread and prints the time per
//! format: `cargo run --release --example render_speed [ROUNDS]`. `DATA=DIR` renders the
//! documents of another data folder instead (e.g. one made by `invoicesmith sample`, whose
//! customers' names and addresses differ, as in a real month), at most `LIMIT` (2,000) of them.
use std::time::Instant;

use mimalloc::MiMalloc;

/// The allocator the command uses, so the figures match it.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

use invoicesmith::render::Format;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(50);
    let dir = std::env::var("DATA").unwrap_or_else(|_| "samples".into());
    let limit: usize = std::env::var("LIMIT").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let data = invoicesmith::input::load(std::path::Path::new(&dir)).expect("data loads");
    let plan = invoicesmith::issue::plan(&data, &invoicesmith::issue::NoHistory).expect("data plans");
    let docs: Vec<_> = plan.documents().into_iter().take(limit).map(|n| n.document).collect();
    // `FORMAT=pdf` limits the run to one format (for profiling).
    let only = std::env::var("FORMAT").ok();
    for format in Format::ALL.iter().copied().filter(|f| only.as_deref().is_none_or(|o| o == f.name())) {
        // The best of five runs: this machine's other work only ever adds time.
        let mut secs = f64::MAX;
        let mut bytes = 0;
        for _ in 0..5 {
            let start = Instant::now();
            bytes = 0;
            for _ in 0..rounds {
                for d in &docs {
                    bytes += format.render(d).len();
                }
            }
            secs = secs.min(start.elapsed().as_secs_f64());
        }
        let n = rounds * docs.len();
        println!(
            "{:>5}: {:9.1} docs/s  {:7.3} ms/doc  {:6.1} KB/doc",
            format.name(),
            n as f64 / secs,
            secs * 1000.0 / n as f64,
            bytes as f64 / n as f64 / 1024.0
        );
    }
}
