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
