//! Runs every golden vector (tests/vectors/*.json) through the same entry point the FFI uses.
//! Node (tests/node/) and PHP (tests/php-core/) run the same files; all three must agree exactly.

use aipkit_usage::bindings::ffi::call_json;
use serde_json::Value;
use std::path::Path;

fn load_all() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let fam = f.file_stem().unwrap().to_string_lossy().to_string();
        let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        out.extend(cases.into_iter().map(|c| (fam.clone(), c)));
    }
    out
}

#[test]
fn golden_vectors() {
    let cases = load_all();
    assert!(cases.len() >= 150, "only {} vectors", cases.len());
    let mut failures = Vec::new();
    for (fam, c) in &cases {
        let name = c["name"].as_str().unwrap();
        let op = c["op"].as_str().unwrap();
        let input = serde_json::to_vec(&c["input"]).unwrap();
        let (status, body) = call_json(op.as_bytes(), &input);
        let got: Value = serde_json::from_slice(&body).unwrap();
        if let Some(expect) = c.get("expect") {
            if status != 0 || &got != expect {
                failures.push(format!("[{fam}] {name}: status {status}\n   got {got}\n  want {expect}"));
            }
        } else {
            let code = c["error"].as_str().unwrap();
            let field_ok = c.get("field").is_none_or(|f| got.get("field") == Some(f));
            if status != 1 || got["code"] != code || !field_ok {
                failures.push(format!("[{fam}] {name}: status {status}\n   got {got}\n  want error {code} field {:?}", c.get("field")));
            }
            assert!(got["message"].as_str().is_some_and(|m| !m.is_empty()), "{name}: error without message");
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn every_op_and_error_code_is_covered_by_vectors() {
    let cases = load_all();
    for op in aipkit_usage::ops::OPS {
        assert!(cases.iter().any(|(_, c)| c["op"] == *op && c.get("expect").is_some()), "no success vector for {op}");
    }
    for code in aipkit_usage::error::ALL_CODES {
        if *code == "internal_error" {
            continue; // only reachable through a caught panic
        }
        assert!(cases.iter().any(|(_, c)| c["error"] == *code), "no vector for error {code}");
    }
}
