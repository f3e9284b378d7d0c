//! Mechanical adapters of `crate::ops`; no rules live here.

#[cfg(feature = "ffi")]
pub mod ffi;

#[cfg(any(feature = "wasm", test))]
pub mod json;

#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;
