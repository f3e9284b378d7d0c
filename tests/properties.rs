//! Property tests: amounts are conserved exactly in admission and settlement, and reconcile
//! agrees with an independent sum.

use aipkit_usage::admission::{admit, settle, Order};
use aipkit_usage::ledger::reconcile;
use aipkit_usage::money::Credits;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn credits() -> impl Strategy<Value = Credits> {
    // Micro-credits up to 10^13 credits, biased towards small values where splits are interesting.
    prop_oneof![0u64..5_000_000u64, 0u64..10_000_000_000_000_000_000u64]
        .prop_map(|micro| Credits::from_exact(Decimal::from_i128_with_scale(micro as i128, 6), "p").unwrap())
}

fn order() -> impl Strategy<Value = Order> {
    prop_oneof![Just(Order::BalanceFirst), Just(Order::QuotaFirst)]
}

fn add(a: Credits, b: Credits) -> Decimal {
    a.decimal() + b.decimal()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn admission_holds_exactly_the_estimate(est in credits(), bal in credits(), q in proptest::option::of(credits()), o in order()) {
        let a = admit(est, bal, q, o).unwrap();
        let room = q.map(|q| add(bal, q));
        prop_assert_eq!(a.admitted, room.is_none_or(|r| est.decimal() <= r));
        if a.admitted {
            prop_assert_eq!(add(a.hold_balance, a.hold_quota), est.decimal());
            prop_assert!(a.hold_balance <= bal);
            if let Some(q) = q { prop_assert!(a.hold_quota <= q); }
            prop_assert!(!a.hold_balance.is_negative() && !a.hold_quota.is_negative());
            prop_assert!(a.shortfall.is_zero());
        } else {
            prop_assert!(a.hold_balance.is_zero() && a.hold_quota.is_zero());
            prop_assert_eq!(a.shortfall.decimal(), est.decimal() - room.unwrap());
        }
    }

    #[test]
    fn settlement_conserves_every_credit(hb in credits(), hq in credits(), actual in credits(), bal in credits(), q in proptest::option::of(credits()), o in order()) {
        let s = settle(hb, hq, actual, bal, q, o).unwrap();
        for v in [s.balance_debit, s.quota_count, s.released_balance, s.released_quota, s.uncovered] {
            prop_assert!(!v.is_negative());
        }
        // debit + quota + uncovered = actual
        prop_assert_eq!(s.balance_debit.decimal() + s.quota_count.decimal() + s.uncovered.decimal(), actual.decimal());
        // holds = used part of the holds + released
        let used_b = s.balance_debit.decimal().min(hb.decimal());
        let used_q = s.quota_count.decimal().min(hq.decimal());
        prop_assert_eq!(hb.decimal() + hq.decimal(), used_b + used_q + s.released_balance.decimal() + s.released_quota.decimal());
        // never more than what was held plus what was still available
        prop_assert!(s.balance_debit.decimal() <= hb.decimal() + bal.decimal());
        if let Some(q) = q { prop_assert!(s.quota_count.decimal() <= hq.decimal() + q.decimal()); }
        // something is uncovered only when every source was exhausted
        if !s.uncovered.is_zero() {
            prop_assert_eq!(s.balance_debit.decimal(), hb.decimal() + bal.decimal());
            prop_assert!(q.is_some());
            prop_assert_eq!(s.quota_count.decimal(), hq.decimal() + q.unwrap().decimal());
        }
    }

    #[test]
    fn reconcile_matches_an_independent_sum(
        entries in proptest::collection::vec((1u64..6, -1_000_000_000i64..1_000_000_000i64), 0..60),
        tamper in proptest::option::of((1u64..6, 1i64..1_000_000)),
    ) {
        let entries: Vec<(u64, Credits)> = entries.into_iter().map(|(u, m)| (u, Credits::from_exact(Decimal::new(m, 6), "p").unwrap())).collect();
        let mut balances: Vec<(u64, Credits)> = (1u64..6).map(|u| {
            let sum: Decimal = entries.iter().filter(|(e, _)| *e == u).map(|(_, a)| a.decimal()).sum();
            (u, Credits::from_exact(sum, "p").unwrap())
        }).collect();
        prop_assert!(reconcile(&balances, &entries).unwrap().is_empty());
        if let Some((u, delta)) = tamper {
            let i = balances.iter().position(|(b, _)| *b == u).unwrap();
            balances[i].1 = Credits::from_exact(balances[i].1.decimal() + Decimal::new(delta, 6), "p").unwrap();
            let m = reconcile(&balances, &entries).unwrap();
            prop_assert_eq!(m.len(), 1);
            prop_assert_eq!(m[0].user_id, u);
            prop_assert_eq!(m[0].difference.decimal(), Decimal::new(delta, 6));
        }
    }
}
