//! Ledger rules: entry kinds, idempotency keys, the admin adjustment rule and the reconcile check.

use crate::error::{err, CoreError};
use crate::money::Credits;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Purchase,
    PurchaseReversal,
    AdminAdjustment,
    Usage,
    UsageReset,
}

impl EntryKind {
    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        Ok(match s {
            "purchase" => Self::Purchase,
            "purchase_reversal" => Self::PurchaseReversal,
            "admin_adjustment" => Self::AdminAdjustment,
            "usage" => Self::Usage,
            "usage_reset" => Self::UsageReset,
            _ => return Err(err("invalid_key_part", "Ledger entry kind must be purchase, purchase_reversal, admin_adjustment, usage or usage_reset.", field)),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Purchase => "purchase",
            Self::PurchaseReversal => "purchase_reversal",
            Self::AdminAdjustment => "admin_adjustment",
            Self::Usage => "usage",
            Self::UsageReset => "usage_reset",
        }
    }

    /// Names of the key parts, in order.
    pub fn parts(self) -> &'static [&'static str] {
        match self {
            Self::Usage => &["request_id"],
            Self::Purchase => &["order_id", "item_id"],
            Self::PurchaseReversal => &["order_id", "item_id", "refund_or_status"],
            Self::AdminAdjustment => &["user_id", "token"],
            Self::UsageReset => &["subject", "scope", "period_key", "token"],
        }
    }
}

pub const MAX_PART: usize = 64;
pub const MAX_KEY: usize = 191;

/// `kind:part:part…`. Parts are `[A-Za-z0-9_.-]`, 1–64 chars; a usage_reset subject (`user:5`)
/// and scope (`module:bot`) may also hold `:` because their own format contains one.
pub fn idempotency_key(kind: EntryKind, parts: &[String]) -> Result<String, CoreError> {
    let names = kind.parts();
    if parts.len() != names.len() {
        return Err(err(
            "invalid_key_part",
            format!("A {} key needs {} part(s): {}.", kind.as_str(), names.len(), names.join(", ")),
            "parts",
        ));
    }
    for (i, (p, name)) in parts.iter().zip(names).enumerate() {
        let colon_ok = kind == EntryKind::UsageReset && (*name == "subject" || *name == "scope");
        let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' || (colon_ok && c == ':');
        if p.is_empty() || p.len() > MAX_PART || !p.chars().all(ok_char) {
            return Err(err(
                "invalid_key_part",
                format!("Key part {name} must be 1 to 64 characters of letters, digits, _ . or -."),
                &format!("parts[{i}]"),
            ));
        }
    }
    // Concatenation, not format! (costly in the PHP core, src/digits.rs).
    let mut key = String::with_capacity(kind.as_str().len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    key.push_str(kind.as_str());
    for p in parts {
        key.push(':');
        key.push_str(p);
    }
    if key.len() > MAX_KEY {
        return Err(err("invalid_key_part", "The idempotency key would be longer than 191 characters.", "parts"));
    }
    Ok(key)
}

/// Admin edit: the balance the admin saw must still be the balance; the difference is recorded.
pub fn adjust_balance(current: Credits, expected: Credits, new: Credits) -> Result<(Credits, Credits), CoreError> {
    if new.is_negative() {
        return Err(err("negative_amount", "The new balance must not be negative.", "new"));
    }
    if current != expected {
        return Err(err(
            "stale_balance",
            format!("The balance changed to {} while you were editing it (you saw {}). Reload and try again.", current.display(), expected.display()),
            "expected",
        ));
    }
    Ok((new.checked_sub(current, "new")?, new))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub user_id: u64,
    pub balance: Credits,
    pub ledger_sum: Credits,
    pub difference: Credits,
}

/// Every balance must equal the sum of its ledger amounts; users that appear only in the ledger
/// are compared against a balance of zero. Mismatches come back ordered by user id.
pub fn reconcile(balances: &[(u64, Credits)], entries: &[(u64, Credits)]) -> Result<Vec<Mismatch>, CoreError> {
    let mut bal: BTreeMap<u64, Credits> = BTreeMap::new();
    for (i, (u, b)) in balances.iter().enumerate() {
        if bal.insert(*u, *b).is_some() {
            return Err(err("malformed_input", format!("balances lists user {u} more than once."), &format!("balances[{i}].user_id")));
        }
    }
    let mut sums: BTreeMap<u64, Credits> = bal.keys().map(|u| (*u, Credits::ZERO)).collect();
    for (i, (u, a)) in entries.iter().enumerate() {
        let s = sums.entry(*u).or_default();
        *s = s.checked_add(*a, &format!("entries[{i}].amount"))?;
    }
    let mut out = Vec::new();
    for (u, sum) in sums {
        let b = bal.get(&u).copied().unwrap_or_default();
        if b != sum {
            out.push(Mismatch { user_id: u, balance: b, ledger_sum: sum, difference: b.checked_sub(sum, "difference")? });
        }
    }
    Ok(out)
}

/// What a purchase reversal may take back from one granted order item: the item's `granted` credits
/// less everything its earlier `purchase_reversal` entries reversed (`(amount, uncovered)` pairs: the
/// amount taken, 0 or negative, plus the uncollected rest, which is owed, not forgiven, so it counts as
/// reversed and is never taken twice). `requested` (a refund's share) is capped at that remainder; none
/// asks for the whole remainder (Refunded / Cancelled). Returns (reversed, remaining, amount to take).
pub fn reversal(granted: Credits, reversals: &[(Credits, Credits)], requested: Option<Credits>) -> Result<(Credits, Credits, Credits), CoreError> {
    if granted.is_negative() {
        return Err(err("negative_amount", "The granted credits must not be negative.", "granted"));
    }
    let mut reversed = Credits::ZERO;
    for (i, (amount, uncovered)) in reversals.iter().enumerate() {
        if !amount.is_negative() && !amount.is_zero() {
            return Err(err("invalid_amount", "A reversal entry's amount must be 0 or negative.", &format!("reversals[{i}].amount")));
        }
        let f = format!("reversals[{i}]");
        reversed = reversed.checked_sub(*amount, &f)?.checked_add(*uncovered, &f)?;
    }
    let remaining = if reversed.decimal() >= granted.decimal() { Credits::ZERO } else { granted.checked_sub(reversed, "remaining")? };
    let amount = match requested {
        Some(r) if r.decimal() < remaining.decimal() => r,
        _ => remaining,
    };
    Ok((reversed, remaining, amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Credits {
        Credits::parse(s, "t").unwrap()
    }
    fn v(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys() {
        assert_eq!(idempotency_key(EntryKind::Usage, &v(&["req-abc"])).unwrap(), "usage:req-abc");
        assert_eq!(idempotency_key(EntryKind::Purchase, &v(&["12", "3"])).unwrap(), "purchase:12:3");
        assert_eq!(idempotency_key(EntryKind::UsageReset, &v(&["user:5", "chatbot:7", "2026-11", "t1"])).unwrap(), "usage_reset:user:5:chatbot:7:2026-11:t1");
        assert_eq!(idempotency_key(EntryKind::Usage, &v(&["a:b"])).unwrap_err().code(), "invalid_key_part");
        assert_eq!(idempotency_key(EntryKind::Usage, &v(&[""])).unwrap_err().code(), "invalid_key_part");
        assert_eq!(idempotency_key(EntryKind::Usage, &v(&["a", "b"])).unwrap_err().code(), "invalid_key_part");
        assert_eq!(idempotency_key(EntryKind::Usage, &v(&[&"x".repeat(65)])).unwrap_err().code(), "invalid_key_part");
        let long = "x".repeat(64);
        assert_eq!(idempotency_key(EntryKind::UsageReset, &v(&[&long, &long, &long, "t"])).unwrap_err().code(), "invalid_key_part");
    }

    #[test]
    fn adjustment() {
        assert_eq!(adjust_balance(c("10"), c("10.000"), c("25.5")).unwrap(), (c("15.5"), c("25.5")));
        assert_eq!(adjust_balance(c("10"), c("10"), c("4")).unwrap().0, c("-6"));
        assert_eq!(adjust_balance(c("11"), c("10"), c("25")).unwrap_err().code(), "stale_balance");
        assert_eq!(adjust_balance(c("10"), c("10"), c("-1")).unwrap_err().code(), "negative_amount");
    }

    #[test]
    fn reversal_caps_at_what_remains() {
        let none: &[(Credits, Credits)] = &[];
        assert_eq!(reversal(c("300"), none, None).unwrap(), (c("0"), c("300"), c("300")));
        assert_eq!(reversal(c("300"), none, Some(c("100"))).unwrap(), (c("0"), c("300"), c("100")));
        // 100 taken, then 150 of which 50 uncollected: 250 reversed, 50 remain; a 100 share takes 50.
        let done = [(c("-100"), c("0")), (c("-100"), c("50"))];
        assert_eq!(reversal(c("300"), &done, Some(c("100"))).unwrap(), (c("250"), c("50"), c("50")));
        assert_eq!(reversal(c("300"), &done, None).unwrap().2, c("50"));
        // Over-reversed (never by this code, but never negative either): nothing remains.
        assert_eq!(reversal(c("100"), &[(c("-150"), c("0"))], None).unwrap(), (c("150"), c("0"), c("0")));
        assert_eq!(reversal(c("100"), &[(c("5"), c("0"))], None).unwrap_err().code(), "invalid_amount");
        assert_eq!(reversal(c("-1"), none, None).unwrap_err().code(), "negative_amount");
    }

    #[test]
    fn reconcile_finds_differences() {
        let m = reconcile(&[(5, c("3")), (6, c("1"))], &[(5, c("-1.5")), (6, c("2")), (6, c("-1")), (7, c("0.5"))]).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].user_id, m[0].difference), (5, c("4.5")));
        assert_eq!((m[1].user_id, m[1].balance, m[1].difference), (7, c("0"), c("-0.5")));
        assert_eq!(reconcile(&[(1, c("1")), (1, c("1"))], &[]).unwrap_err().code(), "malformed_input");
    }
}
