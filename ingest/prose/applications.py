"""Applications received (受理/收到…申请N件, channels, 历年累计) and the responses to them."""

from __future__ import annotations

import re

from ingest.numbers import quantity_from_match
from ingest.prose.sentences import Sentence
from ingest.prose.state import COUNT_UNITS, CUMULATIVE_RE, State, holds_any, q

# ---------------------------------------------------------------- applications

_RECEIVED_RE = re.compile(
    r"(?:受理|收到|接到|接收|(?<![时期已部])办理)(?:了)?(?P<mid>[^，,。；;]{0,24}?)申请(?:公开(?:的)?(?:政府)?(?:信息)?)?"
    r"(?:事项|信件|件数|总数|数量|数|件)?(?:共|共计|合计|总计)?(?:为|达|达到)?"
    + q("q", COUNT_UNITS + ("次",))
)
_NOT_APPLICATION_RE = re.compile(
    r"复议|诉讼|审批|提案|诉求|投诉|咨询|许可|举报|预审|热线|12345|信访|来信|来访|信箱"
)
_CHANNEL_RE = re.compile(
    r"(?P<ch>当面|现场|网上|网络|在线|互联网|电子邮件|邮件|信函|信件|邮寄|传真|其他方式|其他形式|其他途径|其它形式|其它方式)"
    r"(?:方式|形式)?[^\d，,。；;、]{0,6}?(?:的)?(?:数)?(?:为|有|共)?" + q("q", COUNT_UNITS + ("次",))
)
_CHANNELS = {
    "当面": "in_person", "现场": "in_person",
    "网上": "online", "网络": "online", "在线": "online", "互联网": "online", "电子邮件": "online", "邮件": "online",
    "信函": "letter_fax", "信件": "letter_fax", "邮寄": "letter_fax", "传真": "letter_fax",
}  # fmt: skip


_APPLICATIONS_NOUN_RE = re.compile(
    r"(?<![办答处])(?P<mid>(?:政府)?信息公开|依)申请(?:件数|总数|数量|数)(?:共|共计|合计)?(?:为|达|达到)?"
    + q("q", COUNT_UNITS + ("次",))
)


RECEIVED_WORD = "申请"  # what every match of _RECEIVED_RE and _APPLICATIONS_NOUN_RE holds


def applications(s: Sentence, st: State) -> None:
    """受理/收到…申请(共)N件，其中当面申请a件、网上申请b件、信函申请c件；历年累计M件."""
    m = (
        (_RECEIVED_RE.search(s.text) or _APPLICATIONS_NOUN_RE.search(s.text))
        if RECEIVED_WORD in s.text
        else None
    )
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
    cm = CUMULATIVE_RE.search(rest)
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
    (re.compile(pattern + r"(?:的)?(?:答复)?(?:数)?(?:为)?" + q()), measure, words)
    for pattern, measure, words in (
        (r"(?:申请的?)?信息不存在", "information_not_exist", ("信息不存在",)),
        (r"(?:非|不属于)本(?:机关|部门|单位|行政机关)[^\d，,、；;]{0,10}?", "not_held", ("非本", "不属于本")),
        (r"(?:非|不属于|不是)(?:《条例》所指)?政府信息", "not_government_information", ("政府信息",)),
        (r"(?:属于)?已主动公开(?:范围)?", "already_public", ("已主动公开",)),
        (r"告知(?:通过)?其他途径(?:办理)?", "referred_elsewhere", ("其他途径",)),
        (r"(?:申请内容)?不明确", "unclear_request", ("不明确",)),
        (r"其[他它](?:类型|情形|情况|原因)?(?:答复|处理)?", "other", ("其他", "其它")),
    )
)


_PLAIN_MEASURES = {measure for _, measure, _ in _PLAIN_RESPONSES}
# (regex, measure, words): every match of the regex holds one of the words, so a sentence holding
# none is not searched (a pattern with a quantity in it is slow to scan)
RESPONSES = (
    (_ON_TIME_RE, "answered_on_time", ("按时", "按期", "如期")),
    (_ANSWERED_RE, "total", ("答复", "回复")),
    (_ANSWERED_BEFORE_RE, "total", ("答复", "办结")),
    (_GRANTED_RE, "granted", ("公开",)),
    (_PARTIAL_RE, "partially_granted", ("部分公开",)),
    (_DENIED_RE, "denied", ("不予公开", "不同意公开", "不予以公开")),
    *_PLAIN_RESPONSES,
)


def responses(s: Sentence, st: State) -> None:
    """答复N件 / 按时答复N件 / 同意公开a件、部分公开b件、不予公开c件."""
    if not (re.search(r"申请|答复", s.text) or "申请" in s.sub or "申请" in s.top):
        return
    if _NOT_APPLICATION_RE.search(s.text):
        return
    text = s.text
    for regex, measure, words in RESPONSES:
        if not holds_any(text, words):
            continue  # no match possible
        m = regex.search(text)
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
