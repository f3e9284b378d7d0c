//! Native (Rust, no FFI) throughput of the `quote` op on the seed example, through the same JSON
//! entry point the FFI export uses and through the typed core function. Prints figures only.
//! Run: cargo run --release --example bench_quote [iterations]

use aipkit_usage::bindings::ffi::call_json;
use aipkit_usage::money::Credits;
use aipkit_usage::pricing::{self, RuleDraft, Usage, UsageType};
use std::hint::black_box;
use std::time::Instant;

const REQ: &str = r#"{"rules":[{"id":7,"usage_type":"chat","provider":"openai","model":"gpt-4o","method":"per_1k_tokens","input_rate":"1","output_rate":"2"}],"usage":{"usage_type":"chat","provider":"openai","model":"gpt-4o","input_tokens":800,"output_tokens":300}}"#;

/// On-CPU time of this thread in ns (/proc/thread-self/schedstat): unlike wall time it does not
/// count time spent waiting for a core, so figures stay comparable on a busy machine.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok().and_then(|s| s.split_whitespace().next()?.parse().ok()).unwrap_or(0)
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let (st, body) = call_json(b"quote", REQ.as_bytes());
    assert_eq!(st, 0);
    assert!(String::from_utf8_lossy(&body).contains("\"credits\":\"1.400000\""));

    let t = Instant::now();
    let c = cpu_ns();
    for _ in 0..n {
        black_box(call_json(black_box(b"quote"), black_box(REQ.as_bytes())));
    }
    let json = t.elapsed().as_secs_f64();
    let json_cpu = (cpu_ns() - c) as f64 / 1e9;

    let t = Instant::now();
    for _ in 0..n {
        black_box(serde_json::from_slice::<aipkit_usage::value::Value>(black_box(REQ.as_bytes())).unwrap());
    }
    let parse = t.elapsed().as_secs_f64();
    let v: aipkit_usage::value::Value = serde_json::from_slice(REQ.as_bytes()).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        black_box(aipkit_usage::ops::run_value("quote", black_box(&v)).unwrap());
    }
    let ops_only = t.elapsed().as_secs_f64();
    let resp = aipkit_usage::ops::run_value("quote", &v).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        black_box(serde_json::to_vec(black_box(&resp)).unwrap());
    }
    let ser = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for _ in 0..n {
        black_box(call_json(black_box(b"price"), black_box(REQ.as_bytes())));
    }
    let lean = t.elapsed().as_secs_f64();
    let rule = pricing::validate(
        RuleDraft {
            id: Some(7),
            usage_type: "chat",
            provider: "openai",
            model: "gpt-4o",
            method: "per_1k_tokens",
            input_rate: Some(Credits::parse("1", "r").unwrap()),
            output_rate: Some(Credits::parse("2", "r").unwrap()),
            unit_rate: None,
        },
        "rule",
    )
    .unwrap();
    let usage = Usage { usage_type: UsageType::Chat, provider: "openai".into(), model: "gpt-4o".into(), input_tokens: 800, output_tokens: 300, images: 0, videos: 0 };
    let rules = [rule];
    let t = Instant::now();
    let c = cpu_ns();
    for _ in 0..n {
        black_box(pricing::quote(black_box(&rules), black_box(&usage)).unwrap());
    }
    let typed = t.elapsed().as_secs_f64();
    let typed_cpu = (cpu_ns() - c) as f64 / 1e9;
    println!("rust-json  {:>12.0} req/s {:>8.3} us/call {:>8.3} cpu-us/call  (JSON in/out, same path as FFI, {n} calls)", n as f64 / json, json * 1e6 / n as f64, json_cpu * 1e6 / n as f64);
    println!("rust-price {:>12.0} req/s {:>8.3} us/call  (JSON in/out, lean `price` answer)", n as f64 / lean, lean * 1e6 / n as f64);
    println!("  of which: read JSON {:.3} us, op on the read value {:.3} us, write JSON {:.3} us", parse * 1e6 / n as f64, ops_only * 1e6 / n as f64, ser * 1e6 / n as f64);
    println!("rust-typed {:>12.0} req/s {:>8.3} us/call {:>8.3} cpu-us/call  (pricing::quote on parsed values)", n as f64 / typed, typed * 1e6 / n as f64, typed_cpu * 1e6 / n as f64);
}
