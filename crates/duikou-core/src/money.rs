//! Exact money (no floating point anywhere): an integer number of yuan (元), with parsing of
//! what officials write ("239.5亿元", "1,200万元", "约3亿", "12亿美元", full-width digits) and
//! formatting in 元, 万元 and 亿元.
//!
//! IMPLEMENTATION OWNED BY THE MONEY TASK: the signatures below are the contract.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// An exact amount in whole units of its currency (元 for CNY). May be negative in arithmetic;
/// fields that must not be negative check that where they are validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = i64, example = 23_950_000_000_i64)
)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);
    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan)
    }
    pub const fn yuan(self) -> i64 {
        self.0
    }
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

/// The unit a number is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    Yuan,
    Wan,
    Yi,
}

impl MoneyUnit {
    pub const fn factor(self) -> i64 {
        match self {
            MoneyUnit::Yuan => 1,
            MoneyUnit::Wan => 10_000,
            MoneyUnit::Yi => 100_000_000,
        }
    }
    /// The Chinese unit as printed after a number: 元, 万元, 亿元.
    pub const fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }
}

/// ISO 4217 currency of an amount. Amounts are CNY unless the text says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    #[default]
    Cny,
    Usd,
    Eur,
    Hkd,
    Jpy,
    Gbp,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Hkd => "HKD",
            Currency::Jpy => "JPY",
            Currency::Gbp => "GBP",
        }
    }
    pub fn parse_code(code: &str) -> Option<Currency> {
        match code.to_ascii_uppercase().as_str() {
            "CNY" | "RMB" => Some(Currency::Cny),
            "USD" => Some(Currency::Usd),
            "EUR" => Some(Currency::Eur),
            "HKD" => Some(Currency::Hkd),
            "JPY" => Some(Currency::Jpy),
            "GBP" => Some(Currency::Gbp),
            _ => None,
        }
    }
}

/// What a money text said: the exact amount, its currency, and whether it was qualified as
/// approximate (约, 近, 余, 以上, 超, 逾, 左右 ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParsedMoney {
    pub amount: Money,
    pub currency: Currency,
    pub approximate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额为空")]
    Empty,
    #[error("无法识别的金额：{0}")]
    Unrecognised(String),
    #[error("金额须精确到元：{0}")]
    FractionalYuan(String),
    #[error("金额超出范围：{0}")]
    Overflow(String),
    #[error("金额不能为负数：{0}")]
    Negative(String),
}

/// A record's money field written as text: its amount in `default_unit` unless the text names
/// one ("239.5亿元", "1,200万"), checked against the record's `currency`. A text that names a
/// currency sets it when none is set yet, and is refused (`currency`) when it names another
/// one; an unreadable text is refused (`money`). Empty text is `None`.
pub fn read_amount(
    field: &str,
    text: &str,
    default_unit: MoneyUnit,
    currency: &mut Option<Currency>,
) -> Result<Option<Money>, crate::FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let parsed = parse_money(text, default_unit)
        .map_err(|e| crate::FieldError::new(field, "money", e.to_string()))?;
    if !names_currency(text) {
        return Ok(Some(parsed.amount));
    }
    match currency {
        Some(c) if *c != parsed.currency => Err(crate::FieldError::new(
            field,
            "currency",
            format!(
                "金额的币种（{}）与项目币种（{}）不一致",
                parsed.currency.code(),
                c.code()
            ),
        )),
        _ => {
            *currency = Some(parsed.currency);
            Ok(Some(parsed.amount))
        }
    }
}

/// Whether a money text names its currency (beyond the bare 元 that every amount carries).
pub fn names_currency(text: &str) -> bool {
    [
        "美元",
        "美金",
        "欧元",
        "港元",
        "港币",
        "日元",
        "英镑",
        "人民币",
        "$",
        "USD",
        "EUR",
        "HKD",
        "JPY",
        "GBP",
        "CNY",
        "RMB",
        "¥",
        "￥",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Parses an amount as officials write it. `default_unit` applies when the text has no unit
/// (e.g. a spreadsheet column headed "计划总投资（万元）" holding "1,200").
///
/// Accepted shape, after NFKC folding (full-width digits and punctuation) and removal of all
/// whitespace:
///
/// `[qualifier | currency | '-']* numeral [余|多] [万亿|亿|万] [余|多] [currency word] [code]
/// [余|以上|多|左右]*`
///
/// - qualifiers before the number: 约, 大约, 近, 将近, 逾, 超, 超过 (they set `approximate`);
/// - currency before the number: 人民币, RMB, CNY, USD, EUR, HKD, JPY, GBP, US$, HK$, $, ¥, €, £;
/// - currency words after the unit: 元 (CNY unless another currency is named), 元人民币,
///   人民币, 美元, 美金, 欧元, 港元, 港币, 日元, 英镑; these count as a unit character (the
///   number is then in whole units unless 万/亿/万亿 precede them);
/// - an ISO code after the number (`1200USD`) names the currency but is not a unit character,
///   so `default_unit` still applies to it, as it does to a `$`/`¥` prefix.
///
/// The numeral is digits with an optional decimal part; ',' (also the folded Chinese '，') is
/// accepted only as a well-formed thousands separator in the integer part.
pub fn parse_money(text: &str, default_unit: MoneyUnit) -> Result<ParsedMoney, MoneyError> {
    let folded: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .collect();
    if folded.is_empty() {
        return Err(MoneyError::Empty);
    }
    let lexed = lex(&folded).ok_or_else(|| MoneyError::Unrecognised(text.to_owned()))?;
    if lexed.negative {
        return Err(MoneyError::Negative(text.to_owned()));
    }
    let exponent = match (lexed.scale_exponent, lexed.unit_char) {
        (Some(exponent), _) => exponent,
        (None, true) => 0,
        (None, false) => default_unit.exponent(),
    };
    let yuan =
        scale_exactly(&lexed.int_digits, lexed.frac_digits, exponent).map_err(|failure| {
            match failure {
                ScaleFailure::Fractional => MoneyError::FractionalYuan(text.to_owned()),
                ScaleFailure::Overflow => MoneyError::Overflow(text.to_owned()),
            }
        })?;
    Ok(ParsedMoney {
        amount: Money(yuan),
        currency: lexed.currency.unwrap_or_default(),
        approximate: lexed.approximate,
    })
}

/// Format characters that survive NFKC and are not whitespace but are invisible in pasted
/// text (zero-width space, joiners, byte-order mark).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Qualifiers written before the number. Longer forms first so that 超过 wins over 超.
const APPROX_PREFIXES: [&str; 7] = ["超过", "大约", "将近", "约", "近", "逾", "超"];
/// Qualifiers written between the number and the unit, or between the unit and 元: "300余亿",
/// "300多亿", "3亿多元", "500万余元".
const APPROX_INFIXES: [&str; 2] = ["余", "多"];
/// Qualifiers written at the end: "300亿余", "亿元以上", "3亿元左右".
const APPROX_SUFFIXES: [&str; 4] = ["以上", "左右", "余", "多"];

/// Currency markers written before the number. ASCII ones match case-insensitively.
const CURRENCY_PREFIXES: [(&str, Currency); 14] = [
    ("人民币", Currency::Cny),
    ("RMB", Currency::Cny),
    ("CNY", Currency::Cny),
    ("US$", Currency::Usd),
    ("HK$", Currency::Hkd),
    ("USD", Currency::Usd),
    ("EUR", Currency::Eur),
    ("HKD", Currency::Hkd),
    ("JPY", Currency::Jpy),
    ("GBP", Currency::Gbp),
    ("$", Currency::Usd),
    ("¥", Currency::Cny),
    ("€", Currency::Eur),
    ("£", Currency::Gbp),
];

/// ISO codes accepted after the number ("1200万USD"). They name a currency but are no unit.
const CURRENCY_CODES: [(&str, Currency); 7] = [
    ("RMB", Currency::Cny),
    ("CNY", Currency::Cny),
    ("USD", Currency::Usd),
    ("EUR", Currency::Eur),
    ("HKD", Currency::Hkd),
    ("JPY", Currency::Jpy),
    ("GBP", Currency::Gbp),
];

/// Currency words after the number; each is also a unit character. `None` is plain 元, which
/// is CNY unless the text names another currency ("US$1亿元" stays USD).
const CURRENCY_WORDS: [(&str, Option<Currency>); 10] = [
    ("元人民币", Some(Currency::Cny)),
    ("人民币", Some(Currency::Cny)),
    ("美元", Some(Currency::Usd)),
    ("美金", Some(Currency::Usd)),
    ("欧元", Some(Currency::Eur)),
    ("港元", Some(Currency::Hkd)),
    ("港币", Some(Currency::Hkd)),
    ("日元", Some(Currency::Jpy)),
    ("英镑", Some(Currency::Gbp)),
    ("元", None),
];

/// Scale words and their power of ten. 万亿 before 万 and 亿.
const SCALES: [(&str, u32); 3] = [("万亿", 12), ("亿", 8), ("万", 4)];

/// A money text taken apart, before any arithmetic.
struct Lexed<'a> {
    negative: bool,
    approximate: bool,
    currency: Option<Currency>,
    /// Integer digits with thousands separators removed; never empty.
    int_digits: String,
    /// Fraction digits (possibly empty).
    frac_digits: &'a str,
    scale_exponent: Option<u32>,
    /// Whether the text named a unit (元, 美元, 人民币 ...) so that `default_unit` is moot.
    unit_char: bool,
}

/// `text` with `prefix` removed, comparing ASCII letters case-insensitively.
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

fn strip_any<'a>(text: &'a str, words: &[&str]) -> Option<&'a str> {
    words.iter().find_map(|word| text.strip_prefix(word))
}

/// Records a currency; a second, different one makes the text unrecognisable.
fn note_currency(slot: &mut Option<Currency>, currency: Currency) -> Option<()> {
    match *slot {
        Some(existing) if existing != currency => None,
        _ => {
            *slot = Some(currency);
            Some(())
        }
    }
}

fn lex(text: &str) -> Option<Lexed<'_>> {
    let mut rest = text;
    let mut negative = false;
    let mut approximate = false;
    let mut currency = None;

    // Prefixes: qualifiers, currency markers and a minus sign, in any order.
    loop {
        if let Some(after) = strip_any(rest, &APPROX_PREFIXES) {
            approximate = true;
            rest = after;
        } else if let Some((after, found)) = CURRENCY_PREFIXES
            .iter()
            .find_map(|(marker, c)| strip_prefix_ci(rest, marker).map(|after| (after, *c)))
        {
            note_currency(&mut currency, found)?;
            rest = after;
        } else if let Some(after) = rest.strip_prefix(['-', '\u{2212}']) {
            if negative {
                return None;
            }
            negative = true;
            rest = after;
        } else {
            break;
        }
    }

    // The numeral.
    let numeral_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let (numeral, mut rest) = rest.split_at(numeral_len);
    let (int_part, frac_digits) = match numeral.split_once('.') {
        Some((int_part, frac)) => {
            if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (int_part, frac)
        }
        None => (numeral, ""),
    };
    let int_digits = integer_digits(int_part)?;

    // After the number.
    if let Some(after) = strip_any(rest, &APPROX_INFIXES) {
        approximate = true;
        rest = after;
    }
    let mut scale_exponent = None;
    if let Some((after, exponent)) = SCALES
        .iter()
        .find_map(|(word, exponent)| rest.strip_prefix(word).map(|after| (after, *exponent)))
    {
        scale_exponent = Some(exponent);
        rest = after;
        if let Some(after) = strip_any(rest, &APPROX_INFIXES) {
            approximate = true;
            rest = after;
        }
    }
    let mut unit_char = false;
    if let Some((after, found)) = CURRENCY_WORDS
        .iter()
        .find_map(|(word, c)| rest.strip_prefix(word).map(|after| (after, *c)))
    {
        unit_char = true;
        if let Some(found) = found {
            note_currency(&mut currency, found)?;
        }
        rest = after;
    }
    if let Some((after, found)) = CURRENCY_CODES
        .iter()
        .find_map(|(code, c)| strip_prefix_ci(rest, code).map(|after| (after, *c)))
    {
        note_currency(&mut currency, found)?;
        rest = after;
    }
    while let Some(after) = strip_any(rest, &APPROX_SUFFIXES) {
        approximate = true;
        rest = after;
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Lexed {
        negative,
        approximate,
        currency,
        int_digits,
        frac_digits,
        scale_exponent,
        unit_char,
    })
}

/// The digits of an integer part, checking thousands separators: "1,200" and "12,345,678" are
/// fine; "1,2,00", ",100", "1,0000" and "1," are not.
fn integer_digits(int_part: &str) -> Option<String> {
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    let all_digits = |group: &str| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(first) {
        return None;
    }
    let mut digits = first.to_owned();
    let mut grouped = false;
    for group in groups {
        if group.len() != 3 || !all_digits(group) {
            return None;
        }
        grouped = true;
        digits.push_str(group);
    }
    if grouped && first.len() > 3 {
        return None;
    }
    Some(digits)
}

enum ScaleFailure {
    Fractional,
    Overflow,
}

/// `int_digits.frac_digits × 10^exponent` as an exact whole number.
fn scale_exactly(int_digits: &str, frac_digits: &str, exponent: u32) -> Result<i64, ScaleFailure> {
    let int_digits = int_digits.trim_start_matches('0');
    let frac_digits = frac_digits.trim_end_matches('0');
    // A last non-zero fraction digit below 10^-exponent can never become whole.
    if frac_digits.len() > exponent as usize {
        return Err(ScaleFailure::Fractional);
    }
    // The value is at least 10^(digits - 1 + exponent); from 10^19 on it exceeds i64. This
    // check also keeps the numeral within the 28 significant digits of a Decimal.
    if int_digits.len() + exponent as usize > 19 {
        return Err(ScaleFailure::Overflow);
    }
    let int_digits = if int_digits.is_empty() {
        "0"
    } else {
        int_digits
    };
    let numeral = if frac_digits.is_empty() {
        int_digits.to_owned()
    } else {
        format!("{int_digits}.{frac_digits}")
    };
    let value = Decimal::from_str_exact(&numeral).map_err(|_| ScaleFailure::Overflow)?;
    let factor = Decimal::from(10_i64.pow(exponent));
    let scaled = value.checked_mul(factor).ok_or(ScaleFailure::Overflow)?;
    if !scaled.fract().is_zero() {
        return Err(ScaleFailure::Fractional);
    }
    scaled.to_i64().ok_or(ScaleFailure::Overflow)
}

impl MoneyUnit {
    /// The power of ten of [`MoneyUnit::factor`].
    const fn exponent(self) -> u32 {
        match self {
            MoneyUnit::Yuan => 0,
            MoneyUnit::Wan => 4,
            MoneyUnit::Yi => 8,
        }
    }
}

impl Money {
    /// The number in `unit` with exactly `decimals` decimals, rounded half away from zero,
    /// without a unit: `Money::from_yuan(23_950_000_000).format_in(MoneyUnit::Yi, 2)` is "239.50".
    pub fn format_in(self, unit: MoneyUnit, decimals: u32) -> String {
        let magnitude = u128::from(self.0.unsigned_abs());
        let exponent = unit.exponent();
        // `kept` is the printed value times 10^`kept_decimals`.
        let (kept, kept_decimals) = if decimals >= exponent {
            (magnitude, exponent)
        } else {
            let divisor = 10_u128.pow(exponent - decimals);
            ((magnitude + divisor / 2) / divisor, decimals)
        };
        let scale = 10_u128.pow(kept_decimals);
        let mut out = String::new();
        if self.0 < 0 && kept != 0 {
            out.push('-');
        }
        out.push_str(&(kept / scale).to_string());
        if decimals > 0 {
            out.push('.');
            if kept_decimals > 0 {
                out.push_str(&format!(
                    "{:0width$}",
                    kept % scale,
                    width = kept_decimals as usize
                ));
            }
            out.extend(std::iter::repeat_n(
                '0',
                (decimals - kept_decimals) as usize,
            ));
        }
        out
    }
    /// The exact value in `unit`, trailing zeros trimmed, with the unit label: "239.5亿元",
    /// "1200万元", "12345元". `parse_money(&m.format_exact(u), any)` returns `m` for every `m`.
    pub fn format_exact(self, unit: MoneyUnit) -> String {
        let magnitude = self.0.unsigned_abs();
        let factor = unit.factor().unsigned_abs();
        let mut out = String::new();
        if self.0 < 0 {
            out.push('-');
        }
        out.push_str(&(magnitude / factor).to_string());
        let remainder = magnitude % factor;
        if remainder != 0 {
            let fraction = format!("{:0width$}", remainder, width = unit.exponent() as usize);
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push_str(unit.label());
        out
    }
    /// The unit a reader expects for this size: 亿元 from 1亿, 万元 from 1万, else 元.
    pub fn natural_unit(self) -> MoneyUnit {
        let magnitude = self.0.unsigned_abs();
        if magnitude >= MoneyUnit::Yi.factor().unsigned_abs() {
            MoneyUnit::Yi
        } else if magnitude >= MoneyUnit::Wan.factor().unsigned_abs() {
            MoneyUnit::Wan
        } else {
            MoneyUnit::Yuan
        }
    }
}

/// The exact amount in its natural unit: "239.5亿元", "1200万元", "12345元".
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_exact(self.natural_unit()))
    }
}

/// Money reads from JSON as an integer number of yuan, or as the text officials write
/// ("3000万元", "1.2亿"), which must then be in yuan (人民币): a figure in another currency
/// belongs in a field that carries its currency.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer number of yuan or a text such as \"239.5亿元\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                i64::try_from(v)
                    .map(Money)
                    .map_err(|_| E::custom(MoneyError::Overflow(v.to_string())))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                let p = parse_money(v, MoneyUnit::Yuan).map_err(E::custom)?;
                if p.currency != Currency::Cny {
                    return Err(E::custom(format!("此处金额须为人民币：{v}")));
                }
                Ok(p.amount)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_field_reads_its_default_unit_and_checks_the_currency_it_names() {
        let mut cur = None;
        let wan = |t: &str, cur: &mut Option<Currency>| read_amount("x", t, MoneyUnit::Wan, cur);
        assert_eq!(wan("", &mut cur), Ok(None));
        assert_eq!(wan("12", &mut cur), Ok(Some(Money::from_yuan(120_000))));
        assert_eq!(cur, None, "a bare number names no currency");
        assert_eq!(
            wan("3亿元", &mut cur),
            Ok(Some(Money::from_yuan(300_000_000)))
        );
        assert_eq!(cur, None, "元 alone names no currency");
        assert_eq!(
            wan("100万美元", &mut cur),
            Ok(Some(Money::from_yuan(1_000_000)))
        );
        assert_eq!(cur, Some(Currency::Usd));
        let refused = wan("5万欧元", &mut cur).unwrap_err();
        assert_eq!((refused.field.as_str(), refused.code), ("x", "currency"));
        assert_eq!(cur, Some(Currency::Usd), "a refused text changes nothing");
        assert_eq!(wan("很多", &mut cur).unwrap_err().code, "money");
    }

    fn cny(yuan: i64) -> ParsedMoney {
        ParsedMoney {
            amount: Money::from_yuan(yuan),
            currency: Currency::Cny,
            approximate: false,
        }
    }

    fn approx(yuan: i64) -> ParsedMoney {
        ParsedMoney {
            approximate: true,
            ..cny(yuan)
        }
    }

    fn in_currency(yuan: i64, currency: Currency) -> ParsedMoney {
        ParsedMoney {
            currency,
            ..cny(yuan)
        }
    }

    fn parse(text: &str) -> Result<ParsedMoney, MoneyError> {
        parse_money(text, MoneyUnit::Yuan)
    }

    fn unrecognised(text: &str) -> Result<ParsedMoney, MoneyError> {
        Err(MoneyError::Unrecognised(text.to_owned()))
    }

    // ---- accepted forms -------------------------------------------------------------------

    #[test]
    fn parses_yi_with_decimal() {
        assert_eq!(parse("239.5亿元"), Ok(cny(23_950_000_000)));
        assert_eq!(parse("239.5亿"), Ok(cny(23_950_000_000)));
        assert_eq!(parse("3.45亿"), Ok(cny(345_000_000)));
        assert_eq!(parse("1678亿"), Ok(cny(167_800_000_000)));
    }

    #[test]
    fn parses_wan_with_thousands_separator() {
        assert_eq!(parse("1,200万元"), Ok(cny(12_000_000)));
        assert_eq!(parse("1200万"), Ok(cny(12_000_000)));
        assert_eq!(parse("12,345,678元"), Ok(cny(12_345_678)));
    }

    #[test]
    fn parses_plain_yuan() {
        assert_eq!(parse("12345元"), Ok(cny(12_345)));
        assert_eq!(parse("12345"), Ok(cny(12_345)));
        assert_eq!(parse("0"), Ok(cny(0)));
    }

    #[test]
    fn parses_wan_yi_as_ten_to_the_twelfth() {
        assert_eq!(parse("1.2万亿元"), Ok(cny(1_200_000_000_000)));
        assert_eq!(parse("3万亿"), Ok(cny(3_000_000_000_000)));
    }

    #[test]
    fn parses_fractional_wan_that_is_whole_yuan() {
        assert_eq!(parse("0.5万"), Ok(cny(5_000)));
        assert_eq!(parse("0.0001万元"), Ok(cny(1)));
        assert_eq!(parse("1.23456789亿"), Ok(cny(123_456_789)));
        assert_eq!(parse("1.50000亿"), Ok(cny(150_000_000)));
    }

    #[test]
    fn rejects_fractional_yuan() {
        for text in [
            "0.5元",
            "1.234567891亿",
            "0.00001万",
            "1.0000000000001万亿",
            "12.5",
        ] {
            assert_eq!(
                parse(text),
                Err(MoneyError::FractionalYuan(text.to_owned())),
                "{text}"
            );
        }
    }

    #[test]
    fn applies_default_unit_only_without_unit_character() {
        assert_eq!(parse_money("1,200", MoneyUnit::Wan), Ok(cny(12_000_000)));
        assert_eq!(parse_money("2.5", MoneyUnit::Yi), Ok(cny(250_000_000)));
        assert_eq!(parse_money("12345元", MoneyUnit::Wan), Ok(cny(12_345)));
        assert_eq!(parse_money("3亿", MoneyUnit::Wan), Ok(cny(300_000_000)));
        assert_eq!(parse_money("约12", MoneyUnit::Wan), Ok(approx(120_000)));
        assert_eq!(
            parse_money("12美元", MoneyUnit::Wan),
            Ok(in_currency(12, Currency::Usd))
        );
    }

    #[test]
    fn parses_foreign_currencies() {
        assert_eq!(
            parse("12亿美元"),
            Ok(in_currency(1_200_000_000, Currency::Usd))
        );
        assert_eq!(
            parse("1亿美金"),
            Ok(in_currency(100_000_000, Currency::Usd))
        );
        assert_eq!(parse("3万欧元"), Ok(in_currency(30_000, Currency::Eur)));
        assert_eq!(
            parse("5亿港元"),
            Ok(in_currency(500_000_000, Currency::Hkd))
        );
        assert_eq!(
            parse("5亿港币"),
            Ok(in_currency(500_000_000, Currency::Hkd))
        );
        assert_eq!(
            parse("100万日元"),
            Ok(in_currency(1_000_000, Currency::Jpy))
        );
        assert_eq!(
            parse("290亿英镑"),
            Ok(in_currency(29_000_000_000, Currency::Gbp))
        );
        assert_eq!(parse("$1,200"), Ok(in_currency(1_200, Currency::Usd)));
        assert_eq!(parse("US$3亿"), Ok(in_currency(300_000_000, Currency::Usd)));
        assert_eq!(
            parse("1200万 USD"),
            Ok(in_currency(12_000_000, Currency::Usd))
        );
    }

    #[test]
    fn parses_renminbi_markers() {
        assert_eq!(parse("人民币1亿元"), Ok(cny(100_000_000)));
        assert_eq!(parse("RMB 1200万元"), Ok(cny(12_000_000)));
        assert_eq!(parse("rmb1200万"), Ok(cny(12_000_000)));
        assert_eq!(parse("CNY 5亿"), Ok(cny(500_000_000)));
        assert_eq!(parse("1200万元人民币"), Ok(cny(12_000_000)));
        assert_eq!(parse("1200万人民币"), Ok(cny(12_000_000)));
        assert_eq!(parse("5亿元 RMB"), Ok(cny(500_000_000)));
        assert_eq!(parse("5亿CNY"), Ok(cny(500_000_000)));
        assert_eq!(parse("¥1,200"), Ok(cny(1_200)));
        assert_eq!(parse("￥1,200万元"), Ok(cny(12_000_000)));
    }

    #[test]
    fn rejects_conflicting_currencies() {
        for text in ["$12亿人民币", "人民币12亿美元", "12亿美元RMB", "¥5 USD"] {
            assert_eq!(parse(text), unrecognised(text), "{text}");
        }
    }

    #[test]
    fn folds_full_width_digits_and_punctuation() {
        assert_eq!(parse("２３９．５亿元"), Ok(cny(23_950_000_000)));
        assert_eq!(parse("１，２００万元"), Ok(cny(12_000_000)));
        assert_eq!(parse("1，200万元"), Ok(cny(12_000_000)));
        assert_eq!(parse("\u{3000}１２３４５元\u{3000}"), Ok(cny(12_345)));
    }

    #[test]
    fn ignores_whitespace_inside_and_around() {
        assert_eq!(parse("239.5 亿元"), Ok(cny(23_950_000_000)));
        assert_eq!(parse("  239.5亿 元\t"), Ok(cny(23_950_000_000)));
        assert_eq!(parse("约 3 亿"), Ok(approx(300_000_000)));
        assert_eq!(parse("1\u{200B}200万"), Ok(cny(12_000_000)));
    }

    #[test]
    fn marks_prefix_qualifiers_approximate() {
        assert_eq!(parse("约3亿"), Ok(approx(300_000_000)));
        assert_eq!(parse("近3000亿元"), Ok(approx(300_000_000_000)));
        assert_eq!(parse("逾700亿元"), Ok(approx(70_000_000_000)));
        assert_eq!(parse("超700亿元"), Ok(approx(70_000_000_000)));
        assert_eq!(parse("超过700亿元"), Ok(approx(70_000_000_000)));
        assert_eq!(parse("大约5万元"), Ok(approx(50_000)));
        assert_eq!(parse("将近1000亿元"), Ok(approx(100_000_000_000)));
        assert_eq!(parse("人民币约3亿元"), Ok(approx(300_000_000)));
        assert_eq!(parse("约人民币3亿元"), Ok(approx(300_000_000)));
    }

    #[test]
    fn marks_suffix_qualifiers_approximate() {
        assert_eq!(parse("300余亿"), Ok(approx(30_000_000_000)));
        assert_eq!(parse("300亿余"), Ok(approx(30_000_000_000)));
        assert_eq!(parse("300余亿元"), Ok(approx(30_000_000_000)));
        assert_eq!(parse("300多亿"), Ok(approx(30_000_000_000)));
        assert_eq!(parse("3亿多元"), Ok(approx(300_000_000)));
        assert_eq!(parse("500万余元"), Ok(approx(5_000_000)));
        assert_eq!(parse("1亿元以上"), Ok(approx(100_000_000)));
        assert_eq!(parse("3亿元左右"), Ok(approx(300_000_000)));
        assert_eq!(parse("300余元"), Ok(approx(300)));
        assert_eq!(parse("约3亿元左右"), Ok(approx(300_000_000)));
    }

    #[test]
    fn exact_values_are_not_approximate() {
        let parsed = parse("239.5亿元");
        assert_eq!(parsed.map(|p| p.approximate), Ok(false));
    }

    // ---- rejected forms -------------------------------------------------------------------

    #[test]
    fn rejects_negative_amounts() {
        for text in ["-5万", "－5万", "\u{2212}5万", "约-5万", "-¥5"] {
            assert_eq!(
                parse(text),
                Err(MoneyError::Negative(text.to_owned())),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_empty_and_whitespace() {
        assert_eq!(parse(""), Err(MoneyError::Empty));
        assert_eq!(parse("   "), Err(MoneyError::Empty));
        assert_eq!(parse("\u{3000}\t\n"), Err(MoneyError::Empty));
    }

    #[test]
    fn rejects_malformed_thousands_separators() {
        for text in [
            "1,2,00",
            "1,20",
            ",100",
            "100,",
            "1234,567",
            "1,000.5,0",
            "1.000,5",
        ] {
            assert_eq!(parse(text), unrecognised(text), "{text}");
        }
    }

    #[test]
    fn rejects_unrecognised_text_with_original_text() {
        for text in [
            "三亿",
            "abc",
            "12abc",
            "亿元",
            "约",
            "3亿4500万",
            "1.2.3亿",
            ".5亿",
            "5.亿",
            "--5",
            "5亿元整",
            "5千万",
            "+5",
            "１２ｘ",
        ] {
            assert_eq!(parse(text), unrecognised(text), "{text}");
        }
    }

    #[test]
    fn rejects_overflow() {
        for text in [
            "9223372036854775808",
            "99999999999999999999999999999999999",
            "92233720368.54775808亿",
            "10000000万亿",
        ] {
            assert_eq!(
                parse(text),
                Err(MoneyError::Overflow(text.to_owned())),
                "{text}"
            );
        }
        assert_eq!(parse("9223372036854775807"), Ok(cny(i64::MAX)));
        assert_eq!(parse("92233720368.54775807亿元"), Ok(cny(i64::MAX)));
    }

    #[test]
    fn accepts_long_trailing_zeros_and_leading_zeros() {
        assert_eq!(parse("1.000000000000000000000000000000000元"), Ok(cny(1)));
        assert_eq!(parse("0000000000000000000000000000012元"), Ok(cny(12)));
    }

    // ---- formatting -----------------------------------------------------------------------

    #[test]
    fn formats_in_unit_with_fixed_decimals() {
        let m = Money::from_yuan(23_950_000_000);
        assert_eq!(m.format_in(MoneyUnit::Yi, 2), "239.50");
        assert_eq!(m.format_in(MoneyUnit::Yi, 0), "240");
        assert_eq!(m.format_in(MoneyUnit::Wan, 2), "2395000.00");
        assert_eq!(m.format_in(MoneyUnit::Yuan, 0), "23950000000");
        assert_eq!(
            Money::from_yuan(12_345).format_in(MoneyUnit::Yuan, 2),
            "12345.00"
        );
        assert_eq!(Money::from_yuan(1).format_in(MoneyUnit::Wan, 6), "0.000100");
    }

    #[test]
    fn format_in_rounds_half_away_from_zero() {
        assert_eq!(
            Money::from_yuan(12_345).format_in(MoneyUnit::Wan, 3),
            "1.235"
        );
        assert_eq!(
            Money::from_yuan(12_344).format_in(MoneyUnit::Wan, 3),
            "1.234"
        );
        assert_eq!(
            Money::from_yuan(-12_345).format_in(MoneyUnit::Wan, 3),
            "-1.235"
        );
        assert_eq!(Money::from_yuan(5_000).format_in(MoneyUnit::Wan, 0), "1");
        assert_eq!(Money::from_yuan(-5_000).format_in(MoneyUnit::Wan, 0), "-1");
        assert_eq!(Money::from_yuan(4_999).format_in(MoneyUnit::Wan, 0), "0");
        assert_eq!(Money::from_yuan(-1).format_in(MoneyUnit::Yi, 2), "0.00");
    }

    #[test]
    fn format_in_handles_extremes() {
        assert_eq!(
            Money::from_yuan(i64::MAX).format_in(MoneyUnit::Yi, 2),
            "92233720368.55"
        );
        assert_eq!(
            Money::from_yuan(i64::MIN).format_in(MoneyUnit::Yi, 8),
            "-92233720368.54775808"
        );
    }

    #[test]
    fn formats_exact_with_trimmed_zeros_and_label() {
        assert_eq!(
            Money::from_yuan(23_950_000_000).format_exact(MoneyUnit::Yi),
            "239.5亿元"
        );
        assert_eq!(
            Money::from_yuan(12_000_000).format_exact(MoneyUnit::Wan),
            "1200万元"
        );
        assert_eq!(
            Money::from_yuan(12_345).format_exact(MoneyUnit::Yuan),
            "12345元"
        );
        assert_eq!(
            Money::from_yuan(1).format_exact(MoneyUnit::Wan),
            "0.0001万元"
        );
        assert_eq!(Money::from_yuan(0).format_exact(MoneyUnit::Yi), "0亿元");
        assert_eq!(
            Money::from_yuan(-50_000).format_exact(MoneyUnit::Wan),
            "-5万元"
        );
        assert_eq!(
            Money::from_yuan(i64::MIN).format_exact(MoneyUnit::Yi),
            "-92233720368.54775808亿元"
        );
    }

    #[test]
    fn picks_natural_unit_by_size() {
        assert_eq!(Money::from_yuan(100_000_000).natural_unit(), MoneyUnit::Yi);
        assert_eq!(Money::from_yuan(99_999_999).natural_unit(), MoneyUnit::Wan);
        assert_eq!(Money::from_yuan(10_000).natural_unit(), MoneyUnit::Wan);
        assert_eq!(Money::from_yuan(9_999).natural_unit(), MoneyUnit::Yuan);
        assert_eq!(Money::from_yuan(-100_000_000).natural_unit(), MoneyUnit::Yi);
        assert_eq!(Money::from_yuan(i64::MIN).natural_unit(), MoneyUnit::Yi);
    }

    #[test]
    fn displays_in_natural_unit() {
        assert_eq!(Money::from_yuan(23_950_000_000).to_string(), "239.5亿元");
        assert_eq!(Money::from_yuan(12_000_000).to_string(), "1200万元");
        assert_eq!(Money::from_yuan(12_345).to_string(), "1.2345万元");
        assert_eq!(Money::from_yuan(999).to_string(), "999元");
        assert_eq!(Money::from_yuan(-3).to_string(), "-3元");
    }

    // ---- properties -----------------------------------------------------------------------

    fn any_unit() -> impl Strategy<Value = MoneyUnit> {
        prop_oneof![
            Just(MoneyUnit::Yuan),
            Just(MoneyUnit::Wan),
            Just(MoneyUnit::Yi)
        ]
    }

    proptest! {
        #[test]
        fn format_exact_parses_back(m in 0_i64..9_000_000_000_000_000, unit in any_unit()) {
            let text = Money::from_yuan(m).format_exact(unit);
            prop_assert_eq!(parse_money(&text, MoneyUnit::Yuan), Ok(cny(m)));
        }

        #[test]
        fn format_exact_parses_back_over_whole_range(m in 0_i64..=i64::MAX, unit in any_unit(),
                                                     default in any_unit()) {
            let text = Money::from_yuan(m).format_exact(unit);
            prop_assert_eq!(parse_money(&text, default), Ok(cny(m)));
        }

        #[test]
        fn format_in_yi_with_eight_decimals_parses_back(m in 0_i64..9_000_000_000_000_000) {
            let text = Money::from_yuan(m).format_in(MoneyUnit::Yi, 8);
            prop_assert_eq!(parse_money(&text, MoneyUnit::Yi), Ok(cny(m)));
        }

        #[test]
        fn display_parses_back(m in 0_i64..=i64::MAX) {
            prop_assert_eq!(parse(&Money::from_yuan(m).to_string()), Ok(cny(m)));
        }

        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "\\PC*", unit in any_unit()) {
            let _ = parse_money(&text, unit);
        }

        #[test]
        fn parse_never_panics_on_money_like_text(
            text in "[0-9.,万亿元约余多美金人民币$¥￥－ ,，]{0,24}", unit in any_unit()
        ) {
            // Whatever it returns, an accepted amount is never negative.
            if let Ok(parsed) = parse_money(&text, unit) {
                prop_assert!(parsed.amount.yuan() >= 0);
            }
        }

        #[test]
        fn thousands_separators_do_not_change_value(m in 0_i64..=i64::MAX) {
            let plain = m.to_string();
            let mut grouped = String::new();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            prop_assert_eq!(parse(&grouped), Ok(cny(m)));
        }
    }
}
