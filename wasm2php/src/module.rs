//! Reads a WebAssembly module into the facts the code generator needs, refusing (with a clear
//! error) everything outside the integer-only subset: imports, floats, SIMD, reference-type
//! instructions, several memories, 64-bit memory, shared memory.

use crate::Error;
use std::collections::BTreeMap;
use wasmparser::{
    BlockType, CompositeInnerType, ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FuncType, Name, Operator, Parser,
    Payload, ValType,
};

pub struct Func<'a> {
    pub type_idx: u32,
    pub body: wasmparser::FunctionBody<'a>,
}

pub struct Global {
    pub ty: ValType,
    pub mutable: bool,
    pub init: i64,
}

pub struct Module<'a> {
    pub types: Vec<FuncType>,
    pub funcs: Vec<Func<'a>>,
    pub globals: Vec<Global>,
    /// Initial and maximum size in 64 KiB pages (None: the module has no memory).
    pub memory: Option<(u64, Option<u64>)>,
    /// Table 0 as function indices (None = empty slot).
    pub table: Vec<Option<u32>>,
    pub table_max: Option<u64>,
    /// Active data segments: (offset, bytes).
    pub data: Vec<(u64, &'a [u8])>,
    /// Passive data segments by index (active ones are dropped at instantiation: empty).
    pub passive: BTreeMap<u32, &'a [u8]>,
    pub data_count: u32,
    pub exports: Vec<(String, ExternalKind, u32)>,
    pub start: Option<u32>,
    pub names: BTreeMap<u32, String>,
}

fn unsupported(what: impl Into<String>) -> Error {
    Error::Unsupported(what.into())
}

pub fn check_valtype(t: ValType, context: &str) -> Result<(), Error> {
    match t {
        ValType::I32 | ValType::I64 => Ok(()),
        ValType::F32 | ValType::F64 => Err(unsupported(format!("float type {t} in {context} (the PHP target is integer-only)"))),
        other => Err(unsupported(format!("value type {other} in {context}"))),
    }
}

fn const_expr(e: &ConstExpr<'_>, globals: &[Global]) -> Result<i64, Error> {
    let mut r = e.get_operators_reader();
    let v = match r.read()? {
        Operator::I32Const { value } => i64::from(value as u32),
        Operator::I64Const { value } => value,
        Operator::GlobalGet { global_index } => {
            globals.get(global_index as usize).ok_or_else(|| unsupported("global.get of an unknown global in a constant expression"))?.init
        }
        op => return Err(unsupported(format!("constant expression {op:?}"))),
    };
    match r.read()? {
        Operator::End => Ok(v),
        op => Err(unsupported(format!("extended constant expression ({op:?})"))),
    }
}

impl<'a> Module<'a> {
    /// `lenient`: float types are accepted at module level (functions using them are then stubbed
    /// by the caller); for the spec tests only.
    pub fn read(wasm: &'a [u8], lenient: bool) -> Result<Module<'a>, Error> {
        let mut features = wasmparser::WasmFeatures::default();
        features.remove(wasmparser::WasmFeatures::SIMD);
        wasmparser::Validator::new_with_features(features).validate_all(wasm)?;
        let mut m = Module {
            types: Vec::new(),
            funcs: Vec::new(),
            globals: Vec::new(),
            memory: None,
            table: Vec::new(),
            table_max: None,
            data: Vec::new(),
            passive: BTreeMap::new(),
            data_count: 0,
            exports: Vec::new(),
            start: None,
            names: BTreeMap::new(),
        };
        let mut func_types: Vec<u32> = Vec::new();
        let mut elems: Vec<(u64, Vec<Option<u32>>)> = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(r) => {
                    for rg in r {
                        for st in rg?.into_types() {
                            match st.composite_type.inner {
                                CompositeInnerType::Func(f) => m.types.push(f),
                                _ => return Err(unsupported("GC types")),
                            }
                        }
                    }
                }
                Payload::ImportSection(r) if r.count() > 0 => {
                    return Err(unsupported("imports (the module must be self-contained: build it without wasm-bindgen and without std I/O)"));
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        func_types.push(t?);
                    }
                }
                Payload::TableSection(r) => {
                    for (i, t) in r.into_iter().enumerate() {
                        let t = t?;
                        if i > 0 {
                            if lenient {
                                continue;
                            }
                            return Err(unsupported("more than one table"));
                        }
                        if t.ty.element_type != wasmparser::RefType::FUNCREF {
                            return Err(unsupported("a table of non-function references"));
                        }
                        m.table = vec![None; t.ty.initial as usize];
                        m.table_max = t.ty.maximum;
                    }
                }
                Payload::MemorySection(r) => {
                    for (i, mem) in r.into_iter().enumerate() {
                        let mem = mem?;
                        if i > 0 {
                            return Err(unsupported("more than one memory"));
                        }
                        if mem.memory64 || mem.shared {
                            return Err(unsupported("64-bit or shared memory"));
                        }
                        m.memory = Some((mem.initial, mem.maximum));
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        let g = g?;
                        if !lenient {
                            check_valtype(g.ty.content_type, "a global")?;
                        }
                        let init = match const_expr(&g.init_expr, &m.globals) {
                            Err(_) if lenient => 0,
                            other => other?,
                        };
                        m.globals.push(Global { ty: g.ty.content_type, mutable: g.ty.mutable, init });
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e?;
                        m.exports.push((e.name.to_owned(), e.kind, e.index));
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(r) => {
                    for e in r {
                        let e = e?;
                        let items: Vec<Option<u32>> = match e.items {
                            ElementItems::Functions(fs) => fs.into_iter().map(|f| f.map(Some)).collect::<Result<_, _>>()?,
                            ElementItems::Expressions(_, es) => {
                                let mut out = Vec::new();
                                for ex in es {
                                    let ex = ex?;
                                    let mut r = ex.get_operators_reader();
                                    out.push(match r.read()? {
                                        Operator::RefFunc { function_index } => Some(function_index),
                                        Operator::RefNull { .. } => None,
                                        op => return Err(unsupported(format!("element expression {op:?}"))),
                                    });
                                }
                                out
                            }
                        };
                        match e.kind {
                            ElementKind::Active { table_index, offset_expr } => {
                                if table_index.unwrap_or(0) != 0 {
                                    if lenient {
                                        continue;
                                    }
                                    return Err(unsupported("element segment for a second table"));
                                }
                                elems.push((const_expr(&offset_expr, &m.globals)? as u64, items));
                            }
                            // Passive/declared segments only matter to table.init / ref.func, which are refused.
                            ElementKind::Passive | ElementKind::Declared => {}
                        }
                    }
                }
                Payload::DataCountSection { count, .. } => m.data_count = count,
                Payload::DataSection(r) => {
                    for (i, d) in r.into_iter().enumerate() {
                        let d = d?;
                        match d.kind {
                            DataKind::Active { memory_index: 0, offset_expr } => {
                                m.data.push((const_expr(&offset_expr, &m.globals)? as u32 as u64, d.data));
                                m.passive.insert(i as u32, &[]);
                            }
                            DataKind::Active { .. } => return Err(unsupported("data for a second memory")),
                            DataKind::Passive => {
                                m.passive.insert(i as u32, d.data);
                            }
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let idx = m.funcs.len();
                    let type_idx = *func_types.get(idx).ok_or_else(|| unsupported("code without a function declaration"))?;
                    m.funcs.push(Func { type_idx, body });
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names {
                            // A broken name section only costs readable names, never the build.
                            if let Ok(Name::Function(map)) = n {
                                for naming in map.into_iter().flatten() {
                                    m.names.insert(naming.index, naming.name.to_owned());
                                }
                            }
                        }
                    }
                }
                Payload::TagSection(_) => return Err(unsupported("exception tags")),
                _ => {}
            }
        }
        for (off, items) in elems {
            let end = off as usize + items.len();
            if end > m.table.len() {
                return Err(unsupported("element segment beyond the table (it would trap at instantiation)"));
            }
            for (i, f) in items.into_iter().enumerate() {
                m.table[off as usize + i] = f;
            }
        }
        if let Some((initial, _)) = m.memory {
            for (off, bytes) in &m.data {
                if off + bytes.len() as u64 > initial * 65536 {
                    return Err(unsupported("data segment beyond the initial memory (it would trap at instantiation)"));
                }
            }
        }
        for (i, t) in m.types.iter().enumerate() {
            for v in t.params().iter().chain(t.results()) {
                if !lenient {
                    check_valtype(*v, &format!("function type {i}"))?;
                }
            }
            if t.results().len() > 1 && !lenient {
                return Err(unsupported(format!("function type {i} returns several values (multi-value results)")));
            }
        }
        Ok(m)
    }

    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize].type_idx as usize]
    }

    pub fn block_type(&self, bt: BlockType) -> Result<(usize, usize), Error> {
        Ok(match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(t) => {
                check_valtype(t, "a block")?;
                (0, 1)
            }
            BlockType::FuncType(i) => {
                let t = &self.types[i as usize];
                (t.params().len(), t.results().len())
            }
        })
    }
}
