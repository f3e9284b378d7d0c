//! Mechanical adapters of `crate::ops`; no rules live here.

#[cfg(feature = "ffi")]
pub mod ffi;

/// Plain C ABI over linear memory for the import-free wasm build compiled to PHP (wasm2php/).
/// Built natively too (exports unmangled only on wasm32) so tests compare it with the FFI path.
#[cfg(feature = "cabi")]
pub mod cabi;

/// Used by the wasm binding; always built (serde only) so native tests can compare it with serde_json.
pub mod json;

#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;

/// The statuses of php-bridge/aipkit_core.h, for both C ABIs (status 3, bad pointers, is the FFI's only).
#[cfg(any(feature = "ffi", feature = "cabi"))]
pub mod status {
    pub const STATUS_OK: i32 = 0;
    pub const STATUS_CORE_ERROR: i32 = 1;
    pub const STATUS_INTERNAL: i32 = 2;
    pub const STATUS_BAD_ARGS: i32 = 3;
}

/// An error's JSON answer, the same bytes on both C ABIs (`json::write` writes what serde_json
/// writes: `bindings::json` tests, tests/php-core compares the two backends byte for byte).
#[cfg(any(feature = "ffi", feature = "cabi"))]
pub(crate) fn error_json(e: &crate::error::CoreError) -> Vec<u8> {
    json::write(&e.to_payload())
        .map(String::into_bytes)
        .unwrap_or_else(|_| br#"{"code":"internal_error","message":"error encoding failed","field":null}"#.to_vec())
}

/// The compact `price` on raw text (src/price_text.rs): (status, the answer line or error JSON).
#[cfg(any(feature = "ffi", feature = "cabi"))]
pub fn price_text(input: &[u8]) -> (i32, Vec<u8>) {
    use status::{STATUS_CORE_ERROR, STATUS_OK};
    let result = std::str::from_utf8(input)
        .map_err(|_| crate::error::err("malformed_input", "Malformed input: the price request is not valid UTF-8.", ""))
        .and_then(crate::price_text::price);
    match result {
        Ok(r) => (STATUS_OK, crate::price_text::answer_line(&r).into_bytes()),
        Err(e) => (STATUS_CORE_ERROR, error_json(&e)),
    }
}
