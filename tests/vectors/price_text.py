#!/usr/bin/env python3
"""Derives tests/vectors/price_text.json: every valid `price`/`quote` vector of pricing.json written as
the compact text request (src/price_text.rs) must give the same answer as the JSON op did, plus the
text format's own errors. Run: python3 tests/vectors/price_text.py   (rewrites price_text.json only)"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def field(v):
    if v is None:
        return ""
    return str(v)


def to_text(inp):
    u = inp["usage"]
    lines = ["\t".join([u["usage_type"], u["provider"], u["model"]] + [field(u.get(k)) for k in ("input_tokens", "output_tokens", "images", "videos")])]
    for r in inp["rules"]:
        lines.append("\t".join(field(r.get(k)) for k in ("id", "usage_type", "provider", "model", "method", "input_rate", "output_rate", "unit_rate")))
    return "\n".join(lines)


def representable(inp):
    """Only requests the text form can carry 1:1 (strings and whole counts, no extra columns)."""
    if not isinstance(inp, dict) or set(inp) != {"rules", "usage"}:
        return False
    u = inp["usage"]
    if not isinstance(u, dict) or not all(isinstance(u.get(k), str) for k in ("usage_type", "provider", "model")):
        return False
    if any(not (u.get(k) is None or (type(u[k]) is int and u[k] >= 0)) for k in ("input_tokens", "output_tokens", "images", "videos")):
        return False
    keys = {"id", "usage_type", "provider", "model", "method", "input_rate", "output_rate", "unit_rate"}
    for r in inp["rules"]:
        if not isinstance(r, dict) or not set(r) <= keys:
            return False
        if not all(isinstance(r.get(k), str) for k in ("usage_type", "provider", "model", "method")):
            return False
        if not (r.get("id") is None or (type(r["id"]) is int and r["id"] >= 0)):
            return False
        if any(not (r.get(k) is None or isinstance(r[k], str)) for k in ("input_rate", "output_rate", "unit_rate")):
            return False
    # Text fields cannot hold tabs/newlines (they are separators); such inputs are errors in JSON too.
    return True


cases, seen = [], set()
for c in json.load(open(os.path.join(HERE, "pricing.json"), encoding="utf-8")):
    if c["op"] not in ("price", "quote") or "expect" not in c or not representable(c["input"]):
        continue
    text = to_text(c["input"])
    if text in seen:
        continue
    seen.add(text)
    e = c["expect"]
    cases.append({
        "name": "price_text: " + c["name"].split(": ", 1)[-1],
        "op": "price_text",
        "input": {"text": text},
        "expect": {"credits": e["credits"], "rule_id": e["rule_id"], "fallback": e["fallback"], "units": e["units"]},
    })

SEED_USAGE = "chat\topenai\tgpt-4o\t800\t300\t\t"
SEED_RULE = "7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t"
errors = [
    ("empty text", "", "malformed_input", "usage"),
    ("usage line with 6 fields", "chat\topenai\tgpt-4o\t800\t300\t0", "malformed_input", "usage"),
    ("usage line with 8 fields", SEED_USAGE + "\t0", "malformed_input", "usage"),
    ("trailing newline is an empty rule line", SEED_USAGE + "\n", "malformed_input", "rules[0]"),
    ("rule line with 7 fields", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2", "malformed_input", "rules[0]"),
    ("second rule malformed", SEED_USAGE + "\n" + SEED_RULE + "\nx", "malformed_input", "rules[1]"),
    ("negative count", "chat\topenai\tgpt-4o\t-1\t300\t\t", "invalid_count", "usage.input_tokens"),
    ("fractional count", "chat\topenai\tgpt-4o\t800\t3.5\t\t", "invalid_count", "usage.output_tokens"),
    ("count with exponent", "chat\topenai\tgpt-4o\t1e5\t300\t\t", "invalid_count", "usage.input_tokens"),
    ("count with a space", "chat\topenai\tgpt-4o\t 1\t300\t\t", "invalid_count", "usage.input_tokens"),
    ("count above 10^12", "image_generate\topenai\tdall-e\t\t\t1000000000001\t", "invalid_count", "usage.images"),
    ("count NaN", "video_generate\topenai\tsora\t\t\t\tNaN", "invalid_count", "usage.videos"),
    ("unknown usage type", "speech\topenai\tgpt-4o\t800\t300\t\t", "unknown_usage_type", "usage.usage_type"),
    ("empty provider", "chat\t \tgpt-4o\t800\t300\t\t", "invalid_provider", "usage.provider"),
    ("empty model", "chat\topenai\t\t800\t300\t\t", "invalid_model", "usage.model"),
    ("model with a control character", "chat\topenai\tg\x01pt\t800\t300\t\t", "invalid_model", "usage.model"),
    ("rule id not digits", SEED_USAGE + "\n-7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t", "malformed_input", "rules[0].id"),
    ("rule id above 2^53", SEED_USAGE + "\n9007199254740992\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t2\t", "malformed_input", "rules[0].id"),
    ("rate 1e5", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1e5\t2\t", "invalid_rate", "rules[0].input_rate"),
    ("rate NaN", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\tNaN\t", "invalid_rate", "rules[0].output_rate"),
    ("rate with 7 places", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tflat\t\t\t1.0000001", "invalid_rate", "rules[0].unit_rate"),
    ("negative rate", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tflat\t\t\t-1", "invalid_rate", "rules[0].unit_rate"),
    ("rate too large", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tflat\t\t\t100000000000000", "amount_overflow", "rules[0].unit_rate"),
    ("missing output rate", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_1k_tokens\t1\t\t", "missing_rate", "rules[0].output_rate"),
    ("method not allowed", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_image\t\t\t1", "method_not_allowed", "rules[0].method"),
    ("unknown method", SEED_USAGE + "\n7\tchat\topenai\tgpt-4o\tper_word\t\t\t1", "unknown_method", "rules[0].method"),
    ("charge overflows", "image_generate\topenai\tm\t\t\t1000000000000\t\n1\timage_generate\topenai\tm\tper_image\t\t\t99999999999999", "amount_overflow", None),
]
for name, text, code, fld in errors:
    c = {"name": "price_text: " + name, "op": "price_text", "input": {"text": text}, "error": code}
    if fld is not None:
        c["field"] = fld
    cases.append(c)
cases.append({"name": "price_text: text must be a string", "op": "price_text", "input": {"text": 5}, "error": "malformed_input", "field": "text"})
cases.append({"name": "price_text: text is required", "op": "price_text", "input": {}, "error": "malformed_input", "field": "text"})
cases.append({"name": "price_text: unknown field", "op": "price_text", "input": {"text": SEED_USAGE, "rules": []}, "error": "malformed_input"})

with open(os.path.join(HERE, "price_text.json"), "w", encoding="utf-8") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"price_text.json: {len(cases)} cases")
