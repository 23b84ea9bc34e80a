//! Names for generated records: industries, enterprise names, project names, leaders' titles.
//! Everything here is assembled from short word lists; any likeness to a real enterprise is
//! accidental.

use std::collections::HashSet;

use duikou_core::project::Category;
use duikou_core::region::RegionKind;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::regions;

/// (industry, enterprise word, project name endings for investment projects).
const INDUSTRIES: &[(&str, &str, &[&str])] = &[
    (
        "新材料",
        "新材料科技",
        &[
            "新材料产业园项目",
            "高性能复合材料生产基地",
            "新材料研发及产业化项目",
        ],
    ),
    (
        "智能制造",
        "智能装备",
        &["智能制造基地", "智能装备产业园项目", "工业机器人生产线项目"],
    ),
    (
        "生物医药",
        "生物医药",
        &[
            "生物医药产业园项目",
            "创新药研发生产基地",
            "生物制剂产业化项目",
        ],
    ),
    (
        "集成电路",
        "微电子",
        &[
            "集成电路封装测试基地",
            "半导体材料生产项目",
            "芯片设计研发中心",
        ],
    ),
    (
        "新能源汽车",
        "新能源汽车科技",
        &[
            "新能源汽车零部件产业园",
            "动力电池生产基地",
            "电驱动系统生产项目",
        ],
    ),
    (
        "现代物流",
        "供应链管理",
        &["智慧物流园项目", "冷链物流中心", "跨境电商物流枢纽项目"],
    ),
    (
        "文化旅游",
        "文化旅游发展",
        &["文旅综合体项目", "文化创意产业园", "康养旅游度假区项目"],
    ),
    (
        "数字经济",
        "数字科技",
        &["数字经济产业园", "大数据中心项目", "工业互联网平台项目"],
    ),
    (
        "现代农业",
        "农业科技",
        &["现代农业产业园", "农产品精深加工项目", "智慧农业示范基地"],
    ),
    (
        "节能环保",
        "环保科技",
        &[
            "固废资源化利用项目",
            "节能环保装备产业园",
            "污水处理提标改造项目",
        ],
    ),
    (
        "高端装备",
        "重工装备",
        &[
            "高端装备制造基地",
            "精密数控机床项目",
            "大型成套装备生产项目",
        ],
    ),
    (
        "航空航天",
        "航空科技",
        &["航空零部件产业园", "通用航空产业基地", "航空结构件生产项目"],
    ),
    (
        "新一代信息技术",
        "信息技术",
        &["软件和信息服务产业园", "信创产业基地", "云计算中心项目"],
    ),
    (
        "医疗器械",
        "医疗器械",
        &[
            "医疗器械产业园",
            "高端医用耗材生产项目",
            "医学影像设备生产基地",
        ],
    ),
    (
        "食品加工",
        "食品",
        &["食品产业园项目", "中央厨房项目", "绿色食品加工基地"],
    ),
    (
        "新能源",
        "新能源科技",
        &["光伏组件生产基地", "风电装备产业园", "氢能产业园项目"],
    ),
    (
        "大健康",
        "健康产业",
        &["大健康产业园", "康复医疗中心项目", "健康养老综合体项目"],
    ),
];

const BRAND_1: &[char] = &[
    '华', '中', '恒', '远', '泰', '博', '瑞', '鼎', '汇', '盛', '宏', '锦', '凯', '嘉', '润', '联',
    '创', '金', '东', '卓', '明', '正', '启', '同',
];
const BRAND_2: &[char] = &[
    '芯', '宇', '达', '源', '科', '辰', '拓', '微', '景', '融', '泽', '邦', '禾', '锐', '航', '诺',
    '驰', '晟', '睿', '安', '信', '澜', '峰', '越',
];
const COMPANY_ENDINGS: &[&str] = &["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"];

/// Picks an industry: (name, enterprise word, investment-project endings).
fn industry(rng: &mut ChaCha8Rng) -> (&'static str, &'static str, &'static [&'static str]) {
    let (a, b, c) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
    (a, b, c)
}

fn brand(rng: &mut ChaCha8Rng) -> String {
    let a = BRAND_1[rng.gen_range(0..BRAND_1.len())];
    let b = BRAND_2[rng.gen_range(0..BRAND_2.len())];
    format!("{a}{b}")
}

/// A plausible enterprise of `city` ("北京华芯微电子有限公司").
pub fn enterprise(rng: &mut ChaCha8Rng, city: &str, brand: &str, word: &str) -> String {
    let city = city.trim_end_matches(['市', '省']);
    let ending = COMPANY_ENDINGS[rng.gen_range(0..COMPANY_ENDINGS.len())];
    format!("{city}{brand}{word}{ending}")
}

const GOODS: &[&str] = &[
    "海参",
    "大米",
    "食用菌",
    "牛肉",
    "草莓",
    "海盐",
    "苹果",
    "蓝莓",
    "水产品",
    "木耳",
    "鲜玉米",
    "人参",
    "杂粮",
    "乳制品",
];
const TRADERS: &[&str] = &["商贸", "供应链管理", "农产品", "食品", "国际贸易"];
/// (technology topic, industry).
const TECH: &[(&str, &str)] = &[
    ("工业互联网", "数字经济"),
    ("智能传感器", "智能制造"),
    ("新能源汽车关键技术", "新能源汽车"),
    ("高效供热", "节能环保"),
    ("海洋工程装备", "高端装备"),
    ("医用材料", "医疗器械"),
    ("储能", "新能源"),
    ("精密加工", "高端装备"),
    ("氢燃料电池", "新能源"),
    ("工业软件", "新一代信息技术"),
    ("生物育种", "现代农业"),
    ("先进陶瓷材料", "新材料"),
    ("创新药", "生物医药"),
];
/// (financing form, enterprise word).
const FINANCE: &[(&str, &str)] = &[
    ("产业投资基金", "投资管理"),
    ("供应链金融", "供应链管理"),
    ("融资租赁", "融资租赁"),
    ("科技信贷", "科技金融服务"),
    ("投贷联动", "投资管理"),
    ("并购基金", "资本管理"),
];
/// (consulting topic, industry).
const CONSULTING: &[(&str, &str)] = &[
    ("营商环境对标咨询", "科技服务"),
    ("园区运营管理", "科技服务"),
    ("国企改革咨询", "科技服务"),
    ("产业规划咨询", "科技服务"),
    ("招商策划服务", "科技服务"),
    ("酒店管理提升", "文化旅游"),
    ("数字政府建设咨询", "数字经济"),
];
/// (other cooperation, industry).
const OTHER: &[(&str, &str)] = &[
    ("人才培训基地共建", "科技服务"),
    ("医疗专科联盟", "大健康"),
    ("文化交流合作", "文化旅游"),
    ("职业教育合作", "科技服务"),
    ("创业孵化合作", "科技服务"),
    ("商会交流合作", "商贸流通"),
    ("旅游线路联合推广", "文化旅游"),
];

fn pick<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn pick2<'a>(rng: &mut ChaCha8Rng, list: &'a [(&'a str, &'a str)]) -> (&'a str, &'a str) {
    list.choose(rng).copied().unwrap_or(("", ""))
}

/// The enterprise word of an industry ("微电子" for 集成电路).
fn word_of(industry: &str) -> &'static str {
    INDUSTRIES
        .iter()
        .find(|i| i.0 == industry)
        .map_or("科技", |i| i.1)
}

/// A generated project's name, industry and investor.
pub struct Generated {
    pub name: String,
    pub industry: &'static str,
    pub investor: Option<String>,
}

/// Name, industry and investor of a generated project of `category` hosted in `host`, with an
/// investor from `source_city`.
pub fn generate(
    rng: &mut ChaCha8Rng,
    category: Category,
    source_city: &str,
    host: &str,
) -> Generated {
    let place = regions::short(host);
    let brand = brand(rng);
    let company =
        |rng: &mut ChaCha8Rng, word: &str| Some(enterprise(rng, source_city, &brand, word));
    let (name, industry, investor) = match category {
        Category::Investment => {
            let (industry, word, endings) = industry(rng);
            let ending = pick(rng, endings);
            let name = if rng.gen_bool(0.35) {
                format!("{place}{brand}{ending}")
            } else {
                format!("{brand}{ending}")
            };
            (name, industry, company(rng, word))
        }
        Category::Trade => {
            let goods = pick(rng, GOODS);
            let name = match rng.gen_range(0..3) {
                0 => format!("{place}{goods}直供合作项目"),
                1 => format!("{brand}{goods}电商销售合作"),
                _ => format!("{place}{goods}产销对接合作项目"),
            };
            let word = pick(rng, TRADERS);
            (name, "商贸流通", company(rng, word))
        }
        Category::Technology => {
            let (topic, industry) = pick2(rng, TECH);
            let name = match rng.gen_range(0..3) {
                0 => format!("{topic}联合研发项目"),
                1 => format!("{brand}{topic}技术转移合作"),
                _ => format!("{place}{topic}联合实验室共建项目"),
            };
            (name, industry, company(rng, word_of(industry)))
        }
        Category::Finance => {
            let (form, word) = pick2(rng, FINANCE);
            (
                format!("{brand}{form}合作项目"),
                "金融服务",
                company(rng, word),
            )
        }
        Category::Consulting => {
            let (topic, industry) = pick2(rng, CONSULTING);
            (
                format!("{place}{topic}项目"),
                industry,
                company(rng, "管理咨询"),
            )
        }
        Category::Other => {
            let (topic, industry) = pick2(rng, OTHER);
            (format!("{place}{topic}项目"), industry, None)
        }
    };
    Generated {
        name,
        industry,
        investor,
    }
}

/// Keeps generated names unique by adding a phase or a place.
#[derive(Default)]
pub struct Unique(HashSet<String>);

impl Unique {
    pub fn take(&mut self, name: String) -> String {
        if self.0.insert(name.clone()) {
            return name;
        }
        for suffix in ["（二期）", "（三期）", "（扩建）", "（续建）", "（四期）"]
        {
            let n = format!("{name}{suffix}");
            if self.0.insert(n.clone()) {
                return n;
            }
        }
        let mut i = 2;
        loop {
            let n = format!("{name}（{i}号地块）");
            if self.0.insert(n.clone()) {
                return n;
            }
            i += 1;
        }
    }
}

/// The leader responsible for a project (包抓领导), as a title of the host.
pub fn leader(rng: &mut ChaCha8Rng, host: &str) -> String {
    let titles: &[&str] = match regions::kind(host) {
        Some(RegionKind::Zone) => &["管委会主任", "管委会常务副主任", "管委会副主任"],
        Some(RegionKind::District) if regions::name(host).ends_with('县') => &["县长", "副县长"],
        Some(RegionKind::District) if regions::name(host).ends_with('市') => &["市长", "副市长"],
        Some(RegionKind::District) => &["区长", "常务副区长", "副区长"],
        _ => &["副市长", "常务副市长", "政府副秘书长"],
    };
    format!("{}{}", regions::name(host), pick(rng, titles))
}

/// The chief service officer (首席服务官), as a post of the host's administration.
pub fn service_officer(rng: &mut ChaCha8Rng, host: &str) -> String {
    let bureau = ["局长", "副局长"];
    let office = ["主任", "副主任"];
    let units: &[(&str, &[&str])] = match regions::kind(host) {
        Some(RegionKind::Zone) => &[("招商服务局", &bureau), ("经济发展局", &bureau)],
        Some(RegionKind::District) => &[
            ("发展改革局", &bureau),
            ("商务局", &bureau),
            ("工业和信息化局", &bureau),
            ("营商环境建设局", &bureau),
            ("投资促进中心", &office),
        ],
        _ => &[
            ("发展和改革委员会", &office),
            ("商务局", &bureau),
            ("工业和信息化局", &bureau),
            ("投资促进局", &bureau),
        ],
    };
    let (unit, posts) = units.choose(rng).copied().unwrap_or(("商务局", &bureau));
    format!("{}{unit}{}", regions::name(host), pick(rng, posts))
}

const ROADS: &[&str] = &[
    "创新路",
    "智慧大街",
    "科技园路",
    "长青街",
    "世纪路",
    "滨河大道",
    "金源路",
    "建设大街",
    "学府路",
    "富民路",
];

/// A street address in the host region.
pub fn address(rng: &mut ChaCha8Rng, host: &str) -> String {
    format!(
        "{}{}{}号",
        regions::full_name(host),
        pick(rng, ROADS),
        rng.gen_range(1..400)
    )
}
