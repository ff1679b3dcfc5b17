"""Rules on scheme.yml, the coding-scheme profile a province adopts."""

from zwgk.catalog.codes import REGION_RE, TOPIC_RE, TWO_DIGITS_RE
from zwgk.catalog.scheme_model import DEFAULT_SCORE_WEIGHTS
from zwgk.rules import ERROR, Hit, rule

_LISTS = {
    "power_types": (TWO_DIGITS_RE, '两位数字，如 "01"'),
    "sectors": (TWO_DIGITS_RE, '两位数字，如 "01"'),
    "genres": (TWO_DIGITS_RE, '两位数字，如 "06"'),
    "topics": (TOPIC_RE, 'NN 或 NN.MM，如 "02"、"02.01"'),
    "regions": (REGION_RE, '六位数字，如 "340100"'),
}


@rule("scheme.code-format", ERROR, "scheme")
def code_format(scheme, ctx):
    """检查：scheme.yml 中各代码表的代码是否符合约定的写法：province 两位数字；行政区划六位数字且以省代码开头；权力类型、行业、体裁两位数字；主题 NN 或 NN.MM，且子类的大类存在。
    原因：代码表是全省统一编码的依据，写错一处，所有引用它的部门都会受影响。
    示例：
        province: "34"
        regions: {"34010": 合肥市}
        topics: {"02.1": 政务公开}
    修正：按约定位数改正代码，如 "340100"、"02.01"。
    """
    if not TWO_DIGITS_RE.match(scheme.province):
        yield Hit(f'省代码“{scheme.province}”应为两位数字，如 "34"。', ("province",))
    for list_name, (pattern, shape) in _LISTS.items():
        codes = getattr(scheme, list_name)
        for code in codes:
            if not pattern.match(code):
                yield Hit(f"{list_name} 中的代码“{code}”应为{shape}。", (list_name, code), at_key=True)
            elif list_name == "regions" and not code.startswith(scheme.province):
                yield Hit(f"行政区划代码“{code}”不以本省代码“{scheme.province}”开头。", (list_name, code), at_key=True)
            elif list_name == "topics" and "." in code and code.split(".")[0] not in codes:
                yield Hit(f"主题子类“{code}”的大类“{code.split('.')[0]}”不在 topics 中：请先加上大类。", (list_name, code), at_key=True)


@rule("scheme.score-weights", ERROR, "scheme")
def score_weights(scheme, ctx):
    """检查：scheme.yml 的 score_weights（监测评分各项标准的分值）是否只用已有的标准名，且合计为 100。不写 score_weights 时用默认分值；写了的，未列出的标准分值为 0。
    原因：得分满分 100，分值合计不是 100，各部门的得分就无法和满分、和往年比较。
    示例：
        score_weights: {up_to_date: 60, timely: 30, speed: 20}
    修正：只用标准名（eight、flowchart、basis、review、timely、index、clean、up_to_date、guide、validity、interpretation、annual），并使合计为 100。
    """
    weights = scheme.score_weights
    for key in weights:
        if key not in DEFAULT_SCORE_WEIGHTS:
            yield Hit(
                f"score_weights 中的“{key}”不是评分标准：可用的有 {'、'.join(DEFAULT_SCORE_WEIGHTS)}。", ("score_weights", key), at_key=True
            )
    total = sum(weights.values())
    if total != 100:
        yield Hit(f"score_weights 的分值合计为 {total}，应为 100。", ("score_weights",))


@rule("scheme.update-interval-genre", ERROR, "scheme")
def update_interval_genre(scheme, ctx):
    """检查：scheme.yml 中写明的 update_intervals（各体裁栏目最长不更新月数）的体裁代码是否在 genres 中（不写时用默认值，只用于 genres 中有的体裁）。
    原因：写了不存在的体裁，规定的更新周期就不会用在任何栏目上。
    示例：
        update_intervals: {"6": 6}
    修正：用 genres 中的代码，如 "06"。
    """
    if "update_intervals" not in scheme.model_fields_set:
        return  # the defaults apply to those of their genres the scheme has
    for code in scheme.update_intervals:
        if code not in scheme.genres:
            yield Hit(f"update_intervals 中的体裁“{code}”不在 genres 中。", ("update_intervals", code), at_key=True)


@rule("scheme.synonym-group", ERROR, "scheme")
def synonym_group(scheme, ctx):
    """检查：scheme.yml 的 synonyms 中每组检索同义词至少有两个不同的词，词不为空、不含空格，且一个词只属于一组。
    原因：同义词组在检索时互相替换；只有一个词的组不起作用，一个词在两组中会把不相干的词连在一起。
    示例：
        synonyms:
          - [营业执照]
          - [开饭店, 餐饮]
          - [餐饮, 食品经营]
    修正：每组写两个以上意思相同的词；同一个词出现在两组时，把两组合并成一组。
    """
    seen: dict[str, int] = {}
    for number, group in enumerate(scheme.synonyms):
        words = [word.strip() for word in group]
        for position, word in enumerate(group):
            if not word.strip() or any(character.isspace() for character in word.strip()):
                yield Hit(
                    f"同义词组第 {number + 1} 组的词“{word}”为空或含空格：每个词写成一个不带空格的词语。", ("synonyms", number, position)
                )
        if len(set(filter(None, words))) < 2:
            yield Hit(f"同义词组第 {number + 1} 组只有一个不同的词：每组至少写两个意思相同的词。", ("synonyms", number))
        for position, word in enumerate(words):
            if word and word in seen and seen[word] != number:
                yield Hit(
                    f"“{word}”同时在同义词组第 {seen[word] + 1} 组和第 {number + 1} 组中：请把两组合并。", ("synonyms", number, position)
                )
            seen.setdefault(word, number)
