#!/usr/bin/env python3
"""Generates tests/vectors/*.json: the golden cases that Rust, Node (wasm) and PHP (FFI) must all
answer identically. Expected values come from this file's own reference model (Python's decimal
with ROUND_HALF_UP = half away from zero, zoneinfo for time zones), written from docs/contract.md
independently of the Rust code, never from the implementation's output.

Run: python3 tests/vectors/generate.py   (rewrites the JSON files; commit them)
"""
import json
import re
import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D, ROUND_HALF_UP, getcontext
from zoneinfo import ZoneInfo

getcontext().prec = 120
HERE = os.path.dirname(os.path.abspath(__file__))
Q6 = D("0.000001")
LIMIT = D(10) ** 14


def canon(d):
    d = D(d).quantize(Q6, rounding=ROUND_HALF_UP)
    if d == 0:
        d = abs(d)
    return format(d, "f")


def disp(d):
    d = D(d)
    if d == 0:
        return "0"
    s = format(d.normalize(), "f")
    return s


def case(name, op, inp, expect=None, error=None, field=None):
    c = {"name": name, "op": op, "input": inp}
    if error is not None:
        c["error"] = error
        if field is not None:
            c["field"] = field
    else:
        c["expect"] = expect
    return c


# ---------------------------------------------------------------- pricing
USAGE_TYPES = ["chat", "form_submit", "image_generate", "image_edit", "video_generate"]
METHODS = ["flat", "per_1k_tokens", "per_image", "per_video"]
ALLOWED = {
    "chat": {"flat", "per_1k_tokens"},
    "form_submit": {"flat", "per_1k_tokens"},
    "image_generate": {"flat", "per_image"},
    "image_edit": {"flat", "per_image"},
    "video_generate": {"flat", "per_video"},
}


def norm_rule(r):
    m = r["method"]
    tok = m == "per_1k_tokens"
    g = lambda k: canon(r[k]) if r.get(k) not in (None, "") else None
    return {
        "id": r.get("id"),
        "usage_type": r["usage_type"],
        "provider": r["provider"].strip().lower(),
        "model": r["model"].strip(),
        "method": m,
        "input_rate": g("input_rate") if tok else None,
        "output_rate": g("output_rate") if tok else None,
        "unit_rate": None if tok else g("unit_rate"),
    }


def units_of(u):
    t = u["usage_type"]
    if t in ("chat", "form_submit"):
        return u.get("input_tokens", 0) + u.get("output_tokens", 0)
    if t in ("image_generate", "image_edit"):
        return u.get("images", 0)
    return u.get("videos", 0)


def quote_ref(rules, u):
    u = {k: (int(v) if isinstance(v, float) else v) for k, v in u.items()}
    rules = [norm_rule(r) for r in rules]
    prov = u["provider"].strip().lower()
    cands = [r for r in rules if r["usage_type"] == u["usage_type"] and r["provider"] == prov]
    rule = next((r for r in cands if r["model"] == u["model"].strip()), None) or next((r for r in cands if r["model"] == "*"), None)
    units = units_of(u)
    if rule is None:
        return {
            "credits": canon(units), "method": "fallback", "rule_id": None, "fallback": True, "units": str(units),
            "breakdown": [
                {"label": "Fallback", "calculation": "No pricing rule matched: charged raw usage units", "amount": disp(units)},
                {"label": "Total", "calculation": str(units), "amount": disp(units)},
            ],
            "rule_snapshot": None,
        }
    m = rule["method"]
    lines = []
    if m == "per_1k_tokens":
        ir, orr = D(rule["input_rate"]), D(rule["output_rate"])
        i = D(u.get("input_tokens", 0)) * ir / 1000
        o = D(u.get("output_tokens", 0)) * orr / 1000
        lines.append({"label": "Input", "calculation": f"{u.get('input_tokens', 0)} / 1000 × {disp(ir)}", "amount": disp(i)})
        lines.append({"label": "Output", "calculation": f"{u.get('output_tokens', 0)} / 1000 × {disp(orr)}", "amount": disp(o)})
        exact = i + o
    elif m == "flat":
        r = D(rule["unit_rate"])
        lines.append({"label": "Flat", "calculation": f"1 × {disp(r)}", "amount": disp(r)})
        exact = r
    else:
        label, n = ("Images", u.get("images", 0)) if m == "per_image" else ("Videos", u.get("videos", 0))
        r = D(rule["unit_rate"])
        exact = D(n) * r
        lines.append({"label": label, "calculation": f"{n} × {disp(r)}", "amount": disp(exact)})
    credits = D(canon(exact))
    if abs(credits) >= LIMIT:
        return "amount_overflow"
    lines.append({"label": "Total", "calculation": " + ".join(l["amount"] for l in lines), "amount": disp(credits)})
    return {
        "credits": canon(credits), "method": m, "rule_id": rule["id"], "fallback": False, "units": str(units),
        "breakdown": lines,
        "rule_snapshot": {k: rule[k] for k in ("id", "method", "input_rate", "output_rate", "unit_rate")},
    }


def pricing_cases():
    out = []
    for ut in USAGE_TYPES:
        for m in METHODS:
            rule = {"id": 3, "usage_type": ut, "provider": " OpenAI ", "model": "gpt-4o", "method": m,
                    "input_rate": "1.5", "output_rate": "2", "unit_rate": "0.25"}
            if m in ALLOWED[ut]:
                out.append(case(f"validate_rule {ut} × {m} allowed", "validate_rule", {"rule": rule}, {"rule": norm_rule(rule)}))
            else:
                out.append(case(f"validate_rule {ut} × {m} refused", "validate_rule", {"rule": rule}, error="method_not_allowed", field="rule.method"))
    base = {"usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": "1", "output_rate": "2"}
    R = lambda **kw: {**base, **kw}
    out += [
        case("validate_rule lower-cases and trims the provider", "validate_rule", {"rule": R(provider="  OpenRouter ")}, {"rule": norm_rule(R(provider="  OpenRouter "))}),
        case("validate_rule drops rates the method does not use", "validate_rule", {"rule": R(method="flat", unit_rate="5")}, {"rule": norm_rule(R(method="flat", unit_rate="5"))}),
        case("validate_rule per_1k without output_rate", "validate_rule", {"rule": {k: v for k, v in base.items() if k != "output_rate"}}, error="missing_rate", field="rule.output_rate"),
        case("validate_rule per_1k with empty input_rate", "validate_rule", {"rule": R(input_rate="")}, error="missing_rate", field="rule.input_rate"),
        case("validate_rule flat without unit_rate", "validate_rule", {"rule": R(method="flat")}, error="missing_rate", field="rule.unit_rate"),
        case("validate_rule per_image with null unit_rate", "validate_rule", {"rule": R(usage_type="image_edit", method="per_image", unit_rate=None)}, error="missing_rate", field="rule.unit_rate"),
        case("validate_rule negative input rate", "validate_rule", {"rule": R(input_rate="-1")}, error="invalid_rate", field="rule.input_rate"),
        case("validate_rule negative unit rate", "validate_rule", {"rule": R(method="flat", unit_rate="-0.000001")}, error="invalid_rate", field="rule.unit_rate"),
        case("validate_rule rate text", "validate_rule", {"rule": R(input_rate="abc")}, error="invalid_rate", field="rule.input_rate"),
        case("validate_rule rate 1e5", "validate_rule", {"rule": R(input_rate="1e5")}, error="invalid_rate", field="rule.input_rate"),
        case("validate_rule rate with 7 decimals", "validate_rule", {"rule": R(output_rate="1.0000001")}, error="invalid_rate", field="rule.output_rate"),
        case("validate_rule rate NaN", "validate_rule", {"rule": R(output_rate="NaN")}, error="invalid_rate", field="rule.output_rate"),
        case("validate_rule rate as JSON number", "validate_rule", {"rule": R(input_rate=1)}, error="malformed_input", field="rule.input_rate"),
        case("validate_rule rate too large", "validate_rule", {"rule": R(input_rate="100000000000000")}, error="amount_overflow", field="rule.input_rate"),
        case("validate_rule zero rates are fine", "validate_rule", {"rule": R(input_rate="0", output_rate="0.000000")}, {"rule": norm_rule(R(input_rate="0", output_rate="0.000000"))}),
        case("validate_rule unknown usage type", "validate_rule", {"rule": R(usage_type="audio")}, error="unknown_usage_type", field="rule.usage_type"),
        case("validate_rule unknown method", "validate_rule", {"rule": R(method="per_token")}, error="unknown_method", field="rule.method"),
        case("validate_rule empty provider", "validate_rule", {"rule": R(provider="   ")}, error="invalid_provider", field="rule.provider"),
        case("validate_rule empty model", "validate_rule", {"rule": R(model="")}, error="invalid_model", field="rule.model"),
        case("validate_rule model of 128 characters", "validate_rule", {"rule": R(model="é" * 128)}, {"rule": norm_rule(R(model="é" * 128))}),
        case("validate_rule model of 129 characters", "validate_rule", {"rule": R(model="m" * 129)}, error="invalid_model", field="rule.model"),
        case("validate_rule missing method", "validate_rule", {"rule": {k: v for k, v in base.items() if k != "method"}}, error="malformed_input", field="rule.method"),
        case("validate_rule missing rule", "validate_rule", {}, error="malformed_input", field="rule"),
        case("validate_rule unknown top-level field", "validate_rule", {"rule": base, "extra": 1}, error="malformed_input", field="extra"),
        case("validate_rule id as digit string (wpdb row)", "validate_rule", {"rule": R(id="12")}, {"rule": {**norm_rule(R()), "id": 12}}),
    ]

    seed_rule = {"id": 7, "usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": "1", "output_rate": "2", "unit_rate": None}
    flat_rule = {"id": 8, "usage_type": "chat", "provider": "openai", "model": "*", "method": "flat", "input_rate": None, "output_rate": None, "unit_rate": "5"}
    chat = lambda i, o, model="gpt-4o", provider="openai": {"usage_type": "chat", "provider": provider, "model": model, "input_tokens": i, "output_tokens": o, "images": 0, "videos": 0}
    media = lambda ut, n, model="m": {"usage_type": ut, "provider": "replicate", "model": model, "input_tokens": 0, "output_tokens": 0,
                                      "images": n if ut.startswith("image") else 0, "videos": n if ut == "video_generate" else 0}
    tok_rule = lambda ir, orr, rid=1: {"id": rid, "usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": ir, "output_rate": orr, "unit_rate": None}
    unit_rule = lambda ut, m, r, rid=2, model="*": {"id": rid, "usage_type": ut, "provider": "replicate", "model": model, "method": m, "input_rate": None, "output_rate": None, "unit_rate": r}

    def q(name, rules, usage):
        r = quote_ref(rules, usage)
        inp = {"rules": rules, "usage": usage}
        if isinstance(r, str):
            out.append(case(name, "quote", inp, error=r))
            out.append(case("price: " + name, "price", inp, error=r))
        else:
            out.append(case(name, "quote", inp, r))
            lean = {k: r[k] for k in ("credits", "rule_id", "fallback", "units")}
            out.append(case("price: " + name, "price", inp, lean))

    q("quote seed example 800 in / 300 out at 1 and 2 per 1K = 1.4", [seed_rule], chat(800, 300))
    q("quote flat example = 5 credits", [flat_rule], chat(800, 300, model="gpt-4o-mini"))
    q("quote exact model wins over *", [flat_rule, seed_rule], chat(800, 300))
    q("quote exact model wins over * regardless of order", [seed_rule, flat_rule], chat(800, 300))
    q("quote provider matched case-insensitively", [seed_rule], chat(800, 300, provider="OpenAI"))
    q("quote no rule → fallback to raw tokens", [], chat(800, 300))
    q("quote other provider's rule does not match → fallback", [seed_rule], chat(10, 5, provider="google"))
    q("quote other usage type's rule does not match → fallback", [unit_rule("image_generate", "flat", "2")], {**chat(0, 0), "provider": "replicate"})
    q("quote fallback images", [], media("image_generate", 3))
    q("quote fallback videos", [], media("video_generate", 2))
    q("quote per_image 3 × 0.5", [unit_rule("image_generate", "per_image", "0.5")], media("image_generate", 3))
    q("quote image_edit per_image", [unit_rule("image_edit", "per_image", "1.25")], media("image_edit", 4))
    q("quote per_video 2 × 12.5", [unit_rule("video_generate", "per_video", "12.5")], media("video_generate", 2))
    q("quote flat video", [unit_rule("video_generate", "flat", "7")], media("video_generate", 9))
    q("quote form_submit per 1K", [{**tok_rule("0.3", "0.9"), "usage_type": "form_submit"}], {**chat(1234, 567), "usage_type": "form_submit"})
    q("quote midpoint 0.0000005 rounds away from zero", [tok_rule("0.0005", "0")], chat(1, 0))
    q("quote midpoint 0.0000025 rounds up (banker's would round down)", [tok_rule("0.0005", "0")], chat(5, 0))
    q("quote midpoint x.0010005 → x.001001", [tok_rule("1.0005", "0")], chat(1, 0))
    q("quote just below midpoint rounds down", [tok_rule("0.000499", "0")], chat(1, 0))
    q("quote one token at smallest rate = 0.000000", [tok_rule("0.000001", "0.000001")], chat(1, 0))
    q("quote rounding once on the sum, not per part", [tok_rule("0.0003", "0.0003")], chat(1, 1))
    q("quote 10^12 tokens at 1 per 1K", [tok_rule("1", "1")], chat(10 ** 12, 0))
    q("quote 10^12 images at 99 = 9.9×10^13", [unit_rule("image_generate", "per_image", "99")], media("image_generate", 10 ** 12))
    q("quote 10^12 images at 100 overflows", [unit_rule("image_generate", "per_image", "100")], media("image_generate", 10 ** 12))
    q("quote largest rate × largest count overflows", [unit_rule("image_generate", "per_image", "99999999999999.999999")], media("image_generate", 10 ** 12))
    q("quote zero tokens costs zero", [seed_rule], chat(0, 0))
    q("quote whole-number float counts are accepted", [seed_rule], {**chat(800, 300), "input_tokens": 800.0})
    usage_missing_counts = {"usage_type": "chat", "provider": "openai", "model": "gpt-4o", "input_tokens": 800}
    q("quote missing counts default to 0", [seed_rule], usage_missing_counts)
    out += [
        case("quote count above 10^12", "quote", {"rules": [], "usage": chat(10 ** 12 + 1, 0)}, error="invalid_count", field="usage.input_tokens"),
        case("quote negative count", "quote", {"rules": [], "usage": chat(-1, 0)}, error="invalid_count", field="usage.input_tokens"),
        case("quote fractional count", "quote", {"rules": [], "usage": chat(1, 1.5)}, error="invalid_count", field="usage.output_tokens"),
        case("quote count as string", "quote", {"rules": [], "usage": chat("800", 0)}, error="malformed_input", field="usage.input_tokens"),
        case("quote missing usage", "quote", {"rules": []}, error="malformed_input", field="usage"),
        case("quote rules not a list", "quote", {"rules": {"a": 1}, "usage": chat(1, 1)}, error="malformed_input", field="rules"),
        case("quote unknown usage field", "quote", {"rules": [], "usage": {**chat(1, 1), "tokens": 3}}, error="malformed_input", field="usage.tokens"),
        case("quote unknown usage type", "quote", {"rules": [], "usage": {**chat(1, 1), "usage_type": "speech"}}, error="unknown_usage_type", field="usage.usage_type"),
        case("quote invalid rule in list names it", "quote", {"rules": [seed_rule, {**seed_rule, "method": "per_image"}], "usage": chat(1, 1)}, error="method_not_allowed", field="rules[1].method"),
        case("quote empty provider", "quote", {"rules": [], "usage": chat(1, 1, provider="")}, error="invalid_provider", field="usage.provider"),
        case("quote rules from DB rows: extra columns ignored", "quote", {"rules": [{**seed_rule, "enabled": "1", "updated_at": "2026-11-25 10:00:00"}], "usage": chat(800, 300)}, quote_ref([seed_rule], chat(800, 300))),
    ]
    return out


# ---------------------------------------------------------------- quota
def limit_ref(subject, roles, guest, user, role_limits):
    norm = lambda v: None if v in (None, "") else canon(v)
    if subject == "guest":
        return norm(guest)
    ov = [norm(role_limits[r]) for r in roles if r in role_limits]
    if not ov:
        return norm(user)
    if any(v is None for v in ov):
        return None
    return canon(max(D(v) for v in ov))


def quota_cases():
    out = []
    rl = {"editor": "500", "author": "50.5", "vip": None, "contributor": "0"}
    combos = [
        ("guest", [], "10", "100"), ("guest", ["editor"], None, "100"), ("guest", [], "0", "100"),
        ("user", [], "10", "100"), ("user", ["subscriber"], "10", "100"), ("user", ["editor"], "10", "100"),
        ("user", ["author", "editor"], "10", "100"), ("user", ["author"], "10", "100"), ("user", ["editor", "vip"], "10", "100"),
        ("user", ["contributor"], "10", "100"), ("user", ["contributor", "author"], "10", "100"), ("user", ["subscriber"], "10", None),
        ("user", [], None, ""), ("user", ["subscriber"], "10", "0"),
    ]
    for s, roles, g, u in combos:
        inp = {"subject": s, "roles": roles, "guest_limit": g, "user_limit": u, "role_limits": rl}
        out.append(case(f"effective_limit {s} roles={roles} guest={g} user={u}", "effective_limit", inp, {"limit": limit_ref(s, roles, g, u, rl)}))
    out += [
        case("effective_limit empty role_limits as [] (PHP)", "effective_limit", {"subject": "user", "roles": ["editor"], "guest_limit": None, "user_limit": "7", "role_limits": []}, {"limit": "7.000000"}),
        case("effective_limit missing user_limit is an error, not unlimited", "effective_limit", {"subject": "user", "roles": [], "guest_limit": None, "role_limits": {}}, error="malformed_input", field="user_limit"),
        case("effective_limit negative limit", "effective_limit", {"subject": "user", "roles": [], "guest_limit": None, "user_limit": "-5", "role_limits": {}}, error="negative_amount", field="user_limit"),
        case("effective_limit bad role limit", "effective_limit", {"subject": "user", "roles": ["editor"], "guest_limit": None, "user_limit": "1", "role_limits": {"editor": "Infinity"}}, error="invalid_amount", field="role_limits.editor"),
        case("effective_limit unknown subject", "effective_limit", {"subject": "bot", "roles": [], "guest_limit": None, "user_limit": None, "role_limits": {}}, error="malformed_input", field="subject"),
        case("effective_limit role limit as number", "effective_limit", {"subject": "user", "roles": [], "guest_limit": None, "user_limit": None, "role_limits": {"editor": 5}}, error="malformed_input", field="role_limits.editor"),
    ]
    return out


# ---------------------------------------------------------------- periods
def offsets_around(zone, now):
    """Like PHP's DateTimeZone::getTransitions(now-40d, now+40d): the offset at the start, then changes."""
    z = ZoneInfo(zone)
    off = lambda t: int(datetime.fromtimestamp(t, z).utcoffset().total_seconds())
    begin, end = now - 40 * 86400, now + 40 * 86400
    spans = [{"from": begin, "offset": off(begin)}]
    t = begin
    step = 900
    while t < end:
        n = t + step
        if off(n) != off(t):
            lo, hi = t, n
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(mid) == off(t):
                    lo = mid
                else:
                    hi = mid
            spans.append({"from": hi, "offset": off(hi)})
        t = n
    return spans


def local_midnight_utc(zone, y, m, d, spans):
    z = ZoneInfo(zone)
    dt = datetime(y, m, d, tzinfo=z, fold=0)
    t = int(dt.timestamp())
    back = datetime.fromtimestamp(t, z)
    if (back.year, back.month, back.day, back.hour, back.minute) == (y, m, d, 0, 0):
        return t
    # In a DST gap: the first instant after it is the transition itself.
    L = int(datetime(y, m, d, tzinfo=timezone.utc).timestamp())
    for a, b in zip(spans, spans[1:]):
        if b["from"] + a["offset"] <= L < b["from"] + b["offset"]:
            return b["from"]
    raise AssertionError("no gap found")


def period_ref(zone, now, period, sow):
    spans = offsets_around(zone, now)
    if period == "never":
        return spans, {"key": "all", "starts_at": None, "next_starts_at": None}
    local = datetime.fromtimestamp(now, ZoneInfo(zone)).date()
    if period == "daily":
        start, nxt, key = local, local + timedelta(days=1), local.isoformat()
    elif period == "weekly":
        wd = (local.weekday() + 1) % 7  # 0 = Sunday
        start = local - timedelta(days=(wd - sow) % 7)
        nxt, key = start + timedelta(days=7), "W" + start.isoformat()
    else:
        start = local.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        key = f"{local.year:04d}-{local.month:02d}"
    return spans, {
        "key": key,
        "starts_at": local_midnight_utc(zone, start.year, start.month, start.day, spans),
        "next_starts_at": local_midnight_utc(zone, nxt.year, nxt.month, nxt.day, spans),
    }


def ts(zone, *a):
    return int(datetime(*a, tzinfo=ZoneInfo(zone)).timestamp())


def period_cases():
    out = []
    specs = [
        ("Europe/Berlin", (2026, 3, 29, 12, 0), "daily", 1, "spring-forward day (23 h)"),
        ("Europe/Berlin", (2026, 3, 28, 23, 30), "daily", 1, "evening before spring-forward"),
        ("Europe/Berlin", (2026, 3, 29, 0, 30), "daily", 1, "just after midnight on spring-forward day"),
        ("Europe/Berlin", (2026, 3, 29, 12, 0), "weekly", 1, "week with spring-forward, Monday start"),
        ("Europe/Berlin", (2026, 3, 29, 12, 0), "weekly", 0, "week with spring-forward, Sunday start"),
        ("Europe/Berlin", (2026, 3, 15, 9, 0), "monthly", 1, "March across spring-forward"),
        ("Europe/Berlin", (2026, 10, 25, 12, 0), "daily", 1, "fall-back day (25 h)"),
        ("Europe/Berlin", (2026, 10, 25, 2, 30), "daily", 1, "inside the repeated hour"),
        ("Europe/Berlin", (2026, 10, 31, 23, 59), "monthly", 1, "last minute of October"),
        ("Europe/Berlin", (2026, 11, 1, 0, 0), "monthly", 1, "first instant of November"),
        ("Europe/Berlin", (2026, 10, 25, 12, 0), "weekly", 1, "week with fall-back"),
        ("America/New_York", (2026, 3, 8, 12, 0), "daily", 0, "spring-forward day"),
        ("America/New_York", (2026, 11, 1, 12, 0), "daily", 0, "fall-back day"),
        ("America/New_York", (2026, 11, 1, 1, 30), "weekly", 0, "fall-back week, Sunday start"),
        ("America/New_York", (2026, 11, 25, 20, 0), "daily", 0, "evening: UTC date already next day"),
        ("America/New_York", (2026, 12, 31, 23, 0), "monthly", 0, "December → next year"),
        ("America/Santiago", (2026, 9, 6, 12, 0), "daily", 1, "DST starts at midnight: midnight does not exist"),
        ("America/Santiago", (2026, 9, 5, 12, 0), "daily", 1, "day before the midnight gap"),
        ("America/Santiago", (2026, 9, 7, 12, 0), "weekly", 0, "week starting on the gap day"),
        ("America/Santiago", (2026, 4, 5, 12, 0), "daily", 1, "DST ends at midnight"),
        ("America/Santiago", (2026, 4, 4, 23, 30), "daily", 1, "repeated hour before midnight"),
        ("America/Santiago", (2026, 9, 15, 12, 0), "monthly", 1, "September with midnight gap"),
        ("Asia/Beirut", (2026, 3, 29, 12, 0), "daily", 1, "DST at midnight (gap)"),
        ("Asia/Beirut", (2026, 10, 25, 12, 0), "daily", 1, "DST ends at midnight"),
        ("Asia/Kolkata", (2026, 11, 25, 20, 0), "daily", 1, "half-hour offset"),
        ("Pacific/Chatham", (2026, 4, 5, 12, 0), "daily", 1, "+13:45 → +12:45"),
        ("America/St_Johns", (2026, 11, 1, 12, 0), "daily", 0, "-2:30 → -3:30"),
        ("UTC", (2026, 11, 25, 0, 0), "daily", 1, "UTC midnight"),
        ("UTC", (2026, 11, 25, 12, 0), "weekly", 1, "Wednesday, Monday start"),
        ("UTC", (2026, 11, 25, 12, 0), "weekly", 0, "Wednesday, Sunday start"),
        ("UTC", (2026, 11, 22, 12, 0), "weekly", 1, "Sunday, Monday start → previous Monday"),
        ("UTC", (2026, 11, 22, 12, 0), "weekly", 0, "Sunday, Sunday start → same day"),
        ("UTC", (2026, 11, 25, 12, 0), "weekly", 6, "Saturday start"),
        ("UTC", (2026, 12, 31, 12, 0), "weekly", 1, "week spanning the new year"),
        ("UTC", (2026, 12, 31, 23, 59), "monthly", 1, "month at year end"),
        ("UTC", (2028, 2, 29, 12, 0), "monthly", 1, "leap February"),
        ("UTC", (2026, 2, 28, 12, 0), "daily", 1, "Feb 28 of a common year"),
        ("UTC", (2026, 11, 25, 12, 0), "never", 1, "never"),
    ]
    for zone, dt, period, sow, label in specs:
        now = ts(zone, *dt)
        spans, exp = period_ref(zone, now, period, sow)
        out.append(case(f"period {period} {zone} {label}", "period", {"period": period, "now": now, "utc_offsets": spans, "start_of_week": sow}, exp))
    now = ts("UTC", 2026, 11, 25, 12, 0)
    utc = [{"from": None, "offset": 0}]
    out += [
        case("period from:null offset list", "period", {"period": "daily", "now": now, "utc_offsets": [{"from": None, "offset": 3600}]}, {"key": "2026-11-25", "starts_at": ts("UTC", 2026, 11, 24, 23, 0), "next_starts_at": ts("UTC", 2026, 11, 25, 23, 0)}),
        case("period start_of_week as string (get_option)", "period", {"period": "weekly", "now": now, "utc_offsets": utc, "start_of_week": "1"}, period_ref("UTC", now, "weekly", 1)[1]),
        case("period default start_of_week is Monday", "period", {"period": "weekly", "now": now, "utc_offsets": utc}, period_ref("UTC", now, "weekly", 1)[1]),
        case("period unknown period", "period", {"period": "hourly", "now": now, "utc_offsets": utc}, error="invalid_period", field="period"),
        case("period empty offsets", "period", {"period": "daily", "now": now, "utc_offsets": []}, error="invalid_timezone", field="utc_offsets"),
        case("period unsorted offsets", "period", {"period": "daily", "now": now, "utc_offsets": [{"from": 200, "offset": 0}, {"from": 100, "offset": 0}]}, error="invalid_timezone", field="utc_offsets[1].from"),
        case("period offset beyond 18 h", "period", {"period": "daily", "now": now, "utc_offsets": [{"from": None, "offset": 64801}]}, error="invalid_timezone", field="utc_offsets[0].offset"),
        case("period no offset in force at now", "period", {"period": "daily", "now": now, "utc_offsets": [{"from": now + 1, "offset": 0}]}, error="invalid_timezone", field="utc_offsets"),
        case("period start_of_week 7", "period", {"period": "weekly", "now": now, "utc_offsets": utc, "start_of_week": 7}, error="invalid_period", field="start_of_week"),
        case("period now as string", "period", {"period": "daily", "now": "1764028800", "utc_offsets": utc}, error="malformed_input", field="now"),
        case("period now fractional", "period", {"period": "daily", "now": 1.5, "utc_offsets": utc}, error="invalid_period", field="now"),
        case("period missing now", "period", {"period": "daily", "utc_offsets": utc}, error="malformed_input", field="now"),
        case("period missing from", "period", {"period": "daily", "now": now, "utc_offsets": [{"offset": 0}]}, error="malformed_input", field="utc_offsets[0].from"),
    ]
    return out


# ---------------------------------------------------------------- admission
def admit_ref(est, bal, quota, order, uncovered="0", uncovered_limit=None):
    est, bal = D(est), D(bal)
    q = None if quota is None else D(quota)
    refuse = lambda reason, short: {"admitted": False, "reason": reason, "hold_balance": canon(0), "hold_quota": canon(0), "shortfall": canon(short)}
    if uncovered_limit is not None and D(uncovered) > D(uncovered_limit):
        return refuse("uncovered_limit", D(uncovered) - D(uncovered_limit))
    if q is not None and q == 0 and bal == 0:
        return refuse("nothing_available", est)
    ok = q is None or est <= bal + q
    if not ok:
        return {"admitted": False, "reason": "quota_exceeded", "hold_balance": canon(0), "hold_quota": canon(0), "shortfall": canon(est - bal - q)}
    if order == "balance_first":
        hb = min(est, bal)
        hq = est - hb
    else:
        hq = est if q is None else min(est, q)
        hb = est - hq
    return {"admitted": True, "reason": None, "hold_balance": canon(hb), "hold_quota": canon(hq), "shortfall": canon(0)}


def settle_ref(hb, hq, actual, bal, quota, order):
    hb, hq, a, bal = D(hb), D(hq), D(actual), D(bal)
    q = None if quota is None else D(quota)
    take = lambda want, have: want if have is None else min(want, have)
    if a <= hb + hq:
        if order == "balance_first":
            fb = take(a, hb); fq = a - fb
        else:
            fq = take(a, hq); fb = a - fq
        return {"balance_debit": canon(fb), "quota_count": canon(fq), "released_balance": canon(hb - fb), "released_quota": canon(hq - fq), "uncovered": canon(0)}
    ex = a - hb - hq
    if order == "balance_first":
        eb = take(ex, bal); eq = take(ex - eb, q); unc = ex - eb - eq
    else:
        eq = take(ex, q); eb = take(ex - eq, bal); unc = ex - eq - eb
    return {"balance_debit": canon(hb + eb), "quota_count": canon(hq + eq), "released_balance": canon(0), "released_quota": canon(0), "uncovered": canon(unc)}


def settle_usage_ref(rules, usage, hb, hq, bal, quota, order, request_id, failed=False, balance=None):
    q = quote_ref(rules, usage)
    if isinstance(q, str):
        return q
    cost = "0" if failed else q["credits"]
    s = settle_ref(hb, hq, cost, bal, quota, order)
    charged = D(cost) != 0
    # balance_after: the locked balance less the debit (null without a balance: a guest's settle).
    after = None if balance is None else canon(D(balance) - D(s["balance_debit"]))
    return {"status": "settled" if charged else "released", "credits": canon(D(cost)), **s, "balance_after": after,
            "ledger_key": f"usage:{request_id}" if charged else None, "quote": q}


def settle_usage_cases():
    R = {"id": 7, "usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": "1", "output_rate": "2"}
    U = {"usage_type": "chat", "provider": "openai", "model": "gpt-4o", "input_tokens": 800, "output_tokens": 300}
    S = lambda hb, hq, bal, quota, order="balance_first", failed=None, rules=None, usage=None, rid="req-1": {
        "rules": [R] if rules is None else rules, "usage": U if usage is None else usage, "hold_balance": hb, "hold_quota": hq,
        "balance_available": bal, "quota_remaining": quota, "order": order, "request_id": rid, **({} if failed is None else {"failed": failed})}
    out = []
    for name, args in [
        ("under the hold", ("2", "0", "5", None)),
        ("over the hold, from the balance", ("1", "0", "5", None)),
        ("over everything: uncovered", ("1", "0", "0.1", "0")),
        ("quota first", ("0", "2", "0", "10", "quota_first")),
        ("split hold", ("1", "0.4", "0", "0")),
    ]:
        req = S(*args)
        out.append(case(f"settle_usage {name}", "settle_usage", req, settle_usage_ref([R], U, *args[:4], args[4] if len(args) > 4 else "balance_first", "req-1")))
    out += [
        case("settle_usage failed reply charges nothing", "settle_usage", S("2", "0", "5", None, failed=True), settle_usage_ref([R], U, "2", "0", "5", None, "balance_first", "req-1", failed=True)),
        case("settle_usage zero usage is released", "settle_usage", S("2", "0", "5", None, usage={**U, "input_tokens": 0, "output_tokens": 0}), settle_usage_ref([R], {**U, "input_tokens": 0, "output_tokens": 0}, "2", "0", "5", None, "balance_first", "req-1")),
        case("settle_usage fallback without a rule", "settle_usage", S("0", "0", "5000", None, rules=[]), settle_usage_ref([], U, "0", "0", "5000", None, "balance_first", "req-1")),
        case("settle_usage balance after the debit", "settle_usage", {**S("1", "0", "5", None), "balance": "6.5"}, settle_usage_ref([R], U, "1", "0", "5", None, "balance_first", "req-1", balance="6.5")),
        case("settle_usage balance after a debit beyond the hold", "settle_usage", {**S("0.5", "0", "0.25", None), "balance": "0.75"}, settle_usage_ref([R], U, "0.5", "0", "0.25", None, "balance_first", "req-1", balance="0.75")),
        case("settle_usage negative balance stays exact", "settle_usage", {**S("0", "0", "0", None), "balance": "-3.000001"}, settle_usage_ref([R], U, "0", "0", "0", None, "balance_first", "req-1", balance="-3.000001")),
        case("settle_usage failed reply leaves the balance", "settle_usage", {**S("2", "0", "5", None, failed=True), "balance": "7"}, settle_usage_ref([R], U, "2", "0", "5", None, "balance_first", "req-1", failed=True, balance="7")),
        case("settle_usage balance is not an amount", "settle_usage", {**S("2", "0", "5", None), "balance": "ten"}, error="invalid_amount", field="balance"),
        case("settle_usage bad request id", "settle_usage", S("2", "0", "5", None, rid="a b"), error="invalid_key_part", field="request_id"),
        case("settle_usage failed is not a boolean", "settle_usage", S("2", "0", "5", None, failed="yes"), error="malformed_input", field="failed"),
        case("settle_usage negative hold", "settle_usage", S("-1", "0", "5", None), error="negative_amount", field="hold_balance"),
        case("settle_usage missing request id", "settle_usage", {k: v for k, v in S("2", "0", "5", None).items() if k != "request_id"}, error="malformed_input", field="request_id"),
    ]
    return out


def authorize_ref(rules, usage, module, bot_id, quota_rules, subject, roles, no_rule, zone, now, subjects, counters, bal, order, uncovered="0", uncovered_limit=None, sow=1):
    q = quote_ref(rules, usage)
    price = {k: q[k] for k in ("credits", "rule_id", "fallback", "units")}
    bot = next((r for r in quota_rules if bot_id and r["bot_id"] == bot_id), None)
    mod = next((r for r in quota_rules if r["bot_id"] == ""), None)
    which, rule = ("bot", bot) if bot else (("module", mod) if mod else (None, None))
    spans = None
    if rule is None:
        limit = None if no_rule == "unlimited" else canon(0)
        quota = {"rule": None, "scope": module, "limit": limit, "period": "never", "period_key": "all", "starts_at": None, "next_starts_at": None}
    else:
        spans, p = period_ref(zone, now, rule["period"], sow)
        limit = limit_ref(subject, roles, rule.get("guest_limit"), rule.get("user_limit"), rule.get("role_limits", {}))
        scope = module + ":" + bot_id if which == "bot" else module
        quota = {"rule": which, "scope": scope, "limit": limit, "period": rule["period"], "period_key": p["key"], "starts_at": p["starts_at"], "next_starts_at": p["next_starts_at"]}
    outs, rem = [], None
    for s in subjects:
        row = next((c for c in counters if c["subject"] == s and c["scope"] == quota["scope"] and c["period_key"] == quota["period_key"]), None)
        used, held = (D(row["used"]), D(row["held"])) if row else (D(0), D(0))
        r = None if limit is None else max(D(limit) - used - held, D(0))
        if r is not None:
            rem = r if rem is None else min(rem, r)
        outs.append({"subject": s, "id": row["id"] if row else None, "used": canon(used), "held": canon(held), "remaining": None if r is None else canon(r)})
    a = admit_ref(price["credits"], bal, None if limit is None else rem, order, uncovered, uncovered_limit)
    return spans, {"price": price, "quota": quota, **a, "counters": outs}


def authorize_cases():
    R = {"id": 7, "usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": "1", "output_rate": "2"}
    U = {"usage_type": "chat", "provider": "openai", "model": "gpt-4o", "input_tokens": 800, "output_tokens": 300}
    MOD = {"bot_id": "", "guest_limit": "5", "user_limit": "20", "role_limits": {"editor": "100", "administrator": None}, "period": "daily"}
    BOT = {"bot_id": "sales", "guest_limit": "1", "user_limit": "3", "role_limits": {}, "period": "weekly"}
    now = ts("Europe/Berlin", 2026, 11, 25, 12, 0)
    U5 = ["user:5"]
    G = ["guest:cabc", "guest:n203.0.113.7"]
    C = lambda i, s, sc, k, used, held="0.000000": {"id": i, "subject": s, "scope": sc, "period_key": k, "used": used, "held": held}
    out = []
    # name, module, bot, quota rules, subject, roles, no-rule, subjects, counters, balance, order, uncovered, uncovered_limit
    for name, module, bot_id, qrules, subject, roles, no_rule, subjects, counters, bal, order, unc, unc_lim in [
        ("bot rule over module rule, row to create", "chat", "sales", [MOD, BOT], "user", ["subscriber"], "unlimited", U5, [], "0", "quota_first", "0", None),
        ("bot rule, current row found among old ones", "chat", "sales", [MOD, BOT], "user", [], "unlimited", U5,
         [C(3, "user:5", "chat:sales", "W2026-11-16", "3.000000"), C(9, "user:5", "chat:sales", "W2026-11-23", "1.000000", "0.500000"), C(4, "user:5", "chat", "2026-11-25", "9.000000")], "0.1", "balance_first", "0", None),
        ("bot rule, no room: refused", "chat", "sales", [BOT], "user", [], "unlimited", U5,
         [C(9, "user:5", "chat:sales", "W2026-11-23", "2.000000", "0.500000")], "0.5", "balance_first", "0", None),
        ("module rule when the bot has none, guest's two counters", "chat", "support", [BOT, MOD], "guest", [], "unlimited", G,
         [C(11, "guest:cabc", "chat", "2026-11-25", "1.000000"), C(12, "guest:n203.0.113.7", "chat", "2026-11-25", "3.500000")], "0", "quota_first", "0", None),
        ("guest: the tighter counter refuses", "chat", "", [MOD], "guest", [], "unlimited", G,
         [C(11, "guest:cabc", "chat", "2026-11-25", "1.000000"), C(12, "guest:n203.0.113.7", "chat", "2026-11-25", "4.000000", "0.500000")], "0", "quota_first", "0", None),
        ("guest: one counter to create", "chat", "", [MOD], "guest", [], "unlimited", G,
         [C(12, "guest:n203.0.113.7", "chat", "2026-11-25", "2.000000")], "0", "balance_first", "0", None),
        ("counter over its limit leaves 0, balance covers", "chat", "", [MOD], "user", [], "unlimited", U5,
         [C(4, "user:5", "chat", "2026-11-25", "25.000000")], "10", "balance_first", "0", None),
        ("module rule for a whole-module request, editor", "chat", "", [MOD, BOT], "user", ["editor"], "unlimited", U5, [], "0", "quota_first", "0", None),
        ("unlimited role", "chat", "", [MOD], "user", ["administrator", "editor"], "unlimited", U5, [C(4, "user:5", "chat", "2026-11-25", "999.000000")], "0", "quota_first", "0", None),
        ("no rule, unlimited", "chat", "support", [BOT], "user", [], "unlimited", U5, [C(2, "user:5", "chat", "all", "40.000000")], "0", "balance_first", "0", None),
        ("no rule, balance only, nothing available", "forms", "", [], "guest", [], "balance_only", ["guest:cabc"], [], "0", "balance_first", "0", None),
        ("no rule, balance only, balance pays", "forms", "", [], "user", [], "balance_only", U5, [C(2, "user:5", "forms", "all", "0.000000")], "3", "quota_first", "0", None),
        ("uncovered above the bound", "chat", "", [MOD], "user", [], "unlimited", U5, [], "100", "balance_first", "2.5", "1"),
        ("uncovered at the bound", "chat", "", [MOD], "user", [], "unlimited", U5, [], "100", "balance_first", "1", "1"),
    ]:
        spans, expect = authorize_ref([R], U, module, bot_id, qrules, subject, roles, no_rule, "Europe/Berlin", now, subjects, counters, bal, order, unc, unc_lim)
        spans = spans or offsets_around("Europe/Berlin", now)
        req = {"rules": [R], "usage": U, "module": module, "bot_id": bot_id, "quota_rules": qrules, "subject": subject, "roles": roles,
               "no_quota_rule": no_rule, "now": now, "utc_offsets": spans, "start_of_week": 1, "subjects": subjects, "counters": counters,
               "balance_available": bal, "uncovered": unc, "uncovered_limit": unc_lim, "order": order}
        out.append(case(f"authorize {name}", "authorize", req, expect))
    base = {"rules": [R], "usage": U, "module": "chat", "bot_id": "", "quota_rules": [MOD], "subject": "user", "roles": [], "no_quota_rule": "unlimited",
            "now": now, "utc_offsets": offsets_around("Europe/Berlin", now), "subjects": U5, "counters": [], "balance_available": "1", "order": "balance_first"}
    out += [
        case("authorize unknown no-rule choice", "authorize", {**base, "quota_rules": [], "no_quota_rule": "free"}, error="malformed_input", field="no_quota_rule"),
        case("authorize bad period", "authorize", {**base, "quota_rules": [{**MOD, "period": "hourly"}]}, error="invalid_period", field="quota_rules[0].period"),
        case("authorize negative limit", "authorize", {**base, "quota_rules": [{**MOD, "user_limit": "-1"}]}, error="negative_amount", field="quota_rules[0].user_limit"),
        case("authorize unknown usage type", "authorize", {**base, "usage": {**U, "usage_type": "speech"}}, error="unknown_usage_type", field="usage.usage_type"),
        case("authorize unknown rule field", "authorize", {**base, "quota_rules": [{**MOD, "message": "x"}]}, error="malformed_input", field="quota_rules[0].message"),
        case("authorize no subjects", "authorize", {**base, "subjects": []}, error="malformed_input", field="subjects"),
        case("authorize counter used not a decimal", "authorize", {**base, "counters": [C(1, "user:5", "chat", "2026-11-25", "1e3")]}, error="invalid_amount", field="counters[0].used"),
        case("authorize counter without id", "authorize", {**base, "counters": [{k: v for k, v in C(1, "user:5", "chat", "2026-11-25", "1").items() if k != "id"}]}, error="malformed_input", field="counters[0].id"),
        case("authorize negative balance", "authorize", {**base, "balance_available": "-1"}, error="negative_amount", field="balance_available"),
        case("authorize bad order", "authorize", {**base, "order": "cheapest"}, error="invalid_order", field="order"),
    ]
    return out


def admission_cases():
    out = settle_usage_cases() + authorize_cases()
    A = lambda e, b, q, o: {"estimate": e, "balance_available": b, "quota_remaining": q, "order": o}
    out.append(case("admit contract example", "admit", A("1.4", "3", "10", "balance_first"), admit_ref("1.4", "3", "10", "balance_first")))
    for est in ["0", "1.4", "5", "13", "13.000001"]:
        for bal, quota in [("3", "10"), ("0", "2.5"), ("3", None), ("0", "0"), ("12.999999", "0.000001")]:
            for order in ["balance_first", "quota_first"]:
                out.append(case(f"admit est={est} bal={bal} quota={quota} {order}", "admit", A(est, bal, quota, order), admit_ref(est, bal, quota, order)))
    out += [
        case("admit 10^12-credit values", "admit", A("1000000000000", "999999999999.5", "0.5", "balance_first"), admit_ref("1000000000000", "999999999999.5", "0.5", "balance_first")),
        case("admit sum of limits near the maximum", "admit", A("99999999999999.999999", "99999999999999.999999", "99999999999999.999999", "quota_first"), admit_ref("99999999999999.999999", "99999999999999.999999", "99999999999999.999999", "quota_first")),
        case("admit nothing available, estimate 0", "admit", A("0", "0", "0", "balance_first"), admit_ref("0", "0", "0", "balance_first")),
        case("admit nothing available, unlimited quota admits", "admit", A("0", "0", None, "quota_first"), admit_ref("0", "0", None, "quota_first")),
        case("admit uncovered above the bound", "admit", dict(A("1", "10", None, "balance_first"), uncovered="1.5", uncovered_limit="1"), admit_ref("1", "10", None, "balance_first", "1.5", "1")),
        case("admit uncovered at the bound", "admit", dict(A("1", "10", None, "balance_first"), uncovered="1", uncovered_limit="1"), admit_ref("1", "10", None, "balance_first", "1", "1")),
        case("admit uncovered without a bound", "admit", dict(A("1", "10", "0", "balance_first"), uncovered="500", uncovered_limit=None), admit_ref("1", "10", "0", "balance_first", "500", None)),
        case("admit uncovered bound 0 refuses any uncovered", "admit", dict(A("0", "10", None, "balance_first"), uncovered="0.000001", uncovered_limit="0"), admit_ref("0", "10", None, "balance_first", "0.000001", "0")),
        case("admit negative uncovered", "admit", dict(A("1", "10", None, "balance_first"), uncovered="-1"), error="negative_amount", field="uncovered"),
        case("admit uncovered 1e3", "admit", dict(A("1", "10", None, "balance_first"), uncovered_limit="1e3"), error="invalid_amount", field="uncovered_limit"),
        case("admit estimate overflow", "admit", A("100000000000000", "1", "1", "balance_first"), error="amount_overflow", field="estimate"),
        case("admit negative estimate", "admit", A("-1", "3", "1", "balance_first"), error="negative_amount", field="estimate"),
        case("admit NaN estimate", "admit", A("NaN", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit Infinity balance", "admit", A("1", "Infinity", "1", "balance_first"), error="invalid_amount", field="balance_available"),
        case("admit 1e5", "admit", A("1e5", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit leading space", "admit", A(" 1", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit trailing space", "admit", A("1 ", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit 7 decimals", "admit", A("1.0000001", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit comma decimal", "admit", A("1,5", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit empty amount", "admit", A("", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit plus sign", "admit", A("+1", "3", "1", "balance_first"), error="invalid_amount", field="estimate"),
        case("admit negative quota", "admit", A("1", "3", "-0.5", "balance_first"), error="negative_amount", field="quota_remaining"),
        case("admit amount as JSON number", "admit", A(1.4, "3", "1", "balance_first"), error="malformed_input", field="estimate"),
        case("admit amount as bool", "admit", A("1", True, "1", "balance_first"), error="malformed_input", field="balance_available"),
        case("admit unknown order", "admit", A("1", "3", "1", "cheapest_first"), error="invalid_order", field="order"),
        case("admit missing quota_remaining is an error, not unlimited", "admit", {"estimate": "1", "balance_available": "3", "order": "balance_first"}, error="malformed_input", field="quota_remaining"),
        case("admit unknown field", "admit", {**A("1", "3", "1", "balance_first"), "user": 5}, error="malformed_input", field="user"),
    ]
    S = lambda hb, hq, a, b, q, o: {"hold_balance": hb, "hold_quota": hq, "actual": a, "balance_available": b, "quota_remaining": q, "order": o}
    out.append(case("settle contract example", "settle", S("1", "0.4", "2", "0.3", "0", "balance_first"), settle_ref("1", "0.4", "2", "0.3", "0", "balance_first")))
    for hb, hq in [("1", "0.4"), ("0", "2"), ("1.5", "0")]:
        for actual in ["0", "0.7", "1.4", "2", "3.5"]:
            for order in ["balance_first", "quota_first"]:
                bal, q = ("0.3", "0.5") if actual != "3.5" else ("0.3", None)
                out.append(case(f"settle hold={hb}+{hq} actual={actual} bal={bal} quota={q} {order}", "settle", S(hb, hq, actual, bal, q, order), settle_ref(hb, hq, actual, bal, q, order)))
    out += [
        case("settle uncovered when nothing is left", "settle", S("1", "0", "5", "0", "0", "quota_first"), settle_ref("1", "0", "5", "0", "0", "quota_first")),
        case("settle negative actual", "settle", S("1", "0", "-1", "0", "0", "balance_first"), error="negative_amount", field="actual"),
        case("settle missing hold_quota", "settle", {k: v for k, v in S("1", "0", "1", "0", "0", "balance_first").items() if k != "hold_quota"}, error="malformed_input", field="hold_quota"),
        case("settle bad order", "settle", S("1", "0", "1", "0", "0", "BALANCE_FIRST"), error="invalid_order", field="order"),
    ]
    return out


# ---------------------------------------------------------------- ledger
def ledger_cases():
    out = []
    adj = lambda c, e, n: {"current": c, "expected": e, "new": n}
    for c, e, n in [("10", "10", "25.5"), ("10", "10.000000", "4"), ("0", "0", "0"), ("3.333333", "3.333333", "99999999999999.999999"), ("-2", "-2", "0")]:
        out.append(case(f"adjust_balance {c} seen {e} → {n}", "adjust_balance", adj(c, e, n), {"delta": canon(D(n) - D(c)), "new": canon(n)}))
    out += [
        case("adjust_balance stale", "adjust_balance", adj("11", "10", "25"), error="stale_balance", field="expected"),
        case("adjust_balance new negative", "adjust_balance", adj("10", "10", "-1"), error="negative_amount", field="new"),
        case("adjust_balance new malformed", "adjust_balance", adj("10", "10", "ten"), error="invalid_amount", field="new"),
        case("adjust_balance missing expected", "adjust_balance", {"current": "1", "new": "2"}, error="malformed_input", field="expected"),
    ]

    def rec(bals, ents):
        bal = {u: D(b) for u, b in bals}
        sums = {u: D(0) for u in bal}
        for u, a in ents:
            sums[u] = sums.get(u, D(0)) + D(a)
        mm = []
        for u in sorted(sums):
            b = bal.get(u, D(0))
            if b != sums[u]:
                mm.append({"user_id": u, "balance": canon(b), "ledger_sum": canon(sums[u]), "difference": canon(b - sums[u])})
        return {"ok": not mm, "mismatches": mm}

    R = lambda bals, ents: {"balances": [{"user_id": u, "balance": b} for u, b in bals], "entries": [{"user_id": u, "amount": a} for u, a in ents]}
    for name, bals, ents in [
        ("contract example", [(5, "3")], [(5, "-1.5")]),
        ("consistent ledger", [(5, "3"), (6, "0")], [(5, "10"), (5, "-7"), (6, "2.5"), (6, "-2.5")]),
        ("user only in ledger", [(5, "1")], [(5, "1"), (9, "0.000001")]),
        ("user with balance but no entries", [(5, "1"), (6, "2")], [(5, "1")]),
        ("empty", [], []),
        ("many small entries", [(1, "0.3")], [(1, "0.1")] * 3),
    ]:
        out.append(case(f"reconcile {name}", "reconcile", R(bals, ents), rec(bals, ents)))
    out += [
        case("reconcile user_id as digit string (wpdb)", "reconcile", {"balances": [{"user_id": "5", "balance": "3"}], "entries": [{"user_id": "5", "amount": "3"}]}, {"ok": True, "mismatches": []}),
        case("reconcile duplicate balance row", "reconcile", R([(5, "1"), (5, "1")], []), error="malformed_input", field="balances[1].user_id"),
        case("reconcile bad amount", "reconcile", R([(5, "1")], [(5, "1.2.3")]), error="invalid_amount", field="entries[0].amount"),
        case("reconcile negative user id", "reconcile", R([(-1, "1")], []), error="malformed_input", field="balances[0].user_id"),
    ]

    K = lambda kind, parts: {"kind": kind, "parts": parts}
    for kind, parts in [("usage", ["req-abc"]), ("purchase", [123, 7]), ("purchase_reversal", ["123", "7", "refund-55"]),
                        ("admin_adjustment", [5, "a1b2c3"]), ("usage_reset", ["user:5", "chatbot:12", "2026-11-25", "tok"]),
                        ("usage_reset", ["guest:ab12", "ai_forms", "W2026-11-23", "t.1"])]:
        out.append(case(f"idempotency_key {kind} {parts}", "idempotency_key", K(kind, parts), {"key": kind + ":" + ":".join(str(p) for p in parts)}))
    long = "x" * 64
    out += [
        case("idempotency_key unknown kind", "idempotency_key", K("refund", ["1"]), error="invalid_key_part", field="kind"),
        case("idempotency_key wrong part count", "idempotency_key", K("purchase", ["1"]), error="invalid_key_part", field="parts"),
        case("idempotency_key empty part", "idempotency_key", K("usage", [""]), error="invalid_key_part", field="parts[0]"),
        case("idempotency_key colon outside usage_reset subject/scope", "idempotency_key", K("usage", ["a:b"]), error="invalid_key_part", field="parts[0]"),
        case("idempotency_key space in part", "idempotency_key", K("admin_adjustment", ["5", "a b"]), error="invalid_key_part", field="parts[1]"),
        case("idempotency_key part of 65 chars", "idempotency_key", K("usage", ["x" * 65]), error="invalid_key_part", field="parts[0]"),
        case("idempotency_key part of 64 chars is fine", "idempotency_key", K("usage", [long]), {"key": "usage:" + long}),
        case("idempotency_key longer than 191", "idempotency_key", K("usage_reset", [long, long, long, "t"]), error="invalid_key_part", field="parts"),
        case("idempotency_key null part", "idempotency_key", K("usage", [None]), error="invalid_key_part", field="parts[0]"),
        case("idempotency_key fractional number part", "idempotency_key", K("usage", [1.5]), error="malformed_input", field="parts[0]"),
    ]

    # reversal: the remainder is the grant less every earlier reversal (taken + uncollected), floored at
    # 0; a requested share is capped at it, none asks for all of it.
    def rev(granted, rows, requested=None):
        reversed_ = sum((-D(a) + D(u) for a, u in rows), D(0))
        remaining = max(D(0), D(granted) - reversed_)
        take = remaining if requested is None else min(D(requested), remaining)
        inp = {"granted": granted, "reversals": [{"amount": a, "uncovered": u} for a, u in rows]}
        if requested is not None:
            inp["requested"] = requested
        return inp, {"reversed": canon(reversed_), "remaining": canon(remaining), "amount": canon(take)}

    for name, granted, rows, requested in [
        ("first refund", "300", [], "100"),
        ("rest without reversals", "300", [], None),
        ("share beyond what remains", "300", [("-200", "0")], "200"),
        ("uncollected counts as reversed", "300", [("-100", "0"), ("-100", "50")], "100"),
        ("rest after reversals", "300", [("-100", "0"), ("-100", "50")], None),
        ("nothing left", "100", [("-100", "0")], "10"),
        ("over-reversed floors at 0", "100", [("-150", "0")], None),
        ("share that fits", "2.5", [("-0.5", "0")], "1.25"),
    ]:
        inp, exp = rev(granted, rows, requested)
        out.append(case(f"reversal {name}", "reversal", inp, exp))
    out += [
        case("reversal null requested is the rest", "reversal", {"granted": "3", "reversals": [], "requested": None}, {"reversed": "0.000000", "remaining": "3.000000", "amount": "3.000000"}),
        case("reversal positive entry amount", "reversal", {"granted": "3", "reversals": [{"amount": "1", "uncovered": "0"}]}, error="invalid_amount", field="reversals[0].amount"),
        case("reversal negative granted", "reversal", {"granted": "-3", "reversals": []}, error="negative_amount", field="granted"),
        case("reversal negative requested", "reversal", {"granted": "3", "reversals": [], "requested": "-1"}, error="negative_amount", field="requested"),
        case("reversal missing reversals", "reversal", {"granted": "3"}, error="malformed_input", field="reversals"),
    ]
    return out


# ---------------------------------------------------------------- logs
def band_ref(score, scale):
    pct = D(score) * 100 if scale == "fraction" else D(score)
    shown = pct.quantize(D("0.1"), rounding=ROUND_HALF_UP)
    if shown >= 85:
        b = ("strong", "Strong match.")
    elif shown >= 70:
        b = ("useful", "Usually useful.")
    elif shown >= 50:
        b = ("weak", "Weak match. Review the source text.")
    else:
        b = ("poor", "Poor match. The answer may be using unrelated context.")
    return {"percent": disp(shown), "band": b[0], "label": b[1]}


def neutral(c):
    # Plain decimal numbers (also negative ones) stay numbers; only text is neutralised.
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", c):
        return c
    return "'" + c if c[:1] in ("=", "+", "-", "@", "\t", "\r") else c


def csv_ref(rows):
    out = ""
    for r in rows:
        cells = []
        for c in r:
            c = "" if c is None else str(c)
            c = neutral(c)
            if any(ch in c for ch in ',"\r\n'):
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out += ",".join(cells) + "\r\n"
    return out


def logs_cases():
    out = []
    for s in ["49.9", "50", "69.9", "70", "84.9", "85", "0", "100", "84.95", "84.94", "49.95", "12.345"]:
        out.append(case(f"score_band percent {s}", "score_band", {"score": s, "scale": "percent"}, band_ref(s, "percent")))
    for s in ["0.499", "0.5", "0.699", "0.7", "0.849", "0.85", "0.87", "1", "0", "0.8495", "0.123456789012"]:
        out.append(case(f"score_band fraction {s}", "score_band", {"score": s, "scale": "fraction"}, band_ref(s, "fraction")))
    out += [
        case("score_band fraction above 1", "score_band", {"score": "1.01", "scale": "fraction"}, error="invalid_score", field="score"),
        case("score_band percent above 100", "score_band", {"score": "100.1", "scale": "percent"}, error="invalid_score", field="score"),
        case("score_band negative", "score_band", {"score": "-0.1", "scale": "fraction"}, error="invalid_score", field="score"),
        case("score_band NaN", "score_band", {"score": "NaN", "scale": "percent"}, error="invalid_score", field="score"),
        case("score_band unknown scale", "score_band", {"score": "0.5", "scale": "ratio"}, error="invalid_score", field="scale"),
        case("score_band score as number", "score_band", {"score": 0.5, "scale": "fraction"}, error="malformed_input", field="score"),
    ]
    for name, rows in [
        ("contract example", [["a", "=1+2"], ["b", ""]]),
        ("every neutralised prefix", [["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\ry", "safe"]]),
        ("quoting commas, quotes and newlines", [["x,y", 'say "hi"', "line1\nline2", "cr\rin"]]),
        ("integers and null cells", [[1, -5, None, "ok"]]),
        ("negative amounts stay numbers", [["-1.000000", "-0.5", "-12", "3.25", "0"]]),
        ("text that starts like a number is neutralised", [["-", "-.5", "-1.", "-1e3", "-1+2", "--1", "-1.0.0", "- 1", "-A1", "+1"]]),
        ("unicode passes through", [["Grüße – 你好 🚀", "=HYPERLINK(\"http://x\")"]]),
        ("empty rows and no rows", [[], ["only"]]),
        ("no rows", []),
    ]:
        out.append(case(f"csv_rows {name}", "csv_rows", {"rows": rows}, {"csv": csv_ref(rows)}))
    out += [
        case("csv_rows cell is an object", "csv_rows", {"rows": [["a", {"x": 1}]]}, error="malformed_input", field="rows[0][1]"),
        case("csv_rows row is a string", "csv_rows", {"rows": ["a,b"]}, error="malformed_input", field="rows[0]"),
        case("csv_rows fractional number cell", "csv_rows", {"rows": [[1.5]]}, error="malformed_input", field="rows[0][0]"),
    ]
    now = 1795651200
    for days in [1, 30, 90, 36500]:
        out.append(case(f"retention_cutoff {days} days", "retention_cutoff", {"now": now, "days": days}, {"cutoff": now - days * 86400}))
    out += [
        case("retention_cutoff 0 days", "retention_cutoff", {"now": now, "days": 0}, error="invalid_count", field="days"),
        case("retention_cutoff negative days", "retention_cutoff", {"now": now, "days": -3}, error="invalid_count", field="days"),
        case("retention_cutoff days as string", "retention_cutoff", {"now": now, "days": "30"}, error="malformed_input", field="days"),
    ]
    return out


# What the core publishes for PHP and the screens (docs/contract.md, op constants): written out here
# by hand from the contract, so a change in the core that nobody meant shows up as a failing vector.
CONSTANTS = {
    "usage_types": [
        {"value": "chat", "methods": ["per_1k_tokens", "flat"]},
        {"value": "form_submit", "methods": ["per_1k_tokens", "flat"]},
        {"value": "image_generate", "methods": ["flat", "per_image"]},
        {"value": "image_edit", "methods": ["flat", "per_image"]},
        {"value": "video_generate", "methods": ["flat", "per_video"]},
    ],
    "methods": ["per_1k_tokens", "flat", "per_image", "per_video"],
    "periods": ["never", "daily", "weekly", "monthly"],
    "orders": ["balance_first", "quota_first"],
    "refusal_reasons": ["quota_exceeded", "nothing_available", "uncovered_limit"],
    "ledger_kinds": ["purchase", "purchase_reversal", "admin_adjustment", "usage", "usage_reset"],
    "module_pattern": "^[a-z0-9_-]{1,32}$",
    "bot_id_pattern": "^[A-Za-z0-9_.-]{0,64}$",
    "request_id_pattern": "^[A-Za-z0-9_.-]{1,64}$",
    "model_max_chars": 128,
    "provider_max_bytes": 64,
    "count_max": 1000000000000,
    "amount_max": "99999999999999.999999",
    "amount_decimals": 6,
    "key_part_max": 64,
    "quota_message_max_chars": 1000,
    "quota_roles_max": 100,
    "error_codes": ["malformed_input", "invalid_amount", "amount_overflow", "negative_amount", "invalid_rate",
                    "missing_rate", "method_not_allowed", "unknown_usage_type", "unknown_method", "invalid_provider",
                    "invalid_model", "invalid_period", "invalid_timezone", "invalid_order", "invalid_count",
                    "stale_balance", "invalid_score", "invalid_key_part", "unknown_op", "internal_error"],
}


def misc_cases():
    return [
        case("version", "version", {}, {"version": "0.1.0", "abi": 2}),
        case("version refuses unknown fields", "version", {"x": 1}, error="malformed_input", field="x"),
        case("constants", "constants", {}, CONSTANTS),
        case("amount canonical", "amount", {"value": "1.5"}, {"amount": "1.500000"}),
        case("amount minus zero", "amount", {"value": "-0", "field": "amount"}, {"amount": "0.000000"}),
        case("amount negative allowed", "amount", {"value": "-2.25", "field": "amount", "negative": True}, {"amount": "-2.250000"}),
        case("amount largest", "amount", {"value": "99999999999999.999999"}, {"amount": "99999999999999.999999"}),
        case("amount negative refused", "amount", {"value": "-1", "field": "new_balance"}, error="negative_amount", field="new_balance"),
        case("amount exponent refused", "amount", {"value": "1e3", "field": "user_limit"}, error="invalid_amount", field="user_limit"),
        case("amount 7 places refused", "amount", {"value": "1.0000001", "field": "amount"}, error="invalid_amount", field="amount"),
        case("amount too large", "amount", {"value": "100000000000000", "field": "amount"}, error="amount_overflow", field="amount"),
        case("amount as JSON number", "amount", {"value": 1.5, "field": "amount"}, error="malformed_input", field="amount"),
        case("amount empty", "amount", {"value": ""}, error="invalid_amount", field="value"),
        case("constants refuses unknown fields", "constants", {"model_max_chars": 191}, error="malformed_input", field="model_max_chars"),
        case("unknown op", "transfer", {}, error="unknown_op", field="op"),
        case("request is a string", "admit", "1.4", error="malformed_input"),
        case("request is a number", "quote", 5, error="malformed_input"),
        case("request is null", "settle", None, error="malformed_input"),
        case("request is a list", "reconcile", [1, 2], error="malformed_input"),
    ]


# ---------------------------------------------------------------- bad input
# Contract-derived bad-input matrix: every op × (not an object, missing field, wrong type, negative,
# NaN / Infinity strings, beyond range, unknown enum). Codes follow docs/contract.md §1–2.
BAD_RULE = {"id": 7, "usage_type": "chat", "provider": "openai", "model": "gpt-4o", "method": "per_1k_tokens", "input_rate": "1", "output_rate": "2"}
BAD_FLAT = {"id": 8, "usage_type": "image_generate", "provider": "openai", "model": "*", "method": "flat", "unit_rate": "5"}
BAD_USAGE = {"usage_type": "chat", "provider": "openai", "model": "gpt-4o", "input_tokens": 800, "output_tokens": 300}
BAD_OVER = "100000000000000"  # 10^14: one past the credit range


def bad(name, op, inp, error, field=None):
    return case(name, op, inp, error=error, field=field)


NOT_OBJECTS = [("a list", [1]), ("a string", "x"), ("a number", 1), ("null", None), ("true", True)]


def with_fields(d, **kw):
    d = dict(d)
    for k, v in kw.items():
        if v is ...:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def bad_input_cases():
    out = []
    ops = ["version", "validate_rule", "quote", "price", "price_text", "effective_limit", "period", "admit", "settle",
           "adjust_balance", "reconcile", "idempotency_key", "score_band", "csv_rows", "retention_cutoff", "constants", "settle_usage",
           "authorize", "amount", "reversal"]
    for op in ops:
        for what, v in NOT_OBJECTS:
            out.append(bad(f"{op}: request is {what}", op, v, "malformed_input"))
    # validate_rule
    vr = lambda **kw: {"rule": with_fields(BAD_RULE, **kw)}
    out += [
        bad("validate_rule: missing rule", "validate_rule", {}, "malformed_input", "rule"),
        bad("validate_rule: rule is a list", "validate_rule", {"rule": ["chat"]}, "malformed_input", "rule"),
        bad("validate_rule: missing usage_type", "validate_rule", vr(usage_type=...), "malformed_input", "rule.usage_type"),
        bad("validate_rule: provider is a number", "validate_rule", vr(provider=5), "malformed_input", "rule.provider"),
        bad("validate_rule: rate NaN", "validate_rule", vr(input_rate="NaN"), "invalid_rate", "rule.input_rate"),
        bad("validate_rule: rate Infinity", "validate_rule", vr(output_rate="Infinity"), "invalid_rate", "rule.output_rate"),
        bad("validate_rule: rate -Infinity", "validate_rule", vr(output_rate="-Infinity"), "invalid_rate", "rule.output_rate"),
        bad("validate_rule: negative rate", "validate_rule", vr(output_rate="-0.5"), "invalid_rate", "rule.output_rate"),
        bad("validate_rule: rate beyond range", "validate_rule", vr(input_rate=BAD_OVER), "amount_overflow", "rule.input_rate"),
        bad("validate_rule: unknown usage type", "validate_rule", vr(usage_type="speech"), "unknown_usage_type", "rule.usage_type"),
        bad("validate_rule: unknown method", "validate_rule", vr(method="per_token"), "unknown_method", "rule.method"),
        bad("validate_rule: id negative", "validate_rule", vr(id=-1), "malformed_input", "rule.id"),
    ]
    # quote / price
    for op in ["quote", "price"]:
        q = lambda rules=None, **kw: {"rules": [BAD_RULE] if rules is None else rules, "usage": with_fields(BAD_USAGE, **kw)}
        out += [
            bad(f"{op}: missing rules", op, {"usage": BAD_USAGE}, "malformed_input", "rules"),
            bad(f"{op}: missing usage", op, {"rules": []}, "malformed_input", "usage"),
            bad(f"{op}: missing usage.model", op, q(model=...), "malformed_input", "usage.model"),
            bad(f"{op}: rules is an object", op, {"rules": {"a": BAD_RULE}, "usage": BAD_USAGE}, "malformed_input", "rules"),
            bad(f"{op}: count as string", op, q(input_tokens="800"), "malformed_input", "usage.input_tokens"),
            bad(f"{op}: count NaN string", op, q(output_tokens="NaN"), "malformed_input", "usage.output_tokens"),
            bad(f"{op}: negative count", op, q(images=-1), "invalid_count", "usage.images"),
            bad(f"{op}: count beyond 10^12", op, q(videos=1000000000001), "invalid_count", "usage.videos"),
            bad(f"{op}: unknown usage type", op, q(usage_type="speech"), "unknown_usage_type", "usage.usage_type"),
            bad(f"{op}: rule rate Infinity", op, q(rules=[with_fields(BAD_RULE, input_rate="Infinity")]), "invalid_rate", "rules[0].input_rate"),
            bad(f"{op}: rule rate negative", op, q(rules=[with_fields(BAD_FLAT, unit_rate="-1")]), "invalid_rate", "rules[0].unit_rate"),
            bad(f"{op}: rule rate beyond range", op, q(rules=[with_fields(BAD_FLAT, unit_rate=BAD_OVER)]), "amount_overflow", "rules[0].unit_rate"),
            bad(f"{op}: rule unknown method", op, q(rules=[BAD_RULE, with_fields(BAD_RULE, method="per_word")]), "unknown_method", "rules[1].method"),
        ]
    # price_text (the compact request, also run through the fast entries)
    U = "chat\topenai\tgpt-4o\t800\t300\t\t"
    R = "7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"
    pt = lambda t: {"text": t}
    out += [
        bad("price_text: missing text", "price_text", {}, "malformed_input", "text"),
        bad("price_text: text is a number", "price_text", {"text": 5}, "malformed_input", "text"),
        bad("price_text: unknown field", "price_text", {"text": U, "x": 1}, "malformed_input", "x"),
        bad("price_text: empty text", "price_text", pt(""), "malformed_input", "usage"),
        bad("price_text: count NaN", "price_text", pt("chat\topenai\tgpt-4o\tNaN\t300\t\t\n" + R), "invalid_count", "usage.input_tokens"),
        bad("price_text: negative count", "price_text", pt("chat\topenai\tgpt-4o\t800\t-3\t\t\n" + R), "invalid_count", "usage.output_tokens"),
        bad("price_text: count beyond 10^12", "price_text", pt("chat\topenai\tgpt-4o\t1000000000001\t0\t\t\n" + R), "invalid_count", "usage.input_tokens"),
        bad("price_text: unknown usage type", "price_text", pt("speech\topenai\tgpt-4o\t1\t1\t\t\n" + R), "unknown_usage_type", "usage.usage_type"),
        bad("price_text: rule rate Infinity", "price_text", pt(U + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\tInfinity\t2\t"), "invalid_rate", "rules[0].input_rate"),
        bad("price_text: rule rate NaN", "price_text", pt(U + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\tNaN\t"), "invalid_rate", "rules[0].output_rate"),
        bad("price_text: rule rate negative", "price_text", pt(U + "\n7\tchat\topenai\tgpt-4o\tflat\t\t\t-2"), "invalid_rate", "rules[0].unit_rate"),
        bad("price_text: rule rate beyond range", "price_text", pt(U + "\n7\tchat\topenai\tgpt-4o\tflat\t\t\t" + BAD_OVER), "amount_overflow", "rules[0].unit_rate"),
        bad("price_text: rule unknown method", "price_text", pt(U + "\n7\tchat\topenai\tgpt-4o\tper_word\t1\t2\t"), "unknown_method", "rules[0].method"),
        bad("price_text: rule id negative", "price_text", pt(U + "\n-7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"), "malformed_input", "rules[0].id"),
        bad("price_text: rule line too short", "price_text", pt(U + "\n7\tchat\topenai"), "malformed_input", "rules[0]"),
    ]
    # effective_limit
    el = lambda **kw: with_fields({"subject": "user", "roles": ["editor"], "guest_limit": "10", "user_limit": "100", "role_limits": {"editor": "500"}}, **kw)
    out += [
        bad("effective_limit: missing subject", "effective_limit", el(subject=...), "malformed_input", "subject"),
        bad("effective_limit: missing guest_limit", "effective_limit", el(guest_limit=...), "malformed_input", "guest_limit"),
        bad("effective_limit: roles is a string", "effective_limit", el(roles="editor"), "malformed_input", "roles"),
        bad("effective_limit: role is a number", "effective_limit", el(roles=[3]), "malformed_input", "roles[0]"),
        bad("effective_limit: limit NaN", "effective_limit", el(user_limit="NaN"), "invalid_amount", "user_limit"),
        bad("effective_limit: limit Infinity", "effective_limit", el(guest_limit="Infinity"), "invalid_amount", "guest_limit"),
        bad("effective_limit: negative limit", "effective_limit", el(guest_limit="-1"), "negative_amount", "guest_limit"),
        bad("effective_limit: limit beyond range", "effective_limit", el(user_limit=BAD_OVER), "amount_overflow", "user_limit"),
        bad("effective_limit: role limit Infinity", "effective_limit", el(role_limits={"editor": "Infinity"}), "invalid_amount", "role_limits.editor"),
        bad("effective_limit: unknown subject", "effective_limit", el(subject="admin"), "malformed_input", "subject"),
    ]
    # period
    pd = lambda **kw: with_fields({"period": "daily", "now": 1795651200, "utc_offsets": [{"from": None, "offset": 3600}], "start_of_week": 1}, **kw)
    out += [
        bad("period: missing period", "period", pd(period=...), "malformed_input", "period"),
        bad("period: missing utc_offsets", "period", pd(utc_offsets=...), "malformed_input", "utc_offsets"),
        bad("period: unknown period", "period", pd(period="hourly"), "invalid_period", "period"),
        bad("period: now NaN string", "period", pd(now="NaN"), "malformed_input", "now"),
        bad("period: now negative beyond range", "period", pd(now=-99999999999999), "invalid_period", "now"),
        bad("period: now beyond range", "period", pd(now=99999999999999), "invalid_period", "now"),
        bad("period: offset as string", "period", pd(utc_offsets=[{"from": None, "offset": "3600"}]), "malformed_input", "utc_offsets[0].offset"),
        bad("period: negative offset beyond 18 h", "period", pd(utc_offsets=[{"from": None, "offset": -64801}]), "invalid_timezone", "utc_offsets[0].offset"),
        bad("period: start_of_week negative", "period", pd(start_of_week=-1), "invalid_period", "start_of_week"),
        bad("period: start_of_week NaN string", "period", pd(start_of_week="NaN"), "malformed_input", "start_of_week"),
    ]
    # admit
    ad = lambda **kw: with_fields({"estimate": "1.4", "balance_available": "3", "quota_remaining": "10", "order": "balance_first"}, **kw)
    out += [
        bad("admit: missing estimate", "admit", ad(estimate=...), "malformed_input", "estimate"),
        bad("admit: missing order", "admit", ad(order=...), "malformed_input", "order"),
        bad("admit: estimate Infinity", "admit", ad(estimate="Infinity"), "invalid_amount", "estimate"),
        bad("admit: balance NaN", "admit", ad(balance_available="NaN"), "invalid_amount", "balance_available"),
        bad("admit: quota -Infinity", "admit", ad(quota_remaining="-Infinity"), "invalid_amount", "quota_remaining"),
        bad("admit: negative balance", "admit", ad(balance_available="-0.000001"), "negative_amount", "balance_available"),
        bad("admit: quota beyond range", "admit", ad(quota_remaining=BAD_OVER), "amount_overflow", "quota_remaining"),
        bad("admit: order as number", "admit", ad(order=1), "malformed_input", "order"),
    ]
    # settle
    st = lambda **kw: with_fields({"hold_balance": "1", "hold_quota": "0.4", "actual": "2", "balance_available": "0.3", "quota_remaining": "0", "order": "balance_first"}, **kw)
    out += [
        bad("settle: missing actual", "settle", st(actual=...), "malformed_input", "actual"),
        bad("settle: missing quota_remaining is an error, not unlimited", "settle", st(quota_remaining=...), "malformed_input", "quota_remaining"),
        bad("settle: actual NaN", "settle", st(actual="NaN"), "invalid_amount", "actual"),
        bad("settle: hold Infinity", "settle", st(hold_balance="Infinity"), "invalid_amount", "hold_balance"),
        bad("settle: negative hold", "settle", st(hold_quota="-0.4"), "negative_amount", "hold_quota"),
        bad("settle: negative balance", "settle", st(balance_available="-1"), "negative_amount", "balance_available"),
        bad("settle: actual beyond range", "settle", st(actual=BAD_OVER), "amount_overflow", "actual"),
        bad("settle: amount as number", "settle", st(balance_available=0.3), "malformed_input", "balance_available"),
        bad("settle: unknown order", "settle", st(order="cheapest_first"), "invalid_order", "order"),
    ]
    # adjust_balance
    ab = lambda **kw: with_fields({"current": "10", "expected": "10", "new": "25.5"}, **kw)
    out += [
        bad("adjust_balance: missing new", "adjust_balance", ab(new=...), "malformed_input", "new"),
        bad("adjust_balance: current NaN", "adjust_balance", ab(current="NaN"), "invalid_amount", "current"),
        bad("adjust_balance: new Infinity", "adjust_balance", ab(new="Infinity"), "invalid_amount", "new"),
        bad("adjust_balance: new beyond range", "adjust_balance", ab(new=BAD_OVER), "amount_overflow", "new"),
        bad("adjust_balance: expected as number", "adjust_balance", ab(expected=10), "malformed_input", "expected"),
    ]
    # reconcile
    out += [
        bad("reconcile: missing entries", "reconcile", {"balances": []}, "malformed_input", "entries"),
        bad("reconcile: balances is an object", "reconcile", {"balances": {"5": "1"}, "entries": []}, "malformed_input", "balances"),
        bad("reconcile: balance NaN", "reconcile", {"balances": [{"user_id": 5, "balance": "NaN"}], "entries": []}, "invalid_amount", "balances[0].balance"),
        bad("reconcile: amount Infinity", "reconcile", {"balances": [], "entries": [{"user_id": 5, "amount": "Infinity"}]}, "invalid_amount", "entries[0].amount"),
        bad("reconcile: amount beyond range", "reconcile", {"balances": [], "entries": [{"user_id": 5, "amount": "-" + BAD_OVER}]}, "amount_overflow", "entries[0].amount"),
        bad("reconcile: user id beyond 2^53-1", "reconcile", {"balances": [], "entries": [{"user_id": 9007199254740992, "amount": "1"}]}, "malformed_input", "entries[0].user_id"),
        bad("reconcile: missing user_id", "reconcile", {"balances": [], "entries": [{"amount": "1"}]}, "malformed_input", "entries[0].user_id"),
    ]
    # idempotency_key
    out += [
        bad("idempotency_key: missing parts", "idempotency_key", {"kind": "usage"}, "malformed_input", "parts"),
        bad("idempotency_key: parts is a string", "idempotency_key", {"kind": "usage", "parts": "req"}, "malformed_input", "parts"),
        bad("idempotency_key: kind as number", "idempotency_key", {"kind": 1, "parts": ["req"]}, "malformed_input", "kind"),
        bad("idempotency_key: unknown kind", "idempotency_key", {"kind": "refund", "parts": ["req"]}, "invalid_key_part", "kind"),
        bad("idempotency_key: part is an object", "idempotency_key", {"kind": "usage", "parts": [{}]}, "malformed_input", "parts[0]"),
    ]
    # score_band
    out += [
        bad("score_band: missing scale", "score_band", {"score": "0.5"}, "malformed_input", "scale"),
        bad("score_band: score Infinity", "score_band", {"score": "Infinity", "scale": "percent"}, "invalid_score", "score"),
        bad("score_band: score beyond range", "score_band", {"score": "100000000000000", "scale": "percent"}, "invalid_score", "score"),
        bad("score_band: score with 13 places", "score_band", {"score": "0.1234567890123", "scale": "fraction"}, "invalid_score", "score"),
    ]
    # csv_rows
    out += [
        bad("csv_rows: missing rows", "csv_rows", {}, "malformed_input", "rows"),
        bad("csv_rows: rows is an object", "csv_rows", {"rows": {"a": ["x"]}}, "malformed_input", "rows"),
        bad("csv_rows: cell is a bool", "csv_rows", {"rows": [[True]]}, "malformed_input", "rows[0][0]"),
    ]
    # retention_cutoff
    rc = lambda **kw: with_fields({"now": 1795651200, "days": 30}, **kw)
    out += [
        bad("retention_cutoff: missing now", "retention_cutoff", rc(now=...), "malformed_input", "now"),
        bad("retention_cutoff: days beyond 36500", "retention_cutoff", rc(days=36501), "invalid_count", "days"),
        bad("retention_cutoff: days fractional", "retention_cutoff", rc(days=1.5), "invalid_count", "days"),
        bad("retention_cutoff: now beyond range", "retention_cutoff", rc(now=99999999999999), "invalid_period", "now"),
        bad("retention_cutoff: now NaN string", "retention_cutoff", rc(now="NaN"), "malformed_input", "now"),
    ]
    return out


FAMILIES = {
    "pricing": pricing_cases,
    "quota": quota_cases,
    "period": period_cases,
    "admission": admission_cases,
    "ledger": ledger_cases,
    "logs": logs_cases,
    "misc": misc_cases,
    "bad_input": bad_input_cases,
}

# Metering decisions exist on the server only (FFI and the core compiled for PHP); the browser's
# WebAssembly module leaves them out to stay under its size budget. Node skips these cases.
NATIVE_ONLY = {"settle_usage", "authorize", "amount", "reversal"}


if __name__ == "__main__":
    total = 0
    for fam, fn in FAMILIES.items():
        cases = fn()
        for c in cases:
            if c["op"] in NATIVE_ONLY:
                c["native_only"] = True
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"duplicate names in {fam}"
        with open(os.path.join(HERE, f"{fam}.json"), "w", encoding="utf-8") as f:
            json.dump(cases, f, ensure_ascii=False, indent=1)
            f.write("\n")
        total += len(cases)
        print(f"{fam}: {len(cases)}")
    print(f"total: {total}")
