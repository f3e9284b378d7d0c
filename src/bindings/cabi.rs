//! Plain C ABI over linear memory for the WebAssembly build that `wasm2php/` compiles to PHP
//! (docs/core.md): no imports, no wasm-bindgen, no floats. The host writes the op name and the JSON
//! request into buffers from `aipkit_alloc`, calls `aipkit_call`, reads the answer at
//! `aipkit_out_ptr()`/`aipkit_out_len()` (valid until the next call) and frees its input buffers.
//! Requests are read by `json::parse` and answers written by `json::write` (serde_json's number
//! reader uses floats); both agree with the FFI path byte for byte (tests/php-core).
//! A panic aborts (wasm32 cannot unwind): the `unreachable` trap becomes `internal_error` in PHP.

use super::json;
use crate::error::CoreError;
use crate::ops;
use std::cell::RefCell;

/// The statuses of php-bridge/aipkit_core.h (status 3, bad pointers, has no meaning here).
pub const STATUS_OK: i32 = 0;
pub const STATUS_CORE_ERROR: i32 = 1;
pub const STATUS_INTERNAL: i32 = 2;

thread_local! {
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn error_json(e: &CoreError) -> Vec<u8> {
    json::write(&e.to_payload())
        .map(String::into_bytes)
        .unwrap_or_else(|_| br#"{"code":"internal_error","message":"error encoding failed","field":null}"#.to_vec())
}

/// The op on JSON text, answered like `ffi::call_json`: (status, answer JSON).
pub fn call_text(op: &[u8], input: &[u8]) -> (i32, Vec<u8>) {
    let result = match std::str::from_utf8(op) {
        Err(_) => Err(crate::error::err("unknown_op", "The operation name is not valid UTF-8.", "op")),
        Ok(op) if !ops::OPS.contains(&op) => ops::run_value(op, &crate::value::Value::Null).map(|_| unreachable!()),
        Ok(op) => std::str::from_utf8(input)
            .map_err(|_| ops::unreadable("invalid UTF-8 in the request"))
            .and_then(|text| json::parse(text).map_err(ops::unreadable))
            .and_then(|v| ops::run_value(op, &v)),
    };
    match result {
        Ok(resp) => match json::write(&resp) {
            Ok(s) => (STATUS_OK, s.into_bytes()),
            Err(e) => (STATUS_INTERNAL, error_json(&CoreError::new("internal_error", e.to_string(), None))),
        },
        Err(e) => (STATUS_CORE_ERROR, error_json(&e)),
    }
}

/// The compact `price` on raw text: the answer line, or error JSON (status 1).
pub fn price_text(input: &[u8]) -> (i32, Vec<u8>) {
    let result = std::str::from_utf8(input)
        .map_err(|_| crate::error::err("malformed_input", "Malformed input: the price request is not valid UTF-8.", ""))
        .and_then(crate::price_text::price);
    match result {
        Ok(r) => (STATUS_OK, crate::price_text::answer_line(&r).into_bytes()),
        Err(e) => (STATUS_CORE_ERROR, error_json(&e)),
    }
}

fn keep(status: i32, buf: Vec<u8>) -> i32 {
    OUT.with(|o| *o.borrow_mut() = buf);
    status
}

/// # Safety
/// `ptr..ptr+len` must be memory this module handed out (or len 0).
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: per the contract above.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// ABI version, the same number the FFI library reports.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_abi_version() -> u32 {
    crate::ABI_VERSION
}

/// A buffer of `len` bytes for the host to write a request into; give it back with `aipkit_dealloc`.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_alloc(len: usize) -> *mut u8 {
    let mut v: Vec<u8> = Vec::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// # Safety
/// `ptr`/`len` must be exactly what `aipkit_alloc` returned/was given.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub unsafe extern "C" fn aipkit_dealloc(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: allocated by aipkit_alloc with capacity len.max(1).
        drop(unsafe { Vec::from_raw_parts(ptr, 0, len.max(1)) });
    }
}

/// Runs `op` on the JSON request; the answer waits at `aipkit_out_ptr`. Status as in the FFI header.
///
/// # Safety
/// Both buffers must be readable memory of this module.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub unsafe extern "C" fn aipkit_call(op: *const u8, op_len: usize, input: *const u8, input_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let (status, buf) = call_text(unsafe { bytes(op, op_len) }, unsafe { bytes(input, input_len) });
    keep(status, buf)
}

/// `price` on the compact text request (src/price_text.rs); the answer waits at `aipkit_out_ptr`.
///
/// # Safety
/// The buffer must be readable memory of this module.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub unsafe extern "C" fn aipkit_price_text(input: *const u8, input_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let (status, buf) = price_text(unsafe { bytes(input, input_len) });
    keep(status, buf)
}

/// Where the last answer starts (valid until the next call).
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().as_ptr())
}

/// The last answer's length in bytes.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_out_len() -> usize {
    OUT.with(|o| o.borrow().len())
}
