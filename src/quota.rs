//! Effective quota limit for a guest, a user, or a user with several roles.
//! `None` = unlimited, zero = nothing allowed.

use crate::money::Credits;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Guest,
    User,
}

/// Guests get the guest limit. Users: the overrides of their roles present in the map win over the
/// user limit; an unlimited role wins outright; otherwise the largest role limit applies.
pub fn effective_limit(
    subject: Subject,
    roles: &[String],
    guest_limit: Option<Credits>,
    user_limit: Option<Credits>,
    role_limits: &BTreeMap<String, Option<Credits>>,
) -> Option<Credits> {
    match subject {
        Subject::Guest => guest_limit,
        Subject::User => {
            let overrides: Vec<Option<Credits>> = roles.iter().filter_map(|r| role_limits.get(r).copied()).collect();
            if overrides.is_empty() {
                return user_limit;
            }
            if overrides.iter().any(Option::is_none) {
                return None;
            }
            overrides.into_iter().flatten().max()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<Credits> {
        Some(Credits::parse(s, "t").unwrap())
    }

    #[test]
    fn rules() {
        let mut map = BTreeMap::new();
        map.insert("editor".to_string(), c("500"));
        map.insert("author".to_string(), c("50"));
        map.insert("vip".to_string(), None);
        let roles = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(effective_limit(Subject::Guest, &[], c("10"), c("100"), &map), c("10"));
        assert_eq!(effective_limit(Subject::User, &roles(&["subscriber"]), c("10"), c("100"), &map), c("100"));
        assert_eq!(effective_limit(Subject::User, &roles(&["author", "editor"]), c("10"), c("100"), &map), c("500"));
        assert_eq!(effective_limit(Subject::User, &roles(&["author"]), c("10"), c("100"), &map), c("50"));
        assert_eq!(effective_limit(Subject::User, &roles(&["editor", "vip"]), c("10"), c("100"), &map), None);
        assert_eq!(effective_limit(Subject::User, &[], None, None, &map), None);
        assert_eq!(effective_limit(Subject::User, &[], c("10"), c("0"), &map), c("0"));
    }
}
