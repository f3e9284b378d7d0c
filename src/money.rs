//! Credits: exact decimal amounts with 6 places over rust_decimal.
//! Parsing accepts 0–6 decimal places and nothing else (no exponent, no spaces, no NaN);
//! arithmetic is checked (overflow is an error, never a wrap or a panic); a computed charge is
//! rounded once, half away from zero (rust_decimal's default would be banker's rounding).

use crate::error::{err, CoreError};
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// Decimal places of every stored amount (DECIMAL(20,6)).
pub const SCALE: u32 = 6;
/// Amounts must stay strictly below 10^14 in absolute value (fits DECIMAL(20,6)).
pub const MAX_INT_DIGITS: usize = 14;
/// Largest accepted count (tokens, images, videos).
pub const MAX_COUNT: u64 = 1_000_000_000_000;

const POW10: [u64; SCALE as usize + 1] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

fn limit() -> Decimal {
    Decimal::from(100_000_000_000_000u64)
}

/// The rounding every charge uses, exactly once.
pub fn round_charge(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero)
}

/// Strips trailing zeros and the sign of zero, for human-readable breakdowns ("0.8", "1100").
pub fn display_decimal(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.is_zero() {
        n.set_sign_positive(true);
    }
    // rust_decimal's Display (core::fmt and 96-bit digit division) only when the mantissa needs
    // more than 64 bits; otherwise the same text from the u64 mantissa (src/digits.rs).
    let u = n.unpack();
    if u.hi != 0 {
        return n.to_string();
    }
    let scale = u.scale as usize;
    let v = u64::from(u.mid) << 32 | u64::from(u.lo);
    if scale < 20 {
        // Sign, digits and point in one stack buffer, one allocation: the digits zero-padded to one
        // more than the scale ("0.05"), then the integer part moved left by one for the point.
        let mut buf = [0u8; 23];
        let mut i = crate::digits::fill(&mut buf, 23, v, if scale == 0 { 0 } else { scale + 1 });
        if scale > 0 {
            buf.copy_within(i..23 - scale, i - 1);
            i -= 1;
            buf[22 - scale] = b'.';
        }
        if u.negative {
            i -= 1;
            buf[i] = b'-';
        }
        let mut s = String::with_capacity(23 - i);
        crate::digits::push_ascii(&mut s, &buf[i..]);
        return s;
    }
    let mut digits = String::with_capacity(24);
    crate::digits::push_u64(&mut digits, v);
    let mut s = String::with_capacity(digits.len() + scale + 3);
    if u.negative {
        s.push('-');
    }
    if scale == 0 {
        s.push_str(&digits);
    } else if digits.len() > scale {
        s.push_str(&digits[..digits.len() - scale]);
        s.push('.');
        s.push_str(&digits[digits.len() - scale..]);
    } else {
        s.push_str("0.");
        for _ in digits.len()..scale {
            s.push('0');
        }
        s.push_str(&digits);
    }
    s
}

fn shown(raw: &str) -> String {
    let mut s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Credits(Decimal);

impl Credits {
    pub const ZERO: Credits = Credits(Decimal::ZERO);

    /// Parses a signed decimal string ("-1.5", "0", "12.000001").
    pub fn parse(raw: &str, field: &str) -> Result<Credits, CoreError> {
        let bytes = raw.as_bytes();
        let (neg, body) = match bytes.first() {
            Some(b'-') => (true, &bytes[1..]),
            _ => (false, bytes),
        };
        let bad = || {
            err(
                "invalid_amount",
                format!("{field}: \"{}\" is not a valid amount; use a plain decimal such as \"1.5\" (at most 6 decimal places).", shown(raw)),
                field,
            )
        };
        let dot = body.iter().position(|&b| b == b'.');
        let (int, frac) = match dot {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, &body[0..0]),
        };
        if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        if dot.is_some() && (frac.is_empty() || !frac.iter().all(u8::is_ascii_digit)) {
            return Err(bad());
        }
        if frac.len() > SCALE as usize {
            return Err(err(
                "invalid_amount",
                format!("{field}: \"{}\" has more than 6 decimal places.", shown(raw)),
                field,
            ));
        }
        let significant = int.iter().skip_while(|&&b| b == b'0').count();
        if significant > MAX_INT_DIGITS {
            return Err(overflow(field));
        }
        // At most 14 + 6 significant digits; up to 18 fit an i64 without any overflow check (i128
        // arithmetic is a __multi3 call per digit in the PHP core).
        let d = if significant + frac.len() <= 18 {
            let mut m: i64 = 0;
            for &b in int.iter().chain(frac.iter()) {
                m = m * 10 + i64::from(b - b'0');
            }
            Decimal::new(if neg { -m } else { m }, frac.len() as u32)
        } else {
            let mut mantissa: i128 = 0;
            for &b in int.iter().chain(frac.iter()) {
                mantissa = mantissa * 10 + i128::from(b - b'0');
            }
            if neg {
                mantissa = -mantissa;
            }
            Decimal::from_i128_with_scale(mantissa, frac.len() as u32)
        };
        Credits::from_exact(d, field)
    }

    /// Parses an amount that must not be negative.
    pub fn parse_non_negative(raw: &str, field: &str) -> Result<Credits, CoreError> {
        let c = Credits::parse(raw, field)?;
        if c.is_negative() {
            return Err(err("negative_amount", format!("{field} must not be negative (got \"{}\").", shown(raw)), field));
        }
        Ok(c)
    }

    /// Rounds an exactly computed value once (half away from zero) and range-checks it.
    pub fn from_exact(d: Decimal, field: &str) -> Result<Credits, CoreError> {
        // Already at most 6 places: rounding would change nothing (and costs in wasm).
        let mut r = if d.scale() <= SCALE { d } else { round_charge(d) };
        // A mantissa below 23,283 * 2^32 (< 10^14) is in range at any scale: no Decimal compare
        // (a rescaling 96-bit comparison, costly in the PHP core) for everyday amounts.
        let u = r.unpack();
        let small = u.hi == 0 && u.mid < 23_283;
        if !small && r.abs() >= limit() {
            return Err(overflow(field));
        }
        if r.is_zero() {
            r.set_sign_positive(true);
        }
        Ok(Credits(r))
    }

    pub fn from_count(n: u64) -> Credits {
        Credits(Decimal::from(n))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, other: Credits, field: &str) -> Result<Credits, CoreError> {
        self.0.checked_add(other.0).ok_or_else(|| overflow(field)).and_then(|d| Credits::from_exact(d, field))
    }

    pub fn checked_sub(self, other: Credits, field: &str) -> Result<Credits, CoreError> {
        self.0.checked_sub(other.0).ok_or_else(|| overflow(field)).and_then(|d| Credits::from_exact(d, field))
    }

    /// Canonical wire form: exactly 6 decimal places ("1.400000").
    pub fn canonical(self) -> String {
        // Fast path: the mantissa scaled to 6 places fits a u64 (amounts below ~1.8 * 10^13), so
        // no rescale and no 128-bit division (each a long helper call in the PHP core).
        let (lo, mid, hi) = {
            let u = self.0.unpack();
            (u.lo, u.mid, u.hi)
        };
        let scale = self.0.scale();
        if hi == 0 && scale <= SCALE {
            let raw = u64::from(mid) << 32 | u64::from(lo);
            // No checked_mul: its overflow test is a 128-bit multiply on wasm32.
            let f = POW10[(SCALE - scale) as usize];
            if raw <= u64::MAX / f {
                let a = raw * f;
                return canonical_text(self.0.is_sign_negative() && a != 0, a / 1_000_000, (a % 1_000_000) as u32);
            }
        }
        let mut d = self.0;
        d.rescale(SCALE);
        // Integer formatting of the mantissa: rust_decimal's Display divides 96-bit numbers digit by
        // digit, which is slow in wasm32; every amount below 10^14 fits u64 after the split.
        let m = d.mantissa();
        let a = m.unsigned_abs();
        let Ok(int) = u64::try_from(a / 1_000_000) else {
            if d.is_zero() {
                d.set_sign_positive(true);
            }
            return d.to_string();
        };
        canonical_text(m < 0, int, (a % 1_000_000) as u32)
    }

    /// Human form without trailing zeros ("1.4").
    pub fn display(self) -> String {
        display_decimal(self.0)
    }
}

/// `[-]int.ffffff`, built in a stack buffer and copied once into a string of exactly its size.
fn canonical_text(negative: bool, int: u64, frac: u32) -> String {
    let mut buf = [0u8; 28];
    let mut i = crate::digits::fill(&mut buf, 28, u64::from(frac), 6);
    i -= 1;
    buf[i] = b'.';
    i = crate::digits::fill(&mut buf, i, int, 0);
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    let mut s = String::with_capacity(28 - i);
    crate::digits::push_ascii(&mut s, &buf[i..]);
    s
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

pub fn overflow(field: &str) -> CoreError {
    err(
        "amount_overflow",
        format!("{field}: the amount is too large (credits must stay below 100,000,000,000,000)."),
        field,
    )
}

/// A count as it arrives from JSON or JS: integers, or floats that happen to be whole (JS has only doubles).
/// A float is decided when it is read (`from_f64`): whole ones become `I`, every other one `Frac`, so
/// no float reaches the rules and the core compiles to integer-only WebAssembly (wasm2php/).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawNum {
    I(i64),
    U(u64),
    /// A number that is not a whole number below 9e15 (a fraction, NaN, infinite or too large).
    Frac,
}

impl<'de> serde::Deserialize<'de> for RawNum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawNum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawNum, E> {
                Ok(RawNum::I(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawNum, E> {
                Ok(RawNum::U(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawNum, E> {
                Ok(RawNum::from_f64(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl RawNum {
    /// The only place a float is looked at (serde_json hands JSON numbers with a fraction or an
    /// exponent over as f64): whole and below 9e15 in magnitude → `I`, else `Frac`.
    #[allow(clippy::float_arithmetic, clippy::cast_possible_truncation)]
    pub fn from_f64(f: f64) -> RawNum {
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
            RawNum::I(f as i64)
        } else {
            RawNum::Frac
        }
    }

    /// A whole number in `min..=max`, else `code` with a message naming the field.
    pub fn whole(self, min: i64, max: i64, code: &str, field: &str) -> Result<i64, CoreError> {
        let v: Option<i64> = match self {
            RawNum::I(i) => Some(i),
            RawNum::U(u) => i64::try_from(u).ok(),
            RawNum::Frac => None,
        };
        match v {
            Some(v) if v >= min && v <= max => Ok(v),
            _ => Err(err(code, format!("{field} must be a whole number from {min} to {max}."), field)),
        }
    }

    /// A usage count: whole, 0 ..= 10^12.
    pub fn count(self, field: &str) -> Result<u64, CoreError> {
        self.whole(0, MAX_COUNT as i64, "invalid_count", field).map(|v| v as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn p(s: &str) -> Result<Credits, CoreError> {
        Credits::parse(s, "x")
    }

    #[test]
    fn parses_canonical_forms() {
        assert_eq!(p("1").unwrap().canonical(), "1.000000");
        assert_eq!(p("1.4").unwrap().canonical(), "1.400000");
        assert_eq!(p("0.000001").unwrap().canonical(), "0.000001");
        assert_eq!(p("-2.5").unwrap().canonical(), "-2.500000");
        assert_eq!(p("-0").unwrap().canonical(), "0.000000");
        assert_eq!(p("007.10").unwrap().canonical(), "7.100000");
        assert_eq!(p("99999999999999.999999").unwrap().canonical(), "99999999999999.999999");
    }

    #[test]
    fn rejects_everything_else_with_codes() {
        for bad in ["", "-", ".5", "1.", "1e5", " 1", "1 ", "NaN", "Infinity", "-Infinity", "+1", "1,5", "0x10", "1.0.0", "١"] {
            assert_eq!(p(bad).unwrap_err().code(), "invalid_amount", "{bad:?}");
        }
        assert_eq!(p("1.0000001").unwrap_err().code(), "invalid_amount");
        assert_eq!(p("100000000000000").unwrap_err().code(), "amount_overflow");
        assert_eq!(p("-100000000000000").unwrap_err().code(), "amount_overflow");
        assert_eq!(p(&"9".repeat(400)).unwrap_err().code(), "amount_overflow");
        assert_eq!(Credits::parse_non_negative("-1", "x").unwrap_err().code(), "negative_amount");
        assert!(Credits::parse_non_negative("-0.000000", "x").is_ok());
    }

    #[test]
    fn rounds_half_away_from_zero_not_bankers() {
        let r = |s: &str| Credits::from_exact(Decimal::from_str(s).unwrap(), "x").unwrap().canonical();
        assert_eq!(r("0.0000005"), "0.000001");
        assert_eq!(r("0.0000025"), "0.000003"); // banker's would give 0.000002
        assert_eq!(r("-0.0000005"), "-0.000001");
        assert_eq!(r("-0.0000025"), "-0.000003");
        assert_eq!(r("0.00000049999"), "0.000000");
        assert_eq!(r("-0.0000004"), "0.000000");
        assert_eq!(r("1.0010005"), "1.001001");
    }

    #[test]
    fn arithmetic_is_checked() {
        let big = p("99999999999999").unwrap();
        assert_eq!(big.checked_add(p("1").unwrap(), "x").unwrap_err().code(), "amount_overflow");
        assert_eq!(p("-99999999999999").unwrap().checked_sub(p("1").unwrap(), "x").unwrap_err().code(), "amount_overflow");
        assert_eq!(p("1.5").unwrap().checked_sub(p("2").unwrap(), "x").unwrap().canonical(), "-0.500000");
        assert_eq!(Credits::from_exact(Decimal::MAX, "x").unwrap_err().code(), "amount_overflow");
    }

    #[test]
    fn range_check_around_the_small_mantissa_shortcut() {
        let ok = |m: i64, sc: u32| Credits::from_exact(Decimal::new(m, sc), "x").is_ok();
        let edge = 23_283i64 << 32; // the first mantissa the shortcut leaves to the full compare
        assert!(ok(edge - 1, 0) && ok(edge, 0) && ok(-(edge - 1), 0));
        assert!(ok(99_999_999_999_999, 0) && ok(-99_999_999_999_999, 0));
        assert!(!ok(100_000_000_000_000, 0) && !ok(-100_000_000_000_000, 0));
        assert!(ok(100_000_000_000_000, 1) && ok(999_999_999_999_999_999, 6) && !ok(100_000_000_000_000_000, 3));
    }

    #[test]
    fn display_strips_zeros() {
        assert_eq!(p("1.400000").unwrap().display(), "1.4");
        assert_eq!(p("1100").unwrap().display(), "1100");
        assert_eq!(p("-0.000000").unwrap().display(), "0");
    }

    #[test]
    fn canonical_fast_path_agrees_with_rescaling() {
        let reference = |c: Credits| {
            let mut d = c.decimal();
            d.rescale(SCALE);
            if d.is_zero() {
                d.set_sign_positive(true);
            }
            d.to_string()
        };
        for raw in [
            "0", "-0", "-0.000000", "1", "-1", "1.4", "0.000001", "-0.000001", "12.345678", "99999999999999.999999", "-99999999999999.999999",
            "18446744073709.551615", "18446744073709.551616", "18446744073709", "18446744073710", "4294967295.999999", "4294.967296", "00012.50",
        ] {
            let c = p(raw).unwrap();
            assert_eq!(c.canonical(), reference(c), "{raw}");
        }
        // Computed values with other scales (a product before rounding has more places).
        for (m, sc) in [(15i64, 1u32), (-7, 0), (123_456_789, 3), (1, 6), (5, 2), (-10_000_000_000_000, 0)] {
            let c = Credits::from_exact(Decimal::new(m, sc), "x").unwrap();
            assert_eq!(c.canonical(), reference(c), "{m}e-{sc}");
        }
    }

    #[test]
    fn parse_fast_and_wide_paths_agree() {
        for raw in ["99999999999999.999999", "00000000000000000001.5", "12345678901234.5678", "-1234567890123.123456", "0.1", "-0"] {
            let wide = {
                let neg = raw.starts_with('-');
                let body = raw.trim_start_matches('-');
                let (i, f) = body.split_once('.').unwrap_or((body, ""));
                let m: i128 = format!("{i}{f}").parse().unwrap();
                Decimal::from_i128_with_scale(if neg { -m } else { m }, f.len() as u32)
            };
            let c = p(raw).unwrap();
            assert_eq!(c, Credits::from_exact(wide, "x").unwrap(), "{raw}");
            assert_eq!(c.decimal().scale(), wide.scale(), "{raw}");
        }
    }

    #[test]
    fn display_decimal_agrees_with_rust_decimal() {
        let reference = |d: Decimal| {
            let mut n = d.normalize();
            if n.is_zero() {
                n.set_sign_positive(true);
            }
            n.to_string()
        };
        for (m, sc) in [
            (0i64, 0u32), (0, 6), (-0, 3), (1, 0), (-1, 0), (14, 1), (1_400_000, 6), (-1_400_000, 6), (1, 6), (-1, 9), (5, 28), (1_100, 0),
            (123_456_789, 3), (120, 2), (i64::MAX, 0), (i64::MIN, 4), (i64::MAX, 28), (10_000_000_000, 10),
        ] {
            let d = Decimal::new(m, sc);
            assert_eq!(display_decimal(d), reference(d), "{m}e-{sc}");
        }
        for d in [Decimal::MAX, Decimal::MIN, Decimal::from_i128_with_scale(1 << 70, 5), -Decimal::from_i128_with_scale(1 << 64, 0)] {
            assert_eq!(display_decimal(d), reference(d), "{d:?}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(RawNum::U(5).count("n").unwrap(), 5);
        assert_eq!(RawNum::from_f64(3.0).count("n").unwrap(), 3);
        assert_eq!(RawNum::from_f64(3.5).count("n").unwrap_err().code(), "invalid_count");
        assert_eq!(RawNum::I(-1).count("n").unwrap_err().code(), "invalid_count");
        assert_eq!(RawNum::U(MAX_COUNT + 1).count("n").unwrap_err().code(), "invalid_count");
        assert_eq!(RawNum::from_f64(f64::NAN).count("n").unwrap_err().code(), "invalid_count");
        assert_eq!(RawNum::from_f64(9.0e15), RawNum::Frac);
        assert_eq!(RawNum::from_f64(-0.0), RawNum::I(0));
        assert_eq!(RawNum::U(MAX_COUNT).count("n").unwrap(), MAX_COUNT);
    }
}
