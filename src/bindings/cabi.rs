//! Plain C ABI over linear memory for the WebAssembly build that `wasm2php/` compiles to PHP
//! (docs/core.md): no imports, no wasm-bindgen, no floats. The host writes the op name and the JSON
//! request, one after the other, into one buffer from `aipkit_alloc` and calls `aipkit_run`, which
//! gives the buffer back and returns the answer's address, length and status in one `u64` (the
//! answer is valid until the next `aipkit_alloc` or call). `aipkit_call` (op and request in buffers
//! of their own, answer at `aipkit_out_ptr()`/`aipkit_out_len()`, buffers freed by the host) is the
//! same call with more crossings; `aipkit_price_text` answers that way.
//! Requests are read by `json::parse` and answers written by `json::write` (serde_json's number
//! reader uses floats); both agree with the FFI path byte for byte (tests/php-core).
//! A panic aborts (wasm32 cannot unwind): the `unreachable` trap becomes `internal_error` in PHP.

use super::json;
use crate::error::CoreError;
use crate::ops;
use std::cell::RefCell;

pub use super::price_text;
use super::error_json;
pub use super::status::{STATUS_CORE_ERROR, STATUS_INTERNAL, STATUS_OK};

thread_local! {
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Set by `aipkit_run`: everything but the answer is dead, so the next `aipkit_alloc` starts
    /// the arena over (the request's value tree was left unfreed).
    static START_OVER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The cabi module's allocator: a bump arena. The core is pure (no statics, nothing outlives a
/// call but the answer), so every byte a call allocates is dead once the host has read the answer
/// and freed its buffers; the arena then starts over. dlmalloc's bookkeeping was a large share of
/// every call once compiled to PHP (docs/core.md). Freeing the newest block and growing it
/// (`realloc`, i.e. `Vec`/`String` pushes) stay in place.
#[cfg(target_arch = "wasm32")]
mod arena {
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::Cell;

    extern "C" {
        static __heap_base: u8;
    }

    pub struct Arena {
        /// Where the heap starts (0: not yet known), the next free byte, the end of memory.
        base: Cell<usize>,
        top: Cell<usize>,
        end: Cell<usize>,
        /// The newest block (it alone can grow or be given back in place) and the live block count.
        last: Cell<usize>,
        live: Cell<usize>,
    }

    // SAFETY: wasm32-unknown-unknown without atomics has a single thread.
    unsafe impl Sync for Arena {}

    impl Arena {
        const fn new() -> Arena {
            Arena { base: Cell::new(0), top: Cell::new(0), end: Cell::new(0), last: Cell::new(usize::MAX), live: Cell::new(0) }
        }

        /// Makes `top..new_top` addressable; false when memory cannot grow.
        fn reserve(&self, new_top: usize) -> bool {
            if new_top <= self.end.get() {
                return true;
            }
            let pages = (new_top - self.end.get()).div_ceil(65536);
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return false;
            }
            self.end.set(self.end.get() + pages * 65536);
            true
        }
    }

    unsafe impl GlobalAlloc for Arena {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            if self.base.get() == 0 {
                // A linker-provided symbol; only its address is taken.
                let b = std::ptr::addr_of!(__heap_base) as usize;
                self.base.set(b);
                self.top.set(b);
                self.end.set(core::arch::wasm32::memory_size(0) * 65536);
            }
            let start = (self.top.get() + l.align() - 1) & !(l.align() - 1);
            let Some(new_top) = start.checked_add(l.size()) else { return std::ptr::null_mut() };
            if !self.reserve(new_top) {
                return std::ptr::null_mut();
            }
            self.top.set(new_top);
            self.last.set(start);
            self.live.set(self.live.get() + 1);
            start as *mut u8
        }

        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            let live = self.live.get() - 1;
            self.live.set(live);
            if live == 0 {
                self.top.set(self.base.get());
                self.last.set(usize::MAX);
            } else if p as usize == self.last.get() && p as usize + l.size() == self.top.get() {
                self.top.set(p as usize);
                self.last.set(usize::MAX);
            }
        }

        unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
            let a = p as usize;
            if a == self.last.get() && a + l.size() == self.top.get() {
                if let Some(new_top) = a.checked_add(new_size) {
                    if self.reserve(new_top) {
                        self.top.set(new_top);
                        return p;
                    }
                }
                return std::ptr::null_mut();
            }
            // SAFETY: the caller guarantees a valid layout for new_size.
            let n = unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, l.align())) };
            if !n.is_null() {
                // SAFETY: both blocks are live and at least min(old, new) bytes long.
                unsafe { std::ptr::copy_nonoverlapping(p, n, l.size().min(new_size)) };
                // SAFETY: p was allocated here with layout l.
                unsafe { self.dealloc(p, l) };
            }
            n
        }
    }

    #[global_allocator]
    static ARENA: Arena = Arena::new();

    /// Starts the arena over, whatever is still counted live: only for when nothing allocated
    /// before is used again (`aipkit_alloc` after `aipkit_run`, see there).
    pub fn start_over() {
        if ARENA.base.get() != 0 {
            ARENA.top.set(ARENA.base.get());
            ARENA.last.set(usize::MAX);
            ARENA.live.set(0);
        }
    }
}

/// An answer written as JSON where it is made (`ops::Answer`); a write error is kept for the status.
struct Out {
    text: String,
    failed: Option<json::WriteError>,
    /// Leave the answer unfreed once written (see `answer`).
    leave: bool,
}

impl ops::Answer for Out {
    fn put<T: serde::Serialize>(&mut self, answer: T) {
        // Reserved now, after the op's own allocations: the arena grows the newest block in place.
        self.text = String::with_capacity(512);
        if let Err(e) = json::write_into(&mut self.text, &answer) {
            self.failed = Some(e);
        }
        if self.leave {
            std::mem::forget(answer);
        }
    }
}

/// The op on JSON text, answered like `ffi::call_json`: (status, answer JSON).
pub fn call_text(op: &[u8], input: &[u8]) -> (i32, Vec<u8>) {
    answer(op, input, false)
}

/// `call_text`; with `leave_request`, the request's value tree and the op's answer are not dropped
/// (walking them to free every block is wasted work when the arena starts over before the next
/// call, `aipkit_run`).
fn answer(op: &[u8], input: &[u8], leave_request: bool) -> (i32, Vec<u8>) {
    let mut out = Out { text: String::new(), failed: None, leave: leave_request };
    let result = match std::str::from_utf8(op) {
        Err(_) => Err(crate::error::err("unknown_op", "The operation name is not valid UTF-8.", "op")),
        Ok(op) => ops::runner::<Out>(op).and_then(|run| {
            let text = std::str::from_utf8(input).map_err(|_| ops::unreadable("invalid UTF-8 in the request"))?;
            let v = json::parse(text).map_err(ops::unreadable)?;
            let done = run(&v, &mut out);
            if leave_request {
                std::mem::forget(v);
            }
            done
        }),
    };
    match (result, out.failed) {
        (Ok(()), None) => (STATUS_OK, out.text.into_bytes()),
        (Ok(()), Some(e)) => (STATUS_INTERNAL, error_json(&CoreError::new("internal_error", e.to_string(), None))),
        (Err(e), _) => (STATUS_CORE_ERROR, error_json(&e)),
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
    // The previous answer is given up here, so that once the host has freed its buffers nothing is
    // live and the arena starts over.
    OUT.with(|o| *o.borrow_mut() = Vec::new());
    if START_OVER.with(|f| f.replace(false)) {
        // After `aipkit_run` the host holds no buffer of this module (the call freed it) and has
        // read the answer: nothing allocated before is used again.
        #[cfg(target_arch = "wasm32")]
        arena::start_over();
    }
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

/// One call per request, the host's glue cut to four module calls (`aipkit_alloc`, `write`, this,
/// `read`; was ten): `buf` holds the op name (`op_len` bytes) followed by the JSON request, `len`
/// bytes in all, from `aipkit_alloc(len)`; this call gives the buffer back. Returns where the answer
/// is and its status in one value: bits 0–31 the answer's address, 32–61 its length, 62–63 the
/// status (as `aipkit_call`'s). The answer stays valid until the next `aipkit_alloc` or call. An
/// answer of 2^30 bytes or more (far beyond any request's limits) traps, i.e. `internal_error`.
///
/// # Safety
/// `buf`/`len` must be exactly what `aipkit_alloc` returned/was given, and `op_len <= len`.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub unsafe extern "C" fn aipkit_run(buf: *mut u8, op_len: usize, len: usize) -> u64 {
    // SAFETY: per the contract above.
    let (op, input) = unsafe { bytes(buf, len) }.split_at(op_len.min(len));
    // The request tree is left unfreed only where the arena starts over (wasm32); natively (tests)
    // it is dropped as usual.
    let (status, answer) = answer(op, input, cfg!(target_arch = "wasm32"));
    // SAFETY: per the contract above; `op` and `input` are not used past this point.
    unsafe { aipkit_dealloc(buf, len) };
    START_OVER.with(|f| f.set(true));
    assert!(answer.len() < 1 << 30, "answer too long");
    let packed = answer.as_ptr() as usize as u64 | (answer.len() as u64) << 32 | ((status as u64) & 3) << 62;
    keep(status, answer);
    packed
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

/// Where the last answer starts (valid until the next `aipkit_alloc` or call).
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().as_ptr())
}

/// The last answer's length in bytes.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn aipkit_out_len() -> usize {
    OUT.with(|o| o.borrow().len())
}
