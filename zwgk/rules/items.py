"""Rules on power items: sub-items, one code one name, the eight disclosures, limits, review, status."""

import re
from collections import defaultdict

from zwgk.catalog.codes import BASIC_CODE_RE, add_months
from zwgk.catalog.text import visible
from zwgk.rules import ERROR, WARNING, Hit, rule

EIGHT_DISCLOSURES = {
    "content": "服务内容",
    "basis": "审批依据",
    "conditions": "申报条件",
    "materials": "申报材料",
    "flow": "办理程序",
    "time_limit": "承诺期限",
    "fees": "收费标准",
    "result": "办事结果",
}
OTHER_REQUIRED = {"basis": "设定依据", "flow": "运行流程", "responsibilities": "责任事项", "accountability": "追责情形"}


def _missing(item, fields: dict[str, str]) -> list[str]:
    return [f"{key}（{label}）" for key, label in fields.items() if getattr(item, key) in (None, "", [])]


@rule("item.sub-without-main", ERROR, "item")
def sub_without_main(item, ctx):
    """检查：子项（基本编码后 3 位不是 000）所属的主项是否在同一部门中。
    原因：子项是主项的细分，单独存在的子项无法归到主项下公开。
    示例：
        # 部门中有 000117003001，却没有 000117003000
    修正：补上主项文件 powers/<主项编码>.yml，或改正子项编码。
    """
    if BASIC_CODE_RE.match(item.basic_code) and item.is_sub_item and not ctx.item_exists(item.dept_id, item.main_code):
        yield Hit(f"子项“{item.basic_code}”的主项“{item.main_code}”不在本部门：请补上主项，或改正编码。", ("basic_code",))


@rule("item.name-conflict", ERROR, "catalog")
def name_conflict(ctx):
    """检查：同一个基本编码在所有部门中是否使用同一个事项名称。
    原因：同一基本编码代表同一项权力；名称不一致，全省就无法按编码统一比对和检索。
    示例：
        # 合肥市：000111001000 食品经营许可
        # 芜湖市：000111001000 食品经营许可证核发
    修正：统一使用国家或省级目录中的规范名称。
    """
    for code, items in ctx.items_by_code.items():
        # Names as readers see them: an invisible character makes no other name (text.invisible-char says so).
        names = {visible(item.name) for item in items}
        if len(names) < 2:
            continue
        counts = defaultdict(int)
        for item in items:
            counts[visible(item.name)] += 1
        usual = max(sorted(counts), key=counts.get)
        for item in items:
            if visible(item.name) != usual:
                others = "、".join(sorted(name for name in names if name != visible(item.name)))
                yield Hit(f"基本编码“{code}”在其他部门中名为“{others}”：同一编码应使用同一名称（多数部门使用“{usual}”）。", ("name",), item)


@rule("item.same-name-different-code", WARNING, "catalog")
def same_name_different_code(ctx):
    """检查：同一行业中，同一个事项名称是否出现在不同的基本编码下（比较名称时去掉看不见的字符和多余的空白）。
    原因：多半是同一项权力被编了两个码，全省统计时会被算成两项。
    示例：
        # 000111001000 食品经营许可
        # 340111002000 食品经营许可
    修正：核对国家和省级目录，统一使用一个基本编码。
    """
    by_sector_name = defaultdict(set)
    for item in ctx.catalog.items:
        if BASIC_CODE_RE.match(item.basic_code) and item.is_active:
            by_sector_name[(item.basic_code[4:6], visible(item.name))].add(item.basic_code)
    for item in ctx.catalog.items:
        if not (BASIC_CODE_RE.match(item.basic_code) and item.is_active):
            continue
        codes = by_sector_name[(item.basic_code[4:6], visible(item.name))]
        if len(codes) > 1:
            others = "、".join(sorted(code for code in codes if code != item.basic_code))
            yield Hit(f"同一行业中，名称“{item.name}”还用于基本编码 {others}：请确认是否为同一事项，统一编码。", ("name",), item)


@rule("item.eight-disclosures", ERROR, "item")
def eight_disclosures(item, ctx):
    """检查：行政许可、行政给付、行政确认和公共服务事项（scheme.yml 的 service_types，默认 01、05、07、20）是否“八公开”齐全：服务内容、审批依据、申报条件、申报材料、办理程序、承诺期限、收费标准、办事结果。
    原因：这八项是群众办事必须知道的内容，缺一项就要多跑一趟。
    示例：
        type: "01"
        # 没有 materials 和 fees
    修正：补上缺少的字段；不收费的写 fees: {charged: false}。
    """
    if item.type in ctx.service_types and item.is_active:
        missing = _missing(item, EIGHT_DISCLOSURES)
        if missing:
            yield Hit(f"服务类事项应“八公开”齐全，缺少：{'、'.join(missing)}。", ())


@rule("item.online-url-scheme", ERROR, "item")
def online_url_scheme(item, ctx):
    """检查：在线办理链接（online_url）是否是 http:// 或 https:// 开头的完整网址。
    原因：网站把它做成“在线办理”按钮；其他写法（如 javascript:、相对路径）打不开，甚至不安全。
    示例：
        online_url: www.ahzwfw.gov.cn
    修正：写政务服务网上该事项办理页面的完整网址，如 https://www.ahzwfw.gov.cn/...。
    """
    if item.online_url is not None and not re.match(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$", item.online_url):
        yield Hit(f"在线办理链接“{item.online_url[:80]}”不是以 http:// 或 https:// 开头的完整网址。", ("online_url",))


@rule("item.required-fields", ERROR, "item")
def required_fields(item, ctx):
    """检查：行政处罚、行政强制、行政检查等其他类型的事项是否写明设定依据、运行流程、责任事项和追责情形。
    原因：权责清单要求“有权必有责”：每项权力都要公开依据、流程、责任和追责。
    示例：
        type: "02"
        # 没有 responsibilities
    修正：补上 basis、flow、responsibilities 和 accountability。
    """
    if item.type not in ctx.service_types and item.is_active:
        missing = _missing(item, OTHER_REQUIRED)
        if missing:
            yield Hit(f"事项应写明依据、流程、责任和追责，缺少：{'、'.join(missing)}。", ())


@rule("item.promised-over-statutory", ERROR, "item")
def promised_over_statutory(item, ctx):
    """检查：承诺期限是否不超过法定期限。
    原因：承诺期限是对法定期限的压缩，不能比法定期限还长。
    示例：
        time_limit: {statutory: 20, promised: 25}
    修正：承诺期限改为不超过法定期限的天数。
    """
    limit = item.time_limit
    if limit and limit.promised > limit.statutory:
        yield Hit(f"承诺期限 {limit.promised} 个工作日超过了法定期限 {limit.statutory} 个工作日。", ("time_limit", "promised"))


@rule("basis.title-brackets", WARNING, "item")
def title_brackets(item, ctx):
    """检查：依据的法律法规名称是否用书名号《》括起来。
    原因：统一写法便于检索和核对依据。
    示例：
        basis:
          - {level: 法律, title: 中华人民共和国行政许可法}
    修正：写成 title: 《中华人民共和国行政许可法》。
    """
    for number, basis in enumerate(item.basis or []):
        title = basis.title.strip()
        if not (title.startswith("《") and title.endswith("》")):
            yield Hit(f"依据名称“{basis.title}”应用书名号括起来，如“《{title.strip('《》')}》”。", ("basis", number, "title"))


@rule("item.review-stale", WARNING, "item")
def review_stale(item, ctx):
    """检查：有效事项最近一次复核（updated）是否在 scheme.yml 规定的月数之内（limits.review_every_months，默认 12）。
    原因：法律法规修改后，事项的依据、条件和期限也要跟着改；长期不复核的事项多半已经过时。
    示例：
        updated: 2019-05-10
    修正：复核事项内容，更新后把 updated 改为复核日期。
    """
    if not item.is_active:
        return
    months = ctx.scheme.limits.review_every_months
    if item.updated is None:
        yield Hit(f"没有填写最近复核日期 updated：请复核后填写（每 {months} 个月至少复核一次）。", ())
    elif add_months(item.updated, months) < ctx.as_of:
        yield Hit(f"最近一次复核是 {item.updated}，已超过 {months} 个月：请复核事项内容并更新 updated。", ("updated",))


@rule("item.status-incomplete", ERROR, "item")
def status_incomplete(item, ctx):
    """检查：已取消或已合并的事项是否写明 status_date 和 status_reason，已合并的是否写明 replaced_by；有效或暂停的事项不应有 replaced_by。
    原因：取消和合并的事项保留文件和网页，让原来的链接仍然有效，并告诉群众去哪里办理。
    示例：
        status: 已合并
        # 没有 replaced_by
    修正：补上变更日期、原因和合并后的事项编码。
    """
    if item.status in ("已取消", "已合并"):
        for key, label in (("status_date", "状态变更日期"), ("status_reason", "状态变更原因")):
            if not getattr(item, key):
                yield Hit(f"事项状态为“{item.status}”，应写明 {key}（{label}）。", ("status",))
    if item.status == "已合并" and not item.replaced_by:
        yield Hit("事项状态为“已合并”，应写明 replaced_by（合并后的事项基本编码）。", ("status",))
    if item.status in ("有效", "暂停") and item.replaced_by:
        yield Hit(f"事项状态为“{item.status}”，不应有 replaced_by：只有已合并的事项才指向新事项。", ("replaced_by",))


@rule("item.successor-unknown", ERROR, "item")
def successor_unknown(item, ctx):
    """检查：已合并事项的 replaced_by 是否指向本部门一个现行有效的事项。
    原因：原事项的网页会把群众引向新事项；新事项不存在，链接就断了。
    示例：
        status: 已合并
        replaced_by: "000117099000"   # 本部门没有这个事项
    修正：改为合并后事项的基本编码，或补上该事项。
    """
    if item.status != "已合并" or not item.replaced_by:
        return
    successor = ctx.items_by_key.get((item.dept_id, item.replaced_by))
    if item.replaced_by == item.basic_code:
        yield Hit("replaced_by 指向了事项自己。", ("replaced_by",))
    elif successor is None and not ctx.item_exists(item.dept_id, item.replaced_by):
        yield Hit(f"合并后的事项“{item.replaced_by}”不在本部门：请改正 replaced_by，或补上该事项。", ("replaced_by",))
    elif successor is not None and not successor.is_active:
        yield Hit(f"合并后的事项“{item.replaced_by}”本身{successor.status}：请指向现行有效的事项。", ("replaced_by",))
