//! Working days: weekends off, the engagement's holidays off, make-up days on.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::model::Calendar;

/// The working days of one engagement.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// The calendar an engagement declares.
    pub fn new(calendar: &Calendar) -> Self {
        Self {
            holidays: calendar.holidays.iter().map(|d| d.date.value).collect(),
            workdays: calendar.workdays.iter().map(|d| d.date.value).collect(),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&date)
    }

    /// The date `n` working days after `date` (not counting `date` itself).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// How many working days lie after `from` up to and including `to`;
    /// negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (start, end, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= end)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * count as i64
    }
}

/// The same day one calendar month later, clamped to the month's end
/// (31 January + 1 month = 28 or 29 February).
pub fn add_month(date: NaiveDate) -> NaiveDate {
    date.checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Day, Spanned};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn day(s: &str) -> Day {
        Day {
            date: Spanned::detached(d(s)),
            name: None,
        }
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = WorkingCalendar::default();
        // Friday + 1 working day = Monday.
        assert_eq!(cal.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));
        assert_eq!(cal.add_working_days(d("2026-11-02"), 10), d("2026-11-16"));
        assert_eq!(
            cal.working_days_between(d("2026-11-02"), d("2026-11-16")),
            10
        );
        assert_eq!(
            cal.working_days_between(d("2026-11-16"), d("2026-11-02")),
            -10
        );
    }

    #[test]
    fn holidays_and_make_up_days_count() {
        let cal = WorkingCalendar::new(&Calendar {
            holidays: vec![day("2026-10-09")],
            workdays: vec![day("2026-10-17")],
        });
        assert!(!cal.is_working_day(d("2026-10-09")));
        assert!(cal.is_working_day(d("2026-10-17")));
        // Thu 8 Oct + 2: Fri 9 is a holiday, Mon 12 and Tue 13.
        assert_eq!(cal.add_working_days(d("2026-10-08"), 2), d("2026-10-13"));
        // Fri 16 Oct + 1: Saturday 17 is a make-up working day.
        assert_eq!(cal.add_working_days(d("2026-10-16"), 1), d("2026-10-17"));
    }

    #[test]
    fn months_end_at_month_ends() {
        assert_eq!(add_month(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(add_month(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(add_month(d("2026-12-15")), d("2027-01-15"));
    }
}
