"""Phrasing families: the ways reports state the pre-2019 figures in a sentence.

Each family is a function (sentence, state) -> None that records figures on the state. They run
in order over every sentence; the state carries what earlier sentences established (the year's
proactive total, an open "其中…" breakdown, the item a following "历年累计…" belongs to).

A number is only a figure when it has a unit and sits in one of these phrasings; dates that lost
their 年/月, phone numbers, document numbers, percentages and page counters have no unit or no
phrasing and never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import FigureRecord
from ingest.numbers import Quantity, quantity_from_match, quantity_pattern, to_yuan
from ingest.prose.labels import category_label, key_area_label, unit_label
from ingest.prose.sentences import SUB_HEADING_RE as SUB_ENUM_RE
from ingest.prose.sentences import Sentence

COUNT_UNITS = ("条", "件", "个", "份", "项")
CASE_UNITS = ("件", "次", "起", "宗", "个", "例", "条")
MONEY_UNITS = ("元", "万元")
ITEM_UNITS = ("条", "件", "份", "宗", "篇")


def q(name: str = "q", units: tuple[str, ...] = COUNT_UNITS) -> str:
    return quantity_pattern(name, units)


@dataclass
class State:
    figures: list[FigureRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keys: dict[tuple[str, str, str], float | None] = field(default_factory=dict)
    proactive_total: float | None = None
    breakdown_left: int = 0  # sentences an open 其中/类别 breakdown may still run for
    breakdown_top: str = ""
    last_item: tuple[str, str] | None = None  # (section, item) a bare 历年累计 attaches to
    last_item_index: int = -1
    index: int = 0
    prev_end: str = ""  # last character of the previous sentence as printed (a list goes on after ；)

    def emit(
        self,
        s: Sentence,
        section: str,
        item: str,
        measure: str,
        value: float | None,
        *,
        approx: bool = False,
        unit: str | None = None,
        status: str = "reported",
    ) -> bool:
        key = (section, item, measure)
        if key in self.keys:
            if self.keys[key] != value:
                self.warnings.append(
                    f"prose states {'/'.join(key)} twice: {self.keys[key]} and {value} (line {s.line}); kept the first"
                )
            return False
        self.keys[key] = value
        self.figures.append(FigureRecord(section, item, measure, value, status, approx, unit, s.raw, s.line))
        return True

    def emit_q(self, s: Sentence, section: str, item: str, measure: str, qty: Quantity) -> bool:
        return self.emit(s, section, item, measure, qty.value, approx=qty.approx, unit=qty.unit)

    def remember(self, section: str, item: str) -> None:
        self.last_item, self.last_item_index = (section, item), self.index


def _last_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in regex.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[，,。；;！？]", text) if c]


# ---------------------------------------------------------------- stated zeros

_NEG_RE = re.compile(
    r"(?:暂不存在|不存在|暂无|尚无|尚未|暂未|没有|没|未|无)(?!予|论|法|关|偿|疑|误|限|线|纸|人|不|经|按)"
)
_NOT_CHARGED_RE = re.compile(r"(?:暂不|不|免费|无偿)(?:收取|收)费|免费提供|无偿提供")
_APPEAL_WORDS_RE = re.compile(r"复议|诉讼")
_COMPLAINT_WORDS_RE = re.compile(r"申诉|举报")
_FEE_WORDS_RE = re.compile(r"收费|收取.{0,6}费|费用")


def stated_zeros(s: Sentence, st: State) -> None:
    """未收到…申请 / 未发生…行政复议和行政诉讼 / 无…收费及减免 -> value 0, stated_zero."""
    for clause in _clauses(s.text):
        m = _NEG_RE.search(clause)
        if m is None:
            _not_charged(s, st, clause)
            continue
        span = clause[m.start() :]
        if _APPEAL_WORDS_RE.search(span):
            if "公开" in clause or _APPEAL_WORDS_RE.search(s.top):
                _appeal_zeros(s, st, span)
        elif (
            "申请" in span[:40]
            and (re.search(r"公开|信息", span) or "申请" in s.top)
            and "申请人" not in span
        ):
            if not re.search(r"答复|办理|处理|不予|补正|延期|收费", span.split("申请")[0]):
                st.emit(s, "applications", "applications_received", "total", 0, status="stated_zero")
        elif _FEE_WORDS_RE.search(span) or "减免" in span:
            if "信息公开" in clause or "依申请" in clause or "收费" in s.top:
                _fee_zeros(s, st, span)
        else:
            _not_charged(s, st, clause)


def _appeal_zeros(s: Sentence, st: State, span: str) -> None:
    if "复议" in span:
        st.emit(s, "appeals", "administrative_reconsideration", "total", 0, status="stated_zero")
    if "诉讼" in span:
        st.emit(s, "appeals", "administrative_litigation", "total", 0, status="stated_zero")
    if _COMPLAINT_WORDS_RE.search(span):
        st.emit(s, "appeals", "complaints", "total", 0, status="stated_zero")


def _fee_zeros(s: Sentence, st: State, span: str) -> None:
    if re.search(r"税", span):
        return
    if _FEE_WORDS_RE.search(span):
        st.emit(s, "fees", "fees_collected", "amount_yuan", 0, status="stated_zero")
    if "减免" in span:
        st.emit(s, "fees", "fee_waivers", "amount_yuan", 0, status="stated_zero")


def _not_charged(s: Sentence, st: State, clause: str) -> None:
    if _NOT_CHARGED_RE.search(clause) and ("信息" in clause or "收费" in s.top) and "税" not in clause:
        st.emit(s, "fees", "fees_collected", "amount_yuan", 0, status="stated_zero")


# ---------------------------------------------------------------- applications

_RECEIVED_RE = re.compile(
    r"(?:受理|收到|接到|接收)(?:了)?(?P<mid>[^，,。；;]{0,24}?)申请(?:公开(?:的)?(?:政府)?(?:信息)?)?"
    r"(?:信件|件数|总数|数量|数|件)?(?:共|共计|合计|总计)?(?:为|达|达到)?" + q("q", COUNT_UNITS + ("次",))
)
_NOT_APPLICATION_RE = re.compile(r"复议|诉讼|审批|提案|诉求|投诉|咨询|许可|举报|预审|热线|12345|信访")
_CHANNEL_RE = re.compile(
    r"(?P<ch>当面|现场|网上|网络|在线|互联网|电子邮件|邮件|信函|信件|邮寄|传真|其他方式|其他形式|其他途径|其它形式|其它方式)"
    r"(?:方式|形式)?[^\d，,。；;、]{0,6}?(?:的)?(?:数)?(?:为|有|共)?" + q("q", COUNT_UNITS + ("次",))
)
_CHANNELS = {
    "当面": "in_person", "现场": "in_person",
    "网上": "online", "网络": "online", "在线": "online", "互联网": "online", "电子邮件": "online", "邮件": "online",
    "信函": "letter_fax", "信件": "letter_fax", "邮寄": "letter_fax", "传真": "letter_fax",
}  # fmt: skip
_CUMULATIVE_RE = re.compile(
    r"(?:历年累计|累计)(?:受理|收到|公开|主动公开|发布)?[^，,。；;\d]{0,12}?" + q("q", COUNT_UNITS + ("次",))
)


_APPLICATIONS_NOUN_RE = re.compile(
    r"(?<![办答处])(?P<mid>(?:政府)?信息公开|依)申请(?:件数|总数|数量|数)(?:共|共计|合计)?(?:为|达|达到)?"
    + q("q", COUNT_UNITS + ("次",))
)


_NIL = r"(?:均|都|皆)?为(?:零|0)(?![\d.件条个次起])"
_APPLICATIONS_NIL_RE = re.compile(r"(?:信息公开|依)申请(?:公开)?(?:的)?(?:件数|总数|数量|数)?" + _NIL)
_APPEALS_NIL_RES = (
    (re.compile(r"行政复议(?:案件)?(?:数量|数)?" + _NIL), ("administrative_reconsideration",)),
    (re.compile(r"行政诉讼(?:案件)?(?:数量|数)?" + _NIL), ("administrative_litigation",)),
    (
        re.compile(r"行政复议(?:案件)?(?:和|、|及|与)(?:提起)?行政诉讼(?:案件)?(?:数量|数)?" + _NIL),
        ("administrative_reconsideration", "administrative_litigation"),
    ),
)


def printed_nil(s: Sentence, st: State) -> None:
    """'申请数为零', '行政复议和行政诉讼均为0' (no unit): a printed 0."""
    if _APPLICATIONS_NIL_RE.search(s.text):
        st.emit(s, "applications", "applications_received", "total", 0)
    for regex, items in _APPEALS_NIL_RES:
        if regex.search(s.text):
            for item in items:
                st.emit(s, "appeals", item, "total", 0)


def applications(s: Sentence, st: State) -> None:
    """受理/收到…申请(共)N件，其中当面申请a件、网上申请b件、信函申请c件；历年累计M件."""
    m = _RECEIVED_RE.search(s.text) or _APPLICATIONS_NOUN_RE.search(s.text)
    if m is None:
        if st.last_item == ("applications", "applications_received") and st.last_item_index == st.index - 1:
            if _channels(s, st, s.text):  # '…其中当面申请123件；网上申请300件；…' split at ；
                st.remember("applications", "applications_received")
        return
    mid = m.group("mid")
    context_ok = re.search(r"公开|信息|依申请", m.group(0)) or "申请" in s.sub or "申请" in s.top
    if (
        not context_ok
        or _NOT_APPLICATION_RE.search(mid)
        or _NOT_APPLICATION_RE.search(s.text[: m.start()][-12:])
    ):
        return
    qty = quantity_from_match(m, "q")
    if qty is None:
        return
    st.emit_q(s, "applications", "applications_received", "total", qty)
    st.remember("applications", "applications_received")
    rest = re.split(r"答复|办结|办理|同意|予以", s.text[m.end() :])[0]
    _channels(s, st, rest)
    cm = _CUMULATIVE_RE.search(rest)
    if cm and (cq := quantity_from_match(cm, "q")) is not None:
        st.emit_q(s, "applications", "applications_received", "total_cumulative", cq)


def _channels(s: Sentence, st: State, text: str) -> bool:
    found = False
    for c in _CHANNEL_RE.finditer(re.split(r"答复|办结|办理|同意|予以", text)[0]):
        cq = quantity_from_match(c, "q")
        if cq is not None:
            st.emit_q(s, "applications", "applications_received", _CHANNELS.get(c.group("ch"), "other"), cq)
            found = True
    return found


_ANSWERED_BEFORE_RE = re.compile(r"(?:答复|办结)(?:了)?的" + q() + r"(?:政府信息公开|依)?申请")
_ON_TIME_RE = re.compile(r"(?:按时|按期|如期)(?:答复|办结|回复)(?:了)?(?:申请)?(?:共)?(?:为)?" + q())
_ANSWERED_RE = re.compile(
    r"(?<!按时)(?<!按期)(?<!如期)(?<!及时)(?<![公开分予意的])(?:答复|回复)(?:了)?(?:申请)?(?:共|共计)?(?:为)?"
    + q()
)
_GRANTED_RE = re.compile(
    r"(?<!不)(?<!部分)(?:同意公开|予以公开|准予公开|全部公开)(?:的)?(?:答复)?(?:数)?(?:为)?" + q()
)
_PARTIAL_RE = re.compile(r"(?:同意部分公开|部分公开)(?:的)?(?:答复)?(?:数)?(?:为)?" + q())
_DENIED_RE = re.compile(r"(?:不予公开|不同意公开|不予以公开)(?:的)?(?:答复)?(?:数)?(?:为)?" + q())


_PLAIN_RESPONSES = tuple(
    (re.compile(pattern + r"(?:的)?(?:答复)?(?:数)?(?:为)?" + q()), measure)
    for pattern, measure in (
        (r"(?:申请的?)?信息不存在", "information_not_exist"),
        (r"(?:非|不属于)本(?:机关|部门|单位|行政机关)[^\d，,、；;]{0,10}?", "not_held"),
        (r"(?:非|不属于|不是)(?:《条例》所指)?政府信息", "not_government_information"),
        (r"(?:属于)?已主动公开(?:范围)?", "already_public"),
        (r"告知(?:通过)?其他途径(?:办理)?", "referred_elsewhere"),
        (r"其[他它](?:类型|情形|情况|原因)?(?:答复|处理)?", "other"),
    )
)


_PLAIN_MEASURES = {measure for _, measure in _PLAIN_RESPONSES}


def responses(s: Sentence, st: State) -> None:
    """答复N件 / 按时答复N件 / 同意公开a件、部分公开b件、不予公开c件."""
    if not (re.search(r"申请|答复", s.text) or "申请" in s.sub or "申请" in s.top):
        return
    if _NOT_APPLICATION_RE.search(s.text):
        return
    for regex, measure in (
        (_ON_TIME_RE, "answered_on_time"),
        (_ANSWERED_RE, "total"),
        (_ANSWERED_BEFORE_RE, "total"),
        (_GRANTED_RE, "granted"),
        (_PARTIAL_RE, "partially_granted"),
        (_DENIED_RE, "denied"),
        *_PLAIN_RESPONSES,
    ):
        m = regex.search(s.text)
        if m is None or (measure in _PLAIN_MEASURES and not _starts_item(s.text[: m.start()])):
            continue
        if measure == "other" and (
            _RECEIVED_RE.search(s.text) or not re.search(r"公开\d|公开的?\d|答复", s.text)
        ):
            continue  # a bare 其他 is a response category only in a list of responses
        if (qty := quantity_from_match(m, "q")) is not None:
            st.emit_q(s, "applications", "responses", measure, qty)


def _starts_item(before: str) -> bool:
    """A plainly named category counts only as its own list item ('…2件、信息不存在3件')."""
    return not before or bool(re.search(r"(?:[，,；;:：]|其中|[件条个次][、，,])$", before))


# ---------------------------------------------------------------- appeals

_APPEAL_RES = (
    (
        re.compile(r"行政复议(?:案件|案|申请)?(?:数|数量)?(?:共|共计)?(?:为|达)?" + q("q", CASE_UNITS)),
        "administrative_reconsideration",
    ),
    (
        re.compile(r"行政诉讼(?:案件|案)?(?:数|数量)?(?:共|共计)?(?:为|达)?" + q("q", CASE_UNITS)),
        "administrative_litigation",
    ),
    (
        re.compile(
            r"(?:行政)?(?:申诉|举报)(?:、|和|及)?(?:投诉)?(?:案件|案)?(?:数|数量)?(?:共|共计)?(?:为|达)?"
            + q("q", CASE_UNITS)
        ),
        "complaints",
    ),
)


_BOTH_APPEALS_RE = re.compile(
    r"行政复议(?:案件)?(?:和|、|及|与)(?:提起)?行政诉讼(?:案件)?(?:数量?)?(?P<each>均|都|皆|各)?(?:共|共计|合计)?(?:为)?"
    + q("q", CASE_UNITS)
)


def appeals(s: Sentence, st: State) -> None:
    """行政复议N件/次、行政诉讼M件；历年累计…."""
    both = _BOTH_APPEALS_RE.search(s.text)
    qty = quantity_from_match(both, "q") if both else None
    if both and qty is not None and (both.group("each") or qty.value == 0):  # '…和行政诉讼案件0件' = both 0
        st.emit_q(s, "appeals", "administrative_reconsideration", "total", qty)
        st.emit_q(s, "appeals", "administrative_litigation", "total", qty)
    follows_appeal = (
        st.last_item is not None and st.last_item[0] == "appeals" and st.last_item_index == st.index - 1
    )
    if not (
        "公开" in s.text or follows_appeal or _APPEAL_WORDS_RE.search(s.top) or _APPEAL_WORDS_RE.search(s.sub)
    ):
        return
    if re.search(r"热线|12345|诉求", s.text):
        return
    # a joint '行政复议和行政诉讼…N件' is one figure for both (or their sum): not either one's
    text = (
        s.text[: both.start()] + "，" * (both.end() - both.start()) + s.text[both.end() :] if both else s.text
    )
    for regex, item in _APPEAL_RES:
        if item == "complaints" and not (
            _APPEAL_WORDS_RE.search(s.text) or "申诉" in s.top or "信息公开" in s.text
        ):
            continue
        for m in regex.finditer(text):
            qty = quantity_from_match(m, "q")
            if qty is None:
                continue
            before = s.text[: m.start()]
            measure = "total_cumulative" if re.search(r"历年|累计", before) else "total"
            st.emit_q(s, "appeals", item, measure, qty)
            st.remember("appeals", item)


# ---------------------------------------------------------------- fees

_FEE_RE = re.compile(
    r"(?:收取|收缴|收)(?:了)?[^，,。；;\d]{0,12}?(?:费用|费)(?:共|共计|合计)?(?:为)?" + q("q", MONEY_UNITS)
)
_WAIVER_RE = re.compile(
    r"减免(?:了)?[^，,。；;\d]{0,8}?(?:费用)?(?:共|共计|合计)?(?:为)?" + q("q", MONEY_UNITS)
)


def fees(s: Sentence, st: State) -> None:
    """收取…费用N元 / 减免…N元 (万元 converted to 元)."""
    if "税" in s.text or not ("信息公开" in s.text or "依申请" in s.text or "收费" in s.top):
        return
    for regex, item in ((_FEE_RE, "fees_collected"), (_WAIVER_RE, "fee_waivers")):
        m = regex.search(s.text)
        if m and (qty := quantity_from_match(m, "q")) is not None:
            st.emit(
                s, "fees", item, "amount_yuan", to_yuan(qty.value, qty.unit), approx=qty.approx, unit=qty.unit
            )


# ---------------------------------------------------------------- proactive disclosure

_TOTAL_RE = re.compile(
    r"(?P<verb>主动公开|公开|发布)(?:了)?(?P<kind>各类|各种)?(?P<gov>政府|政务)?(?:信息|文件)(?:数|件数|数量|总数|总量)?"
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


def proactive(s: Sentence, st: State) -> bool:
    """主动公开(政府)信息N条(，历年累计M条)(，其中…) and 门户网站发布信息N条. True when it matched."""
    web = _WEBSITE_RE.search(s.text)
    if web and not re.search(r"通过|在|依托|利用|借助", s.text[: web.start()][-15:]):
        qty = quantity_from_match(web, "q")
        if qty is not None:
            st.emit_q(s, "disclosure", "proactive_items_website", "total", qty)
            st.remember("disclosure", "proactive_items_website")
            return True
    matched = False
    for m in _TOTAL_RE.finditer(s.text):
        before = s.text[: m.start()]
        if (
            _NOT_PROACTIVE_BEFORE_RE.search(before)
            or (
                m.group("verb") == "公开"
                and not (m.group("kind") or m.group("gov") or "主动公开" in s.top + s.sub)
            )
            or (m.group("verb") == "发布" and not m.group("gov"))
        ):
            continue
        qty = quantity_from_match(m, "q")
        if qty is None:
            continue
        matched = True
        clause_start = max(before.rfind(c) for c in "，,：:；;") + 1
        subject = _TIME_WORDS_RE.sub("", before[clause_start:])
        subject = re.sub(r"^(?:[（(][一二三四五六七八九十\d]{0,3}[)）]|\d{1,2}[.、．])", "", subject)
        if st.breakdown_left and "各" not in subject:
            _category(s, st, "主动公开信息" if not subject else subject + "主动公开信息", qty)
            continue
        if "各" in subject or (
            st.proactive_total is not None and subject and not _SELF_SUBJECT_RE.match(subject)
        ):
            if not _UNIT_SUBJECT_RE.search(subject.split("，")[-1]):
                continue
            _by_unit(s, st, before, qty)
            continue
        clause = before[clause_start:]
        if "历年" in clause or ("累计" in clause and not re.search(r"全年|本年|今年|年度|\d{4}年", clause)):
            st.emit_q(s, "disclosure", "proactive_items", "total_cumulative", qty)
            continue
        if st.proactive_total is None:
            st.emit_q(s, "disclosure", "proactive_items", "total", qty)
            st.proactive_total = qty.value
            st.remember("disclosure", "proactive_items")
            rest = s.text[m.end() :]
            cm = _CUMULATIVE_RE.match(re.sub(r"^[，,、]", "", rest))
            if cm and (cq := quantity_from_match(cm, "q")) is not None:
                st.emit_q(s, "disclosure", "proactive_items", "total_cumulative", cq)
            if "其中" in rest:
                _open_breakdown(st, s)
                _breakdown_items(s, st, rest[rest.index("其中") :])
    return matched


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


def breakdown(s: Sentence, st: State) -> bool:
    """Items of an open 其中/类别 list: '(二)全街道各站所发布统计动态98条' -> a category."""
    opener = _last_match(_LIST_OPEN_RE, s.text)
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
    m = _CUMULATIVE_RE.match(s.text)
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
    for clause in _clauses(s.text):
        verb = _last_match(_PUBLISHED_RE, clause)
        if verb is None:
            continue
        first = _PUBLISHED_RE.search(clause)
        assert first is not None
        if re.search(r"依申请|不予", clause[: first.start()]):
            continue
        tail = clause[verb.end() :]
        m = _KEY_AREA_RE.fullmatch(tail)
        if m is None:
            if in_section:
                _number_first_key_areas(s, st, tail)
            continue
        raw = m.group("label")
        if not in_section and not re.search(r"信息(?:数|共|共计)?$", raw):
            continue
        qty = quantity_from_match(m, "q")
        label = key_area_label(raw, qty.unit if qty else None)
        if (
            qty is None
            or label is None
            or re.search(r"^(?:各类|相关|有关|其他)?信息$|政府信息$|政务信息$", label)
        ):
            continue
        st.emit_q(s, "disclosure", "proactive_items_key_areas", label, qty)


_NUMBER_FIRST_RE = re.compile(
    r"(?:共|共计|了)?" + q("q", ("条", "宗", "件", "份")) + r"(?P<label>[^、，,。；;和及与\d]{2,20})"
)


def _number_first_key_areas(s: Sentence, st: State, tail: str) -> None:
    """'公开25宗征收土地公告、24宗征地补偿方案信息和13宗一书三方案' (under a 重点领域 heading)."""
    items = list(_NUMBER_FIRST_RE.finditer(tail))
    if not items or items[0].start() > 2:
        return
    for m in items:
        qty = quantity_from_match(m, "q")
        label = key_area_label(m.group("label"), qty.unit if qty else None)
        if qty is None or label is None or re.search(r"^(?:各类|相关|有关|其他)?信息$|政府信息$", label):
            continue
        st.emit_q(s, "disclosure", "proactive_items_key_areas", label, qty)


# Text of a flattened 2019/2021 template table, or a digit run of a table: not prose.
_TABLE_TEXT_RE = re.compile(
    r"\d(?:\s\d){4,}|\d{6,}(?![\d,.万条件个次元人项份宗篇])|结果维持|结果纠正|尚未审结|本年新收|上年结转|不予处理|其他处理|本年制发|现行有效|"
    r"处理决定数量|本年收费金额|商业企业|科研机构|社会公益组织|法律服务机构|未经复议直接起诉|复议后起诉"
)


def run_families(sentences: list[Sentence]) -> State:
    st = State()
    for i, s in enumerate(sentences):
        st.index = i
        st.prev_end = sentences[i - 1].raw[-1:] if i else ""
        if _TABLE_TEXT_RE.search(s.text):
            continue
        before = len(st.figures)
        stated_zeros(s, st)
        printed_nil(s, st)
        applications(s, st)
        responses(s, st)
        appeals(s, st)
        fees(s, st)
        if len(st.figures) > before:
            st.breakdown_left = 0
            continue
        if breakdown(s, st):
            continue
        if proactive(s, st):
            continue
        list_without_total(s, st)
        bare_cumulative(s, st)
        key_areas(s, st)
    return st
