//! Quota periods in the site's time zone without a tz database: the caller passes the UTC offsets
//! in force around "now" (from PHP's DateTimeZone::getTransitions) and the core does calendar math.
//! Local midnights that fall in a DST gap map to the first instant after the gap; ambiguous ones
//! (clocks turned back) to the earlier instant.

use crate::error::{err, CoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Never,
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    pub fn parse(s: &str, field: &str) -> Result<Self, CoreError> {
        Ok(match s {
            "never" => Self::Never,
            "daily" => Self::Daily,
            "weekly" => Self::Weekly,
            "monthly" => Self::Monthly,
            _ => return Err(err("invalid_period", "Reset period must be never, daily, weekly or monthly.", field)),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
        }
    }
}

/// One offset and the UTC instant it starts at (`None` = since forever).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetSpan {
    pub from: Option<i64>,
    pub offset: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodInfo {
    pub key: String,
    pub starts_at: Option<i64>,
    pub next_starts_at: Option<i64>,
}

/// Accepted instants: years 1900..=9999 keep all date math comfortably in range.
pub const MIN_TIME: i64 = -2_208_988_800;
pub const MAX_TIME: i64 = 253_402_300_799;
/// Real zones stay within ±18 h (as PHP's DateTimeZone allows).
pub const MAX_OFFSET: i64 = 18 * 3600;

/// Checks ordering and range of the offset list.
pub fn validate_offsets(spans: &[OffsetSpan]) -> Result<(), CoreError> {
    if spans.is_empty() {
        return Err(err("invalid_timezone", "utc_offsets must list at least one offset.", "utc_offsets"));
    }
    let mut prev: Option<i64> = None;
    for (i, s) in spans.iter().enumerate() {
        // Built only for an error: `format!` on every offset was most of core::fmt's share of a call.
        let f = || format!("utc_offsets[{i}]");
        if s.offset.abs() > MAX_OFFSET {
            return Err(err("invalid_timezone", format!("{}.offset must be within ±18 hours (in seconds).", f()), &format!("{}.offset", f())));
        }
        match s.from {
            None if i > 0 => return Err(err("invalid_timezone", format!("{}.from may be null only for the first offset.", f()), &format!("{}.from", f()))),
            None => {}
            Some(t) => {
                if !(MIN_TIME..=MAX_TIME).contains(&t) {
                    return Err(err("invalid_timezone", format!("{}.from is out of range.", f()), &format!("{}.from", f())));
                }
                if prev.is_some_and(|p| t <= p) {
                    return Err(err("invalid_timezone", "utc_offsets must be sorted by from, oldest first.", &format!("{}.from", f())));
                }
                prev = Some(t);
            }
        }
    }
    Ok(())
}

fn offset_at(spans: &[OffsetSpan], t: i64) -> Option<i64> {
    spans.iter().rev().find(|s| s.from.is_none_or(|f| f <= t)).map(|s| s.offset)
}

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// 0 = Sunday … 6 = Saturday (as WordPress's start_of_week).
fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// The UTC instant of a local wall-clock time, resolving gaps and overlaps as documented above.
fn local_to_utc(spans: &[OffsetSpan], local: i64) -> Result<i64, CoreError> {
    let mut best: Option<i64> = None;
    for (i, s) in spans.iter().enumerate() {
        let t = local - s.offset;
        let starts_ok = s.from.is_none_or(|f| f <= t);
        let ends_ok = spans.get(i + 1).and_then(|n| n.from).is_none_or(|next| t < next);
        if starts_ok && ends_ok {
            best = Some(best.map_or(t, |b| b.min(t)));
        }
    }
    if let Some(t) = best {
        return Ok(t);
    }
    // In a gap: the transition whose old offset puts it before `local` and new offset after it.
    for w in spans.windows(2) {
        if let Some(tr) = w[1].from {
            if tr + w[0].offset <= local && local < tr + w[1].offset {
                return Ok(tr);
            }
        }
    }
    Err(err("invalid_timezone", "utc_offsets do not cover the period boundaries; pass transitions from 40 days before to 40 days after now.", "utc_offsets"))
}

/// `{prefix}{y:04}-{m:02}[-{d:02}]` without `format!` (src/digits.rs); years are 1900–9999 here.
fn date_key(prefix: &str, y: i64, m: u32, d: Option<u32>) -> String {
    let mut s = String::with_capacity(11);
    s.push_str(prefix);
    let part = |s: &mut String, v: i64, w: usize| match u64::try_from(v) {
        Ok(u) => crate::digits::push_u64_padded(s, u, w),
        Err(_) => s.push_str(&format!("{v:0w$}")),
    };
    part(&mut s, y, 4);
    s.push('-');
    crate::digits::push_u64_padded(&mut s, u64::from(m), 2);
    if let Some(d) = d {
        s.push('-');
        crate::digits::push_u64_padded(&mut s, u64::from(d), 2);
    }
    s
}

pub fn period(p: Period, now: i64, spans: &[OffsetSpan], start_of_week: i64) -> Result<PeriodInfo, CoreError> {
    validate_offsets(spans)?;
    if !(MIN_TIME..=MAX_TIME).contains(&now) {
        return Err(err("invalid_period", "now is out of range (years 1900 to 9999).", "now"));
    }
    if !(0..=6).contains(&start_of_week) {
        return Err(err("invalid_period", "start_of_week must be 0 (Sunday) to 6 (Saturday).", "start_of_week"));
    }
    if p == Period::Never {
        return Ok(PeriodInfo { key: "all".into(), starts_at: None, next_starts_at: None });
    }
    let off = offset_at(spans, now).ok_or_else(|| err("invalid_timezone", "No UTC offset is in force at now; the first offset starts later.", "utc_offsets"))?;
    let today = (now + off).div_euclid(86_400);
    let (y, m, d) = civil_from_days(today);
    let (key, start_day, next_day) = match p {
        Period::Daily => (date_key("", y, m, Some(d)), today, today + 1),
        Period::Weekly => {
            let first = today - (weekday(today) - start_of_week).rem_euclid(7);
            let (fy, fm, fd) = civil_from_days(first);
            (date_key("W", fy, fm, Some(fd)), first, first + 7)
        }
        Period::Monthly => {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (date_key("", y, m, None), days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
        }
        Period::Never => unreachable!("handled above"),
    };
    Ok(PeriodInfo {
        key,
        starts_at: Some(local_to_utc(spans, start_day * 86_400)?),
        next_starts_at: Some(local_to_utc(spans, next_day * 86_400)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Europe/Berlin around 2026: CET +1h, CEST +2h from 2026-03-29T01:00Z, CET again from 2026-10-25T01:00Z.
    fn berlin() -> Vec<OffsetSpan> {
        vec![
            OffsetSpan { from: None, offset: 3600 },
            OffsetSpan { from: Some(1_774_746_000), offset: 7200 },
            OffsetSpan { from: Some(1_792_890_000), offset: 3600 },
        ]
    }

    #[test]
    fn civil_round_trip() {
        for z in [-100_000, -1, 0, 1, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(weekday(0), 4); // Thursday
    }

    #[test]
    fn berlin_spring_day_is_23_hours() {
        // 2026-03-29 12:00 local (10:00Z)
        let p = period(Period::Daily, 1_774_778_400, &berlin(), 1).unwrap();
        assert_eq!(p.key, "2026-03-29");
        assert_eq!(p.starts_at, Some(1_774_738_800)); // 2026-03-28T23:00Z
        assert_eq!(p.next_starts_at, Some(1_774_821_600)); // 2026-03-29T22:00Z
    }

    #[test]
    fn berlin_autumn_day_is_25_hours() {
        let p = period(Period::Daily, 1_792_929_600, &berlin(), 1).unwrap(); // 2026-10-25T12:00Z
        assert_eq!(p.key, "2026-10-25");
        assert_eq!(p.starts_at, Some(1_792_879_200)); // 2026-10-24T22:00Z
        assert_eq!(p.next_starts_at, Some(1_792_969_200)); // 2026-10-25T23:00Z
    }

    #[test]
    fn gap_at_midnight_maps_to_transition() {
        // A zone jumping from -4h to -3h at local midnight 2026-09-06 (04:00Z), like America/Santiago.
        let spans = vec![OffsetSpan { from: None, offset: -14_400 }, OffsetSpan { from: Some(1_788_667_200), offset: -10_800 }];
        let p = period(Period::Daily, 1_788_696_000, &spans, 0).unwrap(); // 2026-09-06T12:00Z
        assert_eq!(p.key, "2026-09-06");
        assert_eq!(p.starts_at, Some(1_788_667_200));
    }

    #[test]
    fn weekly_and_monthly_keys() {
        let utc = [OffsetSpan { from: None, offset: 0 }];
        // 2026-11-25 is a Wednesday.
        let now = 1_795_564_800; // 2026-11-25T00:00Z
        assert_eq!(period(Period::Weekly, now, &utc, 1).unwrap().key, "W2026-11-23");
        assert_eq!(period(Period::Weekly, now, &utc, 0).unwrap().key, "W2026-11-22");
        assert_eq!(period(Period::Weekly, now, &utc, 3).unwrap().key, "W2026-11-25");
        let m = period(Period::Monthly, now, &utc, 1).unwrap();
        assert_eq!(m.key, "2026-11");
        assert_eq!(m.next_starts_at, Some(1_796_083_200)); // 2026-12-01
        assert_eq!(period(Period::Never, now, &utc, 1).unwrap().key, "all");
    }

    #[test]
    fn bad_offsets() {
        assert_eq!(period(Period::Daily, 0, &[], 1).unwrap_err().code(), "invalid_timezone");
        let unsorted = [OffsetSpan { from: Some(10), offset: 0 }, OffsetSpan { from: Some(5), offset: 0 }];
        assert_eq!(period(Period::Daily, 20, &unsorted, 1).unwrap_err().code(), "invalid_timezone");
        let late = [OffsetSpan { from: Some(100), offset: 0 }];
        assert_eq!(period(Period::Daily, 20, &late, 1).unwrap_err().code(), "invalid_timezone");
        assert_eq!(period(Period::Daily, 20, &[OffsetSpan { from: None, offset: 90_000 }], 1).unwrap_err().code(), "invalid_timezone");
        assert_eq!(period(Period::Daily, 20, &[OffsetSpan { from: None, offset: 0 }], 7).unwrap_err().code(), "invalid_period");
    }
}
