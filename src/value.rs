//! A small dynamic value that any serde Deserializer fills through one visitor. Requests are read
//! from it by hand with exact field paths ("usage.input_tokens", "rules[2].unit_rate"), which keeps
//! error fields identical in every binding and keeps the wasm small (one generic instantiation
//! instead of a derived visitor per request type).

use crate::error::{err, CoreError};
use crate::money::RawNum;
use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

// A 4-byte tag: with a 1-byte one the compiler copies a value's payload from byte 1 on, as unaligned
// 64-bit moves (a helper call each in the PHP core).
#[derive(Debug, Clone, PartialEq)]
#[repr(u32)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Num(Num),
    /// Borrowed from the input when it needs no unescaping (no allocation on the hot path).
    Str(Cow<'a, str>),
    Arr(Vec<Value<'a>>),
    Obj(Vec<(Cow<'a, str>, Value<'a>)>),
}

/// A number as a `Value` keeps it: a `RawNum` in 32-bit halves. With it a `Value` is 16 bytes with
/// 4-byte alignment on wasm32 (24 with 8-byte alignment around a `RawNum`), and every value the JSON
/// reader builds is moved through memory a few times: in the PHP core a 64-bit load or store costs
/// several 32-bit ones (docs/core.md).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Num {
    /// 0: `RawNum::I`, 1: `RawNum::U`, 2: `RawNum::Frac`.
    kind: u8,
    lo: u32,
    hi: u32,
}

impl Num {
    pub fn new(r: RawNum) -> Num {
        let (kind, bits) = match r {
            RawNum::I(i) => (0, i as u64),
            RawNum::U(u) => (1, u),
            RawNum::Frac => (2, 0),
        };
        Num { kind, lo: bits as u32, hi: (bits >> 32) as u32 }
    }

    /// A non-negative integer below 2^32 (what most request numbers are), without 64-bit work.
    pub fn small(v: u32) -> Num {
        Num { kind: 1, lo: v, hi: 0 }
    }

    pub fn get(self) -> RawNum {
        let bits = u64::from(self.hi) << 32 | u64::from(self.lo);
        match self.kind {
            0 => RawNum::I(bits as i64),
            1 => RawNum::U(bits),
            _ => RawNum::Frac,
        }
    }
}

impl fmt::Debug for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// Deepest nesting accepted: requests are at most 4 levels deep; the cap keeps a hostile input
/// from exhausting the stack (serde_json stops at 128, JS objects have no limit of their own).
pub const MAX_DEPTH: u32 = 32;
/// Most fields accepted in one object (role_limits is the largest real one).
pub const MAX_FIELDS: usize = 1000;

impl<'de> serde::Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor { depth: 0 })
    }
}

#[derive(Clone, Copy)]
struct ValueVisitor {
    depth: u32,
}

impl<'de> de::DeserializeSeed<'de> for ValueVisitor {
    type Value = Value<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom("the request is nested too deeply"));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value<'de>, E> {
        Ok(Value::Num(Num::new(RawNum::I(v))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value<'de>, E> {
        Ok(Value::Num(Num::new(RawNum::U(v))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value<'de>, E> {
        Ok(Value::Num(Num::new(RawNum::from_f64(v))))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Value<'de>, A::Error> {
        let inner = ValueVisitor { depth: self.depth + 1 };
        let mut out = Vec::with_capacity(s.size_hint().unwrap_or(4).min(1024));
        while let Some(v) = s.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Arr(out))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Value<'de>, A::Error> {
        let inner = ValueVisitor { depth: self.depth + 1 };
        // Request objects have up to 8 fields: one allocation, no regrowth.
        let mut out: Vec<(Cow<'de, str>, Value<'de>)> = Vec::with_capacity(m.size_hint().unwrap_or(8).min(64));
        // Keys are read through this same visitor: serde's String visitor would drag float
        // formatting (its type-error message) into the wasm.
        while let Some(k) = m.next_key_seed(inner)? {
            let Value::Str(k) = k else {
                return Err(de::Error::custom("object keys must be strings"));
            };
            // Requests have small objects; the cap also bounds the duplicate check below.
            if out.len() >= MAX_FIELDS {
                return Err(de::Error::custom("an object in the request has too many fields"));
            }
            if out.iter().any(|(e, _)| *e == k) {
                return Err(de::Error::custom(format!("duplicate field `{k}`")));
            }
            let v = m.next_value_seed(inner)?;
            out.push((k, v));
        }
        Ok(Value::Obj(out))
    }
}

impl Value<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Arr(_) => "an array",
            Value::Obj(_) => "an object",
        }
    }
}

// Field paths: plain concatenation, no `format!` (costly in the PHP core, src/digits.rs). The hot ops
// build them only for an error (`Obj::at` borrows at the root; `ops::retry_at` for list items).
pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        return name.to_owned();
    }
    let mut s = String::with_capacity(path.len() + 1 + name.len());
    s.push_str(path);
    s.push('.');
    s.push_str(name);
    s
}

pub fn index(path: &str, i: usize) -> String {
    let mut s = String::with_capacity(path.len() + 8);
    s.push_str(path);
    s.push('[');
    crate::digits::push_u64(&mut s, i as u64);
    s.push(']');
    s
}

pub fn wrong_type(path: &str, expected: &str, got: &Value<'_>) -> CoreError {
    let at = if path.is_empty() { "the request".to_owned() } else { path.to_owned() };
    err("malformed_input", format!("Malformed input: {at} must be {expected}, not {}.", got.kind()), path)
}

/// A JSON object being read, with its path for error fields.
pub struct Obj<'a> {
    pub path: String,
    fields: &'a [(Cow<'a, str>, Value<'a>)],
}

pub fn as_obj<'a>(v: &'a Value<'a>, path: &str) -> Result<Obj<'a>, CoreError> {
    match v {
        Value::Obj(f) => Ok(Obj { path: path.to_owned(), fields: f }),
        // PHP's json_encode turns an empty array into [] where an object was meant.
        Value::Arr(a) if a.is_empty() => Ok(Obj { path: path.to_owned(), fields: &[] }),
        other => Err(wrong_type(path, "an object", other)),
    }
}

pub fn as_arr<'a>(v: &'a Value<'a>, path: &str) -> Result<&'a [Value<'a>], CoreError> {
    match v {
        Value::Arr(a) => Ok(a),
        other => Err(wrong_type(path, "an array", other)),
    }
}

pub fn as_str<'a>(v: &'a Value<'a>, path: &str) -> Result<&'a str, CoreError> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(wrong_type(path, "a string", other)),
    }
}

pub fn as_num(v: &Value<'_>, path: &str) -> Result<RawNum, CoreError> {
    match v {
        Value::Num(n) => Ok(n.get()),
        other => Err(wrong_type(path, "a number", other)),
    }
}

/// Ids and small settings: integers, or digit strings as $wpdb hands them over.
pub fn as_lenient_int(v: &Value<'_>, path: &str) -> Result<RawNum, CoreError> {
    match v {
        Value::Num(n) => Ok(n.get()),
        Value::Str(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("malformed_input", format!("Malformed input: {path} must be an integer."), path));
            }
            s.parse::<i64>().map(RawNum::I).map_err(|_| err("malformed_input", format!("Malformed input: {path} must be an integer."), path))
        }
        other => Err(wrong_type(path, "an integer", other)),
    }
}

/// Text cells and key parts: strings, whole numbers (written as integers) or null (empty).
pub fn as_text(v: &Value<'_>, path: &str) -> Result<String, CoreError> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Null => Ok(String::new()),
        Value::Num(n) => match n.get() {
            RawNum::I(i) => Ok(crate::digits::i64_text(i)),
            RawNum::U(u) => Ok(crate::digits::u64_text(u)),
            RawNum::Frac => Err(err("malformed_input", format!("Malformed input: {path} must be a string (only whole numbers may be passed as numbers)."), path)),
        },
        other => Err(wrong_type(path, "a string", other)),
    }
}

/// Key equality with the length and the first byte tested before the bytes are compared (a
/// `memcmp` call each in the PHP core; field names of one length mostly differ in their first byte).
#[inline(always)]
fn same_key(k: &str, name: &str) -> bool {
    let (k, n) = (k.as_bytes(), name.as_bytes());
    k.len() == n.len() && k.first() == n.first() && k == n
}

impl<'a> Obj<'a> {
    /// The field's path for an error. The browser module keeps the plain `String` (the `Cow`'s drop
    /// code at every call site cost it 1.7 KB of its size budget, bin/build-core).
    #[cfg(feature = "wasm")]
    pub fn at(&self, name: &str) -> String {
        join(&self.path, name)
    }

    /// The field's path for an error; at the root (or read without a path, see `ops::retry_at`) the
    /// name itself, without an allocation.
    #[cfg(not(feature = "wasm"))]
    pub fn at<'n>(&self, name: &'n str) -> Cow<'n, str> {
        if self.path.is_empty() {
            Cow::Borrowed(name)
        } else {
            Cow::Owned(join(&self.path, name))
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a Value<'a>> {
        self.fields.iter().find(|(k, _)| same_key(k, name)).map(|(_, v)| v)
    }

    /// Present and not null.
    pub fn opt(&self, name: &str) -> Option<&'a Value<'a>> {
        self.get(name).filter(|v| !matches!(v, Value::Null))
    }

    pub fn req(&self, name: &str) -> Result<&'a Value<'a>, CoreError> {
        self.get(name).ok_or_else(|| {
            let f = self.at(name);
            err("malformed_input", format!("Malformed input: missing field {f}."), &f)
        })
    }

    pub fn str(&self, name: &str) -> Result<&'a str, CoreError> {
        match self.req(name)? {
            Value::Str(s) => Ok(s),
            v => Err(wrong_type(&self.at(name), "a string", v)),
        }
    }

    /// Missing or null → None.
    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, CoreError> {
        match self.opt(name) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(v) => Err(wrong_type(&self.at(name), "a string", v)),
        }
    }

    /// Must be present; null → None (for money, absence must not silently mean "unlimited").
    pub fn nullable_str(&self, name: &str) -> Result<Option<&'a str>, CoreError> {
        match self.req(name)? {
            Value::Null => Ok(None),
            Value::Str(s) => Ok(Some(s)),
            v => Err(wrong_type(&self.at(name), "a string", v)),
        }
    }

    pub fn num(&self, name: &str) -> Result<RawNum, CoreError> {
        match self.req(name)? {
            Value::Num(n) => Ok(n.get()),
            v => Err(wrong_type(&self.at(name), "a number", v)),
        }
    }

    pub fn opt_num(&self, name: &str) -> Result<Option<RawNum>, CoreError> {
        match self.opt(name) {
            None => Ok(None),
            Some(Value::Num(n)) => Ok(Some(n.get())),
            Some(v) => Err(wrong_type(&self.at(name), "a number", v)),
        }
    }

    pub fn arr(&self, name: &str) -> Result<&'a [Value<'a>], CoreError> {
        match self.req(name)? {
            Value::Arr(a) => Ok(a),
            v => Err(wrong_type(&self.at(name), "an array", v)),
        }
    }

    pub fn obj(&self, name: &str) -> Result<Obj<'a>, CoreError> {
        match self.req(name)? {
            Value::Obj(f) => Ok(Obj { path: self.at(name).into(), fields: f }),
            v => as_obj(v, &self.at(name)),
        }
    }

    pub fn fields(&self) -> &'a [(Cow<'a, str>, Value<'a>)] {
        self.fields
    }

    /// Refuses fields the op does not know (typos must not be silently ignored).
    pub fn deny_unknown(&self, allowed: &[&str]) -> Result<(), CoreError> {
        if let Some((k, _)) = self.fields.iter().find(|(k, _)| !allowed.iter().any(|a| same_key(k, a))) {
            let f = self.at(k);
            let shown: String = f.chars().take(60).collect();
            return Err(err("malformed_input", format!("Malformed input: unknown field {shown}; expected one of {}.", allowed.join(", ")), &shown));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Value<'_>, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn reads_every_shape() {
        let v = read(r#"{"a":[1,-2,1.5,"s",null,true],"b":{}}"#).unwrap();
        let o = as_obj(&v, "").unwrap();
        assert_eq!(as_arr(o.req("a").unwrap(), "a").unwrap().len(), 6);
        assert!(o.deny_unknown(&["a", "b"]).is_ok());
        assert_eq!(o.deny_unknown(&["a"]).unwrap_err().field(), Some("b"));
        assert_eq!(o.req("zz").unwrap_err().field(), Some("zz"));
    }

    #[test]
    fn refuses_duplicates_depth_and_size() {
        assert!(read(r#"{"a":1,"a":2}"#).is_err());
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(read(&deep).is_err());
        let ok = format!("{}{}", "[".repeat(20), "]".repeat(20));
        assert!(read(&ok).is_ok());
        let wide = format!("{{{}}}", (0..1001).map(|i| format!("\"k{i}\":0")).collect::<Vec<_>>().join(","));
        assert!(read(&wide).is_err());
    }

    #[test]
    fn empty_php_array_is_an_empty_object() {
        let v = read("[]").unwrap();
        assert!(as_obj(&v, "").is_ok());
        let v = read("[1]").unwrap();
        assert_eq!(as_obj(&v, "x").err().map(|e| e.code()), Some("malformed_input"));
    }
}
