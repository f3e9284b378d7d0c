//! Function bodies: wasm's operand stack becomes PHP expressions, materialised into slot variables
//! `$sN` (N = stack position) whenever a side effect could change what a pending expression reads;
//! blocks, loops and ifs become one PHP loop level each so `br` is `break N` / `continue N`.

use crate::module::{check_valtype, Module};
use crate::Error;
use std::collections::BTreeSet;
use std::fmt::Write;
use wasmparser::{FuncType, MemArg, Operator, ValType};

const MASK: &str = "0xFFFFFFFF";

pub fn literal(ty: ValType, v: i64) -> String {
    match ty {
        ValType::I32 => (v as u32).to_string(),
        _ => i64_literal(v),
    }
}

fn i64_literal(v: i64) -> String {
    if v == i64::MIN {
        "PHP_INT_MIN".into()
    } else if v < 0 {
        format!("({v})")
    } else {
        v.to_string()
    }
}

/// Letters, digits and single underscores, at most `max` characters.
pub fn sanitize(name: &str, max: usize) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Rust's legacy mangling (`_ZN4core3fmt5write17h0123456789abcdefE`) → `core::fmt::write`.
fn demangle(name: &str) -> String {
    let Some(mut rest) = name.strip_prefix("_ZN") else { return name.to_owned() };
    let mut parts: Vec<&str> = Vec::new();
    while let Some(d) = rest.find(|c: char| !c.is_ascii_digit()) {
        if d == 0 {
            break;
        }
        let Ok(len) = rest[..d].parse::<usize>() else { break };
        if rest.len() < d + len {
            break;
        }
        parts.push(&rest[d..d + len]);
        rest = &rest[d + len..];
    }
    if rest != "E" || parts.is_empty() {
        return name.to_owned();
    }
    if parts.last().is_some_and(|p| p.len() == 17 && p.starts_with('h') && p[1..].bytes().all(|b| b.is_ascii_hexdigit())) {
        parts.pop();
    }
    parts.join("::").replace("$LT$", "<").replace("$GT$", ">").replace("$u20$", " ").replace("..", "::")
}

pub fn method_names(m: &Module<'_>) -> Vec<String> {
    (0..m.funcs.len() as u32)
        .map(|i| match m.names.get(&i) {
            Some(n) => {
                let s = sanitize(&demangle(n), 60);
                if s.is_empty() {
                    format!("f{i}")
                } else {
                    format!("f{i}_{s}")
                }
            }
            None => format!("f{i}"),
        })
        .collect()
}

fn same_sig(a: &FuncType, b: &FuncType) -> bool {
    a.params() == b.params() && a.results() == b.results()
}

/// The canonical (first structurally equal) type index of every type used by call_indirect.
pub fn indirect_types(m: &Module<'_>) -> Result<BTreeSet<u32>, Error> {
    let mut out = BTreeSet::new();
    for f in &m.funcs {
        let mut r = f.body.get_operators_reader()?;
        while !r.eof() {
            if let Operator::CallIndirect { type_index, .. } = r.read()? {
                out.insert(canonical(m, type_index));
            }
        }
    }
    Ok(out)
}

fn canonical(m: &Module<'_>, t: u32) -> u32 {
    let ty = &m.types[t as usize];
    m.types.iter().position(|o| same_sig(o, ty)).unwrap_or(t as usize) as u32
}

fn sig(ty: &FuncType, prefix: &str) -> (String, String) {
    let params: Vec<String> = (0..ty.params().len()).map(|i| format!("int ${prefix}{i}")).collect();
    let ret = if ty.results().is_empty() { "void" } else { "int" };
    (params.join(", "), ret.to_owned())
}

pub fn dispatcher(m: &Module<'_>, names: &[String], t: u32) -> String {
    let ty = &m.types[t as usize];
    let (params, ret) = sig(ty, "a");
    let args: Vec<String> = (0..ty.params().len()).map(|i| format!("$a{i}")).collect();
    let mut out = format!("\n\tprivate function ci{t}(int $i{}{params}): {ret} {{\n\t\t", if params.is_empty() { "" } else { ", " });
    if ret != "void" {
        out.push_str("return ");
    }
    out.push_str("match ($i) {\n");
    for (slot, f) in m.table.iter().enumerate() {
        if let Some(f) = f {
            if same_sig(m.func_type(*f), ty) {
                let _ = writeln!(out, "\t\t\t{slot} => $this->{}({}),", names[*f as usize], args.join(", "));
            }
        }
    }
    out.push_str("\t\t\tdefault => self::trap('indirect call to a missing function or one of another type'),\n\t\t};\n\t}\n");
    out
}

/// An argument of an inlined call: the caller's argument `i`, or a constant.
#[derive(Clone, Debug)]
pub enum FArg {
    Param(usize),
    Const(String),
}

/// A function simple enough to replace its calls: `Call(g, args)` only calls g with its own
/// parameters and constants and returns g's result; `Value(v)` returns a parameter, a constant, or
/// (None) nothing. A call to it costs more in PHP than what it does.
#[derive(Clone, Debug)]
pub enum Fwd {
    Call(u32, Vec<FArg>),
    Value(Option<FArg>),
}

/// Which functions are forwarders (`skip`: functions whose body is replaced, e.g. intrinsics).
pub fn forwarders(m: &Module<'_>, skip: &[bool]) -> Result<Vec<Option<Fwd>>, Error> {
    let int = |v: &ValType| matches!(v, ValType::I32 | ValType::I64);
    let mut out = Vec::with_capacity(m.funcs.len());
    for (i, f) in m.funcs.iter().enumerate() {
        let ty = m.func_type(i as u32);
        let np = ty.params().len();
        let mut found = None;
        if !skip[i] && ty.results().len() <= 1 && ty.params().iter().chain(ty.results()).all(int) {
            let mut vals: Vec<FArg> = Vec::new();
            let mut call = None;
            let mut ok = true;
            let mut returned = false;
            let mut r = f.body.get_operators_reader()?;
            while !r.eof() {
                match r.read()? {
                    Operator::LocalGet { local_index } if call.is_none() && !returned && (local_index as usize) < np => vals.push(FArg::Param(local_index as usize)),
                    Operator::I32Const { value } if call.is_none() && !returned => vals.push(FArg::Const((value as u32).to_string())),
                    Operator::I64Const { value } if call.is_none() && !returned => vals.push(FArg::Const(i64_literal(value))),
                    Operator::Call { function_index } if call.is_none() && !returned => call = Some(function_index),
                    Operator::Nop => {}
                    Operator::Return if !returned => returned = true,
                    Operator::End if r.eof() => {}
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                found = match call {
                    Some(g) => {
                        let gt = m.func_type(g);
                        (gt.params().len() == vals.len() && gt.results() == ty.results() && g as usize != i).then_some(Fwd::Call(g, vals))
                    }
                    None if vals.len() == ty.results().len() => Some(Fwd::Value(vals.pop())),
                    None => None,
                };
            }
        }
        out.push(found);
    }
    Ok(out)
}

#[derive(Clone)]
struct Entry {
    e: String,
    locals: Vec<u32>,
    /// Reads memory or a mutable global: a store, call or global.set must evaluate it first.
    impure: bool,
    /// Mentions a slot variable `$sN`.
    slots: bool,
    konst: bool,
    /// When `e` is `(C ? 1 : 0)`: the PHP condition C.
    cond: Option<String>,
    /// An i32 known as a signed PHP int too (sign extensions): what `s32` of `e` would compute.
    signed: Option<String>,
    /// The value is local N plus a constant (mod 2^32): assigning it to a local with a word index
    /// derives that index from N's.
    lin: Option<(u32, i64)>,
    /// An i32.add/sub result before its wrap (`(a + b)`: -2^32 < raw < 2^33). As a memory address
    /// it indexes words directly: a value past 2^32 or below 0 has no word, so the fallback (given
    /// the wrapped address) sees it.
    raw: Option<String>,
    /// A load cast to int: the expression without the cast, for uses that gain nothing from the
    /// type (a store's value, a comparison).
    uncast: Option<String>,
}

impl Entry {
    fn konst(s: String) -> Entry {
        Entry { e: s, locals: Vec::new(), impure: false, slots: false, konst: true, cond: None, signed: None, lin: None, raw: None, uncast: None }
    }
    fn slot(k: usize) -> Entry {
        Entry { e: format!("$s{k}"), locals: Vec::new(), impure: false, slots: true, konst: false, cond: None, signed: None, lin: None, raw: None, uncast: None }
    }
    fn local(i: u32) -> Entry {
        Entry { e: format!("$l{i}"), locals: vec![i], impure: false, slots: false, konst: false, cond: None, signed: None, lin: None, raw: None, uncast: None }
    }
    fn simple(&self) -> bool {
        self.konst || (self.e.starts_with('$') && self.e[1..].bytes().skip(1).all(|b| b.is_ascii_digit()))
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

struct Frame {
    kind: Kind,
    base: usize,
    nparams: usize,
    nresults: usize,
    /// A branch jumps to this frame's end (blocks, ifs).
    targeted: bool,
    /// The then-branch of an if/else could fall through to the end.
    then_live: bool,
}

struct Gen<'m, 'a> {
    m: &'m Module<'a>,
    names: &'m [String],
    fwd: &'m [Option<Fwd>],
    /// Numbers temporaries that must not be shared between nested expressions.
    tmp: u32,
    out: String,
    stack: Vec<Entry>,
    frames: Vec<Frame>,
    dead: bool,
    dead_nest: u32,
    /// Inside a br_table switch: one more PHP level to break out of.
    in_switch: usize,
    /// How loads and stores name the memory: `$m` (a local reference to it) or `$this->m`.
    mem: &'static str,
    /// Locals that carry a word index `$wN` (updated with every assignment): an access off such a
    /// base is `$m[$wN + k] ?? helper` instead of an alignment test, a shift and an add.
    wcache: Vec<bool>,
    counts: Counts,
    /// Words of the initial memory: a constant address below it needs no bounds check.
    init_words: u64,
}

/// What a function's first (discarded) generation counts per local: memory accesses using it as
/// their base, and assignments to it (parameters count their entry as one).
struct Counts {
    base_uses: Vec<u32>,
    sets: Vec<u32>,
}

pub fn function(m: &Module<'_>, names: &[String], fwd: &[Option<Fwd>], idx: u32, word_index_all: bool) -> Result<String, Error> {
    let f = &m.funcs[idx as usize];
    let ty = m.func_type(idx);
    let mut local_types: Vec<ValType> = ty.params().to_vec();
    for l in f.body.get_locals_reader()? {
        let (n, t) = l?;
        check_valtype(t, &format!("the locals of function {idx}"))?;
        local_types.extend(std::iter::repeat_n(t, n as usize));
    }
    let np = ty.params().len();
    let nl = local_types.len();
    // Pass 1 counts how each local is used; pass 2 gives a word index `$wN` to the locals that are
    // used as a memory base at least twice as often as they are assigned (see `Gen::wcache`).
    let (_, counts) = body(m, names, fwd, idx, vec![false; nl])?;
    // (Measured on the core: at least 1.5 times beat 1 and 2 times; weighting uses inside loops did not help.)
    let wcache: Vec<bool> = (0..nl)
        .map(|i| local_types[i] == ValType::I32 && (word_index_all || 2 * counts.base_uses[i] >= 3 * (counts.sets[i] + u32::from(i < np)).max(1)))
        .collect();
    let (text, _) = body(m, names, fwd, idx, wcache.clone())?;

    let params: Vec<String> = (0..np).map(|i| format!("int $l{i}")).collect();
    let ret = if ty.results().is_empty() { "void" } else { "int" };
    let mut out = String::new();
    if let Some(n) = m.names.get(&idx) {
        let _ = writeln!(out, "\n\t/** {} */", demangle(n).replace("*/", "* /"));
    } else {
        out.push('\n');
    }
    let _ = writeln!(out, "\tprivate function {}({}): {ret} {{", names[idx as usize], params.join(", "));
    // A function that touches memory binds it to a local reference (`$m = &$this->m`): one opcode
    // less per access (-10% instructions on the core). Helpers and callees keep using `$this->m`,
    // the same array through the reference; memory.grow assigns through it too. (PHP 8.2's tracing
    // JIT miscomputes the core with or without this binding; the spec tests pass under it either way.)
    if text.contains("$m[") {
        out.push_str("\t\t$m = &$this->m;\n");
    }
    // One statement per local: PHP 8.2's tracing JIT reports chained `$a = $b = 0` locals as undefined.
    if np < nl || wcache.iter().any(|w| *w) {
        out.push_str("\t\t");
        for i in np..nl {
            let _ = write!(out, "$l{i} = 0; ");
        }
        for (i, w) in wcache.iter().enumerate() {
            if *w {
                if i < np {
                    let _ = write!(out, "{} ", word_index(i as u32));
                } else {
                    let _ = write!(out, "$w{i} = 0; ");
                }
            }
        }
        out.push('\n');
    }
    out.push_str(&text);
    out.push_str("\t}\n");
    Ok(out)
}

/// `$wN = …`: the word index of local N when it is word-aligned, else a negative index no memory
/// word has, so an access through it falls back to the helper that handles any address.
fn word_index(i: u32) -> String {
    format!("$w{i} = ($l{i} & 3) === 0 ? $l{i} >> 2 : -4294967296;")
}

fn body(m: &Module<'_>, names: &[String], fwd: &[Option<Fwd>], idx: u32, wcache: Vec<bool>) -> Result<(String, Counts), Error> {
    let f = &m.funcs[idx as usize];
    let ty = m.func_type(idx);
    let nl = wcache.len();
    let counts = Counts { base_uses: vec![0; nl], sets: vec![0; nl] };
    let mem = "$m";
    let mut g = Gen { m, names, fwd, tmp: 0, out: String::new(), stack: Vec::new(), frames: Vec::new(), dead: false, dead_nest: 0, in_switch: 0, mem, wcache, counts, init_words: m.memory.map_or(0, |(i, _)| i) * 16384 };
    g.frames.push(Frame { kind: Kind::Func, base: 0, nparams: 0, nresults: ty.results().len(), targeted: false, then_live: false });
    let mut r = f.body.get_operators_reader()?;
    while !r.eof() {
        let op = r.read()?;
        g.op(op).map_err(|e| match e {
            Error::Unsupported(w) => Error::Unsupported(format!("{w} (in function {idx} {})", names[idx as usize])),
            other => other,
        })?;
    }
    Ok((g.out, g.counts))
}

impl Gen<'_, '_> {
    fn line(&mut self, s: &str) {
        let depth = (self.frames.len() + 1 + self.in_switch).min(24);
        for _ in 0..depth {
            self.out.push('\t');
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn pop(&mut self) -> Entry {
        self.stack.pop().expect("validated module: operand stack underflow")
    }

    fn push(&mut self, e: String, from: &[&Entry]) {
        let mut locals: Vec<u32> = Vec::new();
        for f in from {
            for l in &f.locals {
                if !locals.contains(l) {
                    locals.push(*l);
                }
            }
        }
        self.stack.push(Entry {
            e,
            locals,
            impure: from.iter().any(|f| f.impure),
            slots: from.iter().any(|f| f.slots),
            konst: false,
            cond: None,
            signed: None,
            lin: None,
            raw: None,
            uncast: None,
        });
    }

    fn push_cond(&mut self, c: String, from: &[&Entry]) {
        self.push(format!("({c} ? 1 : 0)"), from);
        self.stack.last_mut().unwrap().cond = Some(c);
    }

    fn materialize(&mut self, j: usize) {
        let e = &self.stack[j];
        if e.konst || e.e == format!("$s{j}") {
            return;
        }
        let s = format!("$s{j} = {};", e.e);
        self.line(&s);
        self.stack[j] = Entry::slot(j);
    }

    /// Materialises, in ascending order, the entries below `hi` that `pred` selects, and every
    /// entry that mentions a slot variable (so no slot is overwritten while something still reads it).
    fn flush(&mut self, hi: usize, pred: impl Fn(&Entry) -> bool) {
        for j in 0..hi.min(self.stack.len()) {
            let e = &self.stack[j];
            if e.konst || e.e == format!("$s{j}") {
                continue;
            }
            if pred(e) || e.slots {
                self.materialize(j);
            }
        }
    }

    fn flush_all(&mut self) {
        let h = self.stack.len();
        self.flush(h, |_| true);
    }

    /// The signed value of an i32 entry: folded for constants, free after a sign extension.
    fn s32(e: &Entry) -> String {
        if let Some(sg) = &e.signed {
            return sg.clone();
        }
        if e.konst {
            if let Ok(v) = e.e.parse::<u32>() {
                return i64_literal(v as i32 as i64);
            }
        }
        format!("(({} ^ 0x80000000) - 0x80000000)", e.e)
    }

    fn cmp_s(&mut self, op: &str) {
        let b = self.pop();
        let a = self.pop();
        let c = format!("{} {op} {}", Self::s32(&a), Self::s32(&b));
        self.push_cond(c, &[&a, &b]);
    }

    fn cond_of(e: &Entry) -> String {
        e.cond.clone().unwrap_or_else(|| format!("{} !== 0", e.e))
    }

    fn label_arity(&self, depth: u32) -> usize {
        let f = &self.frames[self.frames.len() - 1 - depth as usize];
        if f.kind == Kind::Loop {
            f.nparams
        } else {
            f.nresults
        }
    }

    /// The statements that carry the top values to the label `depth` and jump there.
    fn branch(&mut self, depth: u32) -> String {
        let fi = self.frames.len() - 1 - depth as usize;
        let (kind, base) = (self.frames[fi].kind, self.frames[fi].base);
        let arity = self.label_arity(depth);
        let h = self.stack.len();
        if kind == Kind::Func {
            return if arity == 1 { format!("return {};", self.stack[h - 1].e) } else { "return;".to_owned() };
        }
        if kind != Kind::Loop {
            self.frames[fi].targeted = true;
        }
        let mut s = String::new();
        for i in 0..arity {
            let src = &self.stack[h - arity + i].e;
            let dst = format!("$s{}", base + i);
            if *src != dst {
                let _ = write!(s, "{dst} = {src}; ");
            }
        }
        let levels = depth as usize + 1 + self.in_switch;
        let kw = if kind == Kind::Loop { "continue" } else { "break" };
        if levels == 1 {
            let _ = write!(s, "{kw};");
        } else {
            let _ = write!(s, "{kw} {levels};");
        }
        s
    }

    fn start_block(&mut self, kind: Kind, bt: wasmparser::BlockType) -> Result<(), Error> {
        let (np, nr) = self.m.block_type(bt)?;
        self.flush_all();
        let base = self.stack.len() - np;
        // Params live in their slots: a loop's next iteration and an else branch read them there.
        for j in base..self.stack.len() {
            if self.stack[j].e != format!("$s{j}") {
                let s = format!("$s{j} = {};", self.stack[j].e);
                self.line(&s);
                self.stack[j] = Entry::slot(j);
            }
        }
        self.frames.push(Frame { kind, base, nparams: np, nresults: nr, targeted: false, then_live: false });
        Ok(())
    }

    /// Moves the frame's results into their slots at a fall-through end.
    fn settle_results(&mut self) {
        let f = self.frames.last().unwrap();
        let (base, n) = (f.base, if f.kind == Kind::Func { 0 } else { f.nresults });
        let hi = base + n;
        self.flush(hi, |_| false);
        for j in base..hi {
            let e = &self.stack[j];
            if e.e != format!("$s{j}") {
                let s = format!("$s{j} = {};", e.e);
                self.line(&s);
                self.stack[j] = Entry::slot(j);
            }
        }
    }

    fn end(&mut self) {
        let live_end = !self.dead;
        if live_end {
            self.settle_results();
        }
        let f = self.frames.pop().unwrap();
        match f.kind {
            Kind::Func => {
                if live_end && f.nresults == 1 {
                    let e = self.pop();
                    let s = format!("return {};", e.e);
                    self.frames.push(f);
                    self.line(&s);
                    self.frames.pop();
                }
                return;
            }
            Kind::Block => self.line("} while (false);"),
            Kind::Loop => {
                if live_end {
                    self.frames.push(Frame { kind: Kind::Block, base: 0, nparams: 0, nresults: 0, targeted: false, then_live: false });
                    self.line("break;");
                    self.frames.pop();
                }
                self.line("}");
            }
            Kind::If | Kind::Else => {
                self.line("}");
                self.line("} while (false);");
            }
        }
        self.stack.truncate(f.base);
        for i in 0..f.nresults {
            self.stack.push(Entry::slot(f.base + i));
        }
        let reachable = live_end
            || (f.kind != Kind::Loop && f.targeted)
            || f.kind == Kind::If // no else: the false condition falls through
            || (f.kind == Kind::Else && f.then_live);
        self.dead = !reachable;
    }

    fn addr(a: &Entry, mem: &MemArg) -> String {
        if let Some(k) = Self::const_addr(a, mem) {
            k.to_string()
        } else if mem.offset == 0 {
            a.e.clone()
        } else {
            format!("({} + {})", a.e, mem.offset)
        }
    }

    /// The effective address when it is a compile-time constant (below 2^32; larger ones trap at run time).
    fn const_addr(a: &Entry, mem: &MemArg) -> Option<u64> {
        if !a.konst {
            return None;
        }
        let v = a.e.parse::<u64>().ok()? + mem.offset;
        (v < 1 << 32).then_some(v)
    }

    /// The local whose word index `$wN` addresses this base, if it has one (pass 1 counts the use).
    fn wbase(&mut self, a: &Entry, mem: &MemArg) -> Option<(String, u64)> {
        if a.konst || mem.offset >= 1 << 32 {
            return None;
        }
        let i: usize = a.e.strip_prefix("$l")?.parse().ok()?;
        self.counts.base_uses[i] += 1;
        if !self.wcache[i] {
            return None;
        }
        let k = mem.offset >> 2;
        let wi = if k == 0 { format!("$w{i}") } else { format!("$w{i} + {k}") };
        Some((wi, (mem.offset & 3) * 8))
    }

    fn load(&mut self, mem: &MemArg, kind: &str) {
        self.load_inner(mem, kind);
        // A word read from the memory array is of unknown type to opcache's type inference, and
        // everything computed from it then runs PHP's generic (type-checking) handlers; an (int)
        // costs one cheap opcode and lets the rest use the integer-specialised ones (-2% on the
        // core). Masked, shifted and or-ed forms are known integers already.
        let top = self.stack.last_mut().unwrap();
        if kind == "32" && !top.e.ends_with(" & 0xFFFFFFFF)") {
            top.uncast = Some(top.e.clone());
            top.e = format!("((int) {})", top.e);
        }
    }

    fn load_inner(&mut self, mem: &MemArg, kind: &str) {
        let a = self.pop();
        let ad = Self::addr(&a, mem);
        let m = self.mem;
        if let Some((wi, sh)) = self.wbase(&a, mem) {
            let e = match (kind, sh) {
                ("32", 0) => format!("({m}[{wi}] ?? $this->ld32({ad}))"),
                ("32", _) => format!("(isset({m}[($t = {wi}) + 1]) ? ((({m}[$t] >> {sh}) | ({m}[$t + 1] << {})) & {MASK}) : $this->ld32({ad}))", 32 - sh),
                ("64", 0) => format!("(isset({m}[($t = {wi}) + 1]) ? ({m}[$t] | ({m}[$t + 1] << 32)) : $this->ld64({ad}))"),
                ("64", _) => format!(
                    "(isset({m}[($t = {wi}) + 2]) ? (({m}[$t] >> {sh}) | ({m}[$t + 1] << {}) | ({m}[$t + 2] << {})) : $this->ld64({ad}))",
                    32 - sh,
                    64 - sh
                ),
                ("8u", 0) => format!("(({m}[{wi}] ?? $this->ld8({ad})) & 0xFF)"),
                ("8u", 24) => format!("(({m}[{wi}] ?? ($this->ld8({ad}) << 24)) >> 24)"),
                ("8u", _) => format!("((({m}[{wi}] ?? ($this->ld8({ad}) << {sh})) >> {sh}) & 0xFF)"),
                ("16u", 0) => format!("(({m}[{wi}] ?? $this->ld16({ad})) & 0xFFFF)"),
                ("16u", 16) => format!("(({m}[{wi}] ?? ($this->ld16({ad}) << 16)) >> 16)"),
                ("16u", 8) => format!("((({m}[{wi}] ?? ($this->ld16({ad}) << 8)) >> 8) & 0xFFFF)"),
                _ => format!("$this->ld16({ad})"),
            };
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().impure = true;
            return;
        }
        if let Some(k) = Self::const_addr(&a, mem) {
            let (w, sh) = (k >> 2, (k & 3) * 8);
            // Words below the initial memory always exist (memory never shrinks): no guard.
            let last = w + match (kind, sh) {
                ("64", 0) | ("32", 1..) => 1,
                ("64", _) => 2,
                ("16u", 24) => 1,
                _ => 0,
            };
            let safe = last < self.init_words;
            let rd = |w: u64| if safe { format!("{m}[{w}]") } else { format!("({m}[{w}] ?? self::oob())") };
            let e = match (kind, sh) {
                ("32", 0) => Some(rd(w)),
                ("64", 0) => Some(format!("({} | ({} << 32))", rd(w), rd(w + 1))),
                ("8u", 0) => Some(format!("({} & 0xFF)", rd(w))),
                ("8u", 24) => Some(format!("({} >> 24)", rd(w))),
                ("8u", _) => Some(format!("(({} >> {sh}) & 0xFF)", rd(w))),
                ("16u", 0) => Some(format!("({} & 0xFFFF)", rd(w))),
                ("16u", 16) => Some(format!("({} >> 16)", rd(w))),
                ("16u", 8) => Some(format!("(({} >> 8) & 0xFFFF)", rd(w))),
                // Unaligned constant addresses: the words are known, the shifts constant.
                ("32", _) => Some(format!("((({} >> {sh}) | ({} << {})) & {MASK})", rd(w), rd(w + 1), 32 - sh)),
                ("64", _) => Some(format!("(({} >> {sh}) | ({} << {}) | ({} << {}))", rd(w), rd(w + 1), 32 - sh, rd(w + 2), 64 - sh)),
                _ => None,
            };
            if let Some(e) = e {
                self.push(e, &[&a]);
                self.stack.last_mut().unwrap().impure = true;
                return;
            }
        }
        if a.simple() && mem.offset.is_multiple_of(4) && mem.offset < 1 << 32 && (kind == "32" || kind == "64") {
            let b = &a.e;
            let k = mem.offset >> 2;
            let wi = if k == 0 { format!("{b} >> 2") } else { format!("({b} >> 2) + {k}") };
            let e = if kind == "32" {
                format!("(({b} & 3) === 0 ? ({m}[{wi}] ?? self::oob()) : $this->ld32({ad}))")
            } else {
                format!("(({b} & 3) === 0 ? (({m}[$t = {wi}] ?? self::oob()) | (({m}[$t + 1] ?? self::oob()) << 32)) : $this->ld64({ad}))")
            };
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().impure = true;
            return;
        }
        // A simple base with an offset that is not a word multiple (fields after a tag byte, packed
        // structs): when the base is word-aligned, as it nearly always is, the words and shifts are
        // known at compile time; the helper only serves an unaligned base.
        if a.simple() && !a.konst && mem.offset < 1 << 32 && (kind == "32" || kind == "64") {
            let b = &a.e;
            let (k, sh) = (mem.offset >> 2, (mem.offset & 3) * 8);
            let wi = if k == 0 { format!("{b} >> 2") } else { format!("({b} >> 2) + {k}") };
            let e = if kind == "32" {
                format!("(({b} & 3) === 0 ? (((({m}[$t = {wi}] ?? self::oob()) >> {sh}) | (({m}[$t + 1] ?? self::oob()) << {})) & {MASK}) : $this->ld32({ad}))", 32 - sh)
            } else {
                format!(
                    "(({b} & 3) === 0 ? ((({m}[$t = {wi}] ?? self::oob()) >> {sh}) | (({m}[$t + 1] ?? self::oob()) << {}) | (({m}[$t + 2] ?? self::oob()) << {})) : $this->ld64({ad}))",
                    32 - sh,
                    64 - sh
                )
            };
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().impure = true;
            return;
        }
        if a.simple() && mem.offset == 0 && kind == "8u" {
            let b = &a.e;
            let e = format!("((({m}[{b} >> 2] ?? self::oob()) >> (({b} & 3) << 3)) & 0xFF)");
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().impure = true;
            return;
        }
        if let (Some(raw), 0, "8u" | "32" | "16u") = (&a.raw, mem.offset, kind) {
            let e = match kind {
                "32" => format!("((($t = {raw}) & 3) === 0 ? ({m}[$t >> 2] ?? $this->ld32($t & {MASK})) : $this->ld32($t & {MASK}))"),
                "8u" => format!("((({m}[($t = {raw}) >> 2] ?? $this->ldw($t)) >> (($t & 3) << 3)) & 0xFF)"),
                _ => format!("((($t = {raw}) & 3) === 3 ? $this->ld16($t & {MASK}) : ((({m}[$t >> 2] ?? $this->ldw($t)) >> (($t & 3) << 3)) & 0xFFFF))"),
            };
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().impure = true;
            return;
        }
        let e = match kind {
            "32" => format!("((($t = {ad}) & 3) === 0 ? ({m}[$t >> 2] ?? self::oob()) : $this->ld32($t))"),
            "64" => format!(
                "((($t = {ad}) & 3) === 0 ? (({m}[$t >> 2] ?? self::oob()) | (({m}[($t >> 2) + 1] ?? self::oob()) << 32)) : $this->ld64($t))"
            ),
            "8u" => format!("((({m}[($t = {ad}) >> 2] ?? self::oob()) >> (($t & 3) << 3)) & 0xFF)"),
            "16u" => format!("((($t = {ad}) & 3) === 3 ? $this->ld16($t) : ((({m}[$t >> 2] ?? self::oob()) >> (($t & 3) << 3)) & 0xFFFF))"),
            _ => unreachable!(),
        };
        self.push(e, &[&a]);
        self.stack.last_mut().unwrap().impure = true;
    }

    /// Sign-extends the top entry from `bits` and wraps it to the result width.
    fn sext(&mut self, bits: u32, to64: bool) {
        let a = self.pop();
        let m = (1u64 << bits) - 1;
        let h = 1u64 << (bits - 1);
        let e = if to64 {
            if let (32, Some(sg)) = (bits, &a.signed) {
                sg.clone()
            } else if bits == 32 {
                format!("((({} & {MASK}) ^ 0x80000000) - 0x80000000)", a.e)
            } else {
                format!("((({} & {m}) ^ {h}) - {h})", a.e)
            }
        } else {
            let sg = format!("((({} & {m}) ^ {h}) - {h})", a.e);
            let e = format!("({sg} & {MASK})");
            self.push(e, &[&a]);
            self.stack.last_mut().unwrap().signed = Some(sg);
            return;
        };
        self.push(e, &[&a]);
    }

    fn store(&mut self, mem: &MemArg, width: u32) {
        let v = self.pop();
        let a = self.pop();
        let h = self.stack.len();
        self.flush(h, |e| e.impure);
        // A value that each branch of the store reads once is written inline (evaluated once,
        // in the branch taken) rather than through `$sv`.
        let once = width <= 16 || (width == 32 && Self::const_addr(&a, mem).map_or(mem.offset, |k| k) & 3 == 0);
        let ve = if v.simple() || once {
            v.uncast.clone().unwrap_or_else(|| v.e.clone())
        } else {
            let s = format!("$sv = {};", v.e);
            self.line(&s);
            "$sv".to_owned()
        };
        let m = self.mem;
        if let Some((wi, sh)) = self.wbase(&a, mem) {
            let ad = Self::addr(&a, mem);
            let keep = (1u64 << sh) - 1;
            let high = 0xFFFF_FFFFu64 ^ keep;
            let s = match (width, sh) {
                (32, 0) if !wi.contains(' ') => format!("if (isset({m}[{wi}])) {{ {m}[{wi}] = {ve}; }} else {{ $this->st32({ad}, {ve}); }}"),
                (32, 0) => format!("if (isset({m}[$sw = {wi}])) {{ {m}[$sw] = {ve}; }} else {{ $this->st32({ad}, {ve}); }}"),
                (64, 0) => format!("if (isset({m}[($sw = {wi}) + 1])) {{ {m}[$sw] = {ve} & {MASK}; {m}[$sw + 1] = ({ve} >> 32) & {MASK}; }} else {{ $this->st64({ad}, {ve}); }}"),
                (32, _) => format!(
                    "if (isset({m}[($sw = {wi}) + 1])) {{ {m}[$sw] = ({m}[$sw] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[$sw + 1] = ({m}[$sw + 1] & {high}) | ({ve} >> {}); }} else {{ $this->st32({ad}, {ve}); }}",
                    32 - sh
                ),
                (64, _) => format!(
                    "if (isset({m}[($sw = {wi}) + 2])) {{ {m}[$sw] = ({m}[$sw] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[$sw + 1] = ({ve} >> {}) & {MASK}; {m}[$sw + 2] = ({m}[$sw + 2] & {high}) | (({ve} >> {}) & {keep}); }} else {{ $this->st64({ad}, {ve}); }}",
                    32 - sh,
                    64 - sh
                ),
                (8, _) => format!(
                    "if (isset({m}[$sw = {wi}])) {{ {m}[$sw] = ({m}[$sw] & {}) | (({ve} & 0xFF) << {sh}); }} else {{ $this->st8({ad}, {ve}); }}",
                    !(0xFFu64 << sh) & 0xFFFF_FFFF
                ),
                (16, 0 | 8 | 16) => format!(
                    "if (isset({m}[$sw = {wi}])) {{ {m}[$sw] = ({m}[$sw] & {}) | (({ve} & 0xFFFF) << {sh}); }} else {{ $this->st16({ad}, {ve}); }}",
                    !(0xFFFFu64 << sh) & 0xFFFF_FFFF
                ),
                _ => format!("$this->st16({ad}, {ve});"),
            };
            self.line(&s);
            return;
        }
        // A simple base and a word-multiple offset: the alignment test is on the base, the word
        // index is the base's plus a constant (no temporary for the address).
        if a.simple() && !a.konst && mem.offset.is_multiple_of(4) && mem.offset < 1 << 32 && (width == 32 || width == 64) {
            let b = &a.e;
            let k = mem.offset >> 2;
            let wi = if k == 0 { format!("{b} >> 2") } else { format!("({b} >> 2) + {k}") };
            let ad = Self::addr(&a, mem);
            let s = if width == 32 {
                format!("if (({b} & 3) === 0 && isset({m}[$sw = {wi}])) {{ {m}[$sw] = {ve}; }} else {{ $this->st32({ad}, {ve}); }}")
            } else {
                format!("if (({b} & 3) === 0 && isset({m}[($sw = {wi}) + 1])) {{ {m}[$sw] = {ve} & {MASK}; {m}[$sw + 1] = ({ve} >> 32) & {MASK}; }} else {{ $this->st64({ad}, {ve}); }}")
            };
            self.line(&s);
            return;
        }
        // Not a word-multiple offset off a simple base: constant words and shifts when the base is
        // word-aligned (the usual case), the helper otherwise.
        if a.simple() && !a.konst && mem.offset < 1 << 32 && (width == 32 || width == 64) {
            let b = &a.e;
            let (k, sh) = (mem.offset >> 2, (mem.offset & 3) * 8);
            let wi = if k == 0 { format!("{b} >> 2") } else { format!("({b} >> 2) + {k}") };
            let ad = Self::addr(&a, mem);
            let keep = (1u64 << sh) - 1;
            let high = 0xFFFF_FFFFu64 ^ keep;
            let s = if width == 32 {
                format!(
                    "if (({b} & 3) === 0 && isset({m}[($sw = {wi}) + 1])) {{ {m}[$sw] = ({m}[$sw] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[$sw + 1] = ({m}[$sw + 1] & {high}) | ({ve} >> {}); }} else {{ $this->st32({ad}, {ve}); }}",
                    32 - sh
                )
            } else {
                format!(
                    "if (({b} & 3) === 0 && isset({m}[($sw = {wi}) + 2])) {{ {m}[$sw] = ({m}[$sw] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[$sw + 1] = ({ve} >> {}) & {MASK}; {m}[$sw + 2] = ({m}[$sw + 2] & {high}) | (({ve} >> {}) & {keep}); }} else {{ $this->st64({ad}, {ve}); }}",
                    32 - sh,
                    64 - sh
                )
            };
            self.line(&s);
            return;
        }
        let ad = Self::addr(&a, mem);
        let ae = if (a.simple() && mem.offset == 0) || Self::const_addr(&a, mem).is_some() {
            ad
        } else {
            let s = format!("$sa = {ad};");
            self.line(&s);
            "$sa".to_owned()
        };
        if let Some(k) = Self::const_addr(&a, mem) {
            let (w, sh) = (k >> 2, (k & 3) * 8);
            let keep = (1u64 << sh) - 1;
            let body = match (width, sh) {
                (32, 0) => Some((w, format!("{m}[{w}] = {ve};"))),
                (64, 0) => Some((w + 1, format!("{m}[{w}] = {ve} & {MASK}; {m}[{}] = ({ve} >> 32) & {MASK};", w + 1))),
                (8, _) => Some((w, format!("{m}[{w}] = ({m}[{w}] & {}) | (({ve} & 0xFF) << {sh});", !(0xFFu64 << sh) & 0xFFFF_FFFF))),
                (32, _) => Some((
                    w + 1,
                    format!(
                        "{m}[{w}] = ({m}[{w}] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[{w1}] = ({m}[{w1}] & {}) | ({ve} >> {});",
                        0xFFFF_FFFFu64 ^ keep,
                        32 - sh,
                        w1 = w + 1
                    ),
                )),
                (64, _) => Some((
                    w + 2,
                    format!(
                        "{m}[{w}] = ({m}[{w}] & {keep}) | (({ve} << {sh}) & {MASK}); {m}[{w1}] = ({ve} >> {}) & {MASK}; {m}[{w2}] = ({m}[{w2}] & {}) | (({ve} >> {}) & {keep});",
                        32 - sh,
                        0xFFFF_FFFFu64 ^ keep,
                        64 - sh,
                        w1 = w + 1,
                        w2 = w + 2
                    ),
                )),
                (16, 0 | 8 | 16) => Some((w, format!("{m}[{w}] = ({m}[{w}] & {}) | (({ve} & 0xFFFF) << {sh});", !(0xFFFFu64 << sh) & 0xFFFF_FFFF))),
                _ => None,
            };
            if let Some((last, body)) = body {
                // Words below the initial memory always exist (memory never shrinks): no guard.
                let s = if last < self.init_words { body } else { format!("if (isset({m}[{last}])) {{ {body} }} else {{ self::oob(); }}") };
                self.line(&s);
                return;
            }
        }
        let s = match width {
            32 => format!("if (({ae} & 3) === 0 && isset({m}[{ae} >> 2])) {{ {m}[{ae} >> 2] = {ve}; }} else {{ $this->st32({ae}, {ve}); }}"),
            64 => format!(
                "if (({ae} & 3) === 0 && isset({m}[($sw = {ae} >> 2) + 1])) {{ {m}[$sw] = {ve} & {MASK}; {m}[$sw + 1] = ({ve} >> 32) & {MASK}; }} else {{ $this->st64({ae}, {ve}); }}"
            ),
            8 => format!(
                "if (isset({m}[$sw = {ae} >> 2])) {{ $sh = ({ae} & 3) << 3; {m}[$sw] = ({m}[$sw] & ~(0xFF << $sh)) | (({ve} & 0xFF) << $sh); }} else {{ self::oob(); }}"
            ),
            16 => format!(
                "if (({ae} & 3) !== 3 && isset({m}[$sw = {ae} >> 2])) {{ $sh = ({ae} & 3) << 3; {m}[$sw] = ({m}[$sw] & ~(0xFFFF << $sh)) | (({ve} & 0xFFFF) << $sh); }} else {{ $this->st16({ae}, {ve}); }}"
            ),
            _ => unreachable!(),
        };
        self.line(&s);
    }

    /// A call-like statement whose result (if any) lands in the slot it will occupy.
    fn effect(&mut self, call: String, has_result: bool) {
        let h = self.stack.len();
        self.flush(h, |e| e.impure);
        if has_result {
            let s = format!("$s{h} = {call};");
            self.line(&s);
            self.stack.push(Entry::slot(h));
        } else {
            let s = format!("{call};");
            self.line(&s);
        }
    }

    fn args(&mut self, n: usize) -> Vec<Entry> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    fn bin(&mut self, f: impl FnOnce(&str, &str) -> String) {
        let b = self.pop();
        let a = self.pop();
        let e = f(&a.e, &b.e);
        self.push(e, &[&a, &b]);
    }

    fn wrap64(&mut self, op: &str, helper: &str) {
        let b = self.pop();
        let a = self.pop();
        let e = if a.simple() && b.simple() {
            format!("(\\is_int($q = {} {op} {}) ? $q : self::{helper}({}, {}))", a.e, b.e, a.e, b.e)
        } else {
            // Operands evaluated once into temporaries of their own (an operand may hold another
            // such expression), so the common no-overflow case needs no call either.
            self.tmp += 1;
            let n = self.tmp;
            let x = if a.simple() { a.e.clone() } else { format!("($qa{n} = {})", a.e) };
            let y = if b.simple() { b.e.clone() } else { format!("($qb{n} = {})", b.e) };
            let xa = if a.simple() { a.e.clone() } else { format!("$qa{n}") };
            let yb = if b.simple() { b.e.clone() } else { format!("$qb{n}") };
            format!("(\\is_int($q{n} = {x} {op} {y}) ? $q{n} : self::{helper}({xa}, {yb}))")
        };
        self.push(e, &[&a, &b]);
    }

    fn cmp(&mut self, f: impl FnOnce(&str, &str) -> String) {
        let b = self.pop();
        let a = self.pop();
        let c = f(a.uncast.as_ref().unwrap_or(&a.e), b.uncast.as_ref().unwrap_or(&b.e));
        self.push_cond(c, &[&a, &b]);
    }

    fn un(&mut self, f: impl FnOnce(&str) -> String) {
        let a = self.pop();
        let e = f(&a.e);
        self.push(e, &[&a]);
    }

    fn op(&mut self, op: Operator<'_>) -> Result<(), Error> {
        if self.dead {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.dead_nest += 1,
                Operator::Else if self.dead_nest == 0 => self.else_(),
                Operator::End if self.dead_nest > 0 => self.dead_nest -= 1,
                Operator::End => self.end(),
                _ => {}
            }
            return Ok(());
        }
        let s32 = |x: &str| format!("(({x} ^ 0x80000000) - 0x80000000)");
        let u64c = |x: &str| format!("({x} ^ PHP_INT_MIN)");
        match op {
            Operator::Unreachable => {
                self.line("self::trap('unreachable');");
                self.dead = true;
            }
            Operator::Nop => {}
            Operator::Block { blockty } => {
                self.start_block(Kind::Block, blockty)?;
                self.line("do {");
            }
            Operator::Loop { blockty } => {
                self.start_block(Kind::Loop, blockty)?;
                self.line("while (true) {");
            }
            Operator::If { blockty } => {
                let c = self.pop();
                self.start_block(Kind::If, blockty)?;
                self.line("do {");
                let s = format!("if ({}) {{", Self::cond_of(&c));
                self.line(&s);
            }
            Operator::Else => self.else_(),
            Operator::End => self.end(),
            Operator::Br { relative_depth } => {
                let s = self.branch(relative_depth);
                self.line(&s);
                self.dead = true;
            }
            Operator::BrIf { relative_depth } => {
                let c = self.pop();
                let arity = self.label_arity(relative_depth);
                let h = self.stack.len();
                self.flush(h, |_| false);
                for j in h - arity..h {
                    self.materialize(j);
                }
                let s = self.branch(relative_depth);
                let s = format!("if ({}) {{ {s} }}", Self::cond_of(&c));
                self.line(&s);
            }
            Operator::BrTable { targets } => {
                let i = self.pop();
                let arity = self.label_arity(targets.default());
                let h = self.stack.len();
                self.flush(h, |_| false);
                for j in h - arity..h {
                    self.materialize(j);
                }
                let list: Vec<u32> = targets.targets().collect::<Result<_, _>>()?;
                let s = format!("switch ({}) {{", i.e);
                self.line(&s);
                self.in_switch += 1;
                // Group the cases by target, in first-seen order (deterministic).
                let mut seen: Vec<u32> = Vec::new();
                for t in &list {
                    if !seen.contains(t) {
                        seen.push(*t);
                    }
                }
                for t in seen {
                    if t == targets.default() {
                        continue;
                    }
                    let cases: Vec<String> = list.iter().enumerate().filter(|(_, x)| **x == t).map(|(k, _)| format!("case {k}:")).collect();
                    let s = format!("{} {}", cases.join(" "), self.branch(t));
                    self.line(&s);
                }
                let s = format!("default: {}", self.branch(targets.default()));
                self.line(&s);
                self.in_switch -= 1;
                self.line("}");
                self.dead = true;
            }
            Operator::Return => {
                let depth = self.frames.len() as u32 - 1;
                let s = self.branch(depth);
                self.line(&s);
                self.dead = true;
            }
            Operator::Call { function_index } => {
                let ty = self.m.func_type(function_index);
                let (np, nr) = (ty.params().len(), ty.results().len());
                if nr > 1 {
                    return Err(Error::Unsupported("a call to a function returning several values".into()));
                }
                if let Some(f) = self.resolve(function_index) {
                    // Arguments are evaluated once, in order, before the inlined body reorders them.
                    let h = self.stack.len();
                    if self.stack[h - np..].iter().any(|e| !e.simple()) {
                        self.flush_all();
                    }
                    let args = self.args(np);
                    let val = |a: &FArg| match a {
                        FArg::Param(i) => args[*i].clone(),
                        FArg::Const(c) => Entry::konst(c.clone()),
                    };
                    match f {
                        Fwd::Value(None) => {}
                        Fwd::Value(Some(v)) => self.stack.push(val(&v)),
                        Fwd::Call(g, list) => {
                            let list: Vec<String> = list.iter().map(|a| val(a).e).collect();
                            let call = format!("$this->{}({})", self.names[g as usize], list.join(", "));
                            self.effect(call, nr == 1);
                        }
                    }
                    return Ok(());
                }
                let args = self.args(np);
                let list: Vec<&str> = args.iter().map(|a| a.e.as_str()).collect();
                let call = format!("$this->{}({})", self.names[function_index as usize], list.join(", "));
                self.effect(call, nr == 1);
            }
            Operator::CallIndirect { type_index, table_index } => {
                if table_index != 0 {
                    return Err(Error::Unsupported("call_indirect through a second table".into()));
                }
                let t = canonical(self.m, type_index);
                let ty = &self.m.types[t as usize];
                let (np, nr) = (ty.params().len(), ty.results().len());
                if nr > 1 || ty.params().iter().chain(ty.results()).any(|v| !matches!(v, ValType::I32 | ValType::I64)) {
                    return Err(Error::Unsupported("call_indirect of a function type with floats or several results".into()));
                }
                let idx = self.pop();
                let args = self.args(np);
                let mut list: Vec<&str> = vec![idx.e.as_str()];
                list.extend(args.iter().map(|a| a.e.as_str()));
                let call = format!("$this->ci{t}({})", list.join(", "));
                self.effect(call, nr == 1);
            }
            Operator::Drop => {
                // Still evaluated: a dropped division or load must trap like the original.
                let e = self.pop();
                if !e.simple() {
                    let s = format!("{};", e.e);
                    self.line(&s);
                }
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                if let Operator::TypedSelect { ty } = op {
                    check_valtype(ty, "select")?;
                }
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let e = format!("({} ? {} : {})", Self::cond_of(&c), a.e, b.e);
                self.push(e, &[&a, &b, &c]);
            }
            Operator::LocalGet { local_index } => self.stack.push(Entry::local(local_index)),
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                let v = self.pop();
                let h = self.stack.len();
                self.flush(h, |e| e.locals.contains(&local_index));
                self.counts.sets[local_index as usize] += 1;
                let mut s = format!("$l{local_index} = {};", v.e);
                if self.wcache[local_index as usize] {
                    s.push(' ');
                    // Off another local with a word index by a word multiple: derived with one add.
                    // (An unaligned base keeps a negative index; a sum that wraps past 2^32 gives an
                    // index beyond any memory or below 0: either way the helper sees the real address.)
                    let lin = v.lin.or_else(|| v.e.strip_prefix("$l").and_then(|n| n.parse::<u32>().ok()).map(|l| (l, 0)));
                    match lin {
                        Some((l, c)) if self.wcache[l as usize] && c % 4 == 0 => {
                            let k = c / 4;
                            let _ = match k.cmp(&0) {
                                std::cmp::Ordering::Equal => write!(s, "$w{local_index} = $w{l};"),
                                std::cmp::Ordering::Greater => write!(s, "$w{local_index} = $w{l} + {k};"),
                                std::cmp::Ordering::Less => write!(s, "$w{local_index} = $w{l} - {};", -k),
                            };
                        }
                        _ => s.push_str(&word_index(local_index)),
                    }
                }
                self.line(&s);
                if matches!(op, Operator::LocalTee { .. }) {
                    self.stack.push(Entry::local(local_index));
                }
            }
            Operator::GlobalGet { global_index } => {
                let g = &self.m.globals[global_index as usize];
                if g.mutable {
                    self.stack.push(Entry { e: format!("$this->g{global_index}"), locals: Vec::new(), impure: true, slots: false, konst: false, cond: None, signed: None, lin: None, raw: None, uncast: None });
                } else {
                    self.stack.push(Entry::konst(literal(g.ty, g.init)));
                }
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop();
                let h = self.stack.len();
                self.flush(h, |e| e.impure);
                let s = format!("$this->g{global_index} = {};", v.e);
                self.line(&s);
            }
            Operator::I32Load { memarg } | Operator::I64Load32U { memarg } => self.load(&memarg, "32"),
            Operator::I64Load { memarg } => self.load(&memarg, "64"),
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => self.load(&memarg, "8u"),
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => self.load(&memarg, "16u"),
            Operator::I32Load8S { memarg } => {
                self.load(&memarg, "8u");
                self.sext(8, false);
            }
            Operator::I32Load16S { memarg } => {
                self.load(&memarg, "16u");
                self.sext(16, false);
            }
            Operator::I64Load8S { memarg } => {
                self.load(&memarg, "8u");
                self.sext(8, true);
            }
            Operator::I64Load16S { memarg } => {
                self.load(&memarg, "16u");
                self.sext(16, true);
            }
            Operator::I64Load32S { memarg } => {
                self.load(&memarg, "32");
                self.sext(32, true);
            }
            Operator::I32Store { memarg } => self.store(&memarg, 32),
            Operator::I64Store { memarg } => self.store(&memarg, 64),
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => self.store(&memarg, 8),
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => self.store(&memarg, 16),
            Operator::I64Store32 { memarg } => {
                let v = self.pop();
                self.push(format!("({} & {MASK})", v.e), &[&v]);
                self.store(&memarg, 32)
            }
            Operator::MemorySize { mem: 0 } => {
                self.stack.push(Entry { e: "$this->pages".into(), locals: Vec::new(), impure: true, slots: false, konst: false, cond: None, signed: None, lin: None, raw: None, uncast: None });
            }
            Operator::MemoryGrow { mem: 0 } => {
                let n = self.pop();
                self.effect(format!("$this->grow({})", n.e), true);
            }
            Operator::MemoryCopy { dst_mem: 0, src_mem: 0 } => {
                let a = self.args(3);
                self.effect(format!("$this->copy({}, {}, {})", a[0].e, a[1].e, a[2].e), false);
            }
            Operator::MemoryFill { mem: 0 } => {
                let a = self.args(3);
                self.effect(format!("$this->fill({}, {}, {})", a[0].e, a[1].e, a[2].e), false);
            }
            Operator::MemoryInit { data_index, mem: 0 } => {
                let a = self.args(3);
                self.effect(format!("$this->init({data_index}, {}, {}, {})", a[0].e, a[1].e, a[2].e), false);
            }
            Operator::DataDrop { data_index } => self.effect(format!("$this->data[{data_index}] = ''"), false),

            Operator::I32Const { value } => self.stack.push(Entry::konst((value as u32).to_string())),
            Operator::I64Const { value } => self.stack.push(Entry::konst(i64_literal(value))),

            Operator::I32Eqz | Operator::I64Eqz => {
                let a = self.pop();
                let c = match &a.cond {
                    Some(c) => format!("!({c})"),
                    None => format!("{} === 0", a.e),
                };
                self.push_cond(c, &[&a]);
            }
            Operator::I32Eq | Operator::I64Eq => self.cmp(|a, b| format!("{a} === {b}")),
            Operator::I32Ne | Operator::I64Ne => self.cmp(|a, b| format!("{a} !== {b}")),
            Operator::I32LtU | Operator::I64LtS => self.cmp(|a, b| format!("{a} < {b}")),
            Operator::I32GtU | Operator::I64GtS => self.cmp(|a, b| format!("{a} > {b}")),
            Operator::I32LeU | Operator::I64LeS => self.cmp(|a, b| format!("{a} <= {b}")),
            Operator::I32GeU | Operator::I64GeS => self.cmp(|a, b| format!("{a} >= {b}")),
            Operator::I32LtS => self.cmp_s("<"),
            Operator::I32GtS => self.cmp_s(">"),
            Operator::I32LeS => self.cmp_s("<="),
            Operator::I32GeS => self.cmp_s(">="),
            Operator::I64LtU => self.cmp(|a, b| format!("{} < {}", u64c(a), u64c(b))),
            Operator::I64GtU => self.cmp(|a, b| format!("{} > {}", u64c(a), u64c(b))),
            Operator::I64LeU => self.cmp(|a, b| format!("{} <= {}", u64c(a), u64c(b))),
            Operator::I64GeU => self.cmp(|a, b| format!("{} >= {}", u64c(a), u64c(b))),

            Operator::I32Clz => self.un(|a| format!("self::clz32({a})")),
            Operator::I32Ctz => self.un(|a| format!("self::ctz32({a})")),
            Operator::I32Popcnt => self.un(|a| format!("self::popcnt32({a})")),
            Operator::I32Add | Operator::I32Sub => {
                let b = self.pop();
                let a = self.pop();
                let (sign, op) = if matches!(op, Operator::I32Add) { (1, "+") } else { (-1, "-") };
                let e = format!("(({} {op} {}) & {MASK})", a.e, b.e);
                let lin = match (a.e.strip_prefix("$l").and_then(|n| n.parse::<u32>().ok()), b.konst, b.e.parse::<u32>()) {
                    (Some(l), true, Ok(c)) => Some((l, sign * i64::from(c))),
                    _ => None,
                };
                self.push(e, &[&a, &b]);
                self.stack.last_mut().unwrap().lin = lin;
                self.stack.last_mut().unwrap().raw = Some(format!("({} {op} {})", a.e, b.e));
            }
            Operator::I32Mul => {
                let b = self.pop();
                let a = self.pop();
                // A constant below 2^31 keeps the product below 2^63: no helper needed.
                let e = match (a.konst, b.konst) {
                    (_, true) if b.e.parse::<u64>().is_ok_and(|v| v < 1 << 31) => format!("(({} * {}) & {MASK})", a.e, b.e),
                    (true, _) if a.e.parse::<u64>().is_ok_and(|v| v < 1 << 31) => format!("(({} * {}) & {MASK})", a.e, b.e),
                    _ => format!("self::mul32({}, {})", a.e, b.e),
                };
                self.push(e, &[&a, &b]);
            }
            Operator::I32DivS => self.bin(|a, b| format!("self::divs32({a}, {b})")),
            Operator::I32DivU => self.bin(|a, b| format!("intdiv({a}, {b})")),
            Operator::I32RemS => self.bin(|a, b| format!("self::rems32({a}, {b})")),
            Operator::I32RemU => self.bin(|a, b| format!("({a} % {b})")),
            Operator::I32And | Operator::I64And => self.bin(|a, b| format!("({a} & {b})")),
            Operator::I32Or | Operator::I64Or => self.bin(|a, b| format!("({a} | {b})")),
            Operator::I32Xor | Operator::I64Xor => self.bin(|a, b| format!("({a} ^ {b})")),
            Operator::I32Shl => self.bin(|a, b| match b.parse::<u32>() {
                Ok(n) => format!("(({a} << {}) & {MASK})", n & 31),
                Err(_) => format!("(({a} << ({b} & 31)) & {MASK})"),
            }),
            Operator::I32ShrU => self.bin(|a, b| match b.parse::<u32>() {
                Ok(n) => format!("({a} >> {})", n & 31),
                Err(_) => format!("({a} >> ({b} & 31))"),
            }),
            Operator::I32ShrS => self.bin(|a, b| match b.parse::<u32>() {
                Ok(n) => format!("(({} >> {}) & {MASK})", s32(a), n & 31),
                Err(_) => format!("(({} >> ({b} & 31)) & {MASK})", s32(a)),
            }),
            Operator::I32Rotl => self.bin(|a, b| format!("self::rotl32({a}, {b})")),
            Operator::I32Rotr => self.bin(|a, b| format!("self::rotr32({a}, {b})")),

            Operator::I64Clz => self.un(|a| format!("self::clz64({a})")),
            Operator::I64Ctz => self.un(|a| format!("self::ctz64({a})")),
            Operator::I64Popcnt => self.un(|a| format!("self::popcnt64({a})")),
            // Inline fast path (PHP gives a float only on overflow), the wrapping helper otherwise.
            Operator::I64Add => self.wrap64("+", "add64"),
            Operator::I64Sub => self.wrap64("-", "sub64"),
            Operator::I64Mul => self.wrap64("*", "mul64"),
            Operator::I64DivS => self.bin(|a, b| format!("intdiv({a}, {b})")),
            // A positive constant divisor: a non-negative dividend is PHP's own division.
            Operator::I64DivU => self.bin(|a, b| match b.parse::<i64>() {
                Ok(c) if c > 0 => format!("((($qd = {a}) >= 0) ? intdiv($qd, {c}) : self::divu64($qd, {c}))"),
                _ => format!("self::divu64({a}, {b})"),
            }),
            Operator::I64RemS => self.bin(|a, b| format!("({a} % {b})")),
            Operator::I64RemU => self.bin(|a, b| match b.parse::<i64>() {
                Ok(c) if c > 0 => format!("((($qd = {a}) >= 0) ? $qd % {c} : self::remu64($qd, {c}))"),
                _ => format!("self::remu64({a}, {b})"),
            }),
            Operator::I64Shl => self.bin(|a, b| match b.parse::<i64>() {
                Ok(n) => format!("({a} << {})", n & 63),
                Err(_) => format!("({a} << ({b} & 63))"),
            }),
            Operator::I64ShrS => self.bin(|a, b| match b.parse::<i64>() {
                Ok(n) => format!("({a} >> {})", n & 63),
                Err(_) => format!("({a} >> ({b} & 63))"),
            }),
            Operator::I64ShrU => self.bin(|a, b| match b.parse::<i64>() {
                Ok(n) if n & 63 == 0 => a.to_owned(),
                Ok(n) => format!("(({a} >> {}) & {})", n & 63, i64::MAX >> ((n & 63) - 1)),
                Err(_) => format!("self::shru64({a}, {b})"),
            }),
            Operator::I64Rotl => self.bin(|a, b| format!("self::rotl64({a}, {b})")),
            Operator::I64Rotr => self.bin(|a, b| format!("self::rotr64({a}, {b})")),

            Operator::I32WrapI64 => self.un(|a| format!("({a} & {MASK})")),
            Operator::I64ExtendI32U => {}
            Operator::I64ExtendI32S => self.sext(32, true),
            Operator::I32Extend8S => self.sext(8, false),
            Operator::I32Extend16S => self.sext(16, false),
            Operator::I64Extend8S => self.sext(8, true),
            Operator::I64Extend16S => self.sext(16, true),
            Operator::I64Extend32S => self.sext(32, true),

            other => return Err(unsupported_op(&other)),
        }
        Ok(())
    }

    /// The forwarder chain from `f` composed into one (None: `f` is not a forwarder).
    fn resolve(&self, f: u32) -> Option<Fwd> {
        let mut cur = self.fwd.get(f as usize)?.clone()?;
        for _ in 0..8 {
            let Fwd::Call(g, args) = &cur else { return Some(cur) };
            let Some(next) = self.fwd.get(*g as usize).cloned().flatten() else { return Some(cur) };
            let map = |a: &FArg| match a {
                FArg::Param(i) => args[*i].clone(),
                c => c.clone(),
            };
            cur = match next {
                Fwd::Value(v) => Fwd::Value(v.as_ref().map(map)),
                Fwd::Call(h, inner) => Fwd::Call(h, inner.iter().map(map).collect()),
            };
        }
        Some(cur)
    }

    fn else_(&mut self) {
        let live = !self.dead;
        if live {
            self.settle_results();
        }
        let f = self.frames.last_mut().unwrap();
        f.kind = Kind::Else;
        f.then_live = live;
        let (base, np) = (f.base, f.nparams);
        self.line("} else {");
        self.stack.truncate(base);
        for i in 0..np {
            self.stack.push(Entry::slot(base + i));
        }
        self.dead = false;
        self.dead_nest = 0;
    }
}

fn unsupported_op(op: &Operator<'_>) -> Error {
    let name = format!("{op:?}");
    let short = name.split([' ', '{', '(']).next().unwrap_or(&name).to_owned();
    if short.starts_with("F32") || short.starts_with("F64") || short.contains("Trunc") || short.contains("Convert") || short.contains("Reinterpret") || short.contains("Demote") || short.contains("Promote") {
        Error::Unsupported(format!("float instruction {short} (the PHP target is integer-only; keep floats out of the core)"))
    } else {
        Error::Unsupported(format!("instruction {short}"))
    }
}

/// Functions that may reach a stubbed one (directly, through calls, or through the table).
pub fn tainted(m: &Module<'_>, stubbed: &[bool]) -> Result<Vec<bool>, Error> {
    let n = m.funcs.len();
    let mut calls: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut indirect = vec![false; n];
    let mut table_ops = false;
    for (i, f) in m.funcs.iter().enumerate() {
        let mut r = f.body.get_operators_reader()?;
        while !r.eof() {
            match r.read()? {
                Operator::Call { function_index } => calls[i].push(function_index),
                Operator::CallIndirect { .. } => indirect[i] = true,
                Operator::TableInit { .. } | Operator::TableSet { .. } | Operator::TableCopy { .. } | Operator::TableGrow { .. } | Operator::TableFill { .. } | Operator::ElemDrop { .. } => {
                    table_ops = true
                }
                _ => {}
            }
        }
    }
    // A stub in the table, or a table changed by (stubbed) table instructions: indirect calls may fail.
    let table_stub = table_ops || m.table.iter().flatten().any(|f| stubbed[*f as usize]);
    let mut t: Vec<bool> = (0..n).map(|i| stubbed[i] || (indirect[i] && table_stub)).collect();
    loop {
        let mut changed = false;
        for i in 0..n {
            if !t[i] && calls[i].iter().any(|c| t[*c as usize]) {
                t[i] = true;
                changed = true;
            }
        }
        if !changed {
            return Ok(t);
        }
    }
}
