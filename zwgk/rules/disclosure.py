"""Rules on the disclosure catalogue: 索引号 and entries."""

import re
from collections import defaultdict

from zwgk.catalog.codes import INDEX_EXAMPLES, has_fullwidth, index_period, index_prefix, workdays_between
from zwgk.catalog.text import visible
from zwgk.rules import ERROR, WARNING, Hit, rule

_DOC_NUMBER = re.compile(r"〔[0-9]{4}〕\s*[0-9]+\s*号\Z")
_DOC_NUMBER_BRACKETS = re.compile(r"[\[(（【［]\s*(\d{4})\s*[\])）】］]")


@rule("index.format", ERROR, "entry")
def index_format(entry, ctx):
    """检查：索引号是否符合 scheme.yml 的 index_formats 所允许的格式之一：uscc-yyyymm（统一社会信用代码/年月-序号）、org-yyyymm（组织机构代码/年月-序号）、org-yyyy（组织机构代码/年份-序号），序号为 5 位数字。
    原因：索引号是每条政府信息的唯一标识，格式统一才能全省检索和核对。
    示例：
        index: 11340000002986061N-2024-1
    修正：写成如 11340000002986061N/202401-00001。
    """
    if entry.index and not has_fullwidth(entry.index) and ctx.index_number(entry) is None:
        examples = "、".join(INDEX_EXAMPLES[form] for form in ctx.scheme.index_formats)
        yield Hit(f"索引号“{entry.index}”不符合允许的格式：应形如 {examples}（序号 5 位）。", ("index",))


@rule("index.prefix-not-publisher", ERROR, "entry")
def prefix_not_publisher(entry, ctx):
    """检查：索引号前缀是否是发布机构自己的统一社会信用代码（或其中的组织机构代码）。
    原因：索引号前缀标明信息由谁发布；用了别的机关的代码，就会和那个机关的索引号冲突。
    示例：
        # 发布机构统一社会信用代码为 11340000002986061N
        index: 113400000030000000/202401-00001
    修正：前缀改为发布机构的代码；由其他部门发布的，写明 publisher。
    """
    number = ctx.index_number(entry)
    publisher = ctx.department(entry.publisher_id)
    # A publisher whose own code is wrong is reported once, by the code rules, not on every entry.
    if number is None or publisher is None or entry.publisher_id not in ctx.valid_uscc:
        return
    expected = index_prefix(number.form, publisher.uscc)
    if number.prefix != expected:
        yield Hit(f"索引号前缀“{number.prefix}”不是发布机构 {publisher.short_name} 的代码“{expected}”。", ("index",))


@rule("index.period-mismatch", ERROR, "entry")
def period_mismatch(entry, ctx):
    """检查：索引号中的年月（或年份）是否等于生成日期 date 的年月（或年份）。
    原因：索引号按生成时间编排，对不上就无法按时间核对序号是否连续。
    示例：
        index: 11340000002986061N/202402-00001
        date: 2024-01-05
    修正：改正索引号的年月，或核对生成日期。
    """
    number = ctx.index_number(entry)
    if number is not None:
        expected = index_period(number.form, entry.date)
        if number.period != expected:
            yield Hit(f"索引号中的时间“{number.period}”与生成日期 {entry.date} 不符，应为“{expected}”。", ("index",))


@rule("index.duplicate", ERROR, "catalog")
def duplicate(ctx):
    """检查：索引号在整个目录（所有部门、所有年份）中是否唯一。
    原因：索引号一经公开不再改变，是信息的永久标识；重复的索引号会让两条信息争用同一个网址。
    示例：
        - index: 11340000002986061N/202401-00001
          title: 关于甲的通知
        - index: 11340000002986061N/202401-00001
          title: 关于乙的通知
    修正：给后编的那条换一个未用过的序号（已公开的那条不要改）。
    """
    first = {}
    for entry in ctx.catalog.entries:
        # Compared as readers see them: a trailing line break (`index: |`) makes no new 索引号.
        earlier = first.setdefault(visible(entry.index), entry)
        if earlier is not entry:
            yield Hit(
                f"索引号与 {earlier.file} 中的“{earlier.title}”重复：已公开的索引号不能改，请给后编的条目换一个序号。", ("index",), entry
            )


@rule("index.serial-gap", WARNING, "catalog")
def serial_gap(ctx):
    """检查：同一发布机构、同一时段（年月或年份）内，索引号序号是否从 00001 起连续编排。
    原因：序号中断，多半是有信息编了号却没有列入目录，或者序号编错了。
    示例：
        # 202401-00001、202401-00002、202401-00004（缺 00003）
    修正：补上漏列的条目；确属不予公开的，也应以“不予公开”列入目录。
    """
    groups = defaultdict(list)
    for entry in ctx.catalog.entries:
        number = ctx.index_number(entry)
        if number is not None:
            groups[number.group].append((number.serial, entry))
    for members in groups.values():
        members.sort(key=lambda member: member[0])
        previous = 0
        for serial, entry in members:
            if serial > previous + 1:
                missing = f"{previous + 1:05d}" if serial == previous + 2 else f"{previous + 1:05d} 至 {serial - 1:05d}"
                yield Hit(f"序号不连续：缺少 {missing}。", ("index",), entry)
            previous = max(previous, serial)


@rule("entry.year-mismatch", ERROR, "entry")
def year_mismatch(entry, ctx):
    """检查：条目的生成日期是否在它所在文件的年份内。
    原因：目录按年份分文件，放错年份的条目会在年度统计和浏览中错位。
    示例：
        # disclosure/2024.yml
        - date: 2023-12-28
    修正：把条目移到对应年份的文件中，或核对生成日期。
    """
    year = entry.file.rsplit("/", 1)[-1].removesuffix(".yml")
    if str(entry.date.year) != year:
        yield Hit(f"生成日期 {entry.date} 不在文件的年份 {year} 内：请把条目移到 disclosure/{entry.date.year}.yml。", ("date",))


@rule("entry.date-future", WARNING, "entry")
def date_future(entry, ctx):
    """检查：生成日期和发布日期是否晚于今天（检查时的日期）。
    原因：未来的日期多半是笔误，比如年份写错。
    示例：
        date: 2042-01-05
    修正：核对日期。
    """
    for key in ("date", "published"):
        value = getattr(entry, key)
        if value and value > ctx.as_of:
            yield Hit(f"{'生成' if key == 'date' else '发布'}日期 {value} 晚于今天（{ctx.as_of}）：请核对。", (key,))


@rule("entry.published-before-date", ERROR, "entry")
def published_before_date(entry, ctx):
    """检查：发布日期是否不早于生成日期。
    原因：信息不可能在生成之前发布。
    示例：
        date: 2024-03-05
        published: 2024-03-01
    修正：核对两个日期。
    """
    if entry.published and entry.published < entry.date:
        yield Hit(f"发布日期 {entry.published} 早于生成日期 {entry.date}。", ("published",))


@rule("entry.published-late", WARNING, "entry")
def published_late(entry, ctx):
    """检查：主动公开的信息是否在生成之日起 scheme.yml 规定的工作日内（limits.publish_within_workdays，默认 20）公开。工作日按 scheme.yml 的 holidays 和 workdays 计算。
    原因：《政府信息公开条例》第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起 20 个工作日内及时公开。
    示例：
        date: 2024-03-01
        published: 2024-05-06
    修正：及时公开；确有法律、法规规定的，在 summary 中说明。
    """
    if entry.published is None or entry.mode not in (None, "主动公开") or entry.published <= entry.date:
        return
    limit = ctx.scheme.limits.publish_within_workdays
    used = workdays_between(entry.date, entry.published, ctx.holidays, ctx.workdays)
    if used > limit:
        yield Hit(f"生成后第 {used} 个工作日才发布，超过了 {limit} 个工作日的期限（条例第二十六条）。", ("published",))


@rule("entry.doc-number", WARNING, "entry")
def doc_number(entry, ctx):
    """检查：文号是否写成“机关代字〔年份〕序号号”，年份用六角括号〔〕，以“号”结尾。
    原因：统一写法才能按文号精确检索。
    示例：
        doc_number: 皖政办[2011]37号
    修正：写成 皖政办〔2011〕37号。
    """
    value = entry.doc_number
    if not value or _DOC_NUMBER.search(value.strip()):
        return
    fixed = _DOC_NUMBER_BRACKETS.sub(r"〔\1〕", value.strip())
    hint = f"应写成“{fixed}”" if _DOC_NUMBER.search(fixed) else "应写成“机关代字〔年份〕序号号”，如 皖政办〔2011〕37号"
    yield Hit(f"文号“{value}”写法不规范：{hint}。", ("doc_number",))


@rule("entry.summary-too-long", WARNING, "entry")
def summary_too_long(entry, ctx):
    """检查：内容概述是否超过 scheme.yml 规定的字数（limits.summary_max_chars，默认 300）。
    原因：概述用于目录列表和搜索结果，过长会淹没标题；全文请放在 url 指向的页面。
    示例：
        summary: （一篇完整的通知正文）
    修正：压缩为几句话的概述。
    """
    limit = ctx.scheme.limits.summary_max_chars
    if entry.summary and len(entry.summary) > limit:
        yield Hit(f"内容概述有 {len(entry.summary)} 个字，超过了 {limit} 字：请压缩。", ("summary",))


@rule("entry.publisher-unknown", ERROR, "entry")
def publisher_unknown(entry, ctx):
    """检查：publisher（发布机构）是否是目录中已有的部门文件夹名。
    原因：发布机构决定索引号前缀，也用于按部门浏览。
    示例：
        publisher: 省发展改革委
    修正：写部门文件夹名，如 340000-fgw；本部门发布的可以不写。
    """
    if entry.publisher and entry.publisher not in ctx.catalog.departments and not has_fullwidth(entry.publisher):
        yield Hit(f"发布机构“{entry.publisher}”不是已有的部门文件夹名（如 340000-fgw）。", ("publisher",))


@rule("entry.publisher-not-own", ERROR, "entry")
def publisher_not_own(entry, ctx):
    """检查：publisher（发布机构）是否是条目所在文件夹的部门本身。每个部门只在自己的文件夹中列出自己发布的信息；几个部门联合发布的文件，由各部门以各自的索引号分别列入自己的目录。
    原因：索引号的前缀和网址 /i/<前缀>/… 都属于发布机构；别的部门文件夹中的条目若写了它的 publisher，就能以它的名义发布，并把它自己的索引号网址引向别处。
    示例：
        # departments/340000-fgw/disclosure/2024.yml
        - index: 11340000002500113R/202401-00001
          publisher: 340000-amr
    修正：删去 publisher，改用本部门的索引号；由其他部门发布的信息，请该部门在自己的文件夹中列出。
    """
    if entry.publisher and entry.publisher != entry.dept_id and entry.publisher in ctx.catalog.departments:
        yield Hit(
            f"发布机构“{entry.publisher}”不是本部门（{entry.dept_id}）：条目只能列在发布机构自己的文件夹中，请删去 publisher 并使用本部门的索引号。",
            ("publisher",),
        )


@rule("entry.url-scheme", ERROR, "entry")
def url_scheme(entry, ctx):
    """检查：全文链接是否是 http:// 或 https:// 开头的完整网址：有带点的主机名，整个网址中没有空格、换行、控制字符和反斜杠“\\”，主机名前没有“用户名@”。
    原因：其他写法（如 javascript:、file:、相对路径）在网站上打不开，甚至不安全；“https://可信网站@其他网站/”和反斜杠能让链接看起来指向一个网站，实际打开另一个；末尾的换行会让网址失效。
    示例：
        url: javascript:alert(1)
        url: https://www.ah.gov.cn@evil.example/
    修正：写部门网站上全文页面的完整网址，如 https://www.ah.gov.cn/xxgk/123.html。
    """
    if entry.url is None:
        return
    problem = _url_problem(entry.url)
    if problem:
        shown = entry.url[:80].encode("unicode_escape").decode("ascii") if not entry.url[:80].isprintable() else entry.url[:80]
        yield Hit(f"全文链接“{shown}”{problem}。", ("url",))


_URL = re.compile(r"https?://([^/?#]*)([/?#].*)?", re.S)
_HOST = re.compile(r"(?:[^\W_]|[-.])+\.(?:[^\W_]|[-])+(?::[0-9]{1,5})?")
_URL_FORBIDDEN = re.compile(r"[\s\\\x00-\x1f\x7f-\x9f]")


def _url_problem(url: str) -> str:
    """Why `url` is not a full http(s) address, or "" when it is one."""
    match = _URL.fullmatch(url)
    if not match:
        return "不是以 http:// 或 https:// 开头的完整网址"
    forbidden = _URL_FORBIDDEN.search(url)
    if forbidden:
        what = "反斜杠“\\”" if forbidden.group() == "\\" else "空格、换行或控制字符"
        return f"第 {forbidden.start() + 1} 个字符是{what}：网址中不能有它"
    if "@" in match.group(1):
        return "在主机名前有“用户名@”：这种写法会让链接看起来指向一个网站，实际打开另一个，请删去“@”及其之前的部分"
    if not _HOST.fullmatch(match.group(1)):
        return "的主机名不完整：应形如 www.ah.gov.cn"
    return ""


def interpretation_genres(scheme) -> frozenset[str]:
    """The genre codes the scheme labels 政策解读."""
    return frozenset(code for code, label in scheme.genres.items() if label == "政策解读")


@rule("entry.interprets-unknown", ERROR, "catalog")
def interprets_unknown(ctx):
    """检查：政策解读的 interprets 是否是目录中已有条目的索引号，且不是它自己。
    原因：解读和被解读的政策文件在网站上互相链接；索引号写错，链接就指向不存在的信息。
    示例：
        - title: 《关于甲的通知》政策解读
          interprets: 11340000002986061N/202401-09999
    修正：写被解读政策文件的索引号（在它的目录条目中可以找到）。
    """
    indices = {entry.index for entry in ctx.catalog.entries}
    for entry in ctx.catalog.entries:
        if entry.interprets is None:
            continue
        if entry.interprets == entry.index:
            yield Hit("interprets 写的是本条目自己的索引号：应写被解读政策文件的索引号。", ("interprets",), entry)
        elif entry.interprets not in indices:
            yield Hit(f"interprets 中的索引号“{entry.interprets}”不在目录中：请写被解读政策文件的索引号。", ("interprets",), entry)


@rule("entry.interpretation-unlinked", WARNING, "entry")
def interpretation_unlinked(entry, ctx):
    """检查：体裁为“政策解读”的条目是否用 interprets 写明它解读的政策文件的索引号。
    原因：政策文件和它的解读应互相关联，读者从任一方都能找到另一方（文件与解读同步）。
    示例：
        - title: 《关于甲的通知》政策解读
          genre: "15"
          # 没有 interprets
    修正：加上 interprets: <被解读政策文件的索引号>。
    """
    codes = ctx.__dict__.get("_interpretation_genres")
    if codes is None:  # once per check, not once per entry
        codes = ctx.__dict__["_interpretation_genres"] = interpretation_genres(ctx.scheme)
    if entry.genre in codes and not entry.interprets:
        yield Hit("政策解读没有写明所解读的政策文件：请加上 interprets（政策文件的索引号）。", ("genre",))


@rule("entry.normative-validity-missing", WARNING, "entry")
def normative_validity_missing(entry, ctx):
    """检查：行政规范性文件（normative: true）是否明确写出有效性 validity（有效、失效、废止）。
    原因：规范性文件的有效性直接影响群众和企业是否还能依据它办事，应逐件标注，不能靠默认值。
    示例：
        - title: 关于甲的规定
          normative: true
          # 没有 validity
    修正：写明 validity: 有效（或 失效、废止）。
    """
    if entry.normative and "validity" not in entry.model_fields_set:
        yield Hit("行政规范性文件应明确标注有效性：请写 validity（有效、失效或废止）。", ("normative",))
