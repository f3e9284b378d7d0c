//! Logs helpers: vector score bands, CSV export encoding, retention cut-off.

use crate::error::{err, CoreError};
use crate::money::display_decimal;
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Fraction,
    Percent,
}

impl Scale {
    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        match s {
            "fraction" => Ok(Self::Fraction),
            "percent" => Ok(Self::Percent),
            _ => Err(err("invalid_score", "Score scale must be fraction or percent.", field)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub percent: String,
    pub band: &'static str,
    pub label: &'static str,
}

/// Parses a score: a plain decimal with up to 12 places (vector stores return long fractions).
pub fn parse_score(raw: &str, field: &str) -> Result<Decimal, CoreError> {
    let body = raw.strip_prefix('-').unwrap_or(raw);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = !int.is_empty()
        && int.len() <= 6
        && int.bytes().all(|b| b.is_ascii_digit())
        && (!body.contains('.') || (!frac.is_empty() && frac.len() <= 12 && frac.bytes().all(|b| b.is_ascii_digit())));
    if !ok {
        return Err(err("invalid_score", format!("Score \"{}\" is not a decimal number.", raw.chars().take(40).collect::<String>()), field));
    }
    raw.parse::<Decimal>().map_err(|_| err("invalid_score", "Score is not a decimal number.", field))
}

/// The badge the seed describes. The band follows the percentage as shown (one decimal), so the
/// number and the colour never disagree.
pub fn score_band(score: Decimal, scale: Scale) -> Result<Band, CoreError> {
    let pct = match scale {
        Scale::Fraction => score * Decimal::from(100u32),
        Scale::Percent => score,
    };
    if pct.is_sign_negative() && !pct.is_zero() || pct > Decimal::from(100u32) {
        return Err(err(
            "invalid_score",
            match scale {
                Scale::Fraction => "A fraction score must be between 0 and 1.",
                Scale::Percent => "A percent score must be between 0 and 100.",
            },
            "score",
        ));
    }
    let shown = pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    let (band, label) = if shown >= Decimal::from(85u32) {
        ("strong", "Strong match.")
    } else if shown >= Decimal::from(70u32) {
        ("useful", "Usually useful.")
    } else if shown >= Decimal::from(50u32) {
        ("weak", "Weak match. Review the source text.")
    } else {
        ("poor", "Poor match. The answer may be using unrelated context.")
    };
    Ok(Band { percent: display_decimal(shown), band, label })
}

/// A plain decimal number ("-1.000000", "42"): a spreadsheet reads it as a number, never as a
/// formula, so it must stay as it is (a prefixed "'-1" would turn a debit into text).
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.map_or(true, |f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Neutralises spreadsheet formulas: a text cell starting with = + - @ TAB or CR gets a leading ';
/// plain numbers (negative ones included) are left alone.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'-') if is_plain_number(cell) => cell.into(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// RFC 4180: CRLF after every row; cells with , " CR or LF quoted, quotes doubled.
pub fn csv_rows<S: AsRef<str>>(rows: &[Vec<S>]) -> String {
    let mut out = String::with_capacity(rows.iter().map(|r| r.iter().map(|c| c.as_ref().len() + 3).sum::<usize>() + 2).sum());
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let cell = neutralise(cell.as_ref());
            if cell.contains([',', '"', '\r', '\n']) {
                out.push('"');
                out.push_str(&cell.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&cell);
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Logs created before this instant are due for deletion.
pub fn retention_cutoff(now: i64, days: i64) -> i64 {
    now - days * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(s: &str, scale: Scale) -> (String, &'static str) {
        let b = score_band(parse_score(s, "score").unwrap(), scale).unwrap();
        (b.percent, b.band)
    }

    #[test]
    fn bands_and_edges() {
        assert_eq!(band("0.87", Scale::Fraction), ("87".into(), "strong"));
        assert_eq!(band("49.9", Scale::Percent).1, "poor");
        assert_eq!(band("50", Scale::Percent).1, "weak");
        assert_eq!(band("69.9", Scale::Percent).1, "weak");
        assert_eq!(band("70", Scale::Percent).1, "useful");
        assert_eq!(band("84.9", Scale::Percent).1, "useful");
        assert_eq!(band("85", Scale::Percent).1, "strong");
        assert_eq!(band("0.8495", Scale::Fraction), ("85".into(), "strong"));
        assert_eq!(band("0.84949", Scale::Fraction), ("84.9".into(), "useful"));
        assert_eq!(band("0", Scale::Fraction), ("0".into(), "poor"));
        assert_eq!(band("1", Scale::Fraction), ("100".into(), "strong"));
        assert_eq!(score_band(parse_score("1.01", "s").unwrap(), Scale::Fraction).unwrap_err().code(), "invalid_score");
        assert_eq!(score_band(parse_score("-0.1", "s").unwrap(), Scale::Fraction).unwrap_err().code(), "invalid_score");
        assert_eq!(parse_score("NaN", "s").unwrap_err().code(), "invalid_score");
        assert_eq!(parse_score("1e-3", "s").unwrap_err().code(), "invalid_score");
    }

    #[test]
    fn csv() {
        let rows = vec![vec!["a", "=1+2"], vec!["b", ""], vec!["x,y", "say \"hi\""], vec!["-5", "@x"], vec!["\tt", "l\nm"]];
        assert_eq!(csv_rows(&rows), "a,'=1+2\r\nb,\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n-5,'@x\r\n'\tt,\"l\nm\"\r\n");
        // Numbers stay numbers; anything else that starts with '-' is text and gets neutralised.
        for n in ["-1.000000", "-0.5", "0", "-12", "3.25"] {
            assert_eq!(neutralise(n), n);
        }
        for t in ["-", "-.5", "-1.", "-1e3", "-1+2", "--1", "-1.0.0", "- 1", "-A1", "+1"] {
            assert_eq!(neutralise(t), format!("'{t}"), "{t}");
        }
        assert_eq!(csv_rows::<&str>(&[]), "");
        assert_eq!(csv_rows(&[vec!["\rx"]]), "\"'\rx\"\r\n");
    }

    #[test]
    fn cutoff() {
        assert_eq!(retention_cutoff(1_000_000, 1), 1_000_000 - 86_400);
    }
}
