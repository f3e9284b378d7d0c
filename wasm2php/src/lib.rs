//! wasm2php: compiles an integer-only WebAssembly module to one PHP class (README.md).
//!
//! Representation: i32 values are PHP ints in 0..2^32 (unsigned), i64 values are native PHP ints
//! with explicit wrapping (PHP turns an overflowing + - * into a float, so those go through helpers
//! that wrap); linear memory is a packed PHP array of 32-bit words; wasm's structured control flow
//! becomes PHP loops with numbered break/continue. Traps throw `\RuntimeException` (or PHP's own
//! DivisionByZeroError/ArithmeticError for integer division); after a trap the instance must be
//! discarded. Output is deterministic: the same module gives the same bytes.

mod codegen;
mod module;
mod runtime;

use std::fmt::{self, Write};

#[derive(Debug)]
pub enum Error {
    /// The module uses something the PHP target does not support (floats included).
    Unsupported(String),
    /// The bytes are not a valid WebAssembly module.
    Invalid(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unsupported(w) => write!(f, "unsupported: {w}"),
            Error::Invalid(w) => write!(f, "invalid module: {w}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Error::Invalid(e.to_string())
    }
}

pub struct Options {
    /// PHP namespace of the class (empty: global namespace).
    pub namespace: String,
    pub class: String,
    /// Lines for the file header (e.g. where the module came from and how to rebuild).
    pub header: Vec<String>,
    /// Tests only: a function using something unsupported becomes a method that traps, instead of
    /// failing the whole compile (so the spec tests can run the integer parts of mixed modules).
    pub lenient: bool,
    /// Functions named `memcmp`/`bcmp` (the C library's, linked from compiler-builtins) with the
    /// signature (i32, i32, i32) -> i32 are replaced by PHP's string comparison: the same answer
    /// (the difference of the first unequal bytes, or 0) without a PHP loop iteration per byte.
    /// Their memory is checked as a whole, so an out-of-bounds range traps even when an earlier
    /// byte differs. For modules whose `memcmp` is the C one (`--libc-intrinsics`; the core's is).
    pub libc_intrinsics: bool,
    /// Tests only: every i32 local gets a word index (normally only locals used as a memory base
    /// more often than they are assigned), so the spec tests reach those access paths and their
    /// fallbacks (unaligned bases, out-of-bounds addresses).
    pub word_index_all: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { namespace: String::new(), class: "WasmModule".into(), header: Vec::new(), lenient: false, libc_intrinsics: false, word_index_all: false }
    }
}

/// Compiles `wasm` to a PHP file holding one class.
pub fn compile(wasm: &[u8], opts: &Options) -> Result<String, Error> {
    compile_report(wasm, opts).map(|(php, _)| php)
}

/// Like `compile`, also naming the exports that may reach a stubbed function (lenient mode).
pub fn compile_report(wasm: &[u8], opts: &Options) -> Result<(String, Vec<String>), Error> {
    let m = module::Module::read(wasm, opts.lenient)?;
    let int_only = |t: &wasmparser::FuncType| {
        t.results().len() <= 1 && t.params().iter().chain(t.results()).all(|v| matches!(v, wasmparser::ValType::I32 | wasmparser::ValType::I64))
    };
    // Bodies first: in lenient mode a failing function becomes a stub.
    let names_pre = codegen::method_names(&m);
    let intrinsic = |i: u32| {
        let t = m.func_type(i);
        opts.libc_intrinsics
            && matches!(m.names.get(&i).map(String::as_str), Some("memcmp" | "bcmp"))
            && t.params() == [wasmparser::ValType::I32; 3]
            && t.results() == [wasmparser::ValType::I32]
    };
    let skip: Vec<bool> = (0..m.funcs.len() as u32).map(intrinsic).collect();
    let fwd = codegen::forwarders(&m, &skip)?;
    let mut bodies: Vec<String> = Vec::with_capacity(m.funcs.len());
    let mut stubbed: Vec<bool> = Vec::with_capacity(m.funcs.len());
    for i in 0..m.funcs.len() as u32 {
        let t = m.func_type(i);
        let cmp = skip[i as usize];
        let result = if cmp {
            Ok(runtime::memcmp(&names_pre[i as usize]))
        } else if int_only(t) {
            codegen::function(&m, &names_pre, &fwd, i, opts.word_index_all)
        } else { Err(Error::Unsupported("float signature".into())) };
        match result {
            Ok(b) => {
                bodies.push(b);
                stubbed.push(false);
            }
            Err(Error::Unsupported(w)) if opts.lenient => {
                bodies.push(format!(
                    "\n\tprivate function {}(mixed ...$a): mixed {{\n\t\tself::trap({});\n\t}}\n",
                    names_pre[i as usize],
                    runtime::php_string(&format!("unsupported: {w}"))
                ));
                stubbed.push(true);
            }
            Err(e) => return Err(e),
        }
    }
    let tainted = codegen::tainted(&m, &stubbed)?;
    let names = names_pre;
    let mut out = String::with_capacity(wasm.len() * 8);
    out.push_str("<?php\n");
    out.push_str("// GENERATED FILE - DO NOT EDIT. Written by wasm2php (the wasm2php/ crate of this repository)\n");
    for h in &opts.header {
        let _ = writeln!(out, "// {h}");
    }
    out.push_str("// phpcs:ignoreFile\n");
    out.push_str("declare(strict_types=1);\n\n");
    if !opts.namespace.is_empty() {
        let _ = writeln!(out, "namespace {};\n", opts.namespace);
    }
    let _ = writeln!(out, "final class {} {{", opts.class);

    // State.
    let pages = m.memory.map_or(0, |(i, _)| i);
    let max_pages = m.memory.and_then(|(_, x)| x).unwrap_or(65536).min(65536);
    out.push_str("\t/** @var int[] linear memory as little-endian 32-bit words */\n\tpublic array $m;\n");
    let _ = writeln!(out, "\tpublic int $pages = {pages};");
    let _ = writeln!(out, "\tconst MAX_PAGES = {max_pages};");
    for (i, g) in m.globals.iter().enumerate() {
        if g.mutable {
            let _ = writeln!(out, "\tpublic int $g{i} = {};", codegen::literal(g.ty, g.init));
        }
    }
    // Passive data segments that memory.init may copy; `dropped` marks data.drop.
    if !m.passive.is_empty() {
        out.push_str("\tprivate array $data = [");
        for (i, d) in &m.passive {
            let _ = write!(out, "{i} => {}, ", runtime::php_bytes(d));
        }
        out.push_str("];\n");
    }
    out.push_str(&initial_memory(&m, pages));

    out.push_str("\n\tpublic function __construct() {\n\t\t$this->m = self::MEM;\n");
    if let Some(s) = m.start {
        let _ = writeln!(out, "\t\t$this->{}();", names[s as usize]);
    }
    out.push_str("\t}\n");

    // Exports: a public method per exported function, plus invoke() by export name.
    let mut export_map = String::new();
    for (name, kind, idx) in &m.exports {
        if *kind != wasmparser::ExternalKind::Func {
            continue;
        }
        let t = m.func_type(*idx);
        let method = format!("x_{}", codegen::sanitize(name, 80));
        let ty = if int_only(t) { "int " } else { "mixed " };
        let params: Vec<String> = (0..t.params().len()).map(|i| format!("{ty}$p{i}")).collect();
        let args: Vec<String> = (0..t.params().len()).map(|i| format!("$p{i}")).collect();
        let ret = if t.results().is_empty() { "void" } else if int_only(t) { "int" } else { "mixed" };
        let _ = writeln!(out, "\n\t/** Export \"{}\". */", name.replace("*/", "* /"));
        let _ = writeln!(out, "\tpublic function {method}({}): {ret} {{", params.join(", "));
        let _ = writeln!(
            out,
            "\t\t{}$this->{}({});\n\t}}",
            if ret == "void" { "" } else { "return " },
            names[*idx as usize],
            args.join(", ")
        );
        let _ = write!(export_map, "{} => '{method}', ", runtime::php_string(name));
    }
    let _ = writeln!(out, "\n\tconst EXPORTS = [{export_map}];");
    out.push_str(runtime::HELPERS);

    // call_indirect dispatchers, one per function type that is called indirectly.
    let indirect = codegen::indirect_types(&m)?;
    for t in indirect {
        out.push_str(&codegen::dispatcher(&m, &names, t));
    }
    for b in &bodies {
        out.push_str(b);
    }
    out.push_str("}\n");
    let unsafe_exports = m
        .exports
        .iter()
        .filter(|(_, k, idx)| *k == wasmparser::ExternalKind::Func && tainted[*idx as usize])
        .map(|(n, _, _)| n.clone())
        .collect();
    Ok((out, unsafe_exports))
}

/// The initial memory image as a class constant (opcache keeps it in shared memory; an instance
/// copies it on its first write).
fn initial_memory(m: &module::Module<'_>, pages: u64) -> String {
    let mut bytes = vec![0u8; (pages * 65536) as usize];
    for (off, d) in &m.data {
        bytes[*off as usize..*off as usize + d.len()].copy_from_slice(d);
    }
    let mut out = String::with_capacity(bytes.len());
    out.push_str("\tconst MEM = [");
    for (i, w) in bytes.chunks(4).enumerate() {
        if i % 32 == 0 {
            out.push_str("\n\t\t");
        }
        let v = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        let _ = write!(out, "{v},");
    }
    out.push_str("\n\t];\n");
    out
}
