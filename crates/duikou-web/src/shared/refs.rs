//! Reference data a page shows by name or offers in a select: regions, partnerships, orgs
//! (readable by every signed-in user).

use std::collections::HashMap;

use duikou_core::org::{Org, OrgKind};
use duikou_core::partnership::Partnership;
use duikou_core::region::Region;
use duikou_store::{RegionFilter, StoreError};

use crate::shared::i18n::Lang;
use crate::AppState;

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct Refs {
    pub regions: Vec<Region>,
    pub partnerships: Vec<Partnership>,
    pub orgs: Vec<Org>,
    region_names: HashMap<String, String>,
}

impl Refs {
    pub async fn load(s: &AppState) -> Result<Refs, StoreError> {
        let regions = s.store.regions(&RegionFilter::default()).await?;
        let region_names = regions
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        Ok(Refs {
            regions,
            partnerships: s.store.partnerships().await?,
            orgs: s.store.orgs(None).await?,
            region_names,
        })
    }

    /// A region's name in `lang` (its code when unknown).
    pub fn region_name(&self, lang: Lang, code: &str) -> String {
        match self.region_names.get(code) {
            Some(n) => lang.data(n).into_owned(),
            None => code.to_owned(),
        }
    }

    /// A region named with its parent (沈阳市和平区, 天津市和平区), so that two of the same
    /// name read apart.
    pub fn region_with_parent(&self, lang: Lang, code: &str) -> String {
        let parent = self
            .regions
            .iter()
            .find(|r| r.code == code)
            .and_then(|r| r.parent_code.as_deref());
        match parent {
            Some(p) => format!(
                "{}{}",
                self.region_name(lang, p),
                self.region_name(lang, code)
            ),
            None => self.region_name(lang, code),
        }
    }

    pub fn partnership_name(&self, lang: Lang, id: Option<i64>) -> String {
        id.and_then(|id| self.partnerships.iter().find(|p| p.id == id))
            .map(|p| lang.data(&p.name).into_owned())
            .unwrap_or_default()
    }

    pub fn org_name(&self, lang: Lang, id: Option<i64>) -> String {
        id.and_then(|id| self.orgs.iter().find(|o| o.id == id))
            .map(|o| lang.data(&o.name).into_owned())
            .unwrap_or_default()
    }

    /// Regions in tree order, each label indented by its depth.
    pub fn region_choices(&self, lang: Lang) -> Vec<Choice> {
        self.regions
            .iter()
            .map(|r| {
                let depth = r.path.matches('/').count().saturating_sub(2);
                Choice {
                    value: r.code.clone(),
                    label: format!(
                        "{}{} {}",
                        "\u{3000}".repeat(depth),
                        lang.data(&r.name),
                        r.code
                    ),
                }
            })
            .collect()
    }

    pub fn partnership_choices(&self, lang: Lang) -> Vec<Choice> {
        self.partnerships
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: lang.data(&p.name).into_owned(),
            })
            .collect()
    }

    /// Every unit, disabled ones too: the choices of a list's filter.
    pub fn org_choices(&self, lang: Lang) -> Vec<Choice> {
        self.unit_choices(lang, |_| true)
    }

    /// Units in the order an office looks for them — by region (a province, then its cities
    /// and districts), then by kind (offices, departments, governments, zones, enterprises …),
    /// then by name — each named with its region ("沈阳市浑南区 · 浑南区发展和改革局"), so that a
    /// long list reads in groups and typing a district's name finds its units.
    fn unit_choices(&self, lang: Lang, keep: impl Fn(&Org) -> bool) -> Vec<Choice> {
        let path = |code: &str| {
            self.regions
                .iter()
                .find(|r| r.code == code)
                .map_or_else(|| code.to_owned(), |r| r.path.clone())
        };
        let mut units: Vec<(String, usize, &Org)> = self
            .orgs
            .iter()
            .filter(|o| keep(o))
            .map(|o| {
                let kind = OrgKind::ALL.iter().position(|k| *k == o.kind).unwrap_or(99);
                (path(&o.region_code), kind, o)
            })
            .collect();
        units.sort_by(|a, b| (&a.0, a.1, &a.2.name).cmp(&(&b.0, b.1, &b.2.name)));
        units
            .into_iter()
            .map(|(_, _, o)| Choice {
                value: o.id.to_string(),
                label: format!(
                    "{} · {}",
                    self.region_with_parent(lang, &o.region_code),
                    lang.data(&o.name)
                ),
            })
            .collect()
    }
}

impl Refs {
    /// The units a form offers: those not disabled, and a disabled one only where the form
    /// holds it already (`keep`, the values of its unit fields), so that an edit keeps it.
    pub fn open_org_choices(&self, lang: Lang, keep: &[&str]) -> Vec<Choice> {
        self.unit_choices(lang, |o| {
            !o.disabled || keep.contains(&o.id.to_string().as_str())
        })
    }

    /// Names a history value that refers to an org, a region or a partnership.
    pub fn name_of(&self, lang: Lang, field: &str, v: &serde_json::Value) -> Option<String> {
        if field.ends_with("org_id") {
            return v.as_i64().map(|id| self.org_name(lang, Some(id)));
        }
        if field.ends_with("region_code") {
            return v.as_str().map(|c| self.region_name(lang, c));
        }
        if field == "partnership_id" {
            return v.as_i64().map(|id| self.partnership_name(lang, Some(id)));
        }
        None
    }
}
