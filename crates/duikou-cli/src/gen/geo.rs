//! The synthetic country: 31 provinces with their real codes and names, 342 cities,
//! 2 901 districts and a zone for every third city, with made-up names; and 50 partnerships
//! (20 province pairings, 30 city pairings nested under them). The same for every seed, so
//! that benchmark scopes name the same regions whatever the seed.

use duikou_store::{BulkPartnership, BulkRegion};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PROVINCES: &[(u32, &str)] = &[
    (11, "北京市"),
    (12, "天津市"),
    (13, "河北省"),
    (14, "山西省"),
    (15, "内蒙古自治区"),
    (21, "辽宁省"),
    (22, "吉林省"),
    (23, "黑龙江省"),
    (31, "上海市"),
    (32, "江苏省"),
    (33, "浙江省"),
    (34, "安徽省"),
    (35, "福建省"),
    (36, "江西省"),
    (37, "山东省"),
    (41, "河南省"),
    (42, "湖北省"),
    (43, "湖南省"),
    (44, "广东省"),
    (45, "广西壮族自治区"),
    (46, "海南省"),
    (50, "重庆市"),
    (51, "四川省"),
    (52, "贵州省"),
    (53, "云南省"),
    (54, "西藏自治区"),
    (61, "陕西省"),
    (62, "甘肃省"),
    (63, "青海省"),
    (64, "宁夏回族自治区"),
    (65, "新疆维吾尔自治区"),
];

/// Syllables of made-up place names.
const SYLLABLES: &[&str] = &[
    "安", "宝", "滨", "昌", "长", "成", "春", "大", "德", "东", "丰", "福", "阜", "高", "广", "海",
    "和", "河", "衡", "宏", "华", "淮", "建", "江", "金", "锦", "靖", "开", "康", "兰", "乐", "丽",
    "林", "临", "隆", "鲁", "明", "南", "宁", "平", "普", "齐", "庆", "泉", "瑞", "山", "胜", "石",
    "顺", "松", "泰", "通", "万", "威", "文", "武", "西", "祥", "新", "兴", "阳", "义", "永", "元",
    "云", "泽", "章", "镇", "中", "州",
];

/// Provinces that host projects (receiving side) and those that send them, paired in order.
const HOSTS: &[u32] = &[
    21, 22, 23, 15, 62, 63, 64, 65, 52, 53, 54, 45, 50, 51, 61, 14, 36, 34, 41, 42,
];
const SOURCES: &[u32] = &[
    32, 33, 44, 11, 31, 12, 35, 37, 44, 33, 11, 44, 31, 32, 37, 12, 35, 33, 11, 44,
];

pub struct Place {
    pub code: String,
    pub path: String,
    pub name: String,
}

/// A city with its districts and zones, where projects are hosted or come from.
pub struct City {
    pub place: Place,
    pub districts: Vec<Place>,
}

pub struct Province {
    pub place: Place,
    pub cities: Vec<City>,
}

pub struct Geo {
    pub provinces: Vec<Province>,
    pub regions: Vec<BulkRegion>,
}

fn place_name(rng: &mut ChaCha8Rng, suffix: &str) -> String {
    let a = SYLLABLES.choose(rng).copied().unwrap_or("安");
    let b = SYLLABLES.choose(rng).copied().unwrap_or("宁");
    format!("{a}{b}{suffix}")
}

pub fn build() -> Geo {
    let mut rng = ChaCha8Rng::seed_from_u64(0x0067_656f);
    let mut provinces = Vec::new();
    let mut regions = Vec::new();
    for &(pc, pname) in PROVINCES {
        let pcode = format!("{pc:02}0000");
        let ppath = format!("/{pcode}/");
        regions.push(BulkRegion {
            code: pcode.clone(),
            name: pname.to_owned(),
            kind: "province",
            parent_code: None,
            path: ppath.clone(),
        });
        let mut cities = Vec::new();
        let n_cities = rng.gen_range(6..=15);
        for c in 1..=n_cities {
            let ccode = format!("{pc:02}{c:02}00");
            let cpath = format!("{ppath}{ccode}/");
            let cname = place_name(&mut rng, "市");
            regions.push(BulkRegion {
                code: ccode.clone(),
                name: cname.clone(),
                kind: "city",
                parent_code: Some(pcode.clone()),
                path: cpath.clone(),
            });
            let mut districts = Vec::new();
            let n_districts = rng.gen_range(4..=13);
            for d in 1..=n_districts {
                let dcode = format!("{pc:02}{c:02}{d:02}");
                let suffix = if rng.gen_bool(0.6) { "区" } else { "县" };
                let dname = place_name(&mut rng, suffix);
                let dpath = format!("{cpath}{dcode}/");
                regions.push(BulkRegion {
                    code: dcode.clone(),
                    name: dname.clone(),
                    kind: "district",
                    parent_code: Some(ccode.clone()),
                    path: dpath.clone(),
                });
                districts.push(Place {
                    code: dcode,
                    path: dpath,
                    name: dname,
                });
            }
            if c % 3 == 1 {
                let zcode = format!("{pc:02}{c:02}91");
                let zname = format!("{}经济技术开发区", cname.trim_end_matches('市'));
                let zpath = format!("{cpath}{zcode}/");
                regions.push(BulkRegion {
                    code: zcode.clone(),
                    name: zname.clone(),
                    kind: "zone",
                    parent_code: Some(ccode.clone()),
                    path: zpath.clone(),
                });
                districts.push(Place {
                    code: zcode,
                    path: zpath,
                    name: zname,
                });
            }
            cities.push(City {
                place: Place {
                    code: ccode,
                    path: cpath,
                    name: cname,
                },
                districts,
            });
        }
        provinces.push(Province {
            place: Place {
                code: pcode,
                path: ppath,
                name: pname.to_owned(),
            },
            cities,
        });
    }
    Geo { provinces, regions }
}

impl Geo {
    pub fn province(&self, code2: u32) -> usize {
        let code = format!("{code2:02}0000");
        self.provinces
            .iter()
            .position(|p| p.place.code == code)
            .unwrap_or(0)
    }
}

/// Where a partnership's projects are hosted and where they come from: a province or one of
/// its cities on each side.
#[derive(Debug, Clone, Copy)]
pub struct Sides {
    pub host_province: usize,
    pub host_city: Option<usize>,
    pub source_province: usize,
    pub source_city: Option<usize>,
}

pub struct PartnershipPlan {
    pub row: BulkPartnership,
    pub sides: Sides,
}

/// 20 province pairings with ids `first_id..`, and 30 city pairings under them.
pub fn partnerships(geo: &Geo, first_id: i64) -> Vec<PartnershipPlan> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x7061_7274);
    let mut out: Vec<PartnershipPlan> = Vec::new();
    let mut id = first_id;
    for (i, (&h, &s)) in HOSTS.iter().zip(SOURCES).enumerate() {
        let hp = geo.province(h);
        let sp = geo.province(s);
        let (hn, sn) = (&geo.provinces[hp].place, &geo.provinces[sp].place);
        let short = |n: &str| n.chars().take(2).collect::<String>();
        out.push(PartnershipPlan {
            row: BulkPartnership {
                id,
                slug: format!("p{i:02}-{}-{}", sn.code, hn.code),
                name: format!("{}与{}对口合作", short(&sn.name), short(&hn.name)),
                kind: "counterpart",
                parent_id: None,
                side_a_region: Some(sn.code.clone()),
                side_b_region: Some(hn.code.clone()),
                since: Some("2017-03-01".into()),
                path: format!("/{id}/"),
            },
            sides: Sides {
                host_province: hp,
                host_city: None,
                source_province: sp,
                source_city: None,
            },
        });
        id += 1;
    }
    for j in 0..30usize {
        let parent = &out[j % HOSTS.len()];
        let sides = parent.sides;
        let hc = rng.gen_range(0..geo.provinces[sides.host_province].cities.len());
        let sc = rng.gen_range(0..geo.provinces[sides.source_province].cities.len());
        let h = &geo.provinces[sides.host_province].cities[hc].place;
        let s = &geo.provinces[sides.source_province].cities[sc].place;
        let row = BulkPartnership {
            id,
            slug: format!("c{j:02}-{}-{}", s.code, h.code),
            name: format!("{}与{}对口合作", s.name, h.name),
            kind: "counterpart",
            parent_id: Some(parent.row.id),
            side_a_region: Some(s.code.clone()),
            side_b_region: Some(h.code.clone()),
            since: Some("2018-01-01".into()),
            path: format!("{}{id}/", parent.row.path),
        };
        out.push(PartnershipPlan {
            row,
            sides: Sides {
                host_city: Some(hc),
                source_city: Some(sc),
                ..sides
            },
        });
        id += 1;
    }
    out
}
