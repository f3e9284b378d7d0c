//! The one operation set both bindings expose (docs/contract.md §1): wire request/response types
//! and a dispatcher generic over any serde Deserializer (serde_json for FFI, serde-wasm-bindgen for JS).
//! Serde only checks shapes here; every value is validated by the core modules with its field name.

use crate::admission::{self, Order};
use crate::error::{err, CoreError};
use crate::ledger::{self, EntryKind};
use crate::logs::{self, Scale};
use crate::money::{Credits, RawNum};
use crate::period::{self, OffsetSpan, Period};
use crate::pricing::{self, BreakdownLine, Rule, RuleDraft, Usage, UsageType};
use crate::quota::{self, Subject};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Every op name, as the bindings accept it.
pub const OPS: &[&str] = &[
    "version", "validate_rule", "quote", "effective_limit", "period", "admit", "settle", "adjust_balance",
    "reconcile", "idempotency_key", "score_band", "csv_rows", "retention_cutoff",
];

// ---------- lenient scalar shapes ----------

/// A JSON string, integer or null as text (CSV cells, key parts). Non-whole numbers are refused
/// because JS and Rust format them differently.
#[derive(Debug, Clone, Default)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an integer or null")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(Text((v as i64).to_string()))
                } else {
                    Err(E::custom("numbers must be whole; pass other numbers as strings"))
                }
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
            fn visit_none<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// An id or small setting that PHP may hand over as a digit string ($wpdb returns strings).
#[derive(Debug, Clone, Copy)]
pub struct LenientInt(pub RawNum);

impl<'de> Deserialize<'de> for LenientInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientInt;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E>(self, v: i64) -> Result<LenientInt, E> {
                Ok(LenientInt(RawNum::I(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<LenientInt, E> {
                Ok(LenientInt(RawNum::U(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<LenientInt, E> {
                Ok(LenientInt(RawNum::F(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientInt, E> {
                let digits = v.strip_prefix('-').unwrap_or(v);
                if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(E::custom(format!("expected an integer, got \"{}\"", v.chars().take(40).collect::<String>())));
                }
                Ok(LenientInt(RawNum::I(v.parse::<i64>().map_err(E::custom)?)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A required field that may be null: serde's Option default would treat a missing field as
/// null, and for money (e.g. an unlimited quota) absence must be an error, not a default.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Accepts an object, or an empty array (PHP's json_encode of an empty array).
fn map_or_empty_list<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Option<String>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, Option<String>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of role => limit")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, Option<String>>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            if s.next_element::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::custom("expected an object of role => limit, got a non-empty list"));
            }
            Ok(BTreeMap::new())
        }
    }
    d.deserialize_any(V)
}

// ---------- requests ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionReq {}

/// Rules may carry extra columns (enabled, timestamps) straight from the database row.
#[derive(Deserialize)]
pub struct RuleWire {
    #[serde(default)]
    pub id: Option<LenientInt>,
    pub usage_type: String,
    pub provider: String,
    pub model: String,
    pub method: String,
    #[serde(default)]
    pub input_rate: Option<String>,
    #[serde(default)]
    pub output_rate: Option<String>,
    #[serde(default)]
    pub unit_rate: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateRuleReq {
    pub rule: RuleWire,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageWire {
    pub usage_type: String,
    pub provider: String,
    pub model: String,
    #[serde(default)]
    pub input_tokens: Option<RawNum>,
    #[serde(default)]
    pub output_tokens: Option<RawNum>,
    #[serde(default)]
    pub images: Option<RawNum>,
    #[serde(default)]
    pub videos: Option<RawNum>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteReq {
    pub rules: Vec<RuleWire>,
    pub usage: UsageWire,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectiveLimitReq {
    pub subject: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub guest_limit: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub user_limit: Option<String>,
    #[serde(default, deserialize_with = "map_or_empty_list")]
    pub role_limits: BTreeMap<String, Option<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffsetWire {
    #[serde(deserialize_with = "nullable")]
    pub from: Option<RawNum>,
    pub offset: RawNum,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodReq {
    pub period: String,
    pub now: RawNum,
    pub utc_offsets: Vec<OffsetWire>,
    #[serde(default)]
    pub start_of_week: Option<LenientInt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmitReq {
    pub estimate: String,
    pub balance_available: String,
    #[serde(deserialize_with = "nullable")]
    pub quota_remaining: Option<String>,
    pub order: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleReq {
    pub hold_balance: String,
    pub hold_quota: String,
    pub actual: String,
    pub balance_available: String,
    #[serde(deserialize_with = "nullable")]
    pub quota_remaining: Option<String>,
    pub order: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustReq {
    pub current: String,
    pub expected: String,
    pub new: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceWire {
    pub user_id: LenientInt,
    pub balance: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryWire {
    pub user_id: LenientInt,
    pub amount: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileReq {
    pub balances: Vec<BalanceWire>,
    pub entries: Vec<EntryWire>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyReq {
    pub kind: String,
    pub parts: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreReq {
    pub score: String,
    pub scale: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvReq {
    pub rows: Vec<Vec<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionReq {
    pub now: RawNum,
    pub days: RawNum,
}

// ---------- responses ----------

#[derive(Serialize, Debug)]
pub struct VersionResp {
    pub version: &'static str,
    pub abi: u32,
}

#[derive(Serialize, Debug)]
pub struct RuleOut {
    pub id: Option<u64>,
    pub usage_type: &'static str,
    pub provider: String,
    pub model: String,
    pub method: &'static str,
    pub input_rate: Option<String>,
    pub output_rate: Option<String>,
    pub unit_rate: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct ValidateRuleResp {
    pub rule: RuleOut,
}

#[derive(Serialize, Debug)]
pub struct Snapshot {
    pub id: Option<u64>,
    pub method: &'static str,
    pub input_rate: Option<String>,
    pub output_rate: Option<String>,
    pub unit_rate: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct QuoteResp {
    pub credits: String,
    pub method: &'static str,
    pub rule_id: Option<u64>,
    pub fallback: bool,
    pub units: String,
    pub breakdown: Vec<BreakdownLine>,
    pub rule_snapshot: Option<Snapshot>,
}

#[derive(Serialize, Debug)]
pub struct LimitResp {
    pub limit: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct PeriodResp {
    pub key: String,
    pub starts_at: Option<i64>,
    pub next_starts_at: Option<i64>,
}

#[derive(Serialize, Debug)]
pub struct AdmitResp {
    pub admitted: bool,
    pub reason: Option<&'static str>,
    pub hold_balance: String,
    pub hold_quota: String,
    pub shortfall: String,
}

#[derive(Serialize, Debug)]
pub struct SettleResp {
    pub balance_debit: String,
    pub quota_count: String,
    pub released_balance: String,
    pub released_quota: String,
    pub uncovered: String,
}

#[derive(Serialize, Debug)]
pub struct AdjustResp {
    pub delta: String,
    pub new: String,
}

#[derive(Serialize, Debug)]
pub struct MismatchOut {
    pub user_id: u64,
    pub balance: String,
    pub ledger_sum: String,
    pub difference: String,
}

#[derive(Serialize, Debug)]
pub struct ReconcileResp {
    pub ok: bool,
    pub mismatches: Vec<MismatchOut>,
}

#[derive(Serialize, Debug)]
pub struct KeyResp {
    pub key: String,
}

#[derive(Serialize, Debug)]
pub struct ScoreResp {
    pub percent: String,
    pub band: &'static str,
    pub label: &'static str,
}

#[derive(Serialize, Debug)]
pub struct CsvResp {
    pub csv: String,
}

#[derive(Serialize, Debug)]
pub struct CutoffResp {
    pub cutoff: i64,
}

#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum Response {
    Version(VersionResp),
    ValidateRule(ValidateRuleResp),
    Quote(QuoteResp),
    Limit(LimitResp),
    Period(PeriodResp),
    Admit(AdmitResp),
    Settle(SettleResp),
    Adjust(AdjustResp),
    Reconcile(ReconcileResp),
    Key(KeyResp),
    Score(ScoreResp),
    Csv(CsvResp),
    Cutoff(CutoffResp),
}

// ---------- conversion helpers ----------

fn malformed<E: fmt::Display>(e: serde_path_to_error::Error<E>) -> CoreError {
    let mut path = e.path().to_string();
    if path == "." {
        path.clear();
    }
    let mut msg = e.inner().to_string();
    // serde_json appends the position; the field path says more and is the same in every binding.
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    for prefix in ["missing field `", "unknown field `"] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            if let Some(name) = rest.split('`').next() {
                if !path.ends_with(name) {
                    path = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
                }
            }
        }
    }
    let at = if path.is_empty() { String::new() } else { format!(" at {path}") };
    err("malformed_input", format!("Malformed input{at}: {msg}."), &path)
}

fn parse<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T, CoreError>
where
    D::Error: fmt::Display,
{
    serde_path_to_error::deserialize(d).map_err(malformed)
}

fn amount(raw: &str, field: &str) -> Result<Credits, CoreError> {
    Credits::parse_non_negative(raw, field)
}

fn opt_limit(raw: &Option<String>, field: &str) -> Result<Option<Credits>, CoreError> {
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => amount(s, field).map(Some),
    }
}

fn rate(raw: &Option<String>, field: &str) -> Result<Option<Credits>, CoreError> {
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(s) => match Credits::parse(s, field) {
            Err(e) if e.code() == "invalid_amount" => Err(err("invalid_rate", format!("{field} must be a decimal number of credits with at most 6 decimal places."), field)),
            other => other.map(Some),
        },
    }
}

fn id(raw: Option<LenientInt>, field: &str) -> Result<Option<u64>, CoreError> {
    raw.map(|v| v.0.whole(0, 9_007_199_254_740_991, "malformed_input", field).map(|n| n as u64)).transpose()
}

fn rule_from_wire(w: &RuleWire, prefix: &str) -> Result<Rule, CoreError> {
    let f = |n: &str| format!("{prefix}.{n}");
    pricing::validate(
        RuleDraft {
            id: id(w.id, &f("id"))?,
            usage_type: &w.usage_type,
            provider: &w.provider,
            model: &w.model,
            method: &w.method,
            input_rate: rate(&w.input_rate, &f("input_rate"))?,
            output_rate: rate(&w.output_rate, &f("output_rate"))?,
            unit_rate: rate(&w.unit_rate, &f("unit_rate"))?,
        },
        prefix,
    )
}

fn canon(c: Option<Credits>) -> Option<String> {
    c.map(Credits::canonical)
}

fn count(raw: Option<RawNum>, field: &str) -> Result<u64, CoreError> {
    raw.map_or(Ok(0), |n| n.count(field))
}

fn time(raw: RawNum, field: &str) -> Result<i64, CoreError> {
    raw.whole(period::MIN_TIME, period::MAX_TIME, "invalid_period", field)
}

// ---------- the ops ----------

pub fn validate_rule(r: ValidateRuleReq) -> Result<ValidateRuleResp, CoreError> {
    let rule = rule_from_wire(&r.rule, "rule")?;
    Ok(ValidateRuleResp {
        rule: RuleOut {
            id: rule.id,
            usage_type: rule.usage_type.as_str(),
            provider: rule.provider,
            model: rule.model,
            method: rule.method.as_str(),
            input_rate: canon(rule.input_rate),
            output_rate: canon(rule.output_rate),
            unit_rate: canon(rule.unit_rate),
        },
    })
}

pub fn quote(r: QuoteReq) -> Result<QuoteResp, CoreError> {
    let rules = r.rules.iter().enumerate().map(|(i, w)| rule_from_wire(w, &format!("rules[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    let u = &r.usage;
    let usage = Usage {
        usage_type: UsageType::parse(&u.usage_type, "usage.usage_type")?,
        provider: pricing::normalise_provider(&u.provider, "usage.provider")?,
        model: pricing::normalise_model(&u.model, "usage.model")?,
        input_tokens: count(u.input_tokens, "usage.input_tokens")?,
        output_tokens: count(u.output_tokens, "usage.output_tokens")?,
        images: count(u.images, "usage.images")?,
        videos: count(u.videos, "usage.videos")?,
    };
    let q = pricing::quote(&rules, &usage)?;
    Ok(QuoteResp {
        credits: q.credits.canonical(),
        method: q.rule.as_ref().map_or("fallback", |r| r.method.as_str()),
        rule_id: q.rule.as_ref().and_then(|r| r.id),
        fallback: q.rule.is_none(),
        units: q.units.to_string(),
        breakdown: q.breakdown,
        rule_snapshot: q.rule.map(|r| Snapshot {
            id: r.id,
            method: r.method.as_str(),
            input_rate: canon(r.input_rate),
            output_rate: canon(r.output_rate),
            unit_rate: canon(r.unit_rate),
        }),
    })
}

pub fn effective_limit(r: EffectiveLimitReq) -> Result<LimitResp, CoreError> {
    let subject = match r.subject.as_str() {
        "guest" => Subject::Guest,
        "user" => Subject::User,
        _ => return Err(err("malformed_input", "subject must be guest or user.", "subject")),
    };
    let mut roles = BTreeMap::new();
    for (role, lim) in &r.role_limits {
        roles.insert(role.clone(), opt_limit(lim, &format!("role_limits.{role}"))?);
    }
    let limit = quota::effective_limit(
        subject,
        &r.roles,
        opt_limit(&r.guest_limit, "guest_limit")?,
        opt_limit(&r.user_limit, "user_limit")?,
        &roles,
    );
    Ok(LimitResp { limit: canon(limit) })
}

pub fn period_op(r: PeriodReq) -> Result<PeriodResp, CoreError> {
    let p = Period::parse(&r.period, "period")?;
    let now = time(r.now, "now")?;
    let mut spans = Vec::with_capacity(r.utc_offsets.len());
    for (i, o) in r.utc_offsets.iter().enumerate() {
        let from = o.from.map(|f| f.whole(i64::MIN, i64::MAX, "invalid_timezone", &format!("utc_offsets[{i}].from"))).transpose()?;
        let offset = o.offset.whole(-period::MAX_OFFSET, period::MAX_OFFSET, "invalid_timezone", &format!("utc_offsets[{i}].offset"))?;
        spans.push(OffsetSpan { from, offset });
    }
    let sow = match r.start_of_week {
        None => 1,
        Some(v) => v.0.whole(0, 6, "invalid_period", "start_of_week")?,
    };
    let info = period::period(p, now, &spans, sow)?;
    Ok(PeriodResp { key: info.key, starts_at: info.starts_at, next_starts_at: info.next_starts_at })
}

pub fn admit(r: AdmitReq) -> Result<AdmitResp, CoreError> {
    let a = admission::admit(
        amount(&r.estimate, "estimate")?,
        amount(&r.balance_available, "balance_available")?,
        r.quota_remaining.as_deref().map(|q| amount(q, "quota_remaining")).transpose()?,
        Order::parse(&r.order, "order")?,
    )?;
    Ok(AdmitResp {
        admitted: a.admitted,
        reason: if a.admitted { None } else { Some("quota_exceeded") },
        hold_balance: a.hold_balance.canonical(),
        hold_quota: a.hold_quota.canonical(),
        shortfall: a.shortfall.canonical(),
    })
}

pub fn settle(r: SettleReq) -> Result<SettleResp, CoreError> {
    let s = admission::settle(
        amount(&r.hold_balance, "hold_balance")?,
        amount(&r.hold_quota, "hold_quota")?,
        amount(&r.actual, "actual")?,
        amount(&r.balance_available, "balance_available")?,
        r.quota_remaining.as_deref().map(|q| amount(q, "quota_remaining")).transpose()?,
        Order::parse(&r.order, "order")?,
    )?;
    Ok(SettleResp {
        balance_debit: s.balance_debit.canonical(),
        quota_count: s.quota_count.canonical(),
        released_balance: s.released_balance.canonical(),
        released_quota: s.released_quota.canonical(),
        uncovered: s.uncovered.canonical(),
    })
}

pub fn adjust_balance(r: AdjustReq) -> Result<AdjustResp, CoreError> {
    let (delta, new) = ledger::adjust_balance(
        Credits::parse(&r.current, "current")?,
        Credits::parse(&r.expected, "expected")?,
        Credits::parse(&r.new, "new")?,
    )?;
    Ok(AdjustResp { delta: delta.canonical(), new: new.canonical() })
}

pub fn reconcile(r: ReconcileReq) -> Result<ReconcileResp, CoreError> {
    let user = |v: LenientInt, f: String| v.0.whole(0, 9_007_199_254_740_991, "malformed_input", &f).map(|n| n as u64);
    let mut balances = Vec::with_capacity(r.balances.len());
    for (i, b) in r.balances.iter().enumerate() {
        balances.push((user(b.user_id, format!("balances[{i}].user_id"))?, Credits::parse(&b.balance, &format!("balances[{i}].balance"))?));
    }
    let mut entries = Vec::with_capacity(r.entries.len());
    for (i, e) in r.entries.iter().enumerate() {
        entries.push((user(e.user_id, format!("entries[{i}].user_id"))?, Credits::parse(&e.amount, &format!("entries[{i}].amount"))?));
    }
    let m = ledger::reconcile(&balances, &entries)?;
    Ok(ReconcileResp {
        ok: m.is_empty(),
        mismatches: m
            .into_iter()
            .map(|m| MismatchOut { user_id: m.user_id, balance: m.balance.canonical(), ledger_sum: m.ledger_sum.canonical(), difference: m.difference.canonical() })
            .collect(),
    })
}

pub fn idempotency_key(r: KeyReq) -> Result<KeyResp, CoreError> {
    let kind = EntryKind::parse(&r.kind, "kind")?;
    let parts: Vec<String> = r.parts.into_iter().map(|t| t.0).collect();
    Ok(KeyResp { key: ledger::idempotency_key(kind, &parts)? })
}

pub fn score_band(r: ScoreReq) -> Result<ScoreResp, CoreError> {
    let scale = Scale::parse(&r.scale, "scale")?;
    let b = logs::score_band(logs::parse_score(&r.score, "score")?, scale)?;
    Ok(ScoreResp { percent: b.percent, band: b.band, label: b.label })
}

pub fn csv_rows(r: CsvReq) -> CsvResp {
    let rows: Vec<Vec<String>> = r.rows.into_iter().map(|row| row.into_iter().map(|c| c.0).collect()).collect();
    CsvResp { csv: logs::csv_rows(&rows) }
}

pub fn retention_cutoff(r: RetentionReq) -> Result<CutoffResp, CoreError> {
    let now = time(r.now, "now")?;
    let days = r.days.whole(1, 36_500, "invalid_count", "days")?;
    Ok(CutoffResp { cutoff: logs::retention_cutoff(now, days) })
}

/// Runs one op on a request read from any serde Deserializer.
pub fn run<'de, D: Deserializer<'de>>(op: &str, input: D) -> Result<Response, CoreError>
where
    D::Error: fmt::Display,
{
    Ok(match op {
        "version" => {
            let _: VersionReq = parse(input)?;
            Response::Version(VersionResp { version: crate::VERSION, abi: crate::ABI_VERSION })
        }
        "validate_rule" => Response::ValidateRule(validate_rule(parse(input)?)?),
        "quote" => Response::Quote(quote(parse(input)?)?),
        "effective_limit" => Response::Limit(effective_limit(parse(input)?)?),
        "period" => Response::Period(period_op(parse(input)?)?),
        "admit" => Response::Admit(admit(parse(input)?)?),
        "settle" => Response::Settle(settle(parse(input)?)?),
        "adjust_balance" => Response::Adjust(adjust_balance(parse(input)?)?),
        "reconcile" => Response::Reconcile(reconcile(parse(input)?)?),
        "idempotency_key" => Response::Key(idempotency_key(parse(input)?)?),
        "score_band" => Response::Score(score_band(parse(input)?)?),
        "csv_rows" => Response::Csv(csv_rows(parse(input)?)),
        "retention_cutoff" => Response::Cutoff(retention_cutoff(parse(input)?)?),
        _ => {
            let shown: String = op.chars().take(40).collect();
            return Err(err("unknown_op", format!("Unknown operation \"{shown}\"."), "op"));
        }
    })
}
