"""Synthetic but plausible Chinese names of bodies and enterprises, and valid credit codes.

Names are built from word pools with a seeded `random.Random`; nothing here is a real organisation
except the divisions themselves (loaded from the GB/T 2260 file). Credit codes follow GB 32100-2015:
unit type (11 机关, 12 事业单位, 91 企业) + the division code + a 9-character organisation code with its
own GB 11714 check character + the USCC check character from the registry's validator.
"""

from __future__ import annotations

import random

from qingqian.registry.uscc import with_check_character

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

COUNTY_ORGANS = [
    "人民政府办公室", "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源和规划局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化广电和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "城市管理综合行政执法局", "行政审批局", "林业局", "信访局",
    "体育局", "数据和政务服务局", "乡村振兴局", "公安局", "生态环境分局", "税务局", "气象局",
]  # fmt: skip
CITY_ORGANS = [
    "科学技术局", "公安局", "司法局", "人民政府办公室", "住房保障和房产管理局", "体育局", "统计局",
    "退役军人事务局", "医疗保障局", "行政审批局", "林业局", "信访局", "数据和政务服务局", "人民防空办公室",
    "机关事务管理局", "地方金融管理局", "园林局", "城市更新局", "粮食和物资储备局", "档案局",
]  # fmt: skip
PLACE_FIRST = "东西南北新城古石岗李王张柳杨马高龙凤金银青白红黄大小上中双永安宁"
PLACE_SECOND = "关营庄城村河桥店头口屯寨堡集坊园湖岭峪沟台堤楼塔泉洼里湾坡"
TOWN_KINDS = [("镇人民政府", 5), ("乡人民政府", 2), ("街道办事处", 3)]
SCHOOL_KINDS = ["中学", "小学", "幼儿园", "职业技术学校"]
SERVICE_CENTRES = [
    "不动产登记中心", "公共资源交易中心", "政务服务中心", "社会保险事业服务中心", "医疗保障服务中心",
    "就业服务中心", "城乡规划设计院", "园林绿化中心", "市政设施管理处", "环境卫生服务中心", "供水管理处",
    "排水管理处", "融媒体中心", "文化馆", "图书馆", "博物馆", "青少年活动中心", "农业技术推广中心",
    "畜牧兽医服务中心", "水利工程管理站", "疾病预防控制中心", "妇幼保健院", "中医院", "人民医院",
    "第二人民医院", "急救中心", "路政管理站", "公路养护中心", "机关事务服务中心", "档案馆", "老年大学",
    "特殊教育学校", "教师发展中心", "考试中心", "质量技术监督检验所", "食品药品检验所", "土地储备中心",
    "住房公积金管理中心", "地震台", "应急救援指挥中心",
]  # fmt: skip
SOE_WORDS = [
    "城市建设投资", "交通投资", "水务投资", "国有资本运营", "文化旅游投资", "产业投资", "城乡发展",
    "供热", "公共交通", "粮食储备", "农业发展投资", "保障性住房建设", "市政工程", "园区开发建设",
    "环境治理", "能源投资", "现代物流", "建设工程", "城市运营服务", "数字产业", "医疗健康投资",
]  # fmt: skip
SOE_SUFFIXES = ["集团有限公司", "有限公司", "发展有限公司", "控股有限公司"]
LARGE_PREFIXES = ["河北", "冀中", "燕赵", "太行", "华北", "滹沱", "中冀", "石门", "正定", "冀北", "冀南"]
LARGE_WORDS = [
    "建工", "重工", "交建", "路桥", "电气", "医药", "商贸", "能源", "钢铁", "化工", "机械", "环保",
    "新材料", "智能", "数字", "通信", "装备", "建材", "物产", "水泥",
]  # fmt: skip
LARGE_SUFFIXES = ["集团有限公司", "股份有限公司", "集团股份有限公司"]
BRAND = "恒信正道鑫源华康绿城明远博文安泰智联洁美润泽东方畅通光明百味天工宏达新华云端正阳瑞丰晨光中冀安居德茂嘉禾启航佳诚卓越众邦联创"
INDUSTRY_WORDS: dict[str, list[str]] = {
    "construction": [
        "建筑劳务", "建筑工程", "市政工程", "园林绿化工程", "装饰工程", "路桥工程", "防水工程",
        "钢结构工程", "消防工程", "水利工程", "电力安装工程",
    ],
    "industrial": ["机械制造", "电气设备", "印务", "塑料制品", "水处理设备", "新材料", "精密铸造", "包装制品"],
    "wholesale": ["医疗器械销售", "教育装备", "办公用品", "建材贸易", "电子产品", "农资", "劳保用品"],
    "retail": ["办公用品商行", "食品商行", "五金商店", "图书销售"],
    "transport": ["物流", "运输", "客运", "冷链物流"],
    "software_it": ["软件科技", "信息技术", "数据服务", "网络科技", "智能科技"],
    "leasing_business": [
        "物业服务", "检测技术", "监理咨询", "广告传媒", "会计服务", "工程咨询", "人力资源服务", "设备租赁",
    ],
    "other": ["餐饮管理", "农业科技", "环卫服务", "绿化养护", "保安服务"],
}  # fmt: skip
INDUSTRY_WEIGHTS = [
    ("construction", 34),
    ("industrial", 14),
    ("wholesale", 14),
    ("retail", 4),
    ("transport", 5),
    ("software_it", 11),
    ("leasing_business", 12),
    ("other", 6),
]
DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 13 → 十三, 20 → 二十, 105 → 一百零五, 1010 → 一千零一十 (ordinals such as 第十三中学);
    Arabic digits from 10,000 on."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n >= 10_000:
        return str(n)
    unit, size = ("千", 1000) if n >= 1000 else ("百", 100)
    head, rest = DIGITS[n // size] + unit, n % size
    if rest == 0:
        return head
    if rest < size // 10:  # a skipped place: 一百零五, 一千零五十
        return (
            head + "零" + (chinese_number(rest) if rest >= 20 or rest < 10 else "一" + chinese_number(rest))
        )
    return head + (chinese_number(rest) if rest >= 20 else "一" + chinese_number(rest))


def short_region(name: str) -> str:
    """长安区 → 长安, 正定县 → 正定, 石家庄市 → 石家庄, 石家庄高新技术产业开发区 → 高新."""
    short = name.removeprefix("石家庄") if name != "石家庄市" else "石家庄"
    short = short.removeprefix("市")
    for suffix in ("区", "县", "市"):
        if len(short) > 2 and short.endswith(suffix):
            short = short[:-1]
    return short[:2] if len(short) > 3 else short or name[:2]


def places(rng: random.Random) -> list[str]:
    """Every two-character place name, in a seeded order."""
    out = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
    rng.shuffle(out)
    return out


def org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code: 8 characters and their check character."""
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
    total = sum(
        w * (int(c) if c.isdigit() else ord(c) - 55) for w, c in zip(ORG_CODE_WEIGHTS, body, strict=True)
    )
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


class UsccFactory:
    """Unique, valid credit codes: unit type + division code + organisation code + check character."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken = set(taken or ())

    def __call__(self, unit_type: str, region_code: str) -> str:
        while True:
            code = with_check_character(unit_type + region_code[:6] + org_code(self.rng))
            if code not in self.taken:
                self.taken.add(code)
                return code
