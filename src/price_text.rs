//! The compact `price` request for the metering hot path: one line of usage and one line per rule,
//! fields separated by tabs, instead of a JSON object. Both fast entries (FFI `aipkit_price_text`,
//! wasm `priceText`) and the generic op `price_text` (`{"text": …}`, used by the golden vectors) read
//! it with this one parser and price with the same core function as `price`, so the credits are
//! the same and every binding gives the same errors.
//!
//! ```text
//! usage_type \t provider \t model \t input_tokens \t output_tokens \t images \t videos
//! id \t usage_type \t provider \t model \t method \t input_rate \t output_rate \t unit_rate   (one line per rule)
//! ```
//! Empty fields: a count is 0, an id or a rate is "not given". Tabs and newlines can never be part
//! of a valid field (providers are printable ASCII, models refuse control characters), so a field
//! count that is not exactly 7 / 8 is malformed input rather than a shifted guess.

use crate::error::{err, CoreError};
use crate::money::{Credits, MAX_COUNT};
use crate::ops::PriceResp;
use crate::pricing::{self, Rule, RuleDraft, Usage, UsageType};
use std::fmt::Write;

const USAGE_FIELDS: usize = 7;
const RULE_FIELDS: usize = 8;
/// Same ceiling as the JSON reader's ids (largest integer JS holds exactly).
const MAX_ID: u64 = 9_007_199_254_740_991;

/// `what` names the line in errors; built only when there is one (format! is costly in wasm).
fn fields<'a, const N: usize>(line: &'a str, what: impl Fn() -> String) -> Result<[&'a str; N], CoreError> {
    let mut out = [""; N];
    let mut it = line.split('\t');
    for slot in out.iter_mut() {
        *slot = it.next().ok_or_else(|| wrong_count(&what(), N))?;
    }
    if it.next().is_some() {
        return Err(wrong_count(&what(), N));
    }
    Ok(out)
}

fn wrong_count(what: &str, n: usize) -> CoreError {
    err("malformed_input", format!("Malformed input: {what} must have exactly {n} tab-separated fields."), what)
}

/// Digits only ("" = 0), at most 10^12: the same range as a JSON count.
fn count(s: &str, field: &str) -> Result<u64, CoreError> {
    if s.is_empty() {
        return Ok(0);
    }
    digits(s, MAX_COUNT).ok_or_else(|| err("invalid_count", format!("{field} must be a whole number from 0 to {MAX_COUNT}."), field))
}

fn digits(s: &str, max: u64) -> Option<u64> {
    if s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|v| *v <= max)
}

fn rate(s: &str, field: &str) -> Result<Option<Credits>, CoreError> {
    if s.is_empty() {
        return Ok(None);
    }
    match Credits::parse(s, field) {
        Err(e) if e.code() == "invalid_amount" => Err(err("invalid_rate", format!("{field} must be a decimal number of credits with at most 6 decimal places."), field)),
        other => other.map(Some),
    }
}

fn rule(line: &str, i: usize) -> Result<Rule, CoreError> {
    let path = || format!("rules[{i}]");
    let [id, usage_type, provider, model, method, input_rate, output_rate, unit_rate] = fields::<RULE_FIELDS>(line, path)?;
    let at = |name: &str| format!("rules[{i}].{name}");
    let id = if id.is_empty() {
        None
    } else {
        Some(digits(id, MAX_ID).ok_or_else(|| err("malformed_input", format!("Malformed input: {} must be an integer.", at("id")), &at("id")))?)
    };
    let rate_at = |s: &str, name: &str| rate(s, name).map_err(|e| e.at(at(name)));
    pricing::validate(
        RuleDraft {
            id,
            usage_type,
            provider,
            model,
            method,
            input_rate: rate_at(input_rate, "input_rate")?,
            output_rate: rate_at(output_rate, "output_rate")?,
            unit_rate: rate_at(unit_rate, "unit_rate")?,
        },
        &path(),
    )
}

/// Reads the compact request into validated rules and usage.
pub fn read(text: &str) -> Result<(Vec<Rule>, Usage), CoreError> {
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    let [usage_type, provider, model, input_tokens, output_tokens, images, videos] = fields::<USAGE_FIELDS>(first, || "usage".to_owned())?;
    let usage = Usage {
        usage_type: UsageType::parse(usage_type, "usage.usage_type")?,
        provider: pricing::normalise_provider(provider, "usage.provider")?,
        model: pricing::normalise_model(model, "usage.model")?,
        input_tokens: count(input_tokens, "usage.input_tokens")?,
        output_tokens: count(output_tokens, "usage.output_tokens")?,
        images: count(images, "usage.images")?,
        videos: count(videos, "usage.videos")?,
    };
    let rules = lines.enumerate().map(|(i, l)| rule(l, i)).collect::<Result<Vec<_>, _>>()?;
    Ok((rules, usage))
}

/// Prices a compact request: the same answer `price` gives for the same rules and usage.
pub fn price(text: &str) -> Result<PriceResp, CoreError> {
    let (rules, usage) = read(text)?;
    let q = pricing::price(&rules, &usage, false)?;
    Ok(PriceResp { credits: q.credits.canonical(), rule_id: q.rule.and_then(|r| r.id), fallback: q.rule.is_none(), units: crate::digits::u64_text(q.units) })
}

/// The fast entries' answer: `credits \t rule_id \t fallback(0|1) \t units` (rule_id empty when none).
pub fn answer_line(r: &PriceResp) -> String {
    let mut s = String::with_capacity(40);
    s.push_str(&r.credits);
    s.push('\t');
    if let Some(id) = r.rule_id {
        let _ = write!(s, "{id}");
    }
    s.push_str(if r.fallback { "\t1\t" } else { "\t0\t" });
    s.push_str(&r.units);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "chat\topenai\tgpt-4o\t800\t300\t\t\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t";

    #[test]
    fn seed_example_matches_price() {
        let r = price(SEED).unwrap();
        assert_eq!(answer_line(&r), "1.400000\t7\t0\t1100");
    }

    #[test]
    fn fallback_and_errors() {
        let r = price("chat\topenai\tm\t1\t2\t0\t0").unwrap();
        assert_eq!(answer_line(&r), "3.000000\t\t1\t3");
        let e = |t: &str| price(t).unwrap_err();
        assert_eq!(e("").field(), Some("usage"));
        assert_eq!(e("chat\topenai\tm\t1\t2\t0").code(), "malformed_input");
        assert_eq!(e("chat\topenai\tm\t-1\t2\t0\t0").field(), Some("usage.input_tokens"));
        assert_eq!(e("chat\topenai\tm\t1000000000001\t2\t0\t0").code(), "invalid_count");
        assert_eq!(e("chat\topenai\tm\t1\t2\t0\t0\n").field(), Some("rules[0]"));
        assert_eq!(e("chat\topenai\tm\t1\t2\t0\t0\nx\tchat\topenai\tm\tflat\t\t\t1").field(), Some("rules[0].id"));
        assert_eq!(e("chat\topenai\tm\t1\t2\t0\t0\n1\tchat\topenai\tm\tflat\t\t\t1e5").code(), "invalid_rate");
        assert_eq!(e("chat\topenai\tm\t1\t2\t0\t0\n1\tchat\topenai\tm\tper_image\t\t\t1").code(), "method_not_allowed");
    }
}
