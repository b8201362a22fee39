"""Fees collected and waived for disclosure (收取…费用N元 / 减免N元; 万元 converted)."""

from __future__ import annotations

import re

from ingest.numbers import quantity_from_match, to_yuan
from ingest.prose.sentences import Sentence
from ingest.prose.state import MONEY_UNITS, State, q

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
