//! What every benchmark binary shares: a rate measurement and the `--quick` switch.

use std::time::{Duration, Instant};

/// Calls per second of `f`: warm up for a tenth of `dur`, then call it in batches of
/// `batch` until `dur` has passed (batching keeps the clock out of fast loops).
pub fn rate(dur: Duration, batch: u64, f: &mut dyn FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < dur / 10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < dur {
        for _ in 0..batch {
            f();
        }
        n += batch;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// True when the binary was run with `--quick` (as `make test` does).
pub fn quick() -> bool {
    std::env::args().any(|a| a == "--quick")
}
