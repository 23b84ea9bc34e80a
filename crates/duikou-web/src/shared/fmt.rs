//! How figures read on a page: money in 亿元 with two decimals in tables (the unit in the
//! column header), in its natural unit in prose; dates as 2024-03-08 in tables and 2024年3月8日
//! in prose. Money is formatted by `duikou_core::money` (exact integers, no floating point).

use chrono::{Datelike, NaiveDate};
use duikou_core::money::{Money, MoneyUnit};

use crate::shared::i18n::Lang;

/// A table cell in 亿元 with two decimals ("239.50"); empty for no value.
pub fn yi(m: Option<Money>) -> String {
    m.map(|m| m.format_in(MoneyUnit::Yi, 2)).unwrap_or_default()
}

/// The label of a unit in `lang`.
pub fn unit_label(lang: Lang, unit: MoneyUnit) -> &'static str {
    lang.t(match unit {
        MoneyUnit::Yuan => "unit.yuan",
        MoneyUnit::Wan => "unit.wan",
        MoneyUnit::Yi => "unit.yi",
    })
}

/// Money in prose: its natural unit, two decimals for 亿元 ("239.50亿元", "1200万元").
pub fn money_text(lang: Lang, m: Money) -> String {
    let unit = m.natural_unit();
    let decimals = if unit == MoneyUnit::Yi { 2 } else { 0 };
    let sep = if lang == Lang::En { " " } else { "" };
    format!(
        "{}{sep}{}",
        m.format_in(unit, decimals),
        unit_label(lang, unit)
    )
}

/// An optional amount in prose, or a dash.
pub fn money_opt(lang: Lang, m: Option<Money>) -> String {
    m.map(|m| money_text(lang, m))
        .unwrap_or_else(|| "—".to_owned())
}

/// A date in a table: 2024-03-08.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn date_opt(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_else(|| "—".to_owned())
}

/// A moment in a table, in China's time (UTC+8): 2024-03-08 14:05.
pub fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    duikou_core::dates::china_time(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A date in prose: 2024年3月8日, or 8 March 2024 in English.
pub fn date_prose(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%-d %B %Y").to_string(),
        _ => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// An amount as a form reads it back: 万元, without trailing zeros ("1", "2.5", "0.0001").
pub fn wan_text(m: Money) -> String {
    let t = m.format_in(MoneyUnit::Wan, 4).replace(',', "");
    match t.contains('.') {
        true => t.trim_end_matches('0').trim_end_matches('.').to_owned(),
        false => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_in_yi_with_two_decimals_in_tables() {
        assert_eq!(yi(Some(Money::from_yuan(23_950_000_000))), "239.50");
        assert_eq!(yi(Some(Money::from_yuan(5_000_000))), "0.05");
        assert_eq!(yi(None), "");
    }

    #[test]
    fn money_reads_in_its_natural_unit_in_prose() {
        assert_eq!(
            money_text(Lang::ZhHans, Money::from_yuan(23_950_000_000)),
            "239.50亿元"
        );
        assert_eq!(
            money_text(Lang::ZhHans, Money::from_yuan(12_000_000)),
            "1200万元"
        );
        assert_eq!(
            money_text(Lang::ZhHant, Money::from_yuan(300_000_000)),
            "3.00億元"
        );
    }

    #[test]
    fn dates_read_as_officials_write_them() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 8).expect("date");
        assert_eq!(date(d), "2024-03-08");
        assert_eq!(date_prose(Lang::ZhHans, d), "2024年3月8日");
        assert_eq!(date_prose(Lang::En, d), "8 March 2024");
    }

    #[test]
    fn amounts_read_back_in_wan_without_trailing_zeros() {
        use duikou_core::Money;
        let cases = [
            (10_000, "1"),
            (25_000, "2.5"),
            (1, "0.0001"),
            (1_200_000_000, "120000"),
        ];
        for (yuan, text) in cases {
            assert_eq!(super::wan_text(Money::from_yuan(yuan)), text, "{yuan}");
        }
    }
}
