//! Mechanical adapters of `crate::ops`; no rules live here.

#[cfg(feature = "ffi")]
pub mod ffi;

/// Used by the wasm binding; always built (serde only) so native tests can compare it with serde_json.
pub mod json;

#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;
