"""Rules on codes: check digits, membership of the scheme's code lists, and the basic-code layout."""

from zwgk.catalog.codes import BASIC_CODE_RE, USCC_RE, BasicCode, has_fullwidth, org_check_char, org_code_of, to_halfwidth, uscc_check_char
from zwgk.catalog.text import visible
from zwgk.rules import ERROR, Hit, rule

# The fields that hold codes, per record kind: a code is compared character by character.
CODE_FIELDS = {
    "department": ("uscc", "region", "sector"),
    "item": ("basic_code", "type", "replaced_by"),
    "entry": ("index", "topic", "genre", "publisher"),
}


def _clean(value: str | None) -> bool:
    """Whether a code is worth checking further: present and free of full-width characters."""
    return bool(value) and not has_fullwidth(value)


@rule("code.fullwidth", ERROR, "catalog")
def fullwidth(ctx):
    """检查：代码和编号中是否有全角字符（如全角数字“０１”、全角字母“Ｎ”、全角斜杠“／”、全角空格）。
    原因：全角字符看起来和半角一样，但计算机视为不同的字符：编码比对、检索和校验位计算都会出错。
    示例：
        basic_code: "０００１１７００３０００"
    修正：用半角（英文输入法）重新输入，如 "000117003000"。
    """
    records = {"department": ctx.catalog.departments.values(), "item": ctx.catalog.items, "entry": ctx.catalog.entries}
    for kind, fields in CODE_FIELDS.items():
        for record in records[kind]:
            for name in fields:
                value = getattr(record, name)
                if value and has_fullwidth(value):
                    yield Hit(f"{name}“{value}”含有全角字符：请改为半角“{to_halfwidth(value)}”。", (name,), record)


@rule("code.uscc-format", ERROR, "department")
def uscc_format(dept, ctx):
    """检查：统一社会信用代码是否为 18 位，且只用数字和大写字母（不含 I、O、S、V、Z）。
    原因：统一社会信用代码是部门的法定身份标识，也是索引号的前缀。
    示例：
        uscc: 1134000000298606
    修正：从部门的统一社会信用代码证书上照抄 18 位代码。
    """
    if _clean(dept.uscc) and not USCC_RE.match(dept.uscc):
        yield Hit(f"统一社会信用代码“{dept.uscc}”应为 18 位数字或大写字母（不含 I、O、S、V、Z），当前为 {len(dept.uscc)} 位。", ("uscc",))


@rule("code.uscc-checksum", ERROR, "department")
def uscc_checksum(dept, ctx):
    """检查：统一社会信用代码第 18 位校验码是否符合 GB 32100-2015。
    原因：校验码不对，说明代码抄错了一位或几位。
    示例：
        uscc: 11340000002986061A
    修正：核对证书上的代码；第 18 位应等于按国家标准计算出的校验码。
    """
    if _clean(dept.uscc) and USCC_RE.match(dept.uscc):
        expected = uscc_check_char(dept.uscc[:17])
        if dept.uscc[17] != expected:
            yield Hit(
                f"统一社会信用代码“{dept.uscc}”的校验码应为“{expected}”，而不是“{dept.uscc[17]}”：请核对证书，前 17 位中可能有抄错的字符。",
                ("uscc",),
            )


@rule("code.org-checksum", ERROR, "department")
def org_checksum(dept, ctx):
    """检查：统一社会信用代码第 9 至 17 位（组织机构代码）的校验码是否符合 GB 11714-1997。
    原因：组织机构代码用作部分索引号的前缀；它的校验码不对，说明代码抄错了。
    示例：
        uscc: 11340000002986062N
    修正：核对证书；第 17 位是组织机构代码的校验码。
    """
    if _clean(dept.uscc) and USCC_RE.match(dept.uscc):
        org = org_code_of(dept.uscc)
        expected = org_check_char(org[:8])
        if org[8] != expected:
            yield Hit(f"统一社会信用代码中的组织机构代码“{org}”校验码应为“{expected}”，而不是“{org[8]}”：请核对证书。", ("uscc",))


@rule("code.region-unknown", ERROR, "department")
def region_unknown(dept, ctx):
    """检查：部门的行政区划代码是否在 scheme.yml 的 regions 中。
    原因：行政区划代码用于按地区浏览和统计；不在代码表中的代码无法归类（如已撤销的 341400 巢湖市）。
    示例：
        region: "341400"
    修正：改用现行的行政区划代码；确需新增的，先在 scheme.yml 的 regions 中登记。
    """
    if _clean(dept.region) and dept.region not in ctx.scheme.regions:
        yield Hit(f"行政区划代码“{dept.region}”不在编码方案的 regions 中：请改用现行代码，或先在 scheme.yml 中登记。", ("region",))


@rule("dept.region-mismatch", ERROR, "department")
def region_mismatch(dept, ctx):
    """检查：部门的行政区划代码是否等于文件夹名的前 6 位。
    原因：文件夹名和 region 说的应是同一个地区，否则网址、实施编码和按地区浏览会互相矛盾。
    示例：
        # departments/340100-scjgj/department.yml
        region: "340000"
    修正：改正 region，或把文件夹改名为正确的“区划代码-简称”。
    """
    if _clean(dept.region) and dept.region != dept.dept_id[:6]:
        yield Hit(f"行政区划代码“{dept.region}”与文件夹名“{dept.dept_id}”的前 6 位不一致。", ("region",))


@rule("code.sector-unknown", ERROR, "department")
def sector_unknown(dept, ctx):
    """检查：部门的行业代码是否在 scheme.yml 的 sectors 中。
    原因：行业代码是事项基本编码的第 5、6 位；不在代码表中，事项编码就无法统一。
    示例：
        sector: "99"
    修正：改用 sectors 中的代码。
    """
    if _clean(dept.sector) and dept.sector not in ctx.scheme.sectors:
        yield Hit(f"行业代码“{dept.sector}”不在编码方案的 sectors 中。", ("sector",))


@rule("code.type-unknown", ERROR, "item")
def type_unknown(item, ctx):
    """检查：事项的权力类型代码是否在 scheme.yml 的 power_types 中。
    原因：权力类型决定事项归类、必须公开的内容和基本编码的第 3、4 位。
    示例：
        type: "12"
    修正：改用 power_types 中的代码，如 "01"（行政许可）。
    """
    if _clean(item.type) and item.type not in ctx.scheme.power_types:
        options = "、".join(f"{code} {name}" for code, name in ctx.scheme.power_types.items())
        yield Hit(f"权力类型代码“{item.type}”不在编码方案中：应为 {options} 之一。", ("type",))


@rule("code.topic-unknown", ERROR, "entry")
def topic_unknown(entry, ctx):
    """检查：目录条目的主题分类代码是否在 scheme.yml 的 topics 中。
    原因：主题分类用于按主题浏览；不在代码表中的条目会从分类中消失。
    示例：
        topic: "02.99"
    修正：改用 topics 中的代码，如 "02.01"（政务公开）。
    """
    if _clean(entry.topic) and entry.topic not in ctx.scheme.topics:
        yield Hit(f"主题分类代码“{entry.topic}”不在编码方案的 topics 中。", ("topic",))


@rule("code.genre-unknown", ERROR, "entry")
def genre_unknown(entry, ctx):
    """检查：目录条目的体裁分类代码是否在 scheme.yml 的 genres 中。
    原因：体裁分类用于按文种浏览和统计。
    示例：
        genre: "17"
    修正：改用 genres 中的代码，如 "06"（通知）。
    """
    if _clean(entry.genre) and entry.genre not in ctx.scheme.genres:
        yield Hit(f"体裁分类代码“{entry.genre}”不在编码方案的 genres 中。", ("genre",))


@rule("code.basic-format", ERROR, "item")
def basic_format(item, ctx):
    """检查：基本编码是否为 12 位数字。
    原因：基本编码是事项在全国、全省通用的标识，结构为“来源 2 位 + 类型 2 位 + 行业 2 位 + 主项 3 位 + 子项 3 位”。
    示例：
        basic_code: "0001170030"
    修正：补足 12 位，如 "000117003000"。
    """
    if _clean(item.basic_code) and not BASIC_CODE_RE.match(item.basic_code):
        yield Hit(f"基本编码“{item.basic_code}”应为 12 位数字，当前为 {len(item.basic_code)} 位。", ("basic_code",))


def _segments(item):
    return BasicCode.parse(item.basic_code) if _clean(item.basic_code) and BASIC_CODE_RE.match(item.basic_code) else None


@rule("code.basic-source", ERROR, "item")
def basic_source(item, ctx):
    """检查：基本编码前 2 位（来源）是否为 00（国家基本目录）或本省代码（本省增设事项）。
    原因：来源位说明事项出自国家目录还是本省增设，两者不能混用。
    示例：
        basic_code: "350117003000"   # 安徽的事项用了福建的代码
    修正：国家目录事项用 00，本省增设事项用 scheme.yml 中的 province。
    """
    segments = _segments(item)
    if segments and segments.source not in ("00", ctx.scheme.province):
        yield Hit(
            f"基本编码“{item.basic_code}”的来源位“{segments.source}”应为 00（国家基本目录）或本省代码“{ctx.scheme.province}”。",
            ("basic_code",),
        )


@rule("code.basic-type", ERROR, "item")
def basic_type(item, ctx):
    """检查：基本编码第 3、4 位是否等于事项的权力类型 type。
    原因：同一事项的编码和类型说的应是同一件事。
    示例：
        basic_code: "000217003000"
        type: "01"
    修正：改正 type 或基本编码中的类型位。
    """
    segments = _segments(item)
    if segments and _clean(item.type) and segments.type != item.type:
        yield Hit(f"基本编码“{item.basic_code}”的类型位“{segments.type}”与 type“{item.type}”不一致。", ("basic_code",))


@rule("code.basic-sector", ERROR, "item")
def basic_sector(item, ctx):
    """检查：基本编码第 5、6 位是否等于所属部门的行业代码 sector。
    原因：行业位说明事项由哪条业务线指导，同一行业的事项才能在全省比对。
    示例：
        # 部门 sector: "01"
        basic_code: "000120003000"
    修正：改正基本编码中的行业位，或核对部门的 sector。
    """
    segments = _segments(item)
    dept = ctx.department(item.dept_id)
    if segments and dept and _clean(dept.sector) and segments.sector != dept.sector:
        yield Hit(f"基本编码“{item.basic_code}”的行业位“{segments.sector}”与部门的行业代码“{dept.sector}”不一致。", ("basic_code",))


@rule("item.file-name", ERROR, "item")
def file_name(item, ctx):
    """检查：事项文件名是否等于它的基本编码。
    原因：文件名就是事项的地址；不一致时，检查、网址和变更对比都会找错文件。
    示例：
        # powers/000117003000.yml
        basic_code: "000117004000"
    修正：把文件改名为 <基本编码>.yml，或改正 basic_code。
    """
    stem = item.file.rsplit("/", 1)[-1].removesuffix(".yml")
    if stem != item.basic_code:
        yield Hit(f"文件名“{stem}.yml”与基本编码“{item.basic_code}”不一致：请把文件改名为 {item.basic_code}.yml。", ("basic_code",))


@rule("dept.duplicate-identity", ERROR, "catalog")
def duplicate_identity(ctx):
    """检查：两个部门文件夹是否使用了同一个部门全称、简称或统一社会信用代码（比较名称时去掉看不见的字符和空白）。
    原因：名称和代码是部门的身份：复制了别的部门身份的文件夹，就能以那个部门的名义公开信息、占用它的索引号前缀。两个文件夹都会报告，以便双方核对。
    示例：
        # departments/340000-fgw/department.yml 和 departments/340100-fgw/department.yml
        uscc: 11340000002986061N
    修正：核对两个文件夹：各自填写本部门证书上的统一社会信用代码和全称；重复建立的文件夹请删除。
    """
    fields = (("name", "部门全称"), ("short_name", "部门简称"), ("uscc", "统一社会信用代码"))
    departments = sorted(ctx.catalog.departments.items())
    for key, label in fields:
        holders: dict[str, list[str]] = {}
        for dept_id, dept in departments:
            holders.setdefault(visible(getattr(dept, key)), []).append(dept_id)
        for dept_id, dept in departments:
            value = visible(getattr(dept, key))
            others = [other for other in holders[value] if other != dept_id] if value else []
            if others:
                yield Hit(f"{label}“{getattr(dept, key)}”与部门 {'、'.join(others)} 相同：每个部门的{label}应是它自己的。", (key,), dept)
