"""Stated zeros (未收到…申请 / 未发生…行政复议和行政诉讼 / 无…收费) and printed nils ('申请数为零')."""

from __future__ import annotations

import re

from ingest.prose.sentences import Sentence
from ingest.prose.state import APPEAL_WORDS_RE, State, clauses

_NEG_RE = re.compile(
    r"(?:暂不存在|不存在|暂无|尚无|尚未|暂未|没有|没|未|无)(?!予|论|法|关|偿|疑|误|限|线|纸|人|不|经|按)"
)
_NOT_CHARGED_RE = re.compile(r"(?:暂不|不|免费|无偿)(?:收取|收)费|免费提供|无偿提供")
_COMPLAINT_WORDS_RE = re.compile(r"申诉|举报")
_FEE_WORDS_RE = re.compile(r"收费|收取.{0,6}费|费用")


def stated_zeros(s: Sentence, st: State) -> None:
    """未收到…申请 / 未发生…行政复议和行政诉讼 / 无…收费及减免 -> value 0, stated_zero.

    A clause that goes on from a zero the sentence already stated ('…未收到政府信息公开申请，也没有
    发生行政复议、行政诉讼情况', '无…申请，无行政复议、行政诉讼事项，无收费情况') shares its subject.
    A bare '无。' under a heading, or '…的情况：无', states the heading's subject did not happen.
    """
    nil = _BARE_NIL_RE.fullmatch(s.text) if s.text.rstrip("。.")[-1:] in ("无", "有") else None
    if nil:
        _subject_zeros(s, st, nil.group("subject") or (s.sub.split(" / ")[-1] if s.sub else s.top))
        return
    chained = False
    for clause in clauses(s.text):
        m = _NEG_RE.search(clause)
        if m is None:
            _not_charged(s, st, clause)
            chained = False
            continue
        before = len(st.figures)
        goes_on = chained and _GOES_ON_RE.fullmatch(clause[: m.start()]) is not None
        span = clause[m.start() :]
        if APPEAL_WORDS_RE.search(span):
            if "公开" in clause or APPEAL_WORDS_RE.search(s.top) or goes_on:
                _appeal_zeros(s, st, span)
                if goes_on and _FEE_WORDS_RE.search(span):
                    _fee_zeros(s, st, span)
        elif (
            "申请" in span[:40]
            and ("公开" in span or "信息" in span or "申请" in s.top)
            and "申请人" not in span
        ):
            if not _NOT_RECEIVED_WORDS_RE.search(span.split("申请")[0]):
                st.emit(s, "applications", "applications_received", "total", 0, status="stated_zero")
        elif _FEE_WORDS_RE.search(span) or "减免" in span:
            if "信息公开" in clause or "依申请" in clause or "收费" in s.top or goes_on:
                _fee_zeros(s, st, span)
        else:
            _not_charged(s, st, clause)
        chained = len(st.figures) > before or goes_on


_NOT_RECEIVED_WORDS_RE = re.compile(r"答复|办理|处理|不予|补正|延期|收费")
# what may stand before the negation of a clause that goes on from the previous one
_GOES_ON_RE = re.compile(r"(?:也|亦|并|且|同时|因此|故|均|都|还|另外)?")
# '无。', '本年度无。', '…行政诉讼的情况：无。' (subject: the heading, or the words before the colon)
_BARE_NIL_RE = re.compile(
    r"(?:(?P<subject>[^，,。；;]{2,60}?情况)[:：]?|(?:\d{4}年度?|本年度?|今年|全年|目前)?[，,]?)"
    r"(?:无|没有|暂无|均无)[。.]?"
)


def _subject_zeros(s: Sentence, st: State, subject: str) -> None:
    """Zeros for what a heading (or '…情况：') names: 复议/诉讼, 收费(及减免), or 依申请 applications."""
    if APPEAL_WORDS_RE.search(subject):
        if "公开" in subject:
            _appeal_zeros(s, st, subject)
    elif _FEE_WORDS_RE.search(subject) or "减免" in subject:
        if "公开" in subject or "依申请" in subject:
            _fee_zeros(s, st, subject)
    elif "申请" in subject and re.search(r"依申请|公开申请|信息公开", subject):
        if not re.search(r"答复|办理|处理|不予|补正|延期", subject):
            st.emit(s, "applications", "applications_received", "total", 0, status="stated_zero")


def _appeal_zeros(s: Sentence, st: State, span: str) -> None:
    if "复议" in span:
        st.emit(s, "appeals", "administrative_reconsideration", "total", 0, status="stated_zero")
    if "诉讼" in span:
        st.emit(s, "appeals", "administrative_litigation", "total", 0, status="stated_zero")
    if _COMPLAINT_WORDS_RE.search(span):
        st.emit(s, "appeals", "complaints", "total", 0, status="stated_zero")


def _fee_zeros(s: Sentence, st: State, span: str) -> None:
    if "税" in span:
        return
    if _FEE_WORDS_RE.search(span):
        st.emit(s, "fees", "fees_collected", "amount_yuan", 0, status="stated_zero")
    if "减免" in span:
        st.emit(s, "fees", "fee_waivers", "amount_yuan", 0, status="stated_zero")


def _not_charged(s: Sentence, st: State, clause: str) -> None:
    if _NOT_CHARGED_RE.search(clause) and ("信息" in clause or "收费" in s.top) and "税" not in clause:
        st.emit(s, "fees", "fees_collected", "amount_yuan", 0, status="stated_zero")


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
