//! A small JSON reader into `Value` and a JSON writer for responses, for the wasm binding: JS
//! turns the request into text with one JSON.stringify and the response back with one JSON.parse,
//! instead of one wasm↔JS crossing per field and per string (several times faster), and without
//! linking serde_json into the wasm (size budget). Numbers: integers exactly; any number written
//! with a fraction or exponent is read as "not a whole number" — JSON.stringify writes every whole
//! number below 10^21 without them, and no field accepts fractional numbers.

use crate::money::RawNum;
use crate::value::{Num, Value, MAX_DEPTH, MAX_FIELDS};
use serde::ser::{self, Impossible, Serialize};
use std::borrow::Cow;
use std::fmt;

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

/// A JSON number with a fraction and/or exponent ("800.0", "-1.5e3") as a whole i64 when its exact
/// value is a whole number below 9e15 in magnitude (where every f64 is exact, so serde_json's f64
/// agrees up to its own rounding: serde_json reads "8999999999999999.0" as 8999999999999998), else None.
/// Digit strings long enough to round in f64 ("2.00000000000000001") are None here.
fn whole_decimal(text: &str) -> Option<i64> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, "0"),
    };
    let exp: i64 = exp.strip_prefix('+').unwrap_or(exp).parse().ok().filter(|e: &i64| e.abs() < 1000)?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_owned();
    let mut scale = exp - frac.len() as i64;
    while digits.ends_with('0') {
        digits.pop();
        scale += 1;
    }
    if digits.is_empty() {
        return Some(0);
    }
    if scale < 0 || digits.len() as i64 + scale > 16 {
        return None;
    }
    let mut v: i64 = digits.parse().ok()?;
    for _ in 0..scale {
        v = v.checked_mul(10)?;
    }
    (v < 9_000_000_000_000_000).then_some(if neg { -v } else { v })
}

pub fn parse(text: &str) -> Result<Value<'_>, String> {
    let mut r = Reader { s: text, b: text.as_bytes(), i: 0 };
    let v = r.value(0)?;
    r.ws();
    if r.i != r.b.len() {
        return Err(format!("trailing characters at byte {}", r.i));
    }
    Ok(v)
}

/// A key's bit in the duplicate filter of an object: length and first byte, 32 classes.
fn key_class(k: &str) -> u32 {
    let first = k.as_bytes().first().map_or(0, |&b| u32::from(b));
    1 << ((k.len() as u32).wrapping_mul(7).wrapping_add(first) & 31)
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        // PHP's json_encode writes no whitespace: one test, and the position is not stored again.
        match self.b.get(self.i) {
            Some(&c) if c > b' ' => return,
            None => return,
            _ => {}
        }
        // The position in a local while scanning (a field of `self` is stored on every step).
        let b = self.b;
        let mut i = self.i;
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        self.i = i;
    }

    /// One expected byte (the punctuation), without a slice compare.
    fn eat_byte(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// After an element of an object (`close` b'}') or array (b']'): true past a ',' (another
    /// element follows), false past the closing byte. The separator is tested before whitespace is
    /// skipped (json_encode writes none). Inlined in the server builds only (browser size budget).
    #[cfg_attr(not(feature = "wasm"), inline(always))]
    fn more(&mut self, close: u8) -> Result<bool, String> {
        match self.b.get(self.i) {
            Some(b',') => {
                self.i += 1;
                Ok(true)
            }
            Some(&c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            _ => {
                self.ws();
                if self.eat_byte(b',') {
                    return Ok(true);
                }
                if self.eat_byte(close) {
                    return Ok(false);
                }
                let expected = if close == b'}' { "expected ',' or '}' at byte " } else { "expected ',' or ']' at byte " };
                Err(format!("{expected}{}", self.i))
            }
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.b[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    /// A field's or element's value once whitespace is skipped: strings and numbers (most values)
    /// without a recursive `value` call; the depth limit applies to them as well (as in serde's path).
    // Inlined in the server builds only: the browser module has a size budget (bin/build-core).
    #[cfg_attr(not(feature = "wasm"), inline(always))]
    fn item(&mut self, depth: u32) -> Result<Value<'a>, String> {
        match self.b.get(self.i) {
            Some(b'"') if depth <= MAX_DEPTH => Ok(Value::Str(self.string()?)),
            Some(b'-' | b'0'..=b'9') if depth <= MAX_DEPTH => self.number(),
            _ => self.value(depth),
        }
    }

    fn value(&mut self, depth: u32) -> Result<Value<'a>, String> {
        if depth > MAX_DEPTH {
            return Err("the request is nested too deeply".into());
        }
        self.ws();
        match self.b.get(self.i) {
            None => Err("unexpected end of input".into()),
            Some(b'{') => {
                self.i += 1;
                // Room for the largest request object (authorize: 17 fields): growing it later copies
                // every field, since nested values were allocated after it.
                let mut out: Vec<(Cow<'a, str>, Value<'a>)> = Vec::with_capacity(20);
                let mut seen: u32 = 0;
                self.ws();
                if self.eat_byte(b'}') {
                    return Ok(Value::Obj(out));
                }
                loop {
                    // PHP's json_encode writes no whitespace: the expected byte is tested first, and
                    // whitespace skipped only when it is not there (same errors, same positions).
                    if self.b.get(self.i) != Some(&b'"') {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return Err(format!("expected a field name at byte {}", self.i));
                        }
                    }
                    let k = self.string()?;
                    if out.len() >= MAX_FIELDS {
                        return Err("an object in the request has too many fields".into());
                    }
                    // One bit per (length, first byte) class: a key whose bit is still clear is not a
                    // duplicate, so the earlier keys are scanned only on a class collision (the scan
                    // was quadratic in the fields of every object).
                    let bit = key_class(&k);
                    if seen & bit != 0 && out.iter().any(|(e, _)| *e == k) {
                        return Err(format!("duplicate field `{k}`"));
                    }
                    seen |= bit;
                    if !self.eat_byte(b':') {
                        self.ws();
                        if !self.eat_byte(b':') {
                            return Err(format!("expected ':' at byte {}", self.i));
                        }
                    }
                    if self.b.get(self.i).is_none_or(|&c| c <= b' ') {
                        self.ws();
                    }
                    let v = self.item(depth + 1)?;
                    out.push((k, v));
                    if !self.more(b'}')? {
                        return Ok(Value::Obj(out));
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut out = Vec::with_capacity(4);
                self.ws();
                if self.eat_byte(b']') {
                    return Ok(Value::Arr(out));
                }
                loop {
                    if self.b.get(self.i).is_none_or(|&c| c <= b' ') {
                        self.ws();
                    }
                    out.push(self.item(depth + 1)?);
                    if !self.more(b']')? {
                        return Ok(Value::Arr(out));
                    }
                }
            }
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') if self.eat("true") => Ok(Value::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(Value::Bool(false)),
            Some(b'n') if self.eat("null") => Ok(Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(format!("unexpected character at byte {}", self.i)),
        }
    }

    fn number(&mut self) -> Result<Value<'a>, String> {
        // The position in a local (see `ws`).
        let b = self.b;
        let start = self.i;
        let mut i = start;
        if b[i] == b'-' {
            i += 1;
        }
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == int_start {
            return Err(format!("invalid number at byte {start}"));
        }
        let mut whole = true;
        if i < b.len() && b[i] == b'.' {
            whole = false;
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == f {
                return Err(format!("invalid number at byte {start}"));
            }
        }
        if i < b.len() && matches!(b[i], b'e' | b'E') {
            whole = false;
            i += 1;
            if i < b.len() && matches!(b[i], b'+' | b'-') {
                i += 1;
            }
            let e = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == e {
                return Err(format!("invalid number at byte {start}"));
            }
        }
        self.i = i;
        // SAFETY: `start..i` holds only ASCII (sign, digits, point, exponent), within the text.
        let text = unsafe { self.s.get_unchecked(start..i) };
        if whole {
            // Same shapes as serde_json: non-negative → u64, negative → i64. Up to 18 digits fit
            // an i64 without the overflow checks of `parse` (128-bit multiplies on wasm32).
            let neg = self.b[start] == b'-';
            let digits = &self.b[int_start..self.i];
            // Ids, counts and timestamps: up to 9 digits in 32-bit arithmetic.
            if digits.len() <= 9 && !neg {
                let mut m: u32 = 0;
                for &d in digits {
                    m = m * 10 + u32::from(d - b'0');
                }
                return Ok(Value::Num(Num::small(m)));
            }
            if digits.len() <= 18 {
                let mut m: i64 = 0;
                for &d in digits {
                    m = m * 10 + i64::from(d - b'0');
                }
                return Ok(Value::Num(Num::new(if neg { RawNum::I(-m) } else { RawNum::U(m as u64) })));
            }
            if let Ok(v) = text.parse::<u64>() {
                return Ok(Value::Num(Num::new(RawNum::U(v))));
            }
            if let Ok(v) = text.parse::<i64>() {
                return Ok(Value::Num(Num::new(RawNum::I(v))));
            }
        }
        // A fraction or an exponent: decided like RawNum::from_f64 decides serde_json's f64 (whole
        // and below 9e15 → I), with integers only; beyond 64 bits is never a valid whole number.
        Ok(Value::Num(Num::new(if whole { RawNum::Frac } else { whole_decimal(text).map_or(RawNum::Frac, RawNum::I) })))
    }

    // Inlined in the server builds (a PHP method call each in the PHP core), not in the browser's.
    #[cfg_attr(not(feature = "wasm"), inline(always))]
    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        self.i += 1; // opening quote
        let start = self.i;
        // The plain run in one scan over a local slice (the PHP core pays for every field access).
        let rest = &self.b[start..];
        // Bytes above '\\' (lowercase letters, '_', UTF-8 sequences) end nothing: one test for most of them.
        self.i = start + rest.iter().position(|&c| c <= b'\\' && (c == b'"' || c == b'\\' || c < 0x20)).unwrap_or(rest.len());
        match self.b.get(self.i) {
            Some(b'"') => {
                // SAFETY: both ends are next to ASCII quotes, so on char boundaries, and the closing
                // one was just read at `self.i`, so in bounds (the checked slice re-tests both).
                let s = unsafe { self.s.get_unchecked(start..self.i) };
                self.i += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(&c) if c < 0x20 => return Err(format!("control character in string at byte {}", self.i)),
            _ => {}
        }
        let mut out = String::from(&self.s[start..self.i]);
        loop {
            let Some(&c) = self.b.get(self.i) else { return Err("unterminated string".into()) };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    let Some(&e) = self.b.get(self.i + 1) else { return Err("unterminated string".into()) };
                    self.i += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) && self.eat("\\u") {
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err("invalid surrogate pair".into());
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            // Lone surrogates (possible in JS strings) become U+FFFD, as TextEncoder does.
                            out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(format!("invalid escape at byte {}", self.i - 1)),
                    }
                }
                c if c < 0x20 => return Err(format!("control character in string at byte {}", self.i)),
                _ => {
                    // Copy one UTF-8 character.
                    let ch = self.s[self.i..].chars().next().ok_or("invalid UTF-8")?;
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.s.get(self.i..self.i + 4).ok_or("short \\u escape")?;
        let v = u32::from_str_radix(h, 16).map_err(|_| "invalid \\u escape".to_string())?;
        self.i += 4;
        Ok(v)
    }
}

// ---------- writer ----------

#[derive(Debug)]
pub struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        WriteError(msg.to_string())
    }
}

pub fn write<T: Serialize>(v: &T) -> Result<String, WriteError> {
    let mut out = String::with_capacity(512);
    write_into(&mut out, v)?;
    Ok(out)
}

/// Appends `v`'s JSON to `out`.
pub fn write_into<T: Serialize + ?Sized>(out: &mut String, v: &T) -> Result<(), WriteError> {
    v.serialize(Writer { out })
}

/// Escapes by bytes, not chars: only ASCII bytes ever need escaping, and a UTF-8 multi-byte
/// sequence has none, so runs are copied whole (decoding every char was a large share of a call
/// in the PHP core, docs/core.md).
fn quote(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Most bytes need nothing: one range test for the common case, then the rare escapes.
    let plain = |c: u8| c > b'\\' || (c >= 0x20 && c != b'"' && c != b'\\');
    let first = b.iter().position(|&c| !plain(c)).unwrap_or(b.len());
    if first == b.len() {
        // Nothing to escape (nearly every string): the quotes and the text in one reserved run.
        wrap(out, b'"', b, b'"');
        return;
    }
    out.reserve(s.len() + 2);
    out.push('"');
    let mut last = 0;
    let mut i = first;
    while i < b.len() {
        let c = b[i];
        if plain(c) {
            i += 1;
            continue;
        }
        // `i` is an ASCII byte, so both slices end on char boundaries.
        out.push_str(&s[last..i]);
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            // serde_json's short forms (the FFI path); \u0008/\u000c before this change.
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                // serde_json's form for the other control characters: \u00XX, lowercase hex.
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(c >> 4)]));
                out.push(char::from(HEX[usize::from(c & 15)]));
            }
        }
        i += 1;
        last = i;
    }
    out.push_str(&s[last..]);
    out.push('"');
}

/// Appends `open`, `text`, `close` with one capacity check and one copy (each `push` checks and
/// stores the length again; in the PHP core every such step is several array operations).
#[inline(always)]
fn wrap(out: &mut String, open: u8, text: &[u8], close: u8) {
    debug_assert!(open.is_ascii() && close.is_ascii());
    // SAFETY: `text` is valid UTF-8 (a whole `str`) and `open`/`close` are ASCII, so the string
    // stays valid UTF-8; the bytes written are within the capacity reserved first.
    unsafe {
        let v = out.as_mut_vec();
        v.reserve(text.len() + 2);
        let len = v.len();
        let p = v.as_mut_ptr().add(len);
        *p = open;
        std::ptr::copy_nonoverlapping(text.as_ptr(), p.add(1), text.len());
        *p.add(1 + text.len()) = close;
        v.set_len(len + text.len() + 2);
    }
}

struct Writer<'a> {
    out: &'a mut String,
}

struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    close: char,
}

type R = Result<(), WriteError>;

fn unsupported(what: &str) -> WriteError {
    WriteError(format!("{what} cannot be written as a response"))
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Impossible<(), WriteError>;
    type SerializeTupleVariant = Impossible<(), WriteError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> R {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R {
        crate::digits::push_i64(self.out, v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R {
        crate::digits::push_u64(self.out, v);
        Ok(())
    }
    fn serialize_f32(self, _v: f32) -> R {
        Err(unsupported("a float"))
    }
    fn serialize_f64(self, _v: f64) -> R {
        Err(unsupported("a float"))
    }
    fn serialize_char(self, v: char) -> R {
        quote(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        quote(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> R {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> R {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> R {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, v: &T) -> R {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _n: &'static str, _i: u32, _v: &'static str, _value: &T) -> R {
        Err(unsupported("an enum variant"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        self.out.push('[');
        Ok(Compound { out: self.out, first: true, close: ']' })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, WriteError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _n: &'static str, _l: usize) -> Result<Self::SerializeTupleStruct, WriteError> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(self, _n: &'static str, _i: u32, _v: &'static str, _l: usize) -> Result<Self::SerializeTupleVariant, WriteError> {
        Err(unsupported("an enum variant"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, WriteError> {
        self.out.push('{');
        Ok(Compound { out: self.out, first: true, close: '}' })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, WriteError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(self, _n: &'static str, _i: u32, _v: &'static str, _l: usize) -> Result<Self::SerializeStructVariant, WriteError> {
        Err(unsupported("an enum variant"))
    }
}

impl Compound<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> R {
        self.sep();
        v.serialize(Writer { out: self.out })
    }
    fn end(self) -> R {
        self.out.push(self.close);
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> R {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> R {
        self.sep();
        k.serialize(Writer { out: self.out })?;
        self.out.push(':');
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> R {
        v.serialize(Writer { out: self.out })
    }
    fn end(self) -> R {
        self.out.push(self.close);
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> R {
        // Field names are the response structs' own identifiers: nothing to escape.
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        // The separator, the quoted name and the colon with one capacity check and one copy.
        let k = key.as_bytes();
        let comma = usize::from(!self.first);
        self.first = false;
        // SAFETY: ASCII punctuation around a whole `str` keeps the string valid UTF-8; every byte
        // written lies within the capacity reserved first.
        unsafe {
            let v = self.out.as_mut_vec();
            v.reserve(k.len() + 4);
            let len = v.len();
            let p = v.as_mut_ptr().add(len);
            *p = b',';
            let p = p.add(comma);
            *p = b'"';
            std::ptr::copy_nonoverlapping(k.as_ptr(), p.add(1), k.len());
            *p.add(1 + k.len()) = b'"';
            *p.add(2 + k.len()) = b':';
            v.set_len(len + comma + k.len() + 3);
        }
        v.serialize(Writer { out: self.out })
    }
    fn end(self) -> R {
        self.out.push(self.close);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_serde_json_for_request_shapes() {
        for text in [
            r#"{"a":[1,-2,"x\"y\\z\u00e9\ud83d\ude80",null,true,false,{}],"b":{"c":"é"}}"#,
            r#"  {"n": 18446744073709551615, "m": -9223372036854775808}  "#,
            "[]",
            r#""plain""#,
            // Around the 18-digit fast path of the number reader, both signs.
            "[0,-0,7,-7,999999999999999999,-999999999999999999,1000000000000000000,-1000000000000000000,9223372036854775807,9223372036854775808,-9223372036854775808]",
            // The writer's and reader's escapes, a long plain run, keys of equal length.
            r#"{"ab":"\t\r\n\b\f\/\u001f\u0000","ac":"x","long":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé"}"#,
        ] {
            let mine = parse(text).unwrap();
            let theirs: Value<'_> = serde_json::from_str(text).unwrap();
            assert_eq!(mine, theirs, "{text}");
        }
    }

    #[test]
    fn numbers_with_a_fraction_or_exponent_are_decided_like_serde_json_f64() {
        for (text, want) in [
            ("1.5", RawNum::Frac),
            ("1e3", RawNum::I(1000)),
            ("800.0", RawNum::I(800)),
            ("-0.0", RawNum::I(0)),
            ("0e5", RawNum::I(0)),
            ("-1.50e1", RawNum::I(-15)),
            ("1.25e1", RawNum::Frac),
            ("12e-1", RawNum::Frac),
            ("120e-1", RawNum::I(12)),
            ("123456789012.0", RawNum::I(123_456_789_012)),
            ("9e15", RawNum::Frac),
            ("1e400", RawNum::Frac),
            ("99999999999999999999", RawNum::Frac),
        ] {
            assert_eq!(parse(text).unwrap(), Value::Num(Num::new(want)), "{text}");
            // serde_json refuses numbers beyond f64 ("1e400": malformed input); PHP never writes one.
            if let Ok(theirs) = serde_json::from_str::<f64>(text) {
                assert_eq!(RawNum::from_f64(theirs), want, "serde_json {text}");
            }
        }
    }

    #[test]
    fn refuses_bad_json() {
        for bad in ["", "{", "[1,]", "{\"a\"}", "{\"a\":1,\"a\":2}", "01x", "-", "1.", "\"\u{1}\"", "\"\\x\"", "nul", "[1] 2", "{\"a\":1,}"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(parse(&deep).is_err());
        // The separator's message names the closing byte of what is being read, with its position.
        assert_eq!(parse("{\"a\":1 x").unwrap_err(), "expected ',' or '}' at byte 7");
        assert_eq!(parse("[1 ]").unwrap(), Value::Arr(vec![parse("1").unwrap()]));
        assert_eq!(parse("[1 x]").unwrap_err(), "expected ',' or ']' at byte 3");
        assert_eq!(parse("{\"a\":[1] ,\"b\":2 }").map(|v| matches!(v, Value::Obj(ref f) if f.len() == 2)), Ok(true));
    }

    #[test]
    fn duplicate_keys_of_equal_length_and_first_byte() {
        assert!(parse(r#"{"ab":1,"ac":2,"ab":3}"#).is_err());
        assert!(parse(r#"{"ab":1,"ac":2,"ba":3}"#).is_ok());
        assert!(parse(r#"{"":1,"":2}"#).is_err());
    }

    #[test]
    fn depth_limit_holds_for_scalars_read_without_recursion() {
        // MAX_DEPTH containers may hold a scalar or an empty container; one more level is refused,
        // as serde's reader refuses it (values at depth 33 included, scalars or not).
        for inner in ["1", "\"s\"", "-7", "[]", "{}", "null", "true"] {
            for levels in [31usize, 32, 33, 34] {
                let text = format!("{}{inner}{}", "[".repeat(levels), "]".repeat(levels));
                let theirs = serde_json::from_str::<Value<'_>>(&text).is_ok();
                assert_eq!(parse(&text).is_ok(), theirs, "{levels} x {inner}");
                let obj = format!("{}{inner}{}", "{\"k\":".repeat(levels), "}".repeat(levels));
                assert_eq!(parse(&obj).is_ok(), serde_json::from_str::<Value<'_>>(&obj).is_ok(), "{levels} x {inner} in objects");
            }
        }
        assert!(parse(&format!("{}1{}", "[".repeat(32), "]".repeat(32))).is_ok());
        assert!(parse(&format!("{}1{}", "[".repeat(33), "]".repeat(33))).is_err());
    }

    #[test]
    fn numbers_around_the_32_bit_and_64_bit_paths() {
        let text = "[0,9,-9,123456789,999999999,1000000000,-999999999,-1000000000,4294967295,4294967296,-4294967296,\
                    999999999999999999,18446744073709551615,-9223372036854775808,12345678901234567890]";
        let mine = parse(text).unwrap();
        let theirs: Value<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(mine, theirs);
        assert_eq!(parse("4294967295").unwrap(), Value::Num(Num::new(RawNum::U(4_294_967_295))));
        assert_eq!(parse("-5").unwrap(), Value::Num(Num::new(RawNum::I(-5))));
        for n in [RawNum::I(i64::MIN), RawNum::I(-1), RawNum::U(u64::MAX), RawNum::U(1 << 32), RawNum::Frac] {
            assert_eq!(Num::new(n).get(), n);
        }
    }

    #[test]
    fn duplicate_keys_among_many_fields_and_colliding_classes() {
        // 100 keys fill every class of the duplicate filter; a repeat anywhere is still found.
        let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        let ok = format!("{{{}}}", keys.join(","));
        assert_eq!(parse(&ok).unwrap(), serde_json::from_str::<Value<'_>>(&ok).unwrap());
        for dup in ["k0", "k57", "k99"] {
            let bad = format!("{{{},\"{dup}\":1}}", keys.join(","));
            assert_eq!(parse(&bad).unwrap_err(), format!("duplicate field `{dup}`"));
        }
        // Same length and first byte (one class), different keys; and an escaped spelling of a key.
        assert!(parse(r#"{"abc":1,"abd":2,"abe":3}"#).is_ok());
        assert!(parse(r#"{"abc":1,"ab\u0063":2}"#).is_err());
    }

    #[test]
    fn strings_with_escapes_after_long_plain_runs_and_surrogates() {
        let long = "x".repeat(300);
        for text in [
            format!(r#"["{long}\n{long}","{long}\"","\ud83d\ude80{long}","é{long}\u00e9"]"#),
            format!(r#"{{"{long}":"\/\b\f\r\t\\"}}"#),
        ] {
            assert_eq!(parse(&text).unwrap(), serde_json::from_str::<Value<'_>>(&text).unwrap());
        }
        // Lone surrogates (JS strings may hold them) become U+FFFD; a bad low half is refused.
        assert_eq!(parse(r#""a\ud83db""#).unwrap(), Value::Str("a\u{FFFD}b".into()));
        assert!(parse(r#""\ud83d\u0041""#).is_err());
        assert!(parse(r#""\u12""#).is_err());
        assert!(parse(&format!("\"{long}")).is_err());
    }

    #[test]
    fn quotes_every_control_character_like_serde_json() {
        let s: String = (0u8..0x80).map(char::from).chain("é🚀\"\\".chars()).collect();
        let mut out = String::new();
        quote(&mut out, &s);
        assert_eq!(out, serde_json::to_string(&s).unwrap());
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let v = crate::ops::run_value("csv_rows", &parse(r#"{"rows":[["a\"b","=1","x\ny","\u0001"]]}"#).unwrap()).unwrap();
        assert_eq!(write(&v).unwrap(), serde_json::to_string(&v).unwrap());
        let q = r#"{"rules":[{"id":7,"usage_type":"chat","provider":"openai","model":"gpt-4o","method":"per_1k_tokens","input_rate":"1","output_rate":"2"}],"usage":{"usage_type":"chat","provider":"openai","model":"gpt-4o","input_tokens":800,"output_tokens":300}}"#;
        let v = crate::ops::run_value("quote", &parse(q).unwrap()).unwrap();
        assert_eq!(write(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }
}
