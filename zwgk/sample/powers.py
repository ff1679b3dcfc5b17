"""The sample's power items: realistic names per sector, their flows, guides and statuses."""

from __future__ import annotations

import datetime as dt
import random

from zwgk.sample import data
from zwgk.sample.plan import Dept, Plan

SERVICE_TYPES = ("01", "05", "07", "20")  # the scheme's default service_types

# Realistic main items per sector: (type, name, legal basis title, article)
ITEMS = {
    "01": [
        ("01", "企业投资项目核准", "《企业投资项目核准和备案管理条例》", "第三条"),
        ("01", "固定资产投资项目节能审查", "《中华人民共和国节约能源法》", "第十五条"),
        ("02", "价格违法行为处罚", "《中华人民共和国价格法》", "第三十九条"),
        ("06", "企业投资项目事中事后监督检查", "《企业投资项目核准和备案管理条例》", "第十六条"),
        ("10", "企业投资项目备案", "《企业投资项目核准和备案管理条例》", "第十三条"),
        ("20", "政府定价和政府指导价咨询", "《中华人民共和国价格法》", "第二十三条"),
    ],
    "02": [
        ("01", "民办学校设立审批", "《中华人民共和国民办教育促进法》", "第十二条"),
        ("07", "教师资格认定", "《教师资格条例》", "第十三条"),
        ("02", "民办学校违法办学处罚", "《中华人民共和国民办教育促进法》", "第六十二条"),
        ("05", "家庭经济困难学生资助", "《国家助学金管理办法》", "第四条"),
        ("08", "教学成果奖励", "《教学成果奖励条例》", "第二条"),
        ("20", "学历证书查询", "《中华人民共和国教育法》", "第二十二条"),
    ],
    "06": [
        ("01", "举办大型群众性活动安全许可", "《大型群众性活动安全管理条例》", "第十一条"),
        ("02", "违反治安管理行为处罚", "《中华人民共和国治安管理处罚法》", "第二十三条"),
        ("03", "扣押违法车辆", "《中华人民共和国道路交通安全法》", "第九十五条"),
        ("07", "户口登记", "《中华人民共和国户口登记条例》", "第三条"),
        ("08", "见义勇为奖励", "《安徽省见义勇为人员奖励和保护条例》", "第十条"),
        ("20", "居民身份证办理", "《中华人民共和国居民身份证法》", "第八条"),
    ],
    "07": [
        ("01", "社会团体成立登记", "《社会团体登记管理条例》", "第九条"),
        ("05", "最低生活保障金给付", "《社会救助暂行办法》", "第九条"),
        ("05", "临时救助金给付", "《社会救助暂行办法》", "第四十七条"),
        ("02", "社会组织违法行为处罚", "《社会团体登记管理条例》", "第三十条"),
        ("09", "行政区域界线争议裁决", "《行政区域界线管理条例》", "第十五条"),
        ("20", "婚姻登记预约服务", "《婚姻登记条例》", "第四条"),
    ],
    "11": [
        ("01", "建设项目用地预审与选址意见书核发", "《中华人民共和国土地管理法》", "第五十二条"),
        ("07", "不动产登记", "《不动产登记暂行条例》", "第十四条"),
        ("02", "违法占用土地处罚", "《中华人民共和国土地管理法》", "第七十七条"),
        ("04", "矿业权出让收益征收", "《矿业权出让收益征收办法》", "第三条"),
        ("09", "土地权属争议裁决", "《中华人民共和国土地管理法》", "第十四条"),
        ("06", "土地利用动态巡查", "《中华人民共和国土地管理法》", "第六十七条"),
    ],
    "12": [
        ("01", "建设项目环境影响评价文件审批", "《中华人民共和国环境影响评价法》", "第二十二条"),
        ("01", "排污许可证核发", "《排污许可管理条例》", "第十一条"),
        ("02", "违反大气污染防治规定处罚", "《中华人民共和国大气污染防治法》", "第九十九条"),
        ("03", "查封扣押造成污染物排放的设施设备", "《中华人民共和国环境保护法》", "第二十五条"),
        ("06", "排污单位现场检查", "《中华人民共和国环境保护法》", "第二十四条"),
        ("08", "环境违法行为举报奖励", "《环境保护行政执法与刑事司法衔接工作办法》", "第四条"),
    ],
    "13": [
        ("01", "建筑工程施工许可", "《中华人民共和国建筑法》", "第七条"),
        ("01", "建筑业企业资质认定", "《中华人民共和国建筑法》", "第十三条"),
        ("02", "违反建筑市场管理规定处罚", "《建设工程质量管理条例》", "第五十四条"),
        ("06", "建设工程质量安全监督检查", "《建设工程质量管理条例》", "第四十七条"),
        ("07", "房屋建筑工程竣工验收备案", "《建设工程质量管理条例》", "第四十九条"),
        ("04", "城市基础设施配套费征收", "《安徽省城市基础设施配套费征收管理办法》", "第五条"),
    ],
    "14": [
        ("01", "道路旅客运输经营许可", "《中华人民共和国道路运输条例》", "第十条"),
        ("01", "超限运输车辆行驶公路许可", "《公路安全保护条例》", "第三十五条"),
        ("02", "违法超限运输处罚", "《公路安全保护条例》", "第六十四条"),
        ("03", "扣留违法超限运输车辆", "《中华人民共和国公路法》", "第八十五条"),
        ("06", "道路运输企业安全生产检查", "《中华人民共和国道路运输条例》", "第五十八条"),
        ("20", "出租汽车驾驶员从业资格证查询", "《出租汽车驾驶员从业资格管理规定》", "第十二条"),
    ],
    "16": [
        ("01", "农药经营许可", "《农药管理条例》", "第二十四条"),
        ("01", "种子生产经营许可", "《中华人民共和国种子法》", "第三十一条"),
        ("02", "经营假劣农药处罚", "《农药管理条例》", "第五十五条"),
        ("05", "耕地地力保护补贴给付", "《中华人民共和国农业法》", "第三十七条"),
        ("07", "农村土地承包经营权登记", "《中华人民共和国农村土地承包法》", "第二十四条"),
        ("09", "农村土地承包经营纠纷调解", "《中华人民共和国农村土地承包经营纠纷调解仲裁法》", "第三条"),
    ],
    "19": [
        ("01", "医疗机构执业登记", "《医疗机构管理条例》", "第十五条"),
        ("01", "公共场所卫生许可", "《公共场所卫生管理条例》", "第八条"),
        ("02", "违反医疗机构管理规定处罚", "《医疗机构管理条例》", "第四十三条"),
        ("05", "计划生育家庭特别扶助金给付", "《中华人民共和国人口与计划生育法》", "第三十一条"),
        ("07", "出生医学证明签发", "《中华人民共和国母婴保健法》", "第二十三条"),
        ("06", "医疗卫生机构监督检查", "《医疗机构管理条例》", "第三十九条"),
    ],
    "25": [
        ("01", "食品经营许可", "《中华人民共和国食品安全法》", "第三十五条"),
        ("01", "食品生产许可", "《中华人民共和国食品安全法》", "第三十五条"),
        ("07", "特种设备使用登记", "《中华人民共和国特种设备安全法》", "第三十三条"),
        ("02", "销售不合格产品处罚", "《中华人民共和国产品质量法》", "第五十条"),
        ("03", "查封扣押涉嫌违法物品", "《中华人民共和国食品安全法》", "第一百一十条"),
        ("06", "产品质量监督抽查", "《中华人民共和国产品质量法》", "第十五条"),
        ("08", "食品安全违法行为举报奖励", "《中华人民共和国食品安全法》", "第一百一十五条"),
        ("09", "计量纠纷仲裁检定", "《中华人民共和国计量法》", "第二十二条"),
    ],
}
VARIANTS = ("新办", "变更", "延续", "注销")

# Items added after a sector's planned items (their codes follow the sector's list), generated with
# their own random numbers so that the rest of the catalogue stays as it was.
EXTRA_ITEMS = {
    "25": [("01", "企业设立登记", "《中华人民共和国市场主体登记管理条例》", "第三条")],
}

# What citizens call the items (俗称), searched like the items' names.
ALIASES = {
    "食品经营许可": ["开饭店", "开餐馆", "开小吃店", "餐饮服务许可证"],
    "食品生产许可": ["食品生产许可证", "开食品厂"],
    "企业设立登记": ["办营业执照", "开公司", "注册公司"],
    "居民身份证办理": ["办身份证", "补办身份证", "换身份证"],
    "户口登记": ["上户口", "落户"],
    "婚姻登记预约服务": ["结婚登记", "领结婚证", "离婚登记"],
    "最低生活保障金给付": ["低保", "申请低保"],
    "临时救助金给付": ["临时救助"],
    "不动产登记": ["办房产证", "房屋过户"],
    "教师资格认定": ["教师资格证"],
    "学历证书查询": ["查学历"],
    "家庭经济困难学生资助": ["助学金"],
    "出生医学证明签发": ["出生证明", "办出生证"],
    "医疗机构执业登记": ["开诊所", "开医院"],
    "公共场所卫生许可": ["卫生许可证", "开理发店", "开宾馆"],
    "建筑工程施工许可": ["施工许可证"],
    "排污许可证核发": ["排污证"],
    "出租汽车驾驶员从业资格证查询": ["出租车资格证", "网约车资格证"],
    "道路旅客运输经营许可": ["客运许可证"],
    "耕地地力保护补贴给付": ["种粮补贴"],
    "计划生育家庭特别扶助金给付": ["独生子女特别扶助金"],
    "特种设备使用登记": ["电梯登记", "锅炉登记"],
    "举办大型群众性活动安全许可": ["办演唱会", "大型活动报批"],
}


def _basis_level(title: str) -> str:
    if title.startswith("《中华人民共和国"):
        return "法律"
    if title.startswith("《安徽省"):
        return "地方性法规"
    return "行政法规" if title.endswith("条例》") else "部门规章"


def _flow(item_type: str, rng: random.Random, office: str) -> tuple[list[dict], int]:
    """A flow for the type, and the days of its longest path."""
    if item_type in ("01", "05", "07", "20"):
        review = rng.randint(2, 8)
        steps = [
            {
                "id": "accept",
                "name": "受理",
                "actor": "政务服务中心窗口",
                "days": 1,
                "next": [{"to": "review", "when": "材料齐全"}, {"to": "supplement", "when": "材料不齐全"}],
            },
            {"id": "supplement", "name": "一次性告知补正材料", "actor": "政务服务中心窗口", "days": 0, "next": "accept"},
            {
                "id": "review",
                "name": "审查",
                "actor": office,
                "days": review,
                "next": [{"to": "decide", "when": "符合条件"}, {"to": "refuse", "when": "不符合条件"}],
            },
            {"id": "decide", "name": "作出准予决定", "actor": "分管负责人", "days": 2, "next": "deliver"},
            {"id": "refuse", "name": "作出不予决定并说明理由", "actor": "分管负责人", "days": 2, "end": True},
            {"id": "deliver", "name": "送达", "actor": "政务服务中心窗口", "days": 1, "end": True},
        ]
        return steps, 1 + review + 2 + 1
    if item_type == "02":
        investigate = rng.randint(10, 30)
        steps = [
            {"id": "register", "name": "立案", "actor": office, "days": 5, "next": "investigate"},
            {"id": "investigate", "name": "调查取证", "actor": "执法人员", "days": investigate, "next": "review"},
            {
                "id": "review",
                "name": "法制审核",
                "actor": "法规处",
                "days": 5,
                "next": [{"to": "notify", "when": "违法事实成立"}, {"to": "close", "when": "违法事实不成立"}],
            },
            {"id": "notify", "name": "告知陈述申辩和听证权利", "actor": office, "days": 5, "next": "decide"},
            {"id": "decide", "name": "作出处罚决定", "actor": "负责人集体讨论", "days": 5, "next": "deliver"},
            {"id": "deliver", "name": "送达并执行", "actor": office, "days": 7, "end": True},
            {"id": "close", "name": "不予处罚并结案", "actor": office, "days": 2, "end": True},
        ]
        return steps, 5 + investigate + 5 + 5 + 5 + 7
    if item_type == "03":
        steps = [
            {"id": "approve", "name": "报批", "actor": "负责人", "days": 1, "next": "enforce"},
            {"id": "enforce", "name": "实施强制措施并制作现场笔录", "actor": "执法人员", "days": 1, "next": "deliver"},
            {"id": "deliver", "name": "送达强制措施决定书", "actor": "执法人员", "days": 1, "next": "handle"},
            {"id": "handle", "name": "查清事实后作出处理决定", "actor": office, "days": 27, "end": True},
        ]
        return steps, 30
    if item_type == "06":
        steps = [
            {"id": "plan", "name": "制定检查计划（双随机抽取）", "actor": office, "days": 3, "next": "inspect"},
            {
                "id": "inspect",
                "name": "实施检查",
                "actor": "执法人员",
                "days": 5,
                "next": [{"to": "archive", "when": "未发现问题"}, {"to": "rectify", "when": "发现问题"}],
            },
            {"id": "rectify", "name": "责令整改或移交处理", "actor": office, "days": 10, "next": "archive"},
            {"id": "archive", "name": "公示检查结果并归档", "actor": office, "days": 2, "end": True},
        ]
        return steps, 20
    steps = [
        {"id": "accept", "name": "受理", "actor": office, "days": 1, "next": "review"},
        {"id": "review", "name": "审核", "actor": office, "days": 10, "next": "decide"},
        {"id": "decide", "name": "作出决定", "actor": "负责人", "days": 3, "next": "deliver"},
        {"id": "deliver", "name": "送达", "actor": office, "days": 1, "end": True},
    ]
    return steps, 15


def _item(dept: Dept, code: str, item_type: str, name: str, basis: tuple[str, str], rng: random.Random, plan: Plan) -> dict:
    office = f"{data.SECTORS[dept.sector][0]}业务处" if dept.level == "省级" else "行政审批科"
    flow, days = _flow(item_type, rng, office)
    title, article = basis
    promised = days + rng.randint(0, 5)
    item = {
        "basic_code": code,
        "name": name,
        **({"aliases": list(ALIASES[name])} if name in ALIASES else {}),
        "type": item_type,
        "basis": [{"level": _basis_level(title), "title": title, "article": article, "text": f"依据{title}{article}的规定。"}],
        "subject": dept.name,
        "office": office,
        "source": "法定本级行使",
        "levels": [dept.level],
        "content": f"依法办理{name}。",
        "conditions": ["申请人具有完全民事行为能力或者依法成立", f"符合{title}规定的条件"],
        "materials": [
            {"name": "申请书", "required": True, "form": "纸质或电子", "copies": 1, "source": "申请人自备"},
            {"name": "申请人身份证明或营业执照", "required": True, "form": "电子", "copies": 1, "source": "政府部门核发"},
            {"name": "相关证明材料", "required": False, "form": "纸质", "copies": 1, "source": "申请人自备"},
        ],
        "flow": flow,
        "time_limit": {"statutory": promised + rng.choice([0, 5, 10]), "promised": promised},
        "fees": {"charged": False, "basis": "", "standard": "不收费"},
        "result": f"{name}决定书" if item_type != "20" else "办理结果告知",
        "responsibilities": [
            {"phase": "受理", "duty": "依法受理或不予受理，并一次性告知需要补正的材料。"},
            {"phase": "审查", "duty": "对申请材料进行审查，提出审查意见。"},
            {"phase": "决定", "duty": "依法作出决定，不予办理的说明理由。"},
            {"phase": "送达", "duty": "依法送达并公开办理结果。"},
            {"phase": "事后监管", "duty": "依法开展事中事后监管。"},
        ],
        "accountability": ["对符合条件的申请不予受理、不予办理的", "对不符合条件的申请违法办理的", "索取或者收受他人财物的"],
        "contact": {"consult_phone": f"0551-6{rng.randint(1000000, 9999999)}", "complaint_phone": "12345"},
        "updated": (plan.as_of - dt.timedelta(days=rng.randint(10, 90))).isoformat(),
    }
    if item_type in SERVICE_TYPES:
        # The 办事指南 elements, derived from the codes (no draw from `rng`: the rest of the sample stays as it was).
        item.update(
            location=f"{data.REGIONS[dept.region]}政务服务中心 {int(code[6:9]) % 3 + 1} 楼 {int(code[6:9]) % 20 + 1} 号窗口（示例地址）",
            hours="工作日 9:00—12:00，13:30—17:00（法定节假日除外）",
            online_url=f"https://www.example.org/{dept.id}/banshi/{code}/",
            audience=["自然人"] if item_type == "20" else (["法人"] if int(code[6:9]) % 2 else ["自然人", "法人"]),
        )
        if dept.lag >= 2 and rng.random() < 0.5:  # a lagging department's guides lack the place and hours
            del item["location"], item["hours"]
    return item


def dept_items(dept: Dept, count: int, rng: random.Random, plan: Plan) -> list[dict]:
    sector = dept.sector
    sector_name = data.SECTORS[sector][0]
    mains = []
    for serial, (item_type, name, title, article) in enumerate(ITEMS.get(sector, []), start=1):
        mains.append((f"00{item_type}{sector}{serial:03d}000", item_type, name, (title, article)))
    mains.append((f"0020{sector}900000", "20", "政府信息依申请公开办理", ("《中华人民共和国政府信息公开条例》", "第二十七条")))
    subs = [
        (f"{code[:9]}{number:03d}", item_type, f"{name}（{variant}）", basis)
        for code, item_type, name, basis in mains
        if item_type == "01"
        for number, variant in enumerate(VARIANTS, start=1)
    ]
    planned = mains + subs
    for extra in range(1, max(0, count - len(planned)) + 1):
        item_type = list(data.POWER_TYPES)[extra % len(data.POWER_TYPES)]
        type_name = data.POWER_TYPES[item_type]
        planned.append(
            (
                f"34{item_type}{sector}{100 + extra:03d}000",
                item_type,
                f"{sector_name}领域{type_name}事项（第{extra}项）",
                ("《安徽省行政程序规定》", f"第{extra % 90 + 10}条"),
            )
        )
    planned = planned[:count]
    items = [_item(dept, code, item_type, name, basis, rng, plan) for code, item_type, name, basis in planned]
    extra_items = [
        _item(dept, f"00{item_type}{sector}{serial:03d}000", item_type, name, (title, article), random.Random(f"{dept.id}/{name}"), plan)
        for serial, (item_type, name, title, article) in enumerate(EXTRA_ITEMS.get(sector, []), start=len(ITEMS.get(sector, [])) + 1)
    ]
    # The extra items take the places of generic filler items (or, without fillers, of the items just
    # before the last two), so that a department keeps its planned number of items.
    extra_items = extra_items[: max(0, len(items) - 3)]
    for _ in extra_items:
        fillers = [i for i, item in enumerate(items[:-2]) if item["basic_code"].startswith("34")]
        del items[fillers[-1] if fillers else len(items) - 3]
    items[1:1] = extra_items
    if count >= 8 and len(items) >= 8:
        successor = items[0]
        merged, cancelled = items[-2], items[-1]
        merged.update(
            status="已合并",
            status_date=f"{plan.as_of.year}-01-01",
            status_reason="根据权责清单动态调整，并入相关事项。",
            replaced_by=successor["basic_code"],
        )
        cancelled.update(status="已取消", status_date=f"{plan.as_of.year}-01-01", status_reason="法律法规修改，不再实施。")
    return items
