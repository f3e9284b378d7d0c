//! wasm-bindgen surface (docs/contract.md §4): plain JS objects in and out, amounts as strings,
//! errors thrown as JS `Error` objects carrying `.code` and `.field`.
//!
//! Requests cross as one JSON text (JSON.stringify with a guard for values JSON cannot carry) and
//! responses come back through one JSON.parse, so results are always plain objects and arrays
//! (never Maps) and the cost is two crossings instead of one per field and string.

use crate::error::CoreError;
use super::json;
use crate::ops;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn js_error(e: &CoreError) -> JsValue {
    let err = js_sys::Error::new(e.message());
    let obj: &JsValue = err.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().into());
    let field: JsValue = e.field().map_or(JsValue::NULL, JsValue::from);
    let _ = js_sys::Reflect::set(obj, &"field".into(), &field);
    err.into()
}

#[wasm_bindgen(inline_js = r#"
// True when JSON.stringify alone carries every value faithfully; then the (much faster) plain
// stringify gives exactly what the guarded one below would.
function plain(x, d) {
  switch (typeof x) {
    case 'string': case 'boolean': case 'undefined': return true;
    case 'number': return Number.isFinite(x);
    case 'object':
      if (x === null) return true;
      if (d > 40 || typeof x.toJSON === 'function') return false;
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) { if (x[i] === undefined || !plain(x[i], d + 1)) return false; }
        return true;
      }
      for (const k in x) { if (!plain(x[k], d + 1)) return false; }
      return true;
    default: return false;
  }
}
function guard(k, x) {
  if (typeof x === 'bigint') return Number(x);
  // NaN/Infinity would silently become null (= "absent"); keep them visibly invalid instead.
  if (typeof x === 'number' && !Number.isFinite(x)) return 0.5;
  if (typeof x === 'symbol' || typeof x === 'function') throw new TypeError('a ' + typeof x + ' cannot be part of a request');
  return x;
}
// The priceText answer built directly (no JSON text + JSON.parse for four fields); rule_id < 0 = none.
export function aipkit_price_obj(credits, rule_id, fallback, units) {
  return { credits, rule_id: rule_id < 0 ? null : rule_id, fallback, units };
}
export function aipkit_request_json(v) {
  if (v === undefined) v = null;
  return plain(v, 0) ? JSON.stringify(v) : JSON.stringify(v, guard);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn aipkit_request_json(v: &JsValue) -> Result<String, JsValue>;
    fn aipkit_price_obj(credits: &str, rule_id: f64, fallback: bool, units: &str) -> JsValue;
}

fn run(op: &str, req: JsValue) -> Result<JsValue, JsValue> {
    if !ops::OPS.contains(&op) {
        return Err(js_error(&ops::run_value(op, &crate::value::Value::Null).unwrap_err()));
    }
    let text = aipkit_request_json(&req).map_err(|e| {
        let msg = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        js_error(&ops::unreadable(msg))
    })?;
    let value = json::parse(&text).map_err(|m| js_error(&ops::unreadable(m)))?;
    let resp = ops::run_value(op, &value).map_err(|e| js_error(&e))?;
    let out = json::write(&resp).map_err(|e| js_error(&CoreError::new("internal_error", e.to_string(), None)))?;
    js_sys::JSON::parse(&out)
}

/// A string argument taken as `JsValue`: wasm-bindgen's `&str` glue does not check the type, and a
/// number, object or null there traps inside the allocator ("memory access out of bounds").
fn string_arg(v: &JsValue, code: &str, what: &str, field: &str) -> Result<String, JsValue> {
    v.as_string().ok_or_else(|| {
        let kind = if v.is_null() { "null".to_owned() } else { v.js_typeof().as_string().unwrap_or_default() };
        js_error(&crate::error::err(code, format!("{what} must be a string, not {kind}."), field))
    })
}

/// Runs any op by name: `call("quote", {rules, usage})`.
#[wasm_bindgen]
pub fn call(op: JsValue, req: JsValue) -> Result<JsValue, JsValue> {
    run(&string_arg(&op, "unknown_op", "The operation name", "op")?, req)
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

/// `quote` without breakdown and snapshot: `{credits, rule_id, fallback, units}` (metering hot path).
#[wasm_bindgen]
pub fn price(req: JsValue) -> Result<JsValue, JsValue> {
    run("price", req)
}

/// `price` on the compact text request (src/price_text.rs): one string in, no JSON.stringify of
/// rules and usage; answers the same plain object as `price()`.
#[wasm_bindgen(js_name = priceText)]
pub fn price_text(text: JsValue) -> Result<JsValue, JsValue> {
    let text = string_arg(&text, "malformed_input", "Malformed input: the price request", "text")?;
    let r = crate::price_text::price(&text).map_err(|e| js_error(&e))?;
    // Ids are at most 2^53 - 1 (checked when read), so the f64 is exact.
    Ok(aipkit_price_obj(&r.credits, r.rule_id.map_or(-1.0, |id| id as f64), r.fallback, &r.units))
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
