//! Working days: weekends off, the region's public holidays off and its
//! make-up days on, then the engagement's own days.

mod tables;

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::base::model::{Calendar, HolidayRegion};

/// One region's official calendar: weekdays off and weekend days on, each
/// with its name, for the years it was announced for.
pub struct Table {
    /// First and last year the table covers.
    pub years: (i32, i32),
    /// Weekdays off: `YYYY-MM-DD` and the holiday's name.
    pub holidays: &'static [(&'static str, &'static str)],
    /// Weekend days that are working days (make-up days).
    pub workdays: &'static [(&'static str, &'static str)],
}

impl Table {
    /// The table of `region`.
    pub fn of(region: HolidayRegion) -> &'static Table {
        match region {
            HolidayRegion::MainlandChina => &tables::CN,
            HolidayRegion::Taiwan => &tables::TW,
        }
    }

    /// The years the table covers.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.years.0..=self.years.1
    }

    fn dates(days: &[(&str, &str)]) -> impl Iterator<Item = NaiveDate> {
        days.iter()
            .map(|(day, _)| day.parse().expect("the tables hold ISO dates"))
    }
}

/// The working days of one engagement.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// The calendar an engagement declares: its region's table, then its
    /// own holidays and working days, which win over the table.
    pub fn new(calendar: &Calendar) -> Self {
        let table = calendar.region.as_ref().map(|r| Table::of(r.value));
        let own_workdays: BTreeSet<NaiveDate> =
            calendar.workdays.iter().map(|d| d.date.value).collect();
        let holidays = table
            .into_iter()
            .flat_map(|t| Table::dates(t.holidays))
            .filter(|d| !own_workdays.contains(d))
            .chain(calendar.holidays.iter().map(|d| d.date.value))
            .collect::<BTreeSet<_>>();
        let workdays = table
            .into_iter()
            .flat_map(|t| Table::dates(t.workdays))
            .filter(|d| !holidays.contains(d))
            .chain(own_workdays)
            .collect();
        Self { holidays, workdays }
    }

    /// Whether `date` is a working day.
    pub(crate) fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        !weekend && !self.holidays.contains(&date)
    }

    /// The date `n` working days after `date` (not counting `date` itself).
    pub(crate) fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
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
    pub(crate) fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
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
pub(crate) fn add_month(date: NaiveDate) -> NaiveDate {
    date.checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::model::{Day, Spanned};

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
            region: None,
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

    fn region(region: HolidayRegion) -> WorkingCalendar {
        WorkingCalendar::new(&Calendar {
            region: Some(Spanned::detached(region)),
            ..Calendar::default()
        })
    }

    #[test]
    fn ten_working_days_across_national_day_in_mainland_china() {
        let cn = region(HolidayRegion::MainlandChina);
        // 国庆 2026: 1–7 October off, Sunday 20 September and Saturday
        // 10 October worked. From Friday 25 September: 28, 29, 30
        // September, then 8, 9, 10 (Saturday), 12, 13, 14, 15 October.
        assert!(cn.is_working_day(d("2026-09-20")));
        assert!(cn.is_working_day(d("2026-10-10")));
        assert!(!cn.is_working_day(d("2026-10-01")));
        assert_eq!(cn.add_working_days(d("2026-09-25"), 10), d("2026-10-15"));
        // Without the region, weekends alone: 9 October.
        let plain = WorkingCalendar::default();
        assert_eq!(plain.add_working_days(d("2026-09-25"), 10), d("2026-10-09"));
        // 国庆 2025 (with 中秋): 1–8 October off, 28 September and
        // 11 October worked.
        assert_eq!(cn.working_days_between(d("2025-09-26"), d("2025-10-13")), 7);
    }

    #[test]
    fn ten_working_days_across_the_spring_festival() {
        let cn = region(HolidayRegion::MainlandChina);
        // 春节 2026: 15–23 February off, Saturday 14 and 28 February worked.
        // From Tuesday 10 February: 11, 12, 13, 14 (Saturday), then 24,
        // 25, 26, 27, 28 (Saturday), 2 March.
        assert_eq!(cn.add_working_days(d("2026-02-10"), 10), d("2026-03-02"));
        let tw = region(HolidayRegion::Taiwan);
        // 春節 2026 in Taiwan: 16–20 February off, 27 February (和平紀念日
        // observed) off, no make-up Saturday. From Tuesday 10 February: 11,
        // 12, 13, 23, 24, 25, 26, 2, 3, 4 March.
        assert_eq!(tw.add_working_days(d("2026-02-10"), 10), d("2026-03-04"));
        // 2025 in Taiwan: Saturday 8 February worked for Monday 27 January.
        assert!(tw.is_working_day(d("2025-02-08")));
        assert!(!tw.is_working_day(d("2025-01-27")));
    }

    #[test]
    fn the_engagement_overrides_its_region() {
        let cal = WorkingCalendar::new(&Calendar {
            region: Some(Spanned::detached(HolidayRegion::MainlandChina)),
            holidays: vec![day("2026-10-09")],
            workdays: vec![day("2026-10-08")],
        });
        assert!(!cal.is_working_day(d("2026-10-09")));
        assert!(cal.is_working_day(d("2026-10-08")));
    }

    #[test]
    fn the_tables_hold_their_years_only() {
        for region in HolidayRegion::ALL {
            let table = Table::of(*region);
            for day in Table::dates(table.holidays).chain(Table::dates(table.workdays)) {
                assert!(table.years().contains(&day.year()), "{region}: {day}");
            }
            for day in Table::dates(table.holidays) {
                assert!(
                    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                    "{day}"
                );
            }
            for day in Table::dates(table.workdays) {
                assert!(
                    matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                    "{day}"
                );
            }
        }
    }

    #[test]
    fn months_end_at_month_ends() {
        assert_eq!(add_month(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(add_month(d("2028-01-31")), d("2028-02-29"));
        assert_eq!(add_month(d("2026-12-15")), d("2027-01-15"));
    }
}
