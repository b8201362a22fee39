"""Prose of synthetic reports: stock paragraphs (our own wording) and figure sentences with truth.

Figure sentences follow the phrasing families seen in the sample reports (共主动公开…条，其中…;
全年收到公开申请…件，其中当面申请…; 未收到…申请; 未发生…行政复议和行政诉讼); each returns its
sentence and the facts it states.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class TruthFigure:
    section: str
    item: str
    measure: str
    value: float | None
    status: str = "reported"  # reported | stated_zero
    approx: bool = False


OVERVIEW = (
    "{year}年，{short}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "围绕中心工作不断深化政务公开，进一步提升政府工作透明度。",
    "{short}高度重视政府信息公开工作，调整充实了政务公开工作领导小组，明确分管负责同志和专职工作人员，"
    "形成了主要领导亲自抓、分管领导具体抓、办公室牵头协调的工作格局。",
    "全年共召开专题会议研究部署政务公开工作，组织工作人员参加业务培训，信息发布审核流程进一步规范，"
    "严格落实“先审后发”制度，未发生泄密事件。",
)
PLATFORM = (
    "依托政府门户网站信息公开专栏，及时更新机构职能、政策文件、财政预决算等栏目内容，"
    "同时通过政务微信公众号、公开栏等渠道多方位发布信息，方便群众查阅。",
    "进一步完善政府信息公开指南和目录，设置政府信息公开查阅点，为群众查阅提供便利。",
)
PROBLEMS = (
    "存在的主要问题：一是信息公开的及时性有待提高；二是政策解读形式比较单一；三是工作人员业务能力还需加强。",
    "改进措施：加强业务培训，完善信息发布审核机制，丰富政策解读形式，推动政务公开工作再上新台阶。",
)
OTHER_2021 = (
    "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。",
    "本年度无其他需要报告的事项。",
)


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def proactive_sentence(rng: random.Random, f: dict[Key, float], year: int) -> tuple[str, list[TruthFigure]]:
    total = f[("disclosure", "proactive_items", "total")]
    web = f[("disclosure", "proactive_items_website", "total")]
    gaz = f[("disclosure", "proactive_items_gazette", "total")]
    style = rng.randrange(3)
    if style == 0:
        s = f"{year}年，共主动公开政府信息{_n(total)}条，其中通过政府网站公开{_n(web)}条，通过政府公报公开{_n(gaz)}条。"
        return s, [TruthFigure("disclosure", "proactive_items", "total", total),
                   TruthFigure("disclosure", "proactive_items_website", "total", web),
                   TruthFigure("disclosure", "proactive_items_gazette", "total", gaz)]
    if style == 1 and web >= 100:
        rounded = (int(web) // 100 + 1) * 100
        s = f"全年通过门户网站主动公开各类信息近{rounded}条，内容涵盖机构职能、政策法规、规划计划、财政资金等方面。"
        # '通过门户网站公开各类信息N条' states the year's total (as annotated in the real dev report d13)
        return s, [TruthFigure("disclosure", "proactive_items", "total", rounded, approx=True)]
    s = f"全年共主动公开政府信息{_n(total)}条，群众关注度较高的信息均做到了及时公开。"
    return s, [TruthFigure("disclosure", "proactive_items", "total", total)]


def applications_sentence(rng: random.Random, f: dict[Key, float], year: int) -> tuple[str, list[TruthFigure]]:
    a = "applications"
    total = f[(a, "applications_received", "total")]
    if total == 0:
        s = rng.choice((f"{year}年度，没有公民、法人或其他组织提出政府信息公开申请。",
                        "本年度未收到公众关于政府信息公开的申请。"))
        return s, [TruthFigure(a, "applications_received", "total", 0, "stated_zero")]
    chans = [("当面申请", "in_person"), ("网上申请", "online"), ("信函、传真申请", "letter_fax")]
    rng.shuffle(chans)
    parts = "，".join(f"{lab}{_n(f[(a, 'applications_received', m)])}件" for lab, m in chans)
    s = f"全年共受理政府信息公开申请{_n(total)}件，其中{parts}。"
    facts = [TruthFigure(a, "applications_received", "total", total)]
    facts += [TruthFigure(a, "applications_received", m, f[(a, "applications_received", m)]) for _, m in chans]
    r = [(lab, m, f[(a, "responses", m)]) for lab, m in
         (("同意公开", "granted"), ("同意部分公开", "partially_granted"), ("不予公开", "denied"), ("其他类型答复", "other"))]
    s += f"共答复{_n(f[(a, 'responses', 'total')])}件，其中" + "，".join(f"{lab}{_n(v)}件" for lab, _, v in r) + "。"
    facts.append(TruthFigure(a, "responses", "total", f[(a, "responses", "total")]))
    facts += [TruthFigure(a, "responses", m, v) for _, m, v in r]
    return s, facts


def fees_sentence(rng: random.Random, f: dict[Key, float], year: int) -> tuple[str, list[TruthFigure]]:
    got = f[("fees", "fees_collected", "amount_yuan")]
    if got == 0:
        return (f"{year}年度，无政府信息公开收费及减免情况。",
                [TruthFigure("fees", "fees_collected", "amount_yuan", 0, "stated_zero"),
                 TruthFigure("fees", "fee_waivers", "amount_yuan", 0, "stated_zero")])
    return (f"本年度依申请提供政府信息收取检索、复制、邮寄等成本费用{_n(got)}元，未发生减免情况。",
            [TruthFigure("fees", "fees_collected", "amount_yuan", got),
             TruthFigure("fees", "fee_waivers", "amount_yuan", 0, "stated_zero")])


def appeals_sentence(rng: random.Random, f: dict[Key, float], year: int) -> tuple[str, list[TruthFigure]]:
    r = f[("appeals", "administrative_reconsideration", "total")]
    lit = f[("appeals", "administrative_litigation", "total")]
    if r == 0 and lit == 0:
        return ("本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
                [TruthFigure("appeals", "administrative_reconsideration", "total", 0, "stated_zero"),
                 TruthFigure("appeals", "administrative_litigation", "total", 0, "stated_zero")])
    return (f"本年度因政府信息公开申请行政复议{_n(r)}件，提起行政诉讼{_n(lit)}件，均已依法妥善处理。",
            [TruthFigure("appeals", "administrative_reconsideration", "total", r),
             TruthFigure("appeals", "administrative_litigation", "total", lit)])
