//! The one operation set both bindings expose (docs/contract.md §1): request reading, response
//! types and a dispatcher over any serde Deserializer (serde_json for FFI) or an already-read `Value`
//! (the wasm binding reads JSON text itself, src/bindings/json.rs).
//! Requests are read from a `Value` with exact field paths; every value is validated by the core
//! modules, so both bindings answer the same input with the same result or the same error.

use crate::admission::{self, Order};
use crate::error::{err, CoreError};
use crate::ledger::{self, EntryKind};
use crate::logs::{self, Scale};
use crate::money::{Credits, RawNum};
use crate::period::{self, OffsetSpan, Period};
use crate::pricing::{self, BreakdownLine, Rule, RuleDraft, Usage, UsageType};
use crate::quota::{self, Subject};
use crate::value::{as_arr, as_lenient_int, as_obj, as_str, as_text, index, Obj, Value};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Every op name, as the bindings accept it.
pub const OPS: &[&str] = &[
    "version", "validate_rule", "quote", "price", "price_text", "effective_limit", "period", "admit", "settle", "adjust_balance",
    "reconcile", "idempotency_key", "score_band", "csv_rows", "retention_cutoff", "constants", "settle_usage",
    "authorize", "amount", "reversal",
];

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

/// The lean answer of `price` (metering hot path): no breakdown text, no snapshot.
#[derive(Serialize, Debug)]
pub struct PriceResp {
    pub credits: String,
    pub rule_id: Option<u64>,
    pub fallback: bool,
    pub units: String,
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

/// Everything a settle writes, from one core call: the price of the actual usage (with the breakdown
/// and rule snapshot the ledger keeps), how it splits over hold / balance / quota / uncovered, and the
/// ledger row's idempotency key (null when nothing is charged: a failed or zero-cost reply).
#[derive(Serialize, Debug)]
pub struct SettleUsageResp {
    pub status: &'static str,
    pub credits: String,
    pub balance_debit: String,
    pub quota_count: String,
    pub released_balance: String,
    pub released_quota: String,
    pub uncovered: String,
    /// The balance once the debit is taken, from the locked `balance` the request gave (null without
    /// one: a guest), so PHP writes the ledger row without reading the balance back.
    pub balance_after: Option<String>,
    pub ledger_key: Option<String>,
    pub quote: QuoteResp,
}

/// The quota that applies to a request: which rule (the bot's own over the module's; none = the
/// owner's no-rule choice), the subject's limit under it and the current period.
#[derive(Serialize, Debug)]
pub struct QuotaPlan {
    /// "bot", "module" or null (no rule applies).
    pub rule: Option<&'static str>,
    /// The counters' scope: "module" or "module:bot_id" (no rule: the module).
    pub scope: String,
    pub limit: Option<String>,
    pub period: &'static str,
    pub period_key: String,
    pub starts_at: Option<i64>,
    pub next_starts_at: Option<i64>,
}

/// A credit amount as the core reads it (PHP's input checks use this instead of a second grammar).
#[derive(Serialize, Debug)]
pub struct AmountResp {
    pub amount: String,
}

/// A purchase reversal's amount, decided from the item's grant and its earlier reversals.
#[derive(Serialize, Debug)]
pub struct ReversalResp {
    pub reversed: String,
    pub remaining: String,
    pub amount: String,
}

/// One subject's counter under the quota that applies: the locked row that is current (`id`), or
/// null when PHP must create it (with `quota.next_starts_at` as its period end), and the room left.
#[derive(Serialize, Debug)]
pub struct CounterOut {
    pub subject: String,
    pub id: Option<u64>,
    pub used: String,
    pub held: String,
    /// null = unlimited.
    pub remaining: Option<String>,
}

/// Everything an authorize writes, from one core call.
#[derive(Serialize, Debug)]
pub struct AuthorizeResp {
    pub price: PriceResp,
    pub quota: QuotaPlan,
    pub admitted: bool,
    pub reason: Option<&'static str>,
    pub hold_balance: String,
    pub hold_quota: String,
    pub shortfall: String,
    pub counters: Vec<CounterOut>,
}

#[derive(Serialize, Debug)]
pub struct UsageTypeOut {
    pub value: &'static str,
    /// Billing methods a rule of this usage type may use, in the order screens offer them.
    pub methods: Vec<&'static str>,
}

/// The limits and vocabularies every layer must agree on (PHP REST schemas, the admin screens),
/// published by the core so that they are written down once.
#[derive(Serialize, Debug)]
pub struct ConstantsResp {
    pub usage_types: Vec<UsageTypeOut>,
    pub methods: Vec<&'static str>,
    pub periods: Vec<&'static str>,
    pub orders: Vec<&'static str>,
    pub refusal_reasons: Vec<&'static str>,
    pub ledger_kinds: Vec<&'static str>,
    pub module_pattern: &'static str,
    pub bot_id_pattern: &'static str,
    pub request_id_pattern: &'static str,
    pub model_max_chars: usize,
    pub provider_max_bytes: usize,
    pub count_max: u64,
    pub amount_max: &'static str,
    pub amount_decimals: u32,
    pub key_part_max: usize,
    pub quota_message_max_chars: usize,
    pub quota_roles_max: usize,
    pub error_codes: &'static [&'static str],
}

#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum Response {
    Version(VersionResp),
    ValidateRule(ValidateRuleResp),
    Quote(QuoteResp),
    Price(PriceResp),
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
    Constants(ConstantsResp),
    // Server-only answers (see run_value): left out of the browser module, serializers included.
    #[cfg(not(feature = "wasm"))]
    SettleUsage(SettleUsageResp),
    #[cfg(not(feature = "wasm"))]
    Authorize(AuthorizeResp),
    #[cfg(not(feature = "wasm"))]
    Amount(AmountResp),
    #[cfg(not(feature = "wasm"))]
    Reversal(ReversalResp),
}

// ---------- reading helpers ----------

fn amount(raw: &str, field: &str) -> Result<Credits, CoreError> {
    Credits::parse_non_negative(raw, field)
}

/// A limit: "" or null = unlimited.
fn opt_limit(raw: Option<&str>, field: &str) -> Result<Option<Credits>, CoreError> {
    match raw {
        None | Some("") => Ok(None),
        Some(s) => amount(s, field).map(Some),
    }
}

/// A rate: "" or null/missing = not given; bad text = invalid_rate.
fn rate(raw: Option<&str>, field: &str) -> Result<Option<Credits>, CoreError> {
    match raw {
        None | Some("") => Ok(None),
        Some(s) => match Credits::parse(s, field) {
            Err(e) if e.code() == "invalid_amount" => Err(err("invalid_rate", format!("{field} must be a decimal number of credits with at most 6 decimal places."), field)),
            other => other.map(Some),
        },
    }
}

/// Reads with `f` under no path first and, only if that fails, again under `path()`: field paths are
/// error text only, so the happy path builds none (each was an allocation and a copy in the PHP
/// core), and the second read meets exactly the same error, now with its full path.
fn retry_at<T>(path: impl FnOnce() -> String, f: impl Fn(&str) -> Result<T, CoreError>) -> Result<T, CoreError> {
    f("").or_else(|_| f(&path()))
}

const MAX_ID: i64 = 9_007_199_254_740_991;

fn id_of(v: &Value<'_>, field: &str) -> Result<u64, CoreError> {
    as_lenient_int(v, field)?.whole(0, MAX_ID, "malformed_input", field).map(|n| n as u64)
}

fn canon(c: Option<Credits>) -> Option<String> {
    c.map(Credits::canonical)
}

fn count(o: &Obj<'_>, name: &str) -> Result<u64, CoreError> {
    o.opt_num(name)?.map_or(Ok(0), |n| n.count(name).map_err(|e| e.at(o.at(name))))
}

fn time(raw: RawNum, field: &str) -> Result<i64, CoreError> {
    raw.whole(period::MIN_TIME, period::MAX_TIME, "invalid_period", field)
}

/// Rules may carry extra columns (enabled, timestamps) straight from the database row; those are ignored.
fn rule_from(v: &Value<'_>, path: &str) -> Result<Rule, CoreError> {
    let o = as_obj(v, path)?;
    let id = o.opt("id").map(|v| id_of(v, "id").map_err(|e| e.at(o.at("id")))).transpose()?;
    pricing::validate(
        RuleDraft {
            id,
            usage_type: o.str("usage_type")?,
            provider: o.str("provider")?,
            model: o.str("model")?,
            method: o.str("method")?,
            input_rate: rate(o.opt_str("input_rate")?, "input_rate").map_err(|e| e.at(o.at("input_rate")))?,
            output_rate: rate(o.opt_str("output_rate")?, "output_rate").map_err(|e| e.at(o.at("output_rate")))?,
            unit_rate: rate(o.opt_str("unit_rate")?, "unit_rate").map_err(|e| e.at(o.at("unit_rate")))?,
        },
        path,
    )
}

// ---------- the ops ----------

pub fn validate_rule(v: &Value<'_>) -> Result<ValidateRuleResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["rule"])?;
    let rule = rule_from(o.req("rule")?, "rule")?;
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

fn quote_input(v: &Value<'_>) -> Result<(Vec<Rule>, Usage), CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["rules", "usage"])?;
    quote_parts(&o)
}

/// `rules` and `usage` of a request object (quote, price, settle_usage).
fn quote_parts(o: &Obj<'_>) -> Result<(Vec<Rule>, Usage), CoreError> {
    let rules = o.arr("rules")?.iter().enumerate().map(|(i, r)| retry_at(|| index("rules", i), |p| rule_from(r, p))).collect::<Result<Vec<_>, _>>()?;
    let u = o.obj("usage")?;
    u.deny_unknown(&["usage_type", "provider", "model", "input_tokens", "output_tokens", "images", "videos"])?;
    let usage = Usage {
        usage_type: UsageType::parse(u.str("usage_type")?, "usage.usage_type")?,
        provider: pricing::normalise_provider(u.str("provider")?, "usage.provider")?,
        model: pricing::normalise_model(u.str("model")?, "usage.model")?,
        input_tokens: count(&u, "input_tokens")?,
        output_tokens: count(&u, "output_tokens")?,
        images: count(&u, "images")?,
        videos: count(&u, "videos")?,
    };
    Ok((rules, usage))
}

pub fn quote(v: &Value<'_>) -> Result<QuoteResp, CoreError> {
    let (rules, usage) = quote_input(v)?;
    quote_resp(&rules, &usage)
}

fn quote_resp(rules: &[Rule], usage: &Usage) -> Result<QuoteResp, CoreError> {
    let q = pricing::quote(rules, usage)?;
    Ok(QuoteResp {
        credits: q.credits.canonical(),
        method: q.rule.map_or("fallback", |r| r.method.as_str()),
        rule_id: q.rule.and_then(|r| r.id),
        fallback: q.rule.is_none(),
        units: crate::digits::u64_text(q.units),
        breakdown: q.breakdown,
        rule_snapshot: q.rule.map(snapshot),
    })
}

/// What a usage ledger row stores about the rule it used (editing the rule never rewrites history).
fn snapshot(r: &Rule) -> Snapshot {
    Snapshot { id: r.id, method: r.method.as_str(), input_rate: canon(r.input_rate), output_rate: canon(r.output_rate), unit_rate: canon(r.unit_rate) }
}

/// `quote` without breakdown and snapshot: same request, same credits. The snapshot a usage ledger
/// row stores is the matched rule row itself (`rule_id`; stored rules are already normalised).
pub fn price(v: &Value<'_>) -> Result<PriceResp, CoreError> {
    let (rules, usage) = quote_input(v)?;
    let q = pricing::price(&rules, &usage, false)?;
    Ok(PriceResp {
        credits: q.credits.canonical(),
        rule_id: q.rule.and_then(|r| r.id),
        fallback: q.rule.is_none(),
        units: crate::digits::u64_text(q.units),
    })
}

/// `price` on the compact text request (src/price_text.rs) wrapped as `{"text": …}`; the FFI and
/// wasm fast entries pass the text itself.
pub fn price_text(v: &Value<'_>) -> Result<PriceResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["text"])?;
    crate::price_text::price(o.str("text")?)
}

fn subject_of(o: &Obj<'_>) -> Result<Subject, CoreError> {
    match o.str("subject")? {
        "guest" => Ok(Subject::Guest),
        "user" => Ok(Subject::User),
        _ => Err(err("malformed_input", "subject must be guest or user.", &o.at("subject"))),
    }
}

fn roles_of(o: &Obj<'_>) -> Result<Vec<String>, CoreError> {
    let mut roles = Vec::new();
    if let Some(r) = o.opt("roles") {
        let path = o.at("roles");
        for (i, role) in as_arr(r, &path)?.iter().enumerate() {
            roles.push(retry_at(|| index(&path, i), |p| as_str(role, p))?.to_owned());
        }
    }
    Ok(roles)
}

/// The limit for this subject under one rule object (guest_limit, user_limit, role_limits).
fn limit_under(rule: &Obj<'_>, subject: Subject, roles: &[String]) -> Result<Option<Credits>, CoreError> {
    let mut role_limits = BTreeMap::new();
    if let Some(m) = rule.opt("role_limits") {
        let m = as_obj(m, &rule.at("role_limits"))?;
        for (role, lim) in m.fields() {
            let f = m.at(role);
            let lim = match lim {
                Value::Null => None,
                other => Some(as_str(other, &f)?),
            };
            role_limits.insert(role.to_string(), opt_limit(lim, &f)?);
        }
    }
    Ok(quota::effective_limit(
        subject,
        roles,
        opt_limit(rule.nullable_str("guest_limit")?, &rule.at("guest_limit"))?,
        opt_limit(rule.nullable_str("user_limit")?, &rule.at("user_limit"))?,
        &role_limits,
    ))
}

pub fn effective_limit(v: &Value<'_>) -> Result<LimitResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["subject", "roles", "guest_limit", "user_limit", "role_limits"])?;
    let limit = limit_under(&o, subject_of(&o)?, &roles_of(&o)?)?;
    Ok(LimitResp { limit: canon(limit) })
}

pub fn period_op(v: &Value<'_>) -> Result<PeriodResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["period", "now", "utc_offsets", "start_of_week"])?;
    let p = Period::parse(o.str("period")?, "period")?;
    let info = period_at(&o, p)?;
    Ok(PeriodResp { key: info.key, starts_at: info.starts_at, next_starts_at: info.next_starts_at })
}

/// The period `p` at the request's `now`, `utc_offsets` and `start_of_week`.
fn period_at(o: &Obj<'_>, p: Period) -> Result<period::PeriodInfo, CoreError> {
    let now = time(o.num("now")?, "now")?;
    let mut spans = Vec::new();
    for (i, s) in o.arr("utc_offsets")?.iter().enumerate() {
        spans.push(retry_at(
            || index("utc_offsets", i),
            |p| {
                let s = as_obj(s, p)?;
                s.deny_unknown(&["from", "offset"])?;
                let from = match s.req("from")? {
                    Value::Null => None,
                    f => Some(crate::value::as_num(f, &s.at("from"))?.whole(i64::MIN, i64::MAX, "invalid_timezone", &s.at("from"))?),
                };
                let offset = s.num("offset")?.whole(-period::MAX_OFFSET, period::MAX_OFFSET, "invalid_timezone", &s.at("offset"))?;
                Ok(OffsetSpan { from, offset })
            },
        )?);
    }
    let sow = match o.opt("start_of_week") {
        None => 1,
        Some(v) => as_lenient_int(v, "start_of_week")?.whole(0, 6, "invalid_period", "start_of_week")?,
    };
    period::period(p, now, &spans, sow)
}

fn quota_remaining(o: &Obj<'_>) -> Result<Option<Credits>, CoreError> {
    o.nullable_str("quota_remaining")?.map(|q| amount(q, "quota_remaining")).transpose()
}

pub fn admit(v: &Value<'_>) -> Result<AdmitResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["estimate", "balance_available", "quota_remaining", "order", "uncovered", "uncovered_limit"])?;
    let a = admission::admit_bounded(
        amount(o.str("estimate")?, "estimate")?,
        amount(o.str("balance_available")?, "balance_available")?,
        quota_remaining(&o)?,
        Order::parse(o.str("order")?, "order")?,
        o.opt_str("uncovered")?.map_or(Ok(Credits::ZERO), |u| amount(u, "uncovered"))?,
        opt_limit(o.opt_str("uncovered_limit")?, "uncovered_limit")?,
    )?;
    Ok(AdmitResp {
        admitted: a.admitted,
        reason: a.reason.map(admission::Refusal::as_str),
        hold_balance: a.hold_balance.canonical(),
        hold_quota: a.hold_quota.canonical(),
        shortfall: a.shortfall.canonical(),
    })
}

pub fn settle(v: &Value<'_>) -> Result<SettleResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["hold_balance", "hold_quota", "actual", "balance_available", "quota_remaining", "order"])?;
    let s = admission::settle(
        amount(o.str("hold_balance")?, "hold_balance")?,
        amount(o.str("hold_quota")?, "hold_quota")?,
        amount(o.str("actual")?, "actual")?,
        amount(o.str("balance_available")?, "balance_available")?,
        quota_remaining(&o)?,
        Order::parse(o.str("order")?, "order")?,
    )?;
    Ok(SettleResp {
        balance_debit: s.balance_debit.canonical(),
        quota_count: s.quota_count.canonical(),
        released_balance: s.released_balance.canonical(),
        released_quota: s.released_quota.canonical(),
        uncovered: s.uncovered.canonical(),
    })
}

pub fn adjust_balance(v: &Value<'_>) -> Result<AdjustResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["current", "expected", "new"])?;
    let (delta, new) = ledger::adjust_balance(
        Credits::parse(o.str("current")?, "current")?,
        Credits::parse(o.str("expected")?, "expected")?,
        Credits::parse(o.str("new")?, "new")?,
    )?;
    Ok(AdjustResp { delta: delta.canonical(), new: new.canonical() })
}

fn user_amounts(o: &Obj<'_>, list: &str, amount_name: &str) -> Result<Vec<(u64, Credits)>, CoreError> {
    let mut out = Vec::new();
    for (i, item) in o.arr(list)?.iter().enumerate() {
        let e = as_obj(item, &index(list, i))?;
        e.deny_unknown(&["user_id", amount_name])?;
        let user = id_of(e.req("user_id")?, &e.at("user_id"))?;
        out.push((user, Credits::parse(e.str(amount_name)?, &e.at(amount_name))?));
    }
    Ok(out)
}

pub fn reconcile(v: &Value<'_>) -> Result<ReconcileResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["balances", "entries"])?;
    let balances = user_amounts(&o, "balances", "balance")?;
    let entries = user_amounts(&o, "entries", "amount")?;
    let m = ledger::reconcile(&balances, &entries)?;
    Ok(ReconcileResp {
        ok: m.is_empty(),
        mismatches: m
            .into_iter()
            .map(|m| MismatchOut { user_id: m.user_id, balance: m.balance.canonical(), ledger_sum: m.ledger_sum.canonical(), difference: m.difference.canonical() })
            .collect(),
    })
}

pub fn idempotency_key(v: &Value<'_>) -> Result<KeyResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["kind", "parts"])?;
    let kind = EntryKind::parse(o.str("kind")?, "kind")?;
    let parts = o.arr("parts")?.iter().enumerate().map(|(i, p)| as_text(p, &index("parts", i))).collect::<Result<Vec<_>, _>>()?;
    Ok(KeyResp { key: ledger::idempotency_key(kind, &parts)? })
}

pub fn score_band(v: &Value<'_>) -> Result<ScoreResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["score", "scale"])?;
    let scale = Scale::parse(o.str("scale")?, "scale")?;
    let b = logs::score_band(logs::parse_score(o.str("score")?, "score")?, scale)?;
    Ok(ScoreResp { percent: b.percent, band: b.band, label: b.label })
}

pub fn csv_rows(v: &Value<'_>) -> Result<CsvResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["rows"])?;
    let mut rows = Vec::new();
    for (i, row) in o.arr("rows")?.iter().enumerate() {
        let p = index("rows", i);
        let cells = as_arr(row, &p)?.iter().enumerate().map(|(j, c)| as_text(c, &index(&p, j))).collect::<Result<Vec<_>, _>>()?;
        rows.push(cells);
    }
    Ok(CsvResp { csv: logs::csv_rows(&rows) })
}

pub fn retention_cutoff(v: &Value<'_>) -> Result<CutoffResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["now", "days"])?;
    let now = time(o.num("now")?, "now")?;
    let days = o.num("days")?.whole(1, 36_500, "invalid_count", "days")?;
    Ok(CutoffResp { cutoff: logs::retention_cutoff(now, days) })
}

pub fn version(v: &Value<'_>) -> Result<VersionResp, CoreError> {
    as_obj(v, "")?.deny_unknown(&[])?;
    Ok(VersionResp { version: crate::VERSION, abi: crate::ABI_VERSION })
}

/// One settle decision: price the actual usage, split it (`settle`), and name the ledger entry.
#[cfg_attr(feature = "wasm", allow(dead_code))]
pub fn settle_usage(v: &Value<'_>) -> Result<SettleUsageResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["rules", "usage", "failed", "hold_balance", "hold_quota", "balance", "balance_available", "quota_remaining", "order", "request_id"])?;
    let (rules, usage) = quote_parts(&o)?;
    let failed = match o.opt("failed") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(crate::value::wrong_type(&o.at("failed"), "a boolean", other)),
    };
    let request_id = o.str("request_id")?;
    let quote = quote_resp(&rules, &usage)?;
    // A failed reply charges nothing; the quote still says what the usage would have cost.
    let cost = if failed { Credits::ZERO } else { Credits::parse_non_negative(&quote.credits, "credits")? };
    let s = admission::settle(
        amount(o.str("hold_balance")?, "hold_balance")?,
        amount(o.str("hold_quota")?, "hold_quota")?,
        cost,
        amount(o.str("balance_available")?, "balance_available")?,
        quota_remaining(&o)?,
        Order::parse(o.str("order")?, "order")?,
    )?;
    // Signed: a reversal with allow_negative can leave a balance below zero.
    let balance_after = match o.opt_str("balance")? {
        Some(b) => Some(Credits::parse(b, "balance")?.checked_sub(s.balance_debit, "balance")?.canonical()),
        None => None,
    };
    let charged = !cost.is_zero();
    let ledger_key = if charged { Some(ledger::idempotency_key(EntryKind::Usage, &[request_id.to_owned()]).map_err(|e| err(e.code(), e.to_string(), "request_id"))?) } else { None };
    Ok(SettleUsageResp {
        status: if charged { "settled" } else { "released" },
        credits: cost.canonical(),
        balance_debit: s.balance_debit.canonical(),
        quota_count: s.quota_count.canonical(),
        released_balance: s.released_balance.canonical(),
        released_quota: s.released_quota.canonical(),
        uncovered: s.uncovered.canonical(),
        balance_after,
        ledger_key,
        quote,
    })
}

/// The quota rule that applies (the bot's own rule over the module's), the subject's limit under it
/// (no rule: unlimited, or 0 when the owner chose "balance only"), the counter scope and the period.
fn quota_plan(o: &Obj<'_>) -> Result<QuotaPlan, CoreError> {
    // The rules' paths ("quota_rules[2]") only for an error (see `retry_at`).
    quota_plan_at(o, false).or_else(|_| quota_plan_at(o, true))
}

fn quota_plan_at(o: &Obj<'_>, paths: bool) -> Result<QuotaPlan, CoreError> {
    let module = o.str("module")?;
    let bot_id = o.str("bot_id")?;
    let subject = subject_of(o)?;
    let roles = roles_of(o)?;
    let mut module_rule = None;
    let mut bot_rule = None;
    for (i, r) in o.arr("quota_rules")?.iter().enumerate() {
        let path = if paths { index("quota_rules", i) } else { String::new() };
        let r = as_obj(r, &path)?;
        r.deny_unknown(&["bot_id", "guest_limit", "user_limit", "role_limits", "period"])?;
        match r.str("bot_id")? {
            "" => module_rule = module_rule.or(Some(r)),
            b if b == bot_id => bot_rule = bot_rule.or(Some(r)),
            _ => {}
        }
    }
    let chosen = match (bot_rule, module_rule) {
        (Some(r), _) if !bot_id.is_empty() => Some(("bot", r)),
        (_, Some(r)) => Some(("module", r)),
        _ => None,
    };
    Ok(match chosen {
        Some((which, r)) => {
            let p = Period::parse(r.str("period")?, &r.at("period"))?;
            let info = period_at(o, p)?;
            QuotaPlan {
                rule: Some(which),
                scope: if which == "bot" { [module, ":", bot_id].concat() } else { module.to_owned() },
                limit: canon(limit_under(&r, subject, &roles)?),
                period: p.as_str(),
                period_key: info.key,
                starts_at: info.starts_at,
                next_starts_at: info.next_starts_at,
            }
        }
        None => {
            let limit = match o.str("no_quota_rule")? {
                "unlimited" => None,
                "balance_only" => Some(Credits::ZERO),
                _ => return Err(err("malformed_input", "no_quota_rule must be unlimited or balance_only.", "no_quota_rule")),
            };
            // Usage without a rule is still counted, all-time, so Balances can show it.
            QuotaPlan { rule: None, scope: module.to_owned(), limit: canon(limit), period: "never", period_key: "all".to_owned(), starts_at: None, next_starts_at: None }
        }
    })
}

/// The one core call of an authorize, made inside its transaction once the balance row and the
/// subject's counters in the candidate scopes are locked: the estimate's price, the quota that
/// applies, which of the locked counter rows is the current one for each subject (or that it must be
/// created), the room left and the admission with its holds. PHP never needs the period key to lock:
/// it locks every row that could be current and the core picks.
#[cfg_attr(feature = "wasm", allow(dead_code))]
pub fn authorize(v: &Value<'_>) -> Result<AuthorizeResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&[
        "rules", "usage", "module", "bot_id", "quota_rules", "subject", "roles", "no_quota_rule", "now", "utc_offsets", "start_of_week", "subjects",
        "counters", "balance_available", "uncovered", "uncovered_limit", "order",
    ])?;
    let (rules, usage) = quote_parts(&o)?;
    let q = pricing::price(&rules, &usage, false)?;
    let price = PriceResp { credits: q.credits.canonical(), rule_id: q.rule.and_then(|r| r.id), fallback: q.rule.is_none(), units: crate::digits::u64_text(q.units) };
    let quota = quota_plan(&o)?;
    let limit = opt_limit(quota.limit.as_deref(), "limit")?;
    let mut rows = Vec::new();
    for (i, c) in o.arr("counters")?.iter().enumerate() {
        rows.push(retry_at(
            || index("counters", i),
            |p| {
                let c = as_obj(c, p)?;
                c.deny_unknown(&["id", "subject", "scope", "period_key", "used", "held"])?;
                let id = id_of(c.req("id")?, &c.at("id"))?;
                let used = Credits::parse(c.str("used")?, &c.at("used"))?;
                let held = Credits::parse(c.str("held")?, &c.at("held"))?;
                Ok((id, c.str("subject")?, c.str("scope")?, c.str("period_key")?, used, held))
            },
        )?);
    }
    let subjects = o.arr("subjects")?;
    if subjects.is_empty() {
        return Err(err("malformed_input", "subjects must name at least one subject.", "subjects"));
    }
    let mut counters = Vec::new();
    let mut quota_remaining: Option<Credits> = None;
    for (i, s) in subjects.iter().enumerate() {
        let s = retry_at(|| index("subjects", i), |p| as_str(s, p))?;
        let row = rows.iter().find(|r| r.1 == s && r.2 == quota.scope && r.3 == quota.period_key);
        let (id, used, held) = row.map_or((None, Credits::ZERO, Credits::ZERO), |r| (Some(r.0), r.4, r.5));
        // Room under the limit, never below 0; the tightest counter decides (a guest has two).
        let remaining = match limit {
            None => None,
            Some(l) => {
                let left = l.decimal() - used.decimal() - held.decimal();
                Some(if left.is_sign_negative() { Credits::ZERO } else { Credits::from_exact(left, "remaining")? })
            }
        };
        if let Some(r) = remaining {
            quota_remaining = Some(quota_remaining.map_or(r, |q| q.min(r)));
        }
        counters.push(CounterOut { subject: s.to_owned(), id, used: used.canonical(), held: held.canonical(), remaining: canon(remaining) });
    }
    let a = admission::admit_bounded(
        Credits::parse_non_negative(&price.credits, "estimate")?,
        amount(o.str("balance_available")?, "balance_available")?,
        if limit.is_none() { None } else { quota_remaining },
        Order::parse(o.str("order")?, "order")?,
        o.opt_str("uncovered")?.map_or(Ok(Credits::ZERO), |u| amount(u, "uncovered"))?,
        opt_limit(o.opt_str("uncovered_limit")?, "uncovered_limit")?,
    )?;
    Ok(AuthorizeResp {
        price,
        quota,
        admitted: a.admitted,
        reason: a.reason.map(admission::Refusal::as_str),
        hold_balance: a.hold_balance.canonical(),
        hold_quota: a.hold_quota.canonical(),
        shortfall: a.shortfall.canonical(),
        counters,
    })
}

/// Reads one credit amount: `value` a decimal string (at most 6 places, |x| < 10^14); `negative`
/// true allows a sign. Errors name `field` (default "value"), so PHP can report the field it checked.
#[cfg_attr(feature = "wasm", allow(dead_code))]
pub fn amount_op(v: &Value<'_>) -> Result<AmountResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["value", "field", "negative"])?;
    let field = o.opt_str("field")?.unwrap_or("value");
    if field.len() > 191 {
        return Err(err("malformed_input", "field must be at most 191 characters.", "field"));
    }
    let negative = match o.opt("negative") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(crate::value::wrong_type("negative", "a boolean", other)),
    };
    let raw = match o.req("value")? {
        Value::Str(s) => s,
        other => return Err(crate::value::wrong_type(field, "a string", other)),
    };
    let c = if negative { Credits::parse(raw, field)? } else { Credits::parse_non_negative(raw, field)? };
    Ok(AmountResp { amount: c.canonical() })
}

/// `granted` (≥ 0), the item's earlier `reversals` as ledger rows `{amount ≤ 0, uncovered ≥ 0}` and an
/// optional `requested` share (≥ 0; missing or null = the whole remainder).
#[cfg_attr(feature = "wasm", allow(dead_code))]
pub fn reversal(v: &Value<'_>) -> Result<ReversalResp, CoreError> {
    let o = as_obj(v, "")?;
    o.deny_unknown(&["granted", "reversals", "requested"])?;
    let granted = amount(o.str("granted")?, "granted")?;
    let mut rows = Vec::new();
    for (i, item) in o.arr("reversals")?.iter().enumerate() {
        let e = as_obj(item, &index("reversals", i))?;
        e.deny_unknown(&["amount", "uncovered"])?;
        let uncovered = match e.opt_str("uncovered")? {
            None => Credits::ZERO,
            Some(s) => amount(s, &e.at("uncovered"))?,
        };
        rows.push((Credits::parse(e.str("amount")?, &e.at("amount"))?, uncovered));
    }
    let requested = match o.opt_str("requested")? {
        None => None,
        Some(s) => Some(amount(s, "requested")?),
    };
    let (reversed, remaining, take) = ledger::reversal(granted, &rows, requested)?;
    Ok(ReversalResp { reversed: reversed.canonical(), remaining: remaining.canonical(), amount: take.canonical() })
}

/// Longest refusal message a quota rule may carry, in characters.
pub const QUOTA_MESSAGE_MAX_CHARS: usize = 1000;
/// Most role overrides one quota rule may carry.
pub const QUOTA_ROLES_MAX: usize = 100;

pub fn constants(v: &Value<'_>) -> Result<ConstantsResp, CoreError> {
    as_obj(v, "")?.deny_unknown(&[])?;
    Ok(ConstantsResp {
        usage_types: UsageType::ALL
            .iter()
            .map(|t| UsageTypeOut { value: t.as_str(), methods: pricing::Method::ALL.iter().filter(|m| t.allows(**m)).map(|m| m.as_str()).collect() })
            .collect(),
        methods: pricing::Method::ALL.iter().map(|m| m.as_str()).collect(),
        periods: vec!["never", "daily", "weekly", "monthly"],
        orders: vec!["balance_first", "quota_first"],
        refusal_reasons: vec!["quota_exceeded", "nothing_available", "uncovered_limit"],
        ledger_kinds: vec!["purchase", "purchase_reversal", "admin_adjustment", "usage", "usage_reset"],
        module_pattern: "^[a-z0-9_-]{1,32}$",
        bot_id_pattern: "^[A-Za-z0-9_.-]{0,64}$",
        request_id_pattern: "^[A-Za-z0-9_.-]{1,64}$",
        model_max_chars: pricing::MAX_MODEL_CHARS,
        provider_max_bytes: pricing::MAX_PROVIDER_BYTES,
        count_max: crate::money::MAX_COUNT,
        amount_max: "99999999999999.999999",
        amount_decimals: crate::money::SCALE,
        key_part_max: ledger::MAX_PART,
        quota_message_max_chars: QUOTA_MESSAGE_MAX_CHARS,
        quota_roles_max: QUOTA_ROLES_MAX,
        error_codes: crate::error::ALL_CODES,
    })
}

/// Where an answer goes straight from the op that made it (`runner`): the PHP core pays for every
/// byte moved, and wrapping each answer in a `Response` (as large as the largest answer) and returning
/// it through a `Result` moved it several times per call (docs/core.md).
pub trait Answer {
    /// Takes the answer itself, so that an arena that starts over may skip freeing it.
    fn put<T: Serialize>(&mut self, answer: T);
}

/// One op, run on an already-read request, its answer handed to an `Answer`.
pub type Runner<A> = for<'v> fn(&Value<'v>, &mut A) -> Result<(), CoreError>;

/// The op table, once: `run_value` (a `Response`) and `runner` (an `Answer`) dispatch on the same arms.
macro_rules! op_table {
    ($( $(#[$attr:meta])* $name:literal => $variant:ident($f:ident), )*) => {
        /// Runs one op on an already-read request value.
        pub fn run_value(op: &str, v: &Value<'_>) -> Result<Response, CoreError> {
            Ok(match op {
                $( $(#[$attr])* $name => Response::$variant($f(v)?), )*
                _ => return Err(unknown_op(op)),
            })
        }

        /// The op's runner, found once before the request is read (an unknown op is refused first,
        /// whatever the request holds, as `run` does).
        #[cfg(not(feature = "wasm"))]
        pub fn runner<A: Answer>(op: &str) -> Result<Runner<A>, CoreError> {
            Ok(match op {
                $( $(#[$attr])* $name => {
                    let r: Runner<A> = |v, a| {
                        a.put($f(v)?);
                        Ok(())
                    };
                    r
                } )*
                _ => return Err(unknown_op(op)),
            })
        }
    };
}

op_table! {
    "version" => Version(version),
    "validate_rule" => ValidateRule(validate_rule),
    "quote" => Quote(quote),
    "price" => Price(price),
    "price_text" => Price(price_text),
    "effective_limit" => Limit(effective_limit),
    "period" => Period(period_op),
    "admit" => Admit(admit),
    "settle" => Settle(settle),
    "adjust_balance" => Adjust(adjust_balance),
    "reconcile" => Reconcile(reconcile),
    "idempotency_key" => Key(idempotency_key),
    "score_band" => Score(score_band),
    "csv_rows" => Csv(csv_rows),
    "retention_cutoff" => Cutoff(retention_cutoff),
    "constants" => Constants(constants),
    // Metering decisions are made on the server only (FFI, or the core compiled for PHP); the
    // browser module stays under its size budget without them.
    #[cfg(not(feature = "wasm"))]
    "settle_usage" => SettleUsage(settle_usage),
    #[cfg(not(feature = "wasm"))]
    "authorize" => Authorize(authorize),
    #[cfg(not(feature = "wasm"))]
    "amount" => Amount(amount_op),
    #[cfg(not(feature = "wasm"))]
    "reversal" => Reversal(reversal),
}

fn unknown_op(op: &str) -> CoreError {
    let shown: String = op.chars().take(40).collect();
    err("unknown_op", format!("Unknown operation \"{shown}\"."), "op")
}

/// Malformed JSON / JS input that could not even be read as a value.
pub fn unreadable(e: impl fmt::Display) -> CoreError {
    let mut msg = e.to_string();
    // serde_json appends the position; keep the message comparable across bindings.
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    err("malformed_input", format!("Malformed input: {msg}."), "")
}

/// Runs one op on a request read from any serde Deserializer.
pub fn run<'de, D: Deserializer<'de>>(op: &str, input: D) -> Result<Response, CoreError>
where
    D::Error: fmt::Display,
{
    if !OPS.contains(&op) {
        return Err(unknown_op(op));
    }
    let v = Value::deserialize(input).map_err(unreadable)?;
    run_value(op, &v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHORIZE: &str = r#"{"rules":[{"id":7,"usage_type":"chat","provider":"openai","model":"gpt-4o","method":"per_1k_tokens","input_rate":"1","output_rate":"2"}],"usage":{"usage_type":"chat","provider":"openai","model":"gpt-4o","input_tokens":800,"output_tokens":300},"module":"chat","bot_id":"sales","quota_rules":[{"bot_id":"","guest_limit":"5","user_limit":"20","role_limits":{"editor":"100"},"period":"daily"},{"bot_id":"sales","guest_limit":"1","user_limit":"3","role_limits":{},"period":"weekly"}],"subject":"user","roles":["subscriber","editor"],"no_quota_rule":"unlimited","now":1795604400,"utc_offsets":[{"from":1792148400,"offset":7200},{"from":1792890000,"offset":3600}],"start_of_week":1,"subjects":["user:5","guest:1"],"counters":[{"id":1,"subject":"user:5","scope":"chat:sales","period_key":"w2026-11-30","used":"1","held":"0"},{"id":2,"subject":"guest:1","scope":"chat","period_key":"d","used":"0","held":"0"}],"balance_available":"0","uncovered":"0","uncovered_limit":null,"order":"quota_first"}"#;

    fn authorize_err(from: &str, to: &str) -> CoreError {
        let text = AUTHORIZE.replacen(from, to, 1);
        assert_ne!(text, AUTHORIZE, "{from}");
        authorize(&serde_json::from_str::<Value<'_>>(&text).unwrap()).unwrap_err()
    }

    /// Paths are built only once a pathless read has failed (`retry_at`): the error must still name
    /// the full path, in the field and in the message, at every level and index.
    #[test]
    fn errors_name_full_paths_though_happy_reads_build_none() {
        assert!(authorize(&serde_json::from_str::<Value<'_>>(AUTHORIZE).unwrap()).is_ok());
        for (from, to, field, in_message) in [
            (r#""held":"0"},{"id":2"#, r#""held":"x"},{"id":2"#, "counters[0].held", "counters[0].held: \"x\""),
            (r#""used":"0","held":"0"}]"#, r#""used":"-","held":"0"}]"#, "counters[1].used", "counters[1].used: \"-\""),
            (r#"{"id":2,"#, r#"{"id":"z","#, "counters[1].id", "counters[1].id must be an integer"),
            (r#""guest:1"]"#, "7]", "subjects[1]", "subjects[1] must be a string"),
            (r#""editor"]"#, "null]", "roles[1]", "roles[1] must be a string"),
            (r#""offset":3600"#, r#""offset":99999"#, "utc_offsets[1].offset", "utc_offsets[1].offset must be"),
            (r#""from":1792890000"#, r#""from":"a""#, "utc_offsets[1].from", "utc_offsets[1].from must be a number"),
            (r#""user_limit":"3""#, r#""user_limit":"3.1234567""#, "quota_rules[1].user_limit", "quota_rules[1].user_limit: \"3.1234567\""),
            (r#""role_limits":{},"#, r#""role_limits":{"editor":"1e3"},"#, "quota_rules[1].role_limits.editor", "quota_rules[1].role_limits.editor: \"1e3\""),
            (r#""period":"weekly""#, r#""period":"yearly""#, "quota_rules[1].period", ""),
            (r#""output_rate":"2""#, r#""output_rate":"two""#, "rules[0].output_rate", "output_rate must be"),
            (r#""model":"gpt-4o","method""#, r#""model":"","method""#, "rules[0].model", ""),
            (r#""input_tokens":800"#, r#""input_tokens":-1"#, "usage.input_tokens", "input_tokens"),
        ] {
            let e = authorize_err(from, to);
            assert_eq!(e.field(), Some(field), "{to}: {e:?}");
            assert!(e.to_string().contains(in_message), "{to}: {e}");
        }
    }
}
