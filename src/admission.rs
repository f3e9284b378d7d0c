//! Admission (placing a hold) and settlement (charging the actual cost) — docs/contract.md §1.
//! Amounts are conserved exactly: debit + quota + uncovered = actual, and the holds split into
//! what was used plus what is released.

use crate::error::{err, CoreError};
use crate::money::Credits;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    BalanceFirst,
    QuotaFirst,
}

impl Order {
    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        match s {
            "balance_first" => Ok(Self::BalanceFirst),
            "quota_first" => Ok(Self::QuotaFirst),
            _ => Err(err("invalid_order", "Consumption order must be balance_first or quota_first.", field)),
        }
    }
}

/// Why a request was refused (the `reason` of `admit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The estimate is more than the balance and the quota leave.
    QuotaExceeded,
    /// Neither balance nor quota has anything left: refused whatever the estimate (0 included),
    /// so an estimate that prices at 0 never opens the door to uncovered usage.
    NothingAvailable,
    /// The subject's unpaid (uncovered) usage is above the site's bound.
    UncoveredLimit,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QuotaExceeded => "quota_exceeded",
            Self::NothingAvailable => "nothing_available",
            Self::UncoveredLimit => "uncovered_limit",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admission {
    pub admitted: bool,
    pub reason: Option<Refusal>,
    pub hold_balance: Credits,
    pub hold_quota: Credits,
    pub shortfall: Credits,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub balance_debit: Credits,
    pub quota_count: Credits,
    pub released_balance: Credits,
    pub released_quota: Credits,
    pub uncovered: Credits,
}

/// Takes up to `want` from `have` (None = unlimited). Returns (taken, still wanted).
fn take(want: Credits, have: Option<Credits>) -> Result<(Credits, Credits), CoreError> {
    let taken = match have {
        Some(h) if h < want => h,
        _ => want,
    };
    Ok((taken, want.checked_sub(taken, "amount")?))
}

/// All inputs are non-negative (checked by the caller); `quota_remaining` None = unlimited.
pub fn admit(estimate: Credits, balance_available: Credits, quota_remaining: Option<Credits>, order: Order) -> Result<Admission, CoreError> {
    admit_bounded(estimate, balance_available, quota_remaining, order, Credits::ZERO, None)
}

fn refused(reason: Refusal, shortfall: Credits) -> Admission {
    Admission { admitted: false, reason: Some(reason), hold_balance: Credits::ZERO, hold_quota: Credits::ZERO, shortfall }
}

/// `admit` for a subject that already owes `uncovered` credits; `uncovered_limit` None = unbounded.
/// A subject above the bound is refused (shortfall: what it must cover to get back under it); a
/// subject with nothing available at all is refused whatever the estimate (shortfall: the estimate).
pub fn admit_bounded(
    estimate: Credits,
    balance_available: Credits,
    quota_remaining: Option<Credits>,
    order: Order,
    uncovered: Credits,
    uncovered_limit: Option<Credits>,
) -> Result<Admission, CoreError> {
    if let Some(limit) = uncovered_limit {
        if uncovered > limit {
            return Ok(refused(Refusal::UncoveredLimit, uncovered.checked_sub(limit, "uncovered")?));
        }
    }
    if quota_remaining.is_some_and(|q| q.is_zero()) && balance_available.is_zero() {
        return Ok(refused(Refusal::NothingAvailable, estimate));
    }
    // The sum of two in-range amounts may exceed the credit range; compare it unbounded
    // (rust_decimal holds 2 × 10^14 exactly) so large balances never turn into an error.
    let available = quota_remaining.map(|q| balance_available.decimal() + q.decimal());
    let admitted = available.is_none_or(|a| estimate.decimal() <= a);
    if !admitted {
        let short = estimate.decimal() - available.unwrap_or_default();
        return Ok(refused(Refusal::QuotaExceeded, Credits::from_exact(short, "shortfall")?));
    }
    let (hold_balance, hold_quota) = match order {
        Order::BalanceFirst => {
            let (b, rest) = take(estimate, Some(balance_available))?;
            (b, rest)
        }
        Order::QuotaFirst => {
            let (q, rest) = take(estimate, quota_remaining)?;
            (rest, q)
        }
    };
    Ok(Admission { admitted: true, reason: None, hold_balance, hold_quota, shortfall: Credits::ZERO })
}

/// Charges `actual` against the holds first; any excess against what is still available, in order;
/// whatever remains is `uncovered` (recorded, never silently forgiven).
pub fn settle(
    hold_balance: Credits,
    hold_quota: Credits,
    actual: Credits,
    balance_available: Credits,
    quota_remaining: Option<Credits>,
    order: Order,
) -> Result<Settlement, CoreError> {
    let held = hold_balance.checked_add(hold_quota, "hold_balance")?;
    if actual <= held {
        let (from_b, from_q) = match order {
            Order::BalanceFirst => take(actual, Some(hold_balance))?,
            Order::QuotaFirst => {
                let (q, b) = take(actual, Some(hold_quota))?;
                (b, q)
            }
        };
        return Ok(Settlement {
            balance_debit: from_b,
            quota_count: from_q,
            released_balance: hold_balance.checked_sub(from_b, "released_balance")?,
            released_quota: hold_quota.checked_sub(from_q, "released_quota")?,
            uncovered: Credits::ZERO,
        });
    }
    let excess = actual.checked_sub(held, "actual")?;
    let (extra_b, extra_q, uncovered) = match order {
        Order::BalanceFirst => {
            let (b, rest) = take(excess, Some(balance_available))?;
            let (q, rest) = take(rest, quota_remaining)?;
            (b, q, rest)
        }
        Order::QuotaFirst => {
            let (q, rest) = take(excess, quota_remaining)?;
            let (b, rest) = take(rest, Some(balance_available))?;
            (b, q, rest)
        }
    };
    Ok(Settlement {
        balance_debit: hold_balance.checked_add(extra_b, "balance_debit")?,
        quota_count: hold_quota.checked_add(extra_q, "quota_count")?,
        released_balance: Credits::ZERO,
        released_quota: Credits::ZERO,
        uncovered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Credits {
        Credits::parse(s, "t").unwrap()
    }

    #[test]
    fn admit_examples() {
        let a = admit(c("1.4"), c("3"), Some(c("10")), Order::BalanceFirst).unwrap();
        assert_eq!((a.admitted, a.hold_balance, a.hold_quota), (true, c("1.4"), c("0")));
        let a = admit(c("5"), c("3"), Some(c("10")), Order::BalanceFirst).unwrap();
        assert_eq!((a.hold_balance, a.hold_quota), (c("3"), c("2")));
        let a = admit(c("5"), c("3"), Some(c("10")), Order::QuotaFirst).unwrap();
        assert_eq!((a.hold_balance, a.hold_quota), (c("0"), c("5")));
        let a = admit(c("5"), c("3"), Some(c("1")), Order::BalanceFirst).unwrap();
        assert_eq!((a.admitted, a.shortfall, a.hold_balance), (false, c("1"), c("0")));
        let a = admit(c("5"), c("3"), None, Order::QuotaFirst).unwrap();
        assert_eq!((a.admitted, a.hold_balance, a.hold_quota), (true, c("0"), c("5")));
        let a = admit(c("5"), c("5"), Some(c("0")), Order::QuotaFirst).unwrap();
        assert_eq!((a.admitted, a.hold_balance, a.hold_quota), (true, c("5"), c("0")));
    }

    #[test]
    fn nothing_available_is_refused_whatever_the_estimate() {
        let a = admit(c("0"), c("0"), Some(c("0")), Order::BalanceFirst).unwrap();
        assert_eq!((a.admitted, a.reason, a.shortfall), (false, Some(Refusal::NothingAvailable), c("0")));
        // Unlimited quota (the owner's choice) still admits a zero balance.
        assert!(admit(c("0"), c("0"), None, Order::BalanceFirst).unwrap().admitted);
        assert!(admit(c("0"), c("0.000001"), Some(c("0")), Order::BalanceFirst).unwrap().admitted);
    }

    #[test]
    fn uncovered_above_the_bound_is_refused() {
        let a = admit_bounded(c("1"), c("10"), None, Order::BalanceFirst, c("1.5"), Some(c("1"))).unwrap();
        assert_eq!((a.admitted, a.reason, a.shortfall), (false, Some(Refusal::UncoveredLimit), c("0.5")));
        assert!(admit_bounded(c("1"), c("10"), None, Order::BalanceFirst, c("1"), Some(c("1"))).unwrap().admitted);
        assert!(admit_bounded(c("1"), c("10"), None, Order::BalanceFirst, c("99"), None).unwrap().admitted);
    }

    #[test]
    fn settle_contract_example() {
        let s = settle(c("1"), c("0.4"), c("2"), c("0.3"), Some(c("0")), Order::BalanceFirst).unwrap();
        assert_eq!((s.balance_debit, s.quota_count, s.uncovered), (c("1.3"), c("0.4"), c("0.3")));
        assert_eq!((s.released_balance, s.released_quota), (c("0"), c("0")));
    }

    #[test]
    fn settle_under_the_hold_releases_the_rest() {
        let s = settle(c("1"), c("0.4"), c("1.2"), c("0"), Some(c("0")), Order::BalanceFirst).unwrap();
        assert_eq!((s.balance_debit, s.quota_count, s.released_balance, s.released_quota), (c("1"), c("0.2"), c("0"), c("0.2")));
        let s = settle(c("1"), c("0.4"), c("0.5"), c("0"), Some(c("0")), Order::QuotaFirst).unwrap();
        assert_eq!((s.balance_debit, s.quota_count, s.released_balance, s.released_quota), (c("0.1"), c("0.4"), c("0.9"), c("0")));
        let s = settle(c("1"), c("0.4"), c("0"), c("0"), None, Order::QuotaFirst).unwrap();
        assert_eq!((s.released_balance, s.released_quota), (c("1"), c("0.4")));
    }
}
