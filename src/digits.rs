//! Integers into text without `core::fmt`: the formatting machinery (`format!`, `write!`,
//! `to_string`) runs hundreds of wasm instructions per call, and every one of them is PHP work in
//! the PHP core (docs/core.md). These write exactly what `{}` / `{:0N}` write for the same numbers.

/// Writes `v` in decimal, zero-padded to at least `width` digits (at most 20), so that it ends just
/// before `buf[end]`; returns where it starts. The digits go into a stack buffer first and are
/// appended with one copy: a `push` per byte checks and updates the string's length each time.
pub fn fill(buf: &mut [u8], end: usize, v: u64, width: usize) -> usize {
    let mut i = end;
    // 64-bit division is a helper call per digit in the PHP core; 32-bit is one PHP operator.
    // The low 9 digits of a large value first, then the rest fits 32 bits (u64::MAX / 10^9 < 2^35,
    // so at most two rounds).
    let mut hi = v;
    while hi > u64::from(u32::MAX) {
        let mut lo = (hi % 1_000_000_000) as u32;
        hi /= 1_000_000_000;
        for _ in 0..9 {
            i -= 1;
            buf[i] = b'0' + (lo % 10) as u8;
            lo /= 10;
        }
    }
    let mut small = hi as u32;
    loop {
        i -= 1;
        buf[i] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    while end - i < width {
        i -= 1;
        buf[i] = b'0';
    }
    i
}

/// Appends `v` in decimal, left-padded with zeros to at least `width` digits (`{v:0width$}`).
pub fn push_u64_padded(out: &mut String, v: u64, width: usize) {
    if width > 20 {
        for _ in 20..width {
            out.push('0');
        }
        return push_u64_padded(out, v, 20);
    }
    let mut buf = [0u8; 20];
    let i = fill(&mut buf, 20, v, width);
    push_ascii(out, &buf[i..]);
}

/// Appends ASCII bytes with one copy.
pub fn push_ascii(out: &mut String, ascii: &[u8]) {
    debug_assert!(ascii.is_ascii());
    // SAFETY: callers pass ASCII only (digits, signs, points), which is valid UTF-8.
    out.push_str(unsafe { std::str::from_utf8_unchecked(ascii) });
}

/// Appends short ASCII text byte by byte: `push_str` is a `memcpy`, which for a few unaligned
/// bytes costs far more in the PHP core (a string round trip through linear memory) than the pushes.
pub fn push_short(out: &mut String, ascii: &[u8]) {
    out.reserve(ascii.len());
    for &b in ascii {
        out.push(char::from(b));
    }
}

/// Appends `v` in decimal (`{v}`).
pub fn push_u64(out: &mut String, v: u64) {
    push_u64_padded(out, v, 0);
}

/// Appends `v` in decimal, with a `-` when negative (`{v}`).
pub fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// `v` as its own string (`v.to_string()`).
pub fn u64_text(v: u64) -> String {
    let mut s = String::with_capacity(20);
    push_u64(&mut s, v);
    s
}

/// `v` as its own string (`v.to_string()`).
pub fn i64_text(v: i64) -> String {
    let mut s = String::with_capacity(20);
    push_i64(&mut s, v);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_fmt_writes() {
        for v in [0u64, 1, 9, 10, 99, 100, 12_345, 999_999, 1_000_000, u64::from(u32::MAX), u64::from(u32::MAX) + 1, 1_000_000_000, 4_000_000_000_000_000_007, 10_000_000_000_000_000_000, u64::MAX - 1, u64::MAX] {
            assert_eq!(u64_text(v), v.to_string());
            for w in [0, 1, 2, 4, 6, 21] {
                let mut s = String::from("x");
                push_u64_padded(&mut s, v, w);
                assert_eq!(s, format!("x{v:0w$}"), "{v} {w}");
            }
        }
        for v in [0i64, -1, 7, -10, 123, -99_999, i64::MIN, i64::MIN + 1, i64::MAX] {
            assert_eq!(i64_text(v), v.to_string());
        }
    }
}
