//! aipkit-usage core: every rule of credit pricing, quotas, holds and the ledger as pure functions.
//! No clock, no environment, no I/O: callers pass "now", the site's offsets and ids.
//! The bindings (wasm, FFI, the C ABI compiled to PHP) live in `bindings/` and only convert and
//! delegate to `ops`. No floats: the PHP build (wasm2php/) is integer-only; `RawNum::from_f64` is
//! the one allowed place, where serde_json hands over a JSON number with a fraction.
#![deny(clippy::float_arithmetic)]

pub mod admission;
pub mod digits;
pub mod error;
pub mod ledger;
pub mod logs;
pub mod money;
pub mod ops;
pub mod value;
pub mod period;
pub mod price_text;
pub mod pricing;
pub mod quota;

pub mod bindings;

pub use error::CoreError;
pub use money::Credits;

/// Crate version reported by the `version` op.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Version of the C ABI in php-bridge/aipkit_core.h; PHP refuses a library that differs.
pub const ABI_VERSION: u32 = 2;
