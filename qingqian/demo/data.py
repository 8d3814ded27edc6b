"""The demo city: Shijiazhuang's task force as the seed document describes it, plus example bodies.

Departments named in the seed (工信局 as the office, 发改委, 财政局, 国资委, 审计局) are real members;
the other four are marked as example data. Debtor bodies and enterprises are invented.
"""

from __future__ import annotations

CITY_CODE = "130100"

# (name, short name, responsibility, from the seed document?)
DEPARTMENTS: list[tuple[str, str, str, bool]] = [
    ("石家庄市工业和信息化局", "市工信局", "专班办公室：统筹推进清欠工作，受理转办投诉线索", True),
    ("石家庄市发展和改革委员会", "市发改委", "政府投资项目审批，审查资金来源", True),
    ("石家庄市财政局", "市财政局", "负责市本级机关、事业单位拖欠中小企业账款线索的排查办理", True),
    (
        "石家庄市人民政府国有资产监督管理委员会",
        "市国资委",
        "负责所监管国有企业拖欠中小企业账款线索的排查办理",
        True,
    ),
    ("石家庄市审计局", "市审计局", "结合年度审计任务，对支付中小企业账款情况进行审计监督", True),
    ("石家庄市住房和城乡建设局", "市住建局", "（示例）工程建设领域拖欠排查", False),
    ("石家庄市交通运输局", "市交通运输局", "（示例）交通建设项目拖欠排查", False),
    ("石家庄市人力资源和社会保障局", "市人社局", "（示例）农民工工资支付保障", False),
    ("石家庄市司法局", "市司法局", "（示例）调解与法律服务", False),
]
OFFICE = "石家庄市工业和信息化局"
FINANCE = "石家庄市财政局"
SASAC = "石家庄市人民政府国有资产监督管理委员会"

CITY_ORGANS = [
    "石家庄市教育局",
    "石家庄市民政局",
    "石家庄市自然资源和规划局",
    "石家庄市生态环境局",
    "石家庄市水务局",
    "石家庄市农业农村局",
    "石家庄市商务局",
    "石家庄市文化广电和旅游局",
    "石家庄市卫生健康委员会",
    "石家庄市应急管理局",
    "石家庄市市场监督管理局",
    "石家庄市城市管理综合行政执法局",
]
CITY_INSTITUTIONS = [
    "石家庄市第一医院",
    "石家庄市第二医院",
    "石家庄市第四医院",
    "石家庄市中医院",
    "石家庄市第一中学",
    "石家庄市第二中学",
    "石家庄市图书馆",
    "石家庄市博物馆",
    "石家庄市市政设施管理处",
    "石家庄市园林局绿化工程处",
    "石家庄市疾病预防控制中心",
    "石家庄市公共资源交易中心",
]
CITY_SOES = [
    "石家庄市城市建设投资控股集团有限公司",
    "石家庄交通投资发展集团有限责任公司",
    "石家庄市国有资本投资运营集团有限责任公司",
    "石家庄市水务投资集团有限公司",
    "石家庄市热力集团有限公司",
    "石家庄市公共交通总公司",
    "石家庄市粮食储备有限公司",
    "石家庄市城市更新集团有限公司",
]
LARGE_ENTERPRISES = [
    "冀中建设工程集团有限公司",
    "华北重型装备制造股份有限公司",
    "燕赵商业控股集团有限公司",
    "太行智能科技股份有限公司",
    "滹沱河环保工程集团有限公司",
    "石门医药集团股份有限公司",
]
COUNTY_ORGAN_SUFFIXES = ["教育局", "住房和城乡建设局", "交通运输局", "卫生健康局"]
COUNTY_INSTITUTION_SUFFIXES = ["人民医院", "第一中学"]
COUNTY_SOE_SUFFIX = "城市建设投资有限公司"

ENTERPRISE_NAMES = [
    ("石家庄恒信建筑劳务有限公司", "construction", "small"),
    ("河北正道软件科技有限公司", "software_it", "small"),
    ("石家庄市鑫源机械制造有限公司", "industrial", "medium"),
    ("石家庄华康医疗器械销售有限公司", "wholesale", "micro"),
    ("石家庄绿城园林绿化工程有限公司", "construction", "small"),
    ("河北明远物流有限公司", "transport", "small"),
    ("石家庄市博文教育装备有限公司", "wholesale", "small"),
    ("石家庄安泰消防工程有限公司", "construction", "micro"),
    ("河北智联信息技术有限公司", "software_it", "medium"),
    ("石家庄市洁美物业服务有限公司", "leasing_business", "small"),
    ("石家庄润泽水处理设备有限公司", "industrial", "small"),
    ("石家庄东方印务有限公司", "industrial", "micro"),
    ("河北畅通道路养护有限公司", "construction", "small"),
    ("石家庄光明照明工程有限公司", "construction", "micro"),
    ("石家庄市百味餐饮管理有限公司", "other", "micro"),
    ("河北天工检测技术有限公司", "leasing_business", "small"),
    ("石家庄宏达电气设备有限公司", "industrial", "small"),
    ("石家庄新华办公用品商行有限公司", "retail", "micro"),
    ("河北云端数据服务有限公司", "software_it", "small"),
    ("石家庄市正阳市政工程有限公司", "construction", "medium"),
    ("石家庄瑞丰农业科技有限公司", "other", "small"),
    ("石家庄晨光广告传媒有限公司", "leasing_business", "micro"),
    ("河北中冀监理咨询有限公司", "leasing_business", "small"),
    ("石家庄安居装饰工程有限公司", "construction", "micro"),
]

# Demo users: (username, display name, role, scope kind, scope key). Passwords are printed by seed_demo.
DEMO_USERS: list[tuple[str, str, str, str, str]] = [
    ("office", "专班办公室 王敏", "taskforce_office", "region", CITY_CODE),
    ("finance", "市财政局 李强", "department_handler", "organisation", FINANCE),
    ("sasac", "市国资委 赵磊", "department_handler", "organisation", SASAC),
    ("county", "长安区清欠办 孙丽", "county_handler", "region", "130102"),
    ("clerk", "市教育局 周洁", "debtor_clerk", "organisation", "石家庄市教育局"),
    ("enterprise", "恒信建筑劳务 陈刚", "enterprise_user", "enterprise", "石家庄恒信建筑劳务有限公司"),
    ("auditor", "市审计局 吴涛", "auditor", "region", CITY_CODE),
    ("leader", "分管副市长办公室 郑华", "leadership", "region", CITY_CODE),
    ("sysadmin", "系统管理员", "system_admin", "none", ""),
    ("secadmin", "安全管理员", "security_admin", "none", ""),
    ("auditadmin", "审计管理员", "audit_admin", "none", ""),
]
DEMO_PASSWORD_SUFFIX = "-Demo2026!"  # noqa: S105 - demo accounts only, refused in production
