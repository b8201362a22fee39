"""Proactive disclosure: the year's total and cumulative count, channels, and the breakdowns by
kind (category), by unit and by key area, whose Chinese labels become the measure."""

from __future__ import annotations

import re

from ingest.numbers import Quantity, quantity_from_match
from ingest.prose.labels import category_label, key_area_label, unit_label
from ingest.prose.sentences import SUB_HEADING_RE as SUB_ENUM_RE
from ingest.prose.sentences import Sentence
from ingest.prose.state import CUMULATIVE_RE, ITEM_UNITS, State, clauses, holds_any, last_match, q

_TOTAL_RE = re.compile(
    r"(?P<verb>主动公开|公开|发布)(?:了)?(?P<kind>各类|各种)?(?P<gov>政府|政务)?(?:信息|文件)(?:资料)?(?:数|件数|数量|总数|总量)?"
    r"(?:共|共计|合计)?(?:为|达|达到)?" + q("q", ("条", "件", "个", "份"))
)
_WEBSITE_RE = re.compile(
    r"网站(?:上)?[^，,。；;通在]{0,6}?(?:发布|公开|更新)(?:了)?(?:各类|各种)?(?:政府|政务)?信息(?:共|共计)?(?:为|达)?"
    + q("q", ("条", "件", "个", "篇"))
)
_NOT_PROACTIVE_BEFORE_RE = re.compile(r"(?:依申请|不予|不|未|申请)$")
_SELF_SUBJECT_RE = re.compile(r"^(?:我|本|全)")
_TIME_WORDS_RE = re.compile(r"\d{4}年(?:度)?|全年|今年|本年度?|当年|其中|共|累计|新增|截至目前|目前")
_LIST_OPEN_RE = re.compile(
    r"(?:主动公开|公开)的(?:\d+条)?(?:政府|政务)?信息中|主要类别|主要包括|分类|类别(?:有|为|如下)"
)
_ITEM_RE = re.compile(q("q", ITEM_UNITS))


WEBSITE_WORD = "网站"  # what every match of _WEBSITE_RE holds
TOTAL_WORDS = ("公开", "发布")  # every match of _TOTAL_RE holds one of them


def proactive(s: Sentence, st: State) -> bool:
    """主动公开(政府)信息N条(，历年累计M条)(，其中…) and 门户网站发布信息N条. True when it matched."""
    web = _WEBSITE_RE.search(s.text) if WEBSITE_WORD in s.text else None
    if web and not re.search(r"通过|在|依托|利用|借助|向|报送|上报", s.text[: web.start()][-15:]):
        qty = quantity_from_match(web, "q")
        if qty is not None:
            st.emit_q(s, "disclosure", "proactive_items_website", "total", qty)
            st.remember("disclosure", "proactive_items_website")
            return True
    matched = False
    if not holds_any(s.text, TOTAL_WORDS):
        return matched  # no _TOTAL_RE match
    for m in _TOTAL_RE.finditer(s.text):
        before = s.text[: m.start()]
        if (
            _NOT_PROACTIVE_BEFORE_RE.search(before)
            or (
                m.group("verb") == "公开"
                and not (m.group("kind") or m.group("gov") or "主动公开" in s.top + s.sub)
            )
            or (
                m.group("verb") == "发布"
                and not (m.group("gov") or m.group("kind"))
                and (
                    "主动公开" not in s.top + s.sub or _CHANNEL_OR_ELSEWHERE_RE.search(_clause_before(before))
                )
            )
        ):
            continue
        qty = quantity_from_match(m, "q")
        if qty is None:
            continue
        matched = True
        clause_start = max(before.rfind(c) for c in "，,：:；;") + 1
        subject = _TIME_WORDS_RE.sub("", before[clause_start:])
        subject = re.sub(r"^(?:[（(][一二三四五六七八九十\d]{0,3}[)）]|\d{1,2}[.、．])", "", subject)
        clause = before[clause_start:]
        if st.proactive_total is not None and _SINCE_RE.search(clause) and "累计" in clause:
            # '…89条，截至2012年底累计主动公开政府信息1,024条': a count since records began
            st.emit_q(s, "disclosure", "proactive_items", "total_cumulative", qty)
            continue
        if st.breakdown_left and "各" not in subject:
            _category(s, st, "主动公开信息" if not subject else subject + "主动公开信息", qty)
            continue
        if st.proactive_total is not None and subject and not _SELF_SUBJECT_RE.match(subject):
            if not _UNIT_SUBJECT_RE.search(subject.split("，")[-1]):
                continue
            _by_unit(s, st, before, qty)
            continue
        if "历年" in clause or ("累计" in clause and not re.search(r"全年|本年|今年|年度|\d{4}年", clause)):
            st.emit_q(s, "disclosure", "proactive_items", "total_cumulative", qty)
            continue
        # a restatement keeps the first figure unless that one was approximate (see State.emit)
        if st.emit_q(s, "disclosure", "proactive_items", "total", qty):
            st.proactive_total = qty.value
        st.remember("disclosure", "proactive_items")
        rest = s.text[m.end() :]
        cm = CUMULATIVE_RE.match(re.sub(r"^[，,、]", "", rest))
        if cm and (cq := quantity_from_match(cm, "q")) is not None:
            st.emit_q(s, "disclosure", "proactive_items", "total_cumulative", cq)
        if "其中" in rest:
            _open_breakdown(st, s)
            _breakdown_items(s, st, rest[rest.index("其中") :])
    return matched


# '通过政务微博发布信息35条', '向市政府网站报送并发布信息': a channel's or another site's count, not the total
_CHANNEL_OR_ELSEWHERE_RE = re.compile(r"通过|经|在|向|报送|上报|微博|微信|网站|公报")


def _clause_before(before: str) -> str:
    return before[max(before.rfind(c) for c in "，,：:；;") + 1 :]


_SINCE_RE = re.compile(r"截[至止]|以来|至今")
_UNIT_SUBJECT_RE = re.compile(r"各|(?:单位|部门|乡镇|街道|局|委|办|中心|镇|乡|处|科|站|所|政府|管委会|公司)$")


def _by_unit(s: Sentence, st: State, before: str, qty: Quantity) -> None:
    label = unit_label(before)
    if label is None or not _UNIT_SUBJECT_RE.search(label) or label.startswith("在"):
        return
    place = re.search(r"在([^，,。；;在]{2,8}?)上[，,]", before)
    if place:
        label = f"{label}({place.group(1)})"
    st.emit_q(s, "disclosure", "proactive_items_by_unit", label, qty)


_CHANNEL_ITEMS = (
    (re.compile(r"网站|网上"), "proactive_items_website"),
    (re.compile(r"公报"), "proactive_items_gazette"),
    (re.compile(r"微博"), "proactive_items_weibo"),
    (re.compile(r"微信"), "proactive_items_wechat"),
)


def _category(s: Sentence, st: State, raw_label: str, qty: Quantity) -> None:
    via = re.fullmatch(
        r"[、,，]?(?:其中)?[:：,，]?(?:通过|在|经)?(?P<ch>[^，,、；;]{2,12}?)(?:上)?(?:主动)?(?:公开|发布|刊登|刊发)"
        r"(?:的)?(?:政府)?(?:信息)?(?:数)?(?:为|共)?",
        raw_label,
    )
    if via:
        for regex, item in _CHANNEL_ITEMS:
            if regex.search(via.group("ch")):
                st.emit_q(s, "disclosure", item, "total", qty)
                return
        if re.fullmatch(r"其[他它](?:方式|形式|渠道)", via.group("ch")):
            st.emit_q(s, "disclosure", "proactive_items_other_channels", "total", qty)
            return
        if raw_label.lstrip("、,，其中:：").startswith(("通过", "经")):
            return  # a channel without a key of its own ('通过公开栏公开5条'): not a kind of item
    label = category_label(raw_label, qty.unit)
    if label is None or re.search(r"申请|复议|诉讼|答复|收费|全文电子化|访问|浏览", label):
        return
    if st.proactive_total is not None and qty.value > st.proactive_total:
        return
    st.emit_q(s, "disclosure", "proactive_items_category", label, qty)


def _open_breakdown(st: State, s: Sentence) -> None:
    st.breakdown_left, st.breakdown_top = 8, s.top


def _breakdown_items(s: Sentence, st: State, text: str) -> None:
    """'…信息148条，占34.8%；政策…类信息21条' -> one category per quantity, label = text before it."""
    pos = 0
    for m in _ITEM_RE.finditer(text):
        qty = quantity_from_match(m, "q")
        gap = text[pos : m.start()]
        pos = m.end()
        if qty is None:
            continue
        cut = max(gap.rfind(c) for c in "，,；;。：:")
        raw = gap[cut + 1 :]
        if (
            re.search(r"(?:主动公开|公开)(?:各类|各种)?(?:政府|政务)?信息(?:数|总数)?(?:为|共)?$", raw)
            and "各" in raw
        ):
            continue
        _category(s, st, raw, qty)


def may_open_list(text: str) -> bool:
    """Could _LIST_OPEN_RE match? Every opener holds 公开的, 类 (类别/分类/主要类别) or 主要包括."""
    return "公开的" in text or "类" in text or "主要包括" in text


def breakdown(s: Sentence, st: State) -> bool:
    """Items of an open 其中/类别 list: '(二)全街道各站所发布统计动态98条' -> a category."""
    opener = last_match(_LIST_OPEN_RE, s.text) if may_open_list(s.text) else None
    if opener and re.search(r"主动公开|公开|信息", s.text[: opener.end()]):
        _open_breakdown(st, s)
        _breakdown_items(s, st, s.text[opener.end() :])
        return True
    if (
        s.text.startswith("其中")
        and st.last_item == ("disclosure", "proactive_items")
        and st.last_item_index == st.index - 1
    ):
        _open_breakdown(st, s)
        if not proactive(s, st):
            _breakdown_items(s, st, s.text)
        return True
    if not st.breakdown_left:
        return False
    if s.top != st.breakdown_top or (SUB_ENUM_RE.match(s.text) and not _ITEM_RE.search(s.text)):
        st.breakdown_left = 0
        return False
    st.breakdown_left -= 1
    if proactive(s, st):
        return True
    continues = st.prev_end in "；;:：" or SUB_ENUM_RE.match(s.text) is not None
    if continues and _is_list(s.text):
        _breakdown_items(s, st, s.text)
        return True
    return False


def _is_list(text: str) -> bool:
    """Most clauses end with a count ('…类信息21条，占4.9%；…'), or the sentence is an enumerated item."""
    if SUB_ENUM_RE.match(text) and _ITEM_RE.search(text):
        return True
    clauses = [c for c in re.split(r"[，,；;。：:]", text) if c and not c.startswith("占")]
    ending = [c for c in clauses if re.search(_ITEM_RE.pattern + r"(?:等)?$", c)]
    return bool(clauses) and len(ending) * 2 >= len(clauses)


def list_without_total(s: Sentence, st: State) -> None:
    """主动公开公文3份、工作目标信息1条、人事信息1条 (no total printed): each item a category."""
    m = re.search(r"主动公开(?:了)?", s.text)
    if m is None or st.breakdown_left:
        return
    rest = s.text[m.end() :]
    items = list(_ITEM_RE.finditer(rest))
    if len(items) < 2 or not re.match(r"[^\d，,。；;]{1,20}" + _ITEM_RE.pattern, rest):
        return
    gaps = [rest[a.end() : b.start()] for a, b in zip(items, items[1:], strict=False)]
    if not all(re.fullmatch(r"[、；;][^\d，,。；;、]{1,20}", g) for g in gaps):
        return
    _breakdown_items(s, st, rest)


def bare_cumulative(s: Sentence, st: State) -> None:
    """'历年累计608件' right after the sentence that gave the year's figure."""
    if st.last_item is None or st.last_item_index != st.index - 1:
        return
    m = CUMULATIVE_RE.match(s.text)
    if m and re.search(r"复议|诉讼|申诉|举报|申请|公开", m.group(0)) and st.last_item[0] != "disclosure":
        return
    if m and (qty := quantity_from_match(m, "q")) is not None:
        section, item = st.last_item
        st.emit_q(s, section, item, "total_cumulative", qty)


# ---------------------------------------------------------------- key areas

_PUBLISHED_RE = re.compile(r"(?:公开|发布|公布)(?:了)?")
_KEY_AREA_RE = re.compile(r"(?P<label>[^，,。；;：:]{2,40}?)" + q("q", ("条", "宗", "件", "份")))


def key_areas(s: Sentence, st: State) -> None:
    """Under a 重点领域 heading: 公开X信息N条; elsewhere only '公开/发布…X信息N条'."""
    in_section = "重点领域" in s.top or "重点领域" in s.sub
    for clause in clauses(s.text):
        verb = last_match(_PUBLISHED_RE, clause)
        if verb is None:
            continue
        first = _PUBLISHED_RE.search(clause)
        assert first is not None
        if re.search(r"依申请|不予", clause[: first.start()]):
            continue
        tail = clause[verb.end() :]
        m = _KEY_AREA_RE.fullmatch(tail)
        if in_section and m is not None and _label_first_list(s, st, tail):
            continue
        if m is None:
            if in_section:
                _number_first_key_areas(s, st, tail, clause)
            continue
        raw = m.group("label")
        if not in_section and not re.search(r"信息(?:数|共|共计)?$", raw):
            continue
        qty = quantity_from_match(m, "q")
        if qty is None:
            continue
        label = key_area_label(raw, qty.unit)
        if in_section and (label is None or _GENERIC_LABEL_RE.search(label)):
            label = _context_label(s, s.text[: s.text.find(clause)], raw)
        elif in_section and label is not None and re.match(r"各类|各种", raw):
            label = _column_label(clause, label)
        if label is None or _GENERIC_LABEL_RE.search(label):
            continue
        st.emit_q(s, "disclosure", "proactive_items_key_areas", label, qty)


_GENERIC_LABEL_RE = re.compile(r"^(?:各类|相关|有关|其他)?信息$|政府信息$|政务信息$")
# the subject an earlier clause names: '…资金支出等社会救助情况，共发布相关信息37条', '加大减灾救灾信息公开力度，…'
_CLAUSE_TOPIC_RE = re.compile(
    r"等(?P<a>[^，,、；;等的]{2,10}?)(?:情况|信息)[，,]|(?:加大|推进|加强|做好)(?P<b>[^，,、；;等的]{2,10}?)信息公开"
)
# the key area an enclosing heading names: '(7)推进重大建设项目批准和实施领域的政府信息公开'
_HEADING_AREA_RE = re.compile(
    r"(?:推进|推动|做好|加强|深化)(?P<area>[^，,、；;。/]{2,16}?)(?:批准和实施)?领域"
)


def _context_label(s: Sentence, before: str, raw: str) -> str | None:
    """A generic '共发布相关信息37条' / '…等各类信息共176条' under a 重点领域 heading takes its name
    from the sentence's earlier clause, else from the nearest heading naming a 领域."""
    if "相关" in raw or "有关" in raw:
        topic = last_match(_CLAUSE_TOPIC_RE, before)
        if topic:
            return (topic.group("a") or topic.group("b")) + "信息"
        return None
    for heading in reversed(s.sub.split(" / ")):
        area = _HEADING_AREA_RE.search(heading)
        if area:
            return area.group("area") + "信息"
    return None


def _label_first_list(s: Sentence, st: State, tail: str) -> bool:
    """'公开行政许可235条、行政处罚18条' (under a 重点领域 heading): every 、-piece is label + count."""
    found = [_KEY_AREA_RE.fullmatch(piece) for piece in _LIST_SPLIT_RE.split(tail)]
    if len(found) < 2 or not all(found):
        return False
    for m in found:
        assert m is not None
        qty = quantity_from_match(m, "q")
        label = key_area_label(m.group("label"), qty.unit if qty else None)
        if qty is not None and label is not None and not _GENERIC_LABEL_RE.search(label):
            st.emit_q(s, "disclosure", "proactive_items_key_areas", label, qty)
    return True


_LIST_SPLIT_RE = re.compile(r"(?<=[条宗件份])[、和及]")
_NUMBER_FIRST_RE = re.compile(
    r"(?:共|共计|了)?" + q("q", ("条", "宗", "件", "份")) + r"(?P<label>[^、，,。；;和及与\d]{2,20})"
)


def _number_first_key_areas(s: Sentence, st: State, tail: str, tail_clause: str) -> None:
    """'公开25宗征收土地公告、24宗征地补偿方案信息和13宗一书三方案' (under a 重点领域 heading)."""
    items = list(_NUMBER_FIRST_RE.finditer(tail))
    if not items or items[0].start() > 2:
        return
    for m in items:
        qty = quantity_from_match(m, "q")
        label = key_area_label(m.group("label"), qty.unit if qty else None)
        if label is not None and re.match(r"各类|各种", m.group("label")):
            label = _column_label(tail_clause, label)
        if qty is None or label is None or re.search(r"^(?:各类|相关|有关|其他)?信息$|政府信息$", label):
            continue
        st.emit_q(s, "disclosure", "proactive_items_key_areas", label, qty)


_COLUMN_RE = re.compile(r"(?:通过|在)(?:[^，,。；;]{0,12}?网站)?(?P<name>[^，,。；;、]{2,10}?)栏目")


def _column_label(text: str, label: str) -> str:
    """'通过工程招投标栏目共公开70余条各类项目招投标信息': a mixture ('各类…') published in a named
    栏目 that shares a word with it is named after the 栏目 ('工程招投标信息')."""
    col = _COLUMN_RE.search(text)
    if col is None:
        return label
    name = col.group("name")
    shared = any(name[i : i + 2] in label and name[i : i + 2] != "信息" for i in range(len(name) - 1))
    return name + "信息" if shared else label


# Text of a flattened 2019/2021 template table, or a digit run of a table: not prose.
