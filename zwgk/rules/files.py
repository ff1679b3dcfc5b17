"""Rules the loader reports while reading files: encoding, YAML syntax, layout and field types.

Their functions never run (the loader reports them at the point of failure); they exist so that each
has one registered id, severity and documentation, like every other rule.
"""

from zwgk.rules import ERROR, WARNING, rule


def _reported_by_loader(*_args):
    return iter(())


@rule("file.encoding", ERROR, "load")
def file_encoding(*args):
    """检查：文件是否为 UTF-8 编码。
    原因：目录数据统一使用 UTF-8；用 GBK（GB18030）或 UTF-16 保存的文件在别人的电脑和网站上会变成乱码。
    示例：
        用“记事本”另存为 ANSI（GBK）编码的 2024.yml
    修正：在编辑器中把文件另存为“UTF-8（无 BOM）”。
    """
    return _reported_by_loader(*args)


@rule("file.bom", WARNING, "load")
def file_bom(*args):
    """检查：UTF-8 文件开头是否带有 BOM（字节顺序标记）。
    原因：BOM 是看不见的字符，部分工具会把它当成第一个键名的一部分。
    示例：
        用 Windows 记事本以“UTF-8”保存（会自动加 BOM）
    修正：另存为“UTF-8（无 BOM）”。
    """
    return _reported_by_loader(*args)


@rule("file.too-large", ERROR, "load")
def file_too_large(*args):
    """检查：单个文件是否过大（超过 64 MB）。
    原因：超大文件难以审阅，也拖慢每一次检查和构建。
    示例：
        disclosure/2024.yml 有 70 MB
    修正：把目录条目按年份放在各自的 disclosure/<年份>.yml 中；每个权力事项单独一个文件。
    """
    return _reported_by_loader(*args)


@rule("file.symlink", ERROR, "load")
def file_symlink(*args):
    """检查：目录文件夹中是否有符号链接（文件或文件夹）。
    原因：链接可以指向目录以外的任何文件，会把不该公开的内容发布到网站上，或在检查结果中列出别处的文件名；因此链接一律不读取，无论指向哪里。
    示例：
        departments/340000-fgw/powers/340101001000.yml -> /etc/passwd
    修正：删除链接，把文件本身放在这里。
    """
    return _reported_by_loader(*args)


@rule("file.unreadable", ERROR, "load")
def file_unreadable(*args):
    """检查：文件是否为可以读取的普通文件（不是设备、管道或套接字，且有读取权限）。
    原因：设备或管道（如 /dev/zero）会被无止境地读下去，拖垮检查和构建。
    示例：
        departments/340000-fgw/disclosure/2024.yml 是一个命名管道
    修正：删除它，换成普通的 UTF-8 文本文件。
    """
    return _reported_by_loader(*args)


@rule("file.unexpected", WARNING, "load")
def file_unexpected(*args):
    """检查：文件是否放在约定的位置、使用约定的扩展名。
    原因：不在约定位置的文件不会被读取，其中的内容也就不会公开。
    示例：
        departments/340000-fgw/powers/企业投资项目核准.yaml
    修正：权力事项放在 powers/<基本编码>.yml，目录条目放在 disclosure/<年份>.yml，年度统计放在 annual/<年份>.yml，扩展名用 .yml。
    """
    return _reported_by_loader(*args)


@rule("file.name-not-year", ERROR, "load")
def file_name_not_year(*args):
    """检查：disclosure/ 和 annual/ 下的文件名是否为四位年份。
    原因：文件名就是条目所属的年份，检查、网址和统计都依赖它。
    示例：
        disclosure/2024年.yml
    修正：改名为 disclosure/2024.yml。
    """
    return _reported_by_loader(*args)


@rule("file.shape", ERROR, "load")
def file_shape(*args):
    """检查：文件整体的结构是否正确：department.yml、事项文件、年度统计文件是“键: 值”映射，目录文件是条目列表，列表中每一项是映射。
    原因：结构不对时，其中的内容无法逐条读取。
    示例：
        # disclosure/2024.yml 写成了映射
        index: 11340000002986061N/202401-00001
        title: 关于……的通知
    修正：目录文件中每个条目以“- ”开头，写成列表。
    """
    return _reported_by_loader(*args)


@rule("dept.folder-name", ERROR, "load")
def dept_folder_name(*args):
    """检查：部门文件夹名是否为“6 位行政区划代码-简称”，简称为 2 至 16 位小写字母或数字。
    原因：文件夹名是部门的标识，出现在网址和实施编码中，必须稳定、统一。
    示例：
        departments/安徽省发改委/
    修正：改名为如 departments/340000-fgw/。
    """
    return _reported_by_loader(*args)


@rule("dept.missing-file", ERROR, "load")
def dept_missing_file(*args):
    """检查：每个部门文件夹中是否有 department.yml。
    原因：没有部门信息，就无法核对统一社会信用代码、行政区划和行业，也无法生成部门页面。
    示例：
        departments/340000-fgw/ 下只有 powers/ 和 disclosure/
    修正：按格式说明添加 department.yml。
    """
    return _reported_by_loader(*args)


@rule("yaml.syntax", ERROR, "load")
def yaml_syntax(*args):
    """检查：文件是否符合 YAML 语法。
    原因：语法错误的文件无法读取，其中所有内容都不会公开。
    示例：
        title: 关于印发《实施办法》的通知: 第二版
    修正：按提示检查该行的缩进、冒号和引号；值中含有冒号、井号等特殊字符时，给整个值加引号。
    """
    return _reported_by_loader(*args)


@rule("yaml.tab", ERROR, "load")
def yaml_tab(*args):
    """检查：缩进中是否有制表符（Tab）。
    原因：YAML 只允许用空格缩进；Tab 在不同编辑器中显示宽度不同，会让层级错乱。
    示例：
        flow:
        <Tab>- id: accept
    修正：把缩进中的 Tab 换成空格（建议每级两个空格）。
    """
    return _reported_by_loader(*args)


@rule("yaml.duplicate-key", ERROR, "load")
def yaml_duplicate_key(*args):
    """检查：同一个映射中是否有重复的键。
    原因：YAML 解析时后一个值会悄悄覆盖前一个，填写的内容会无声丢失。
    示例：
        name: 企业投资项目核准
        name: 企业投资项目备案
    修正：删除或合并重复的键。
    """
    return _reported_by_loader(*args)


@rule("yaml.alias", ERROR, "load")
def yaml_alias(*args):
    """检查：是否使用了 YAML 锚点和别名（& 和 *）或合并键（<<）。
    原因：别名让同一内容出现在多处，审阅时看不出来；嵌套的别名还能构成“别名炸弹”，耗尽内存。
    示例：
        contact: &c {consult_phone: 0551-1234567}
        other: *c
    修正：把内容直接写出来。
    """
    return _reported_by_loader(*args)


@rule("yaml.tag", ERROR, "load")
def yaml_tag(*args):
    """检查：是否使用了 YAML 标签（如 !!python/object、!!binary）或合并键。
    原因：目录只需要文本、数字、是否、列表和映射；其他标签可能触发不安全的行为或无法显示。
    示例：
        name: !!binary 5LyB5Lia
    修正：去掉标签，直接写出文本。
    """
    return _reported_by_loader(*args)


@rule("yaml.too-deep", ERROR, "load")
def yaml_too_deep(*args):
    """检查：嵌套层数是否超过 64 层。
    原因：正常的目录数据不超过几层；过深的嵌套只会出现在错误或恶意的文件中。
    示例：
        a: {b: {c: {d: {...}}}}
    修正：按格式说明的结构填写。
    """
    return _reported_by_loader(*args)


@rule("schema.missing", ERROR, "load")
def schema_missing(*args):
    """检查：必填字段是否填写。
    原因：缺少必填字段的记录无法完整公开，也无法核对编码。
    示例：
        - index: 11340000002986061N/202401-00001
          date: 2024-01-05
          # 缺少 title
    修正：按提示补上字段。
    """
    return _reported_by_loader(*args)


@rule("schema.type", ERROR, "load")
def schema_type(*args):
    """检查：字段值的类型是否正确：代码和编号是带引号的文本，天数和份数是整数，是否类字段是 true 或 false，列表写成“- ”开头的列表。
    原因：YAML 会把不加引号的 01 读成数字 1、把 000117003000 读成八进制数，编码因此面目全非。
    示例：
        type: 01
        time_limit: {statutory: 二十, promised: 10}
    修正：代码加引号（type: "01"），天数写阿拉伯数字（statutory: 20）。
    """
    return _reported_by_loader(*args)


@rule("schema.value", ERROR, "load")
def schema_value(*args):
    """检查：只能取固定值的字段（层级、权力来源、状态、公开方式、有效性、依据层级等）是否取了允许的值。
    原因：这些值用于分类浏览和统计，写法不统一就会分散到不同类别。
    示例：
        mode: 主动
    修正：改为允许的值之一，如 mode: 主动公开。
    """
    return _reported_by_loader(*args)


@rule("schema.date", ERROR, "load")
def schema_date(*args):
    """检查：日期是否写成 YYYY-MM-DD 且确实存在。
    原因：不存在的日期（如 2023-02-30）或其他写法无法排序、统计和判断是否按时公开。
    示例：
        date: 2023-02-30
        published: 2023年3月1日
    修正：写成存在的日期，如 date: 2023-02-28。
    """
    return _reported_by_loader(*args)


@rule("schema.unknown-key", WARNING, "load")
def schema_unknown_key(*args):
    """检查：是否有格式说明中没有的字段名。
    原因：多半是字段名拼错了，这样填写的内容不会显示在网站上。
    示例：
        titel: 关于……的通知
    修正：按提示改成正确的字段名；确需新增字段的，先在格式说明中补充。
    """
    return _reported_by_loader(*args)


# ---- hostile input: values that cannot be read, characters that break pages, limits ---------------


@rule("yaml.tag-value", ERROR, "load")
def yaml_tag_value(*args):
    """检查：带 YAML 标签（!!int、!!float、!!bool）的值能否按标签读出。
    原因：标签强制把值读成数字或是否值；读不出时整个文件都无法检查，标签本身也不是目录需要的写法。
    示例：
        year: !!int abc
    修正：去掉标签，直接写出值，如 year: 2025。
    """
    return _reported_by_loader(*args)


@rule("yaml.number-out-of-range", ERROR, "load")
def yaml_number_out_of_range(*args):
    """检查：数字是否是有限的数，且绝对值不超过 10¹⁵（.inf、.nan 和几千位的整数都不行）。
    原因：目录中的天数、件数和金额都远小于这个范围；无穷大、非数和超长的数字无法计算、显示和导出。
    示例：
        proactive:
          fees: .inf
    修正：写出实际的数字，如 fees: 12.5。
    """
    return _reported_by_loader(*args)


@rule("yaml.key-not-text", ERROR, "load")
def yaml_key_not_text(*args):
    """检查：映射的键是否是文本（字段名或加了引号的代码）。
    原因：不加引号的 01、true、null 作键会被读成数字、是否值或空值，字段和代码就对不上了。
    示例：
        sectors:
          01: 发展改革
    修正：键用字段名；代码表中的代码加引号，如 "01": 发展改革。
    """
    return _reported_by_loader(*args)


@rule("text.control-char", ERROR, "load")
def text_control_char(*args):
    """检查：文本中是否有控制字符：C0 控制字符（U+0000 至 U+001F，多行字段中的换行和制表符除外）、DEL（U+007F）、C1 控制字符（U+0080 至 U+009F）和非字符 U+FFFE、U+FFFF；名称、标题、代码等只能写一行的字段中也不能有换行、制表符和行分隔符（U+2028、U+2029）。
    原因：这些字符看不见，却会让网页标题和元数据无法读取、让订阅源（Atom）成为无效的 XML、让流程图无法绘制、让标题断成两行。
    示例：
        title: "关于印发\\x7f实施办法的通知"
        name: |
          食品经营许可
    修正：删除提示位置上的字符；只能写一行的字段不要用 | 或 >，直接写在冒号后面。
    """
    return _reported_by_loader(*args)


@rule("text.invisible-char", WARNING, "load")
def text_invisible_char(*args):
    """检查：文本中是否有看不见的字符：双向文字控制符（U+202A 至 U+202E、U+2066 至 U+2069、U+200E、U+200F）和零宽字符（U+200B 至 U+200D、U+2060、U+FEFF）。
    原因：它们会让文字显示的顺序与实际不同，或让两个看起来一样的名称被当成不同的名称（比较名称时会先去掉它们）。
    示例：
        name: "食品经营\\u200b许可"
    修正：删除这些字符（在编辑器中把光标移过去，看不见却要多按一次方向键的位置就是）。
    """
    return _reported_by_loader(*args)


@rule("text.too-long", ERROR, "load")
def text_too_long(*args):
    """检查：文本是否超过长度上限：名称、简称、标题最多 200 个字符，文号最多 100 个字符，其他任何文本最多 20000 个字符。
    原因：名称和标题用作网页标题并被整体检索（检索词最多 200 个字）；过长的文本会让导出文件和检索无法处理，也不是目录该放的内容。
    示例：
        summary: （一篇 15 万字的全文）
    修正：压缩为概述，全文放在 url 指向的页面上。
    """
    return _reported_by_loader(*args)
