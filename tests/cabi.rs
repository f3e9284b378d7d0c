//! The C-ABI binding the PHP core is built from (src/bindings/cabi.rs) answers every golden
//! vector byte for byte like the FFI entry point (errors: same code and field; a message may differ
//! only for unreadable JSON, where serde_json words it). Run natively: cargo test --features cabi.
#![cfg(feature = "cabi")]

use aipkit_usage::bindings::{cabi, ffi};
use serde_json::Value;

#[test]
fn cabi_answers_like_ffi() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut n = 0;
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for c in cases {
            let op = c["op"].as_str().unwrap();
            let input = serde_json::to_vec(&c["input"]).unwrap();
            let a = ffi::call_json(op.as_bytes(), &input);
            let b = cabi::call_text(op.as_bytes(), &input);
            let (ea, eb): (Value, Value) = (serde_json::from_slice(&a.1).unwrap(), serde_json::from_slice(&b.1).unwrap());
            if a.0 == 1 && ea["code"] == "malformed_input" {
                assert_eq!((b.0, &eb["code"], &eb["field"]), (1, &ea["code"], &ea["field"]), "{}", c["name"]);
            } else {
                assert_eq!(a, b, "{}", c["name"]);
            }
            n += 1;
        }
    }
    assert!(n >= 150);
    assert_eq!(cabi::price_text(b"chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"), ffi::price_text(b"chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"));
}
