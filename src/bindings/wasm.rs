//! wasm-bindgen surface (docs/contract.md §4): plain JS objects in and out, amounts as strings,
//! errors thrown as JS `Error` objects carrying `.code` and `.field`.

use crate::error::CoreError;
use crate::ops;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn js_error(e: &CoreError) -> JsValue {
    let err = js_sys::Error::new(e.message());
    let obj: &JsValue = err.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().into());
    let field: JsValue = e.field().map_or(JsValue::NULL, JsValue::from);
    let _ = js_sys::Reflect::set(obj, &"field".into(), &field);
    err.into()
}

fn run(op: &str, req: JsValue) -> Result<JsValue, JsValue> {
    let de = serde_wasm_bindgen::Deserializer::from(req);
    let resp = ops::run(op, de).map_err(|e| js_error(&e))?;
    // json_compatible: objects as plain objects (not Map), None as null, u64 as numbers.
    resp.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&CoreError::new("internal_error", e.to_string(), None)))
}

/// Runs any op by name: `call("quote", {rules, usage})`.
#[wasm_bindgen]
pub fn call(op: &str, req: JsValue) -> Result<JsValue, JsValue> {
    run(op, req)
}

#[wasm_bindgen]
pub fn version() -> Result<JsValue, JsValue> {
    run("version", js_sys::Object::new().into())
}

#[wasm_bindgen(js_name = validateRule)]
pub fn validate_rule(rule: JsValue) -> Result<JsValue, JsValue> {
    let req = js_sys::Object::new();
    js_sys::Reflect::set(&req, &"rule".into(), &rule)?;
    run("validate_rule", req.into())
}

#[wasm_bindgen]
pub fn quote(req: JsValue) -> Result<JsValue, JsValue> {
    run("quote", req)
}

#[wasm_bindgen(js_name = effectiveLimit)]
pub fn effective_limit(req: JsValue) -> Result<JsValue, JsValue> {
    run("effective_limit", req)
}

#[wasm_bindgen(js_name = periodKey)]
pub fn period_key(req: JsValue) -> Result<JsValue, JsValue> {
    run("period", req)
}

#[wasm_bindgen]
pub fn admit(req: JsValue) -> Result<JsValue, JsValue> {
    run("admit", req)
}

#[wasm_bindgen]
pub fn settle(req: JsValue) -> Result<JsValue, JsValue> {
    run("settle", req)
}

#[wasm_bindgen(js_name = adjustBalance)]
pub fn adjust_balance(req: JsValue) -> Result<JsValue, JsValue> {
    run("adjust_balance", req)
}

#[wasm_bindgen]
pub fn reconcile(req: JsValue) -> Result<JsValue, JsValue> {
    run("reconcile", req)
}

#[wasm_bindgen(js_name = idempotencyKey)]
pub fn idempotency_key(req: JsValue) -> Result<JsValue, JsValue> {
    run("idempotency_key", req)
}

#[wasm_bindgen(js_name = scoreBand)]
pub fn score_band(req: JsValue) -> Result<JsValue, JsValue> {
    run("score_band", req)
}

#[wasm_bindgen(js_name = csvRows)]
pub fn csv_rows(req: JsValue) -> Result<JsValue, JsValue> {
    run("csv_rows", req)
}

#[wasm_bindgen(js_name = retentionCutoff)]
pub fn retention_cutoff(req: JsValue) -> Result<JsValue, JsValue> {
    run("retention_cutoff", req)
}
