//! Pricing rules: validation, matching (exact model beats `*`), the charge with a readable
//! breakdown, and the raw-units fallback when nothing matches.

use crate::error::{err, CoreError};
use crate::money::{display_decimal, Credits};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageType {
    Chat,
    FormSubmit,
    ImageGenerate,
    ImageEdit,
    VideoGenerate,
}

impl UsageType {
    pub const ALL: [UsageType; 5] = [Self::Chat, Self::FormSubmit, Self::ImageGenerate, Self::ImageEdit, Self::VideoGenerate];

    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        Ok(match s {
            "chat" => Self::Chat,
            "form_submit" => Self::FormSubmit,
            "image_generate" => Self::ImageGenerate,
            "image_edit" => Self::ImageEdit,
            "video_generate" => Self::VideoGenerate,
            _ => {
                return Err(err(
                    "unknown_usage_type",
                    format!("Unknown usage type \"{}\"; expected chat, form_submit, image_generate, image_edit or video_generate.", s.chars().take(40).collect::<String>()),
                    field,
                ))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::FormSubmit => "form_submit",
            Self::ImageGenerate => "image_generate",
            Self::ImageEdit => "image_edit",
            Self::VideoGenerate => "video_generate",
        }
    }

    /// The seed's table: which billing methods apply to this usage type.
    pub fn allows(self, m: Method) -> bool {
        matches!(
            (self, m),
            (_, Method::Flat)
                | (Self::Chat | Self::FormSubmit, Method::Per1kTokens)
                | (Self::ImageGenerate | Self::ImageEdit, Method::PerImage)
                | (Self::VideoGenerate, Method::PerVideo)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Method {
    #[serde(rename = "flat")]
    Flat,
    #[serde(rename = "per_1k_tokens")]
    Per1kTokens,
    #[serde(rename = "per_image")]
    PerImage,
    #[serde(rename = "per_video")]
    PerVideo,
}

impl Method {
    pub const ALL: [Method; 4] = [Self::Per1kTokens, Self::Flat, Self::PerImage, Self::PerVideo];

    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        Ok(match s {
            "flat" => Self::Flat,
            "per_1k_tokens" => Self::Per1kTokens,
            "per_image" => Self::PerImage,
            "per_video" => Self::PerVideo,
            _ => {
                return Err(err(
                    "unknown_method",
                    format!("Unknown billing method \"{}\"; expected flat, per_1k_tokens, per_image or per_video.", s.chars().take(40).collect::<String>()),
                    field,
                ))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flat => "flat",
            Self::Per1kTokens => "per_1k_tokens",
            Self::PerImage => "per_image",
            Self::PerVideo => "per_video",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Flat => "Flat",
            Self::Per1kTokens => "Per 1K Tokens",
            Self::PerImage => "Per Image",
            Self::PerVideo => "Per Video",
        }
    }
}

/// A validated rule: provider lower-cased and trimmed, only the rates its method uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: Option<u64>,
    pub usage_type: UsageType,
    pub provider: String,
    pub model: String,
    pub method: Method,
    pub input_rate: Option<Credits>,
    pub output_rate: Option<Credits>,
    pub unit_rate: Option<Credits>,
}

/// Rule fields as given, before validation (rates already parsed by the caller).
pub struct RuleDraft<'a> {
    pub id: Option<u64>,
    pub usage_type: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub method: &'a str,
    pub input_rate: Option<Credits>,
    pub output_rate: Option<Credits>,
    pub unit_rate: Option<Credits>,
}

/// Provider ids are ASCII slugs (openai, google, openrouter…): lower-cased and trimmed; other
/// characters are refused rather than guessed at.
pub fn normalise_provider(raw: &str, field: &str) -> Result<String, CoreError> {
    let t = raw.trim();
    let p = if t.bytes().any(|b| b.is_ascii_uppercase()) { t.to_ascii_lowercase() } else { t.to_owned() };
    if p.is_empty() || p.len() > MAX_PROVIDER_BYTES || !p.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(err("invalid_provider", "Provider must be a non-empty name of at most 64 plain ASCII characters.", field));
    }
    Ok(p)
}

/// Longest model name, in characters: the tables store it in VARCHAR(128) (pricing_rules, holds, ledger).
pub const MAX_MODEL_CHARS: usize = 128;
/// Longest provider id, in bytes (VARCHAR(64)).
pub const MAX_PROVIDER_BYTES: usize = 64;

pub fn normalise_model(raw: &str, field: &str) -> Result<String, CoreError> {
    let m = raw.trim();
    if m.is_empty() || m.chars().count() > MAX_MODEL_CHARS || m.chars().any(char::is_control) {
        return Err(err("invalid_model", "Model must be a non-empty name of at most 128 characters (or * for every model).", field));
    }
    Ok(m.to_owned())
}

/// Validates a rule. `prefix` names the rule in error fields ("rule", "rules[2]").
pub fn validate(d: RuleDraft<'_>, prefix: &str) -> Result<Rule, CoreError> {
    let f = |name: &str| format!("{prefix}.{name}");
    let usage_type = UsageType::parse(d.usage_type, "usage_type").map_err(|e| e.at(f("usage_type")))?;
    let method = Method::parse(d.method, "method").map_err(|e| e.at(f("method")))?;
    let provider = normalise_provider(d.provider, "provider").map_err(|e| e.at(f("provider")))?;
    let model = normalise_model(d.model, "model").map_err(|e| e.at(f("model")))?;
    if !usage_type.allows(method) {
        return Err(err(
            "method_not_allowed",
            format!("The {} billing method cannot be used for {} usage.", method.label(), usage_type.as_str()),
            &f("method"),
        ));
    }
    for (name, rate) in [("input_rate", d.input_rate), ("output_rate", d.output_rate), ("unit_rate", d.unit_rate)] {
        if let Some(r) = rate {
            if r.is_negative() {
                return Err(err("invalid_rate", format!("{} must be zero or more.", f(name)), &f(name)));
            }
        }
    }
    let need = |name: &str, v: Option<Credits>| {
        v.ok_or_else(|| err("missing_rate", format!("The {} method needs {}.", method.label(), name.replace('_', " ")), &f(name)))
    };
    let (input_rate, output_rate, unit_rate) = match method {
        Method::Per1kTokens => (Some(need("input_rate", d.input_rate)?), Some(need("output_rate", d.output_rate)?), None),
        _ => (None, None, Some(need("unit_rate", d.unit_rate)?)),
    };
    Ok(Rule { id: d.id, usage_type, provider, model, method, input_rate, output_rate, unit_rate })
}

/// What a request used.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub usage_type: UsageType,
    pub provider: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub images: u64,
    pub videos: u64,
}

impl Usage {
    /// Raw usage units of this usage type (what the fallback charges and the ledger records).
    pub fn units(&self) -> u64 {
        match self.usage_type {
            UsageType::Chat | UsageType::FormSubmit => self.input_tokens + self.output_tokens,
            UsageType::ImageGenerate | UsageType::ImageEdit => self.images,
            UsageType::VideoGenerate => self.videos,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakdownLine {
    pub label: String,
    pub calculation: String,
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quote<'r> {
    pub credits: Credits,
    pub rule: Option<&'r Rule>,
    pub units: u64,
    /// Empty when priced without detail (the metering hot path).
    pub breakdown: Vec<BreakdownLine>,
}

/// Exact model first, then the provider-wide `*`; among equals, the first in the list.
pub fn find_rule<'r>(rules: &'r [Rule], usage: &Usage) -> Option<&'r Rule> {
    let candidates = || rules.iter().filter(|r| r.usage_type == usage.usage_type && r.provider == usage.provider);
    candidates().find(|r| r.model == usage.model).or_else(|| candidates().find(|r| r.model == "*"))
}

fn line(label: &str, calculation: String, amount: Decimal) -> BreakdownLine {
    BreakdownLine { label: label.to_owned(), calculation, amount: display_decimal(amount) }
}

/// `{count}{op}{rate}` ("800 / 1000 × 0.8") without `format!` (costly in the PHP core, src/digits.rs).
fn calc(count: u64, op: &str, rate: Decimal) -> String {
    let mut s = crate::digits::u64_text(count);
    s.push_str(op);
    s.push_str(&display_decimal(rate));
    s
}

/// Exact division by 1000 as a scale shift (no long division); falls back when the scale is full.
fn per_thousand(d: Decimal) -> Decimal {
    let mut r = d;
    if r.set_scale(d.scale() + 3).is_ok() {
        r
    } else {
        d / Decimal::from(1000u32)
    }
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, CoreError> {
    a.checked_mul(b).ok_or_else(|| crate::money::overflow("credits"))
}

/// Prices one request: computed exactly, rounded once to 6 places half away from zero.
pub fn quote<'r>(rules: &'r [Rule], usage: &Usage) -> Result<Quote<'r>, CoreError> {
    price(rules, usage, true)
}

/// Like `quote`; with `detail` false no breakdown text is built (same credits, much less work).
pub fn price<'r>(rules: &'r [Rule], usage: &Usage, detail: bool) -> Result<Quote<'r>, CoreError> {
    let units = usage.units();
    let Some(rule) = find_rule(rules, usage) else {
        let credits = Credits::from_count(units);
        let breakdown = if detail {
            vec![
                line("Fallback", "No pricing rule matched: charged raw usage units".to_owned(), credits.decimal()),
                line("Total", crate::digits::u64_text(units), credits.decimal()),
            ]
        } else {
            Vec::new()
        };
        return Ok(Quote { credits, rule: None, units, breakdown });
    };
    let mut parts: Vec<BreakdownLine> = Vec::new();
    let exact = match rule.method {
        Method::Per1kTokens => {
            let (ir, or) = (rule.input_rate.unwrap_or_default().decimal(), rule.output_rate.unwrap_or_default().decimal());
            let i = per_thousand(mul(Decimal::from(usage.input_tokens), ir)?);
            let o = per_thousand(mul(Decimal::from(usage.output_tokens), or)?);
            if detail {
                parts.push(line("Input", calc(usage.input_tokens, " / 1000 \u{00D7} ", ir), i));
                parts.push(line("Output", calc(usage.output_tokens, " / 1000 \u{00D7} ", or), o));
            }
            i.checked_add(o).ok_or_else(|| crate::money::overflow("credits"))?
        }
        Method::Flat => {
            let r = rule.unit_rate.unwrap_or_default().decimal();
            if detail {
                parts.push(line("Flat", calc(1, " \u{00D7} ", r), r));
            }
            r
        }
        Method::PerImage | Method::PerVideo => {
            let (label, n) = if rule.method == Method::PerImage { ("Images", usage.images) } else { ("Videos", usage.videos) };
            let r = rule.unit_rate.unwrap_or_default().decimal();
            let v = mul(Decimal::from(n), r)?;
            if detail {
                parts.push(line(label, calc(n, " \u{00D7} ", r), v));
            }
            v
        }
    };
    let credits = Credits::from_exact(exact, "credits")?;
    if detail {
        let total_calc = parts.iter().map(|p| p.amount.as_str()).collect::<Vec<_>>().join(" + ");
        parts.push(line("Total", total_calc, credits.decimal()));
    }
    Ok(Quote { credits, rule: Some(rule), units, breakdown: parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<Credits> {
        Some(Credits::parse(s, "t").unwrap())
    }

    #[allow(clippy::too_many_arguments)] // mirrors the rule's fields, test-only
    fn rule(id: u64, ut: &str, provider: &str, model: &str, method: &str, i: Option<Credits>, o: Option<Credits>, u: Option<Credits>) -> Result<Rule, CoreError> {
        validate(RuleDraft { id: Some(id), usage_type: ut, provider, model, method, input_rate: i, output_rate: o, unit_rate: u }, "rule")
    }

    fn chat(model: &str, i: u64, o: u64) -> Usage {
        Usage { usage_type: UsageType::Chat, provider: "openai".into(), model: model.into(), input_tokens: i, output_tokens: o, images: 0, videos: 0 }
    }

    #[test]
    fn seed_example() {
        let r = rule(7, "chat", " OpenAI ", "gpt-4o", "per_1k_tokens", c("1"), c("2"), None).unwrap();
        assert_eq!(r.provider, "openai");
        let rules = [r];
        let q = quote(&rules, &chat("gpt-4o", 800, 300)).unwrap();
        assert_eq!(q.credits.canonical(), "1.400000");
        let calc: Vec<_> = q.breakdown.iter().map(|l| (l.calculation.as_str(), l.amount.as_str())).collect();
        assert_eq!(calc, vec![("800 / 1000 × 1", "0.8"), ("300 / 1000 × 2", "0.6"), ("0.8 + 0.6", "1.4")]);
        assert_eq!(q.units, 1100);
    }

    #[test]
    fn flat_example_and_exact_model_wins() {
        let star = rule(1, "chat", "openai", "*", "flat", None, None, c("5")).unwrap();
        let exact = rule(2, "chat", "openai", "gpt-4o", "flat", None, None, c("3")).unwrap();
        let rules = [star, exact];
        assert_eq!(quote(&rules, &chat("gpt-4o", 10, 10)).unwrap().credits.canonical(), "3.000000");
        let q = quote(&rules, &chat("other", 10, 10)).unwrap();
        assert_eq!(q.credits.canonical(), "5.000000");
        assert_eq!(q.rule.unwrap().id, Some(1));
    }

    #[test]
    fn fallback_charges_raw_units() {
        let q = quote(&[], &chat("m", 800, 300)).unwrap();
        assert!(q.rule.is_none());
        assert_eq!(q.credits.canonical(), "1100.000000");
    }

    #[test]
    fn smallest_rate_rounds_to_zero_and_midpoint_up() {
        let r = rule(1, "chat", "openai", "m", "per_1k_tokens", c("0.000001"), c("0.000001"), None).unwrap();
        assert_eq!(quote(&[r], &chat("m", 1, 0)).unwrap().credits.canonical(), "0.000000");
        let r = rule(1, "chat", "openai", "m", "per_1k_tokens", c("0.0005"), c("0"), None).unwrap();
        assert_eq!(quote(&[r], &chat("m", 1, 0)).unwrap().credits.canonical(), "0.000001");
    }

    #[test]
    fn method_table_is_enforced() {
        for (ut, allowed) in [
            ("chat", ["flat", "per_1k_tokens"]),
            ("form_submit", ["flat", "per_1k_tokens"]),
            ("image_generate", ["flat", "per_image"]),
            ("image_edit", ["flat", "per_image"]),
            ("video_generate", ["flat", "per_video"]),
        ] {
            for m in ["flat", "per_1k_tokens", "per_image", "per_video"] {
                let res = rule(1, ut, "p", "m", m, c("1"), c("1"), c("1"));
                assert_eq!(res.is_ok(), allowed.contains(&m), "{ut} {m}");
                if let Err(e) = res {
                    assert_eq!(e.code(), "method_not_allowed");
                }
            }
        }
    }

    #[test]
    fn rates_required_and_non_negative() {
        assert_eq!(rule(1, "chat", "p", "m", "per_1k_tokens", c("1"), None, None).unwrap_err().code(), "missing_rate");
        assert_eq!(rule(1, "chat", "p", "m", "flat", None, None, None).unwrap_err().code(), "missing_rate");
        assert_eq!(rule(1, "chat", "p", "m", "flat", None, None, c("-1")).unwrap_err().code(), "invalid_rate");
        let r = rule(1, "chat", "p", "m", "flat", c("1"), None, c("2")).unwrap();
        assert_eq!(r.input_rate, None);
        assert_eq!(rule(1, "chat", "  ", "m", "flat", None, None, c("2")).unwrap_err().code(), "invalid_provider");
        assert_eq!(rule(1, "chat", "p", "", "flat", None, None, c("2")).unwrap_err().code(), "invalid_model");
    }

    #[test]
    fn huge_values_overflow_cleanly() {
        let r = rule(1, "image_generate", "p", "m", "per_image", None, None, c("99999999999999")).unwrap();
        let u = Usage { usage_type: UsageType::ImageGenerate, provider: "p".into(), model: "m".into(), input_tokens: 0, output_tokens: 0, images: 1_000_000_000_000, videos: 0 };
        assert_eq!(quote(&[r], &u).unwrap_err().code(), "amount_overflow");
    }
}
