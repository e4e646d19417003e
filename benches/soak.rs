//! The soak of tests/soak.rs, measured: 64 concurrent sessions of alice and
//! bob over all four transports make 10,000 calls against the embedded Odoo
//! while it fails 10 % of the requests; calls per second, and the process's
//! peak memory (printed after each run: criterion measures time only).
//! Against a fault-free run of the same workload in the same run, the ratio
//! is what the faults and their retries cost.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/support/soak.rs"]
mod soak;

use soak::{SoakConfig, run_soak};

const CALLS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("soak_64_sessions_10k_calls");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(CALLS as u64));
    for (name, fault_share) in [("no_faults", 0.0), ("ten_percent_faults", 0.10)] {
        group.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iterations| async move {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let report = run_soak(SoakConfig {
                        sessions: 64,
                        calls: CALLS,
                        fault_share,
                    })
                    .await;
                    assert!(report.failed_reads.is_empty() && report.duplicates.is_empty());
                    eprintln!("{name}: {report}");
                    total += report.elapsed;
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
