//! Languages of the pages: zh-Hans by default, zh-Hant and English by a switch that sticks
//! (the `duikou_lang` cookie, set by `?lang=` on any page). UI words come from the message
//! catalogs in `catalog/`; in zh-Hant, data text (names, notes) is converted with OpenCC
//! (Taiwan phrases, `s2twp`) when shown, the stored text unchanged.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const LANG_COOKIE: &str = "duikou_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhHans,
    ZhHant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    /// The BCP 47 tag, as in `?lang=` and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The label of the switch: 简 / 繁 / EN.
    pub fn switch_label(self) -> &'static str {
        match self {
            Lang::ZhHans => "简",
            Lang::ZhHant => "繁",
            Lang::En => "EN",
        }
    }

    fn catalog(self) -> &'static HashMap<&'static str, &'static str> {
        match self {
            Lang::ZhHans => &ZH_HANS,
            Lang::ZhHant => &ZH_HANT,
            Lang::En => &EN,
        }
    }

    /// The UI text of `key`; the zh-Hans text when this catalog lacks it, the key itself when
    /// no catalog has it (a test checks that every key used exists in every catalog).
    pub fn t(self, key: &str) -> &'static str {
        self.catalog()
            .get(key)
            .or_else(|| ZH_HANS.get(key))
            .copied()
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing message");
                "?"
            })
    }

    /// The UI text of `key` in this catalog, if it has one (for keys made at run time).
    pub fn t_opt(self, key: &str) -> Option<&'static str> {
        self.catalog().get(key).copied()
    }

    /// Data text as shown in this language: converted to Traditional (Taiwan) in zh-Hant.
    pub fn data<'a>(self, text: &'a str) -> Cow<'a, str> {
        match (self, OPENCC.as_ref()) {
            (Lang::ZhHant, Some(cc)) => Cow::Owned(cc.convert(text)),
            _ => Cow::Borrowed(text),
        }
    }

    /// A message of the core or store (written in zh-Hans) in this language's script. English
    /// readers get the Chinese message: the code of the error is translated where it is known.
    pub fn message(self, text: &str) -> String {
        self.data(text).into_owned()
    }
}

static OPENCC: LazyLock<Option<ferrous_opencc::OpenCC>> = LazyLock::new(|| {
    ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2twp)
        .map_err(|e| tracing::error!(error = %e, "OpenCC tables failed to load"))
        .ok()
});

static ZH_HANS: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_catalog(include_str!("catalog/zh-Hans.txt")));
static ZH_HANT: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_catalog(include_str!("catalog/zh-Hant.txt")));
static EN: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse_catalog(include_str!("catalog/en.txt")));

/// `key = text` lines; `#` starts a comment line; a text in double quotes keeps its spaces.
pub(crate) fn parse_catalog(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            (k.trim(), v)
        })
        .collect()
}

/// Reads the language of the request (`?lang=`, else the cookie, else zh-Hans) into the
/// request's extensions; when `?lang=` names one, the answer sets the cookie so it sticks
/// (and a signed-in user's choice is kept on the user, see `page::PageUser`; the login sets
/// the cookie from it).
/// Also renders the error pages handlers leave behind, in that language.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let (lang, from_query) = request_lang(&req);
    req.extensions_mut().insert(lang);
    let response = next.run(req).await;
    let mut response = crate::shared::page::render_error_page(response, lang);
    if let Some(v) = from_query.and_then(|l| lang_cookie(l.code())) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// The language of a request (`?lang=`, else the cookie, else zh-Hans), and the one
/// `?lang=` names if it does.
pub fn request_lang(req: &Request) -> (Lang, Option<Lang>) {
    let from_query = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let from_cookie = cookie_lang(req.headers());
    (from_query.or(from_cookie).unwrap_or_default(), from_query)
}

/// The language this browser's cookie keeps, if it keeps one.
pub fn cookie_lang(headers: &axum::http::HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v))
}

/// The cookie that keeps a language (`None` for an unknown tag).
pub fn lang_cookie(code: &str) -> Option<HeaderValue> {
    let l = Lang::parse(code)?;
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        l.code()
    );
    HeaderValue::from_str(&cookie).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &'static str) -> std::collections::BTreeSet<&'static str> {
        parse_catalog(text).into_keys().collect()
    }

    #[test]
    fn every_catalog_has_the_same_keys() {
        let hans = keys(include_str!("catalog/zh-Hans.txt"));
        let hant = keys(include_str!("catalog/zh-Hant.txt"));
        let en = keys(include_str!("catalog/en.txt"));
        type Keys = std::collections::BTreeSet<&'static str>;
        fn missing(a: &Keys, b: &Keys) -> Vec<&'static str> {
            a.difference(b).copied().collect()
        }
        assert_eq!(
            missing(&hans, &hant),
            Vec::<&str>::new(),
            "missing in zh-Hant"
        );
        assert_eq!(missing(&hans, &en), Vec::<&str>::new(), "missing in en");
        assert_eq!(
            missing(&hant, &hans),
            Vec::<&str>::new(),
            "extra in zh-Hant"
        );
        assert_eq!(missing(&en, &hans), Vec::<&str>::new(), "extra in en");
    }

    #[test]
    fn every_key_the_templates_and_code_use_is_in_the_catalog() {
        let hans = keys(include_str!("catalog/zh-Hans.txt"));
        // Every file of the crate's sources: code and the templates beside it.
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        let mut used = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read");
                // Calls of `page.t`, `lang.t` and `{{ t(...) }}` with a literal key.
                for pattern in [".t(\"", "{ t(\""] {
                    for part in text.split(pattern).skip(1) {
                        if let Some((key, _)) = part.split_once('"') {
                            used.push((key.to_owned(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        assert!(
            used.len() > 50,
            "the scan found too few keys: {}",
            used.len()
        );
        let unknown: Vec<_> = used
            .iter()
            .filter(|(k, _)| !hans.contains(k.as_str()))
            .collect();
        assert!(unknown.is_empty(), "keys missing from zh-Hans: {unknown:?}");
    }

    #[test]
    fn traditional_chinese_converts_place_names_and_phrases() {
        assert_eq!(Lang::ZhHant.data("沈阳浑南区"), "瀋陽渾南區");
        assert_eq!(Lang::ZhHant.data("重大项目"), "重大專案");
        assert_eq!(Lang::ZhHans.data("沈阳"), "沈阳");
        assert_eq!(Lang::En.data("沈阳"), "沈阳");
    }

    /// Writes `catalog/zh-Hant.txt` from `zh-Hans.txt` through OpenCC (s2twp), then the fixes
    /// below. Run by hand after changing zh-Hans: `cargo test -p duikou-web --lib
    /// regenerate_zh_hant_catalog -- --ignored`, and review the diff.
    #[test]
    #[ignore]
    fn regenerate_zh_hant_catalog() {
        // Terms where Taiwan usage differs from OpenCC's phrase table, or where a product word
        // must stay as officials in the region write it.
        const FIXES: [(&str, &str); 12] = [
            ("程式碼", "代碼"),
            ("許可權", "權限"),
            ("計劃", "計畫"),
            ("平臺", "平台"),
            ("工作臺", "工作台"),
            ("臺賬", "台帳"),
            ("稽核透過", "審核通過"),
            ("稽核", "審核"),
            ("隻有", "只有"),
            ("預警物件", "預警對象"),
            ("型別", "類型"),
            ("賬號", "帳號"),
        ];
        let source = include_str!("catalog/zh-Hans.txt");
        let mut out = String::new();
        for line in source.lines() {
            let converted = match line.split_once('=') {
                Some((k, v)) if !line.trim_start().starts_with('#') => {
                    let mut v = Lang::ZhHant.data(v).into_owned();
                    for (from, to) in FIXES {
                        v = v.replace(from, to);
                    }
                    format!("{k}={v}")
                }
                _ => line.replace(
                    "zh-Hans (the reference)",
                    "zh-Hant (made from zh-Hans by OpenCC s2twp, then reviewed)",
                ),
            };
            out.push_str(&converted);
            out.push('\n');
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/shared/catalog/zh-Hant.txt"
        );
        std::fs::write(path, out).expect("write zh-Hant catalog");
    }

    #[test]
    fn languages_parse_from_their_tags() {
        assert_eq!(Lang::parse("zh-hant"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
