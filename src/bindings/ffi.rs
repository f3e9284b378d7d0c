//! C ABI for PHP FFI (docs/contract.md §3, php-bridge/aipkit_core.h). JSON in, JSON out.
//! Every export catches panics: a panic must never unwind into PHP and kill the worker.

use crate::error::CoreError;
use crate::ops;
use std::panic::{catch_unwind, AssertUnwindSafe};

pub use super::price_text;
pub use super::status::{STATUS_BAD_ARGS, STATUS_CORE_ERROR, STATUS_INTERNAL, STATUS_OK};
use super::error_json;

/// Runs one op on JSON bytes; returns the status and the JSON to hand back.
pub fn call_json(op: &[u8], input: &[u8]) -> (i32, Vec<u8>) {
    let result = match std::str::from_utf8(op) {
        Err(_) => Err(crate::error::err("unknown_op", "The operation name is not valid UTF-8.", "op")),
        Ok(op) => {
            let mut de = serde_json::Deserializer::from_slice(input);
            ops::run(op, &mut de).and_then(|resp| {
                de.end().map_err(|e| {
                    let mut m = e.to_string();
                    if let Some(i) = m.find(" at line ") {
                        m.truncate(i);
                    }
                    crate::error::err("malformed_input", format!("Malformed input: {m}."), "")
                })?;
                Ok(resp)
            })
        }
    };
    match result {
        Ok(resp) => match serde_json::to_vec(&resp) {
            Ok(v) => (STATUS_OK, v),
            Err(e) => (STATUS_INTERNAL, error_json(&CoreError::new("internal_error", e.to_string(), None))),
        },
        Err(e) => (STATUS_CORE_ERROR, error_json(&e)),
    }
}

fn give(buf: Vec<u8>, out: *mut *mut u8, out_len: *mut usize) {
    let boxed: Box<[u8]> = buf.into_boxed_slice();
    let len = boxed.len();
    let ptr = Box::into_raw(boxed) as *mut u8;
    // SAFETY: the caller checked both out-params are non-null.
    unsafe {
        *out = ptr;
        *out_len = len;
    }
}

/// ABI version of this library; PHP refuses a library whose version differs from its own.
#[no_mangle]
pub extern "C" fn aipkit_abi_version() -> u32 {
    crate::ABI_VERSION
}

/// Runs `op` on the JSON `input`. See the header for ownership and status codes.
///
/// # Safety
/// `op`/`input` must point to `op_len`/`input_len` readable bytes (input may be null when its
/// length is 0); `out` and `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn aipkit_call(
    op: *const u8,
    op_len: usize,
    input: *const u8,
    input_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
) -> i32 {
    if op.is_null() || out.is_null() || out_len.is_null() || (input.is_null() && input_len != 0) {
        return STATUS_BAD_ARGS;
    }
    answer(
        || {
            // SAFETY: non-null and sized by the caller, per the contract above.
            let op = unsafe { std::slice::from_raw_parts(op, op_len) };
            let input: &[u8] = if input_len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(input, input_len) } };
            call_json(op, input)
        },
        out,
        out_len,
    )
}


/// Hands `run`'s answer to the caller; a panic anywhere becomes status 2 with internal_error JSON.
fn answer(run: impl FnOnce() -> (i32, Vec<u8>), out: *mut *mut u8, out_len: *mut usize) -> i32 {
    let (status, buf) = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(_) => (
            STATUS_INTERNAL,
            br#"{"code":"internal_error","message":"The core hit an internal error; nothing was changed.","field":null}"#.to_vec(),
        ),
    };
    match catch_unwind(AssertUnwindSafe(|| give(buf, out, out_len))) {
        Ok(()) => status,
        Err(_) => STATUS_INTERNAL,
    }
}

/// Prices the compact text request (metering hot path). See the header for the formats.
///
/// # Safety
/// `input` must point to `input_len` readable bytes (may be null when its length is 0);
/// `out` and `out_len` must be writable.
#[no_mangle]
pub unsafe extern "C" fn aipkit_price_text(input: *const u8, input_len: usize, out: *mut *mut u8, out_len: *mut usize) -> i32 {
    if out.is_null() || out_len.is_null() || (input.is_null() && input_len != 0) {
        return STATUS_BAD_ARGS;
    }
    answer(
        || {
            // SAFETY: non-null and sized by the caller, per the contract above.
            let input: &[u8] = if input_len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(input, input_len) } };
            price_text(input)
        },
        out,
        out_len,
    )
}

/// Frees a buffer returned through `out` by `aipkit_call` or `aipkit_price_text`, exactly once.
///
/// # Safety
/// `ptr`/`len` must be exactly what `aipkit_call` wrote (or ptr null, which is ignored).
#[no_mangle]
pub unsafe extern "C" fn aipkit_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: ptr/len came from Box<[u8]>::into_raw in `give`.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(op: &str, input: &str) -> (i32, serde_json::Value) {
        let mut out: *mut u8 = std::ptr::null_mut();
        let mut len = 0usize;
        let st = unsafe { aipkit_call(op.as_ptr(), op.len(), input.as_ptr(), input.len(), &mut out, &mut len) };
        let v = serde_json::from_slice(unsafe { std::slice::from_raw_parts(out, len) }).unwrap();
        unsafe { aipkit_free(out, len) };
        (st, v)
    }

    #[test]
    fn statuses() {
        let (st, v) = call("version", "{}");
        assert_eq!(st, 0);
        assert_eq!(v["abi"], 2);
        let (st, v) = call("nope", "{}");
        assert_eq!((st, v["code"].as_str()), (1, Some("unknown_op")));
        let (st, v) = call("version", "{} x");
        assert_eq!((st, v["code"].as_str()), (1, Some("malformed_input")));
        let (st, v) = call("admit", "{\"estimate\":");
        assert_eq!((st, v["code"].as_str()), (1, Some("malformed_input")));
        let mut out: *mut u8 = std::ptr::null_mut();
        let mut len = 0usize;
        assert_eq!(unsafe { aipkit_call(std::ptr::null(), 0, std::ptr::null(), 0, &mut out, &mut len) }, STATUS_BAD_ARGS);
        assert!(out.is_null());
        assert_eq!(unsafe { aipkit_call(b"version".as_ptr(), 7, std::ptr::null(), 5, &mut out, &mut len) }, STATUS_BAD_ARGS);
        assert_eq!(unsafe { aipkit_call(b"version".as_ptr(), 7, b"{}".as_ptr(), 2, std::ptr::null_mut(), &mut len) }, STATUS_BAD_ARGS);
        unsafe { aipkit_free(std::ptr::null_mut(), 0) };
    }

    #[test]
    fn price_text_entry() {
        let t = "chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t";
        let mut out: *mut u8 = std::ptr::null_mut();
        let mut len = 0usize;
        let st = unsafe { aipkit_price_text(t.as_ptr(), t.len(), &mut out, &mut len) };
        assert_eq!(st, 0);
        assert_eq!(unsafe { std::slice::from_raw_parts(out, len) }, b"1.400000\t7\t0\t1100");
        unsafe { aipkit_free(out, len) };
        let st = unsafe { aipkit_price_text(std::ptr::null(), 0, &mut out, &mut len) };
        assert_eq!(st, 1);
        assert!(unsafe { std::slice::from_raw_parts(out, len) }.starts_with(b"{\"code\":\"malformed_input\""));
        unsafe { aipkit_free(out, len) };
        assert_eq!(unsafe { aipkit_price_text(std::ptr::null(), 3, &mut out, &mut len) }, STATUS_BAD_ARGS);
        assert_eq!(price_text(&[0xff]).0, 1);
    }

    #[test]
    fn a_panic_becomes_status_2_with_internal_error() {
        // No input reaches a panic (tests/fuzz_inputs.rs); this proves the guard every export uses.
        let mut out: *mut u8 = std::ptr::null_mut();
        let mut len = 0usize;
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let st = answer(|| panic!("boom"), &mut out, &mut len);
        std::panic::set_hook(prev);
        assert_eq!(st, STATUS_INTERNAL);
        let v: serde_json::Value = serde_json::from_slice(unsafe { std::slice::from_raw_parts(out, len) }).unwrap();
        unsafe { aipkit_free(out, len) };
        assert_eq!(v["code"], "internal_error");
        assert!(v["message"].as_str().unwrap().contains("nothing was changed"));
    }

    #[test]
    fn invalid_utf8_op() {
        let (st, body) = call_json(&[0xff, 0xfe], b"{}");
        assert_eq!(st, 1);
        assert!(String::from_utf8(body).unwrap().contains("unknown_op"));
    }
}
