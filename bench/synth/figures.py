"""Arithmetically consistent figures with realistic distributions.

Most organs receive a handful of requests or none; a few (land, police, housing departments of
big cities) receive thousands. `activity` draws that heavy-tailed scale once per organ; every
figure of the report follows from it, and the template identities (VOCABULARY.md) hold exactly.
"""

from __future__ import annotations

import math
import random

from bench.synth.areas import BUSY_DEPARTMENTS, Organ
from bench.synth.template_tables import APPEAL_ITEMS, APPLICANT_MEASURES, outcome_items

Key = tuple[str, str, str]  # (section, item, measure)

_LEVEL_SCALE = {"township": 0.4, "county": 4.0, "prefecture": 25.0, "province": 90.0}
_APPLICANT_WEIGHTS = (0.80, 0.09, 0.01, 0.01, 0.04, 0.05)
_OUTCOME_WEIGHTS = {
    "granted": 0.42, "partially_granted": 0.08,
    "denied_state_secret": 0.002, "denied_prohibited_by_law": 0.006,
    "denied_three_safeties_one_stability": 0.004, "denied_third_party_rights": 0.012,
    "denied_internal_affairs": 0.015, "denied_process_information": 0.02,
    "denied_law_enforcement_files": 0.01, "denied_administrative_query": 0.02,
    "unable_not_held": 0.2, "unable_needs_creation": 0.04, "unable_unclear_after_correction": 0.03,
    "not_processed_petition_complaint": 0.02, "not_processed_repeated": 0.03,
    "not_processed_publication": 0.005, "not_processed_excessive": 0.006,
    "not_processed_confirmation": 0.01,
    "other_overdue_correction": 0.02, "other_unpaid_fees": 0.002, "other_other": 0.04,
    "other_handling": 0.062,
}


def activity(rng: random.Random, organ: Organ) -> float:
    """Expected yearly applications: lognormal around a level/department scale."""
    scale = _LEVEL_SCALE[organ.level] * (6.0 if organ.department in BUSY_DEPARTMENTS else 1.0)
    return scale * math.exp(rng.gauss(0.0, 1.4))


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def multinomial(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """n items over len(weights) bins (exact for small n, jittered proportional for large n)."""
    if n <= 0:
        return [0] * len(weights)
    if n <= 300:
        out = [0] * len(weights)
        for i in rng.choices(range(len(weights)), weights=weights, k=n):
            out[i] += 1
        return out
    jit = [w * rng.uniform(0.7, 1.3) for w in weights]
    s = sum(jit)
    out = [int(n * w / s) for w in jit]
    out[max(range(len(out)), key=lambda i: jit[i])] += n - sum(out)
    return out


def applications(rng: random.Random, act: float, template: str) -> dict[Key, int]:
    """Table 三 values: R1 (new+carried = processed+next), R2 (outcomes sum) and R3 (row totals) hold."""
    items = outcome_items(template)
    weights = [_OUTCOME_WEIGHTS[i] for i in items]
    new_total = poisson(rng, act) if rng.random() > 0.25 else 0
    new = multinomial(rng, new_total, list(_APPLICANT_WEIGHTS))
    out: dict[Key, int] = {}
    for c, m in enumerate(APPLICANT_MEASURES[:-1]):
        carried = poisson(rng, new[c] * 0.04)
        nxt = min(new[c] + carried, poisson(rng, new[c] * 0.05))
        processed = new[c] + carried - nxt
        split = multinomial(rng, processed, weights)
        col = {"new_received": new[c], "carried_over": carried, "total_processed": processed,
               "carried_to_next_year": nxt, **dict(zip(items, split, strict=True))}
        for item, v in col.items():
            out[("applications", item, m)] = v
    for item in ["new_received", "carried_over", *items, "total_processed", "carried_to_next_year"]:
        out[("applications", item, "total")] = sum(out[("applications", item, m)] for m in APPLICANT_MEASURES[:-1])
    return out


def appeals(rng: random.Random, act: float) -> dict[Key, int]:
    """Table 四: per block total = upheld + corrected + other + pending (R4)."""
    out: dict[Key, int] = {}
    for item, share in zip(APPEAL_ITEMS, (0.03, 0.015, 0.01), strict=True):
        n = poisson(rng, act * share)
        parts = multinomial(rng, n, [0.6, 0.1, 0.15, 0.15])
        for m, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            out[("appeals", item, m)] = v
        out[("appeals", item, "total")] = n
    return out


def _count(rng: random.Random, lam: float) -> int:
    return poisson(rng, lam * math.exp(rng.gauss(0, 0.8)))


def disclosure_2021(rng: random.Random, act: float, organ: Organ) -> dict[Key, float]:
    makes_rules = organ.kind == "government" and organ.level in ("province", "prefecture")
    d = "disclosure"
    out: dict[Key, float] = {}
    issued = _count(rng, 3 if makes_rules else 0) if makes_rules else 0
    out |= {(d, "regulations", "issued"): issued,
            (d, "regulations", "repealed"): _count(rng, 1) if makes_rules else 0,
            (d, "regulations", "in_force"): (issued + _count(rng, 60)) if makes_rules else 0}
    nd = _count(rng, 2 + act * 0.3)
    out |= {(d, "normative_documents", "issued"): nd,
            (d, "normative_documents", "repealed"): _count(rng, 1 + nd * 0.2),
            (d, "normative_documents", "in_force"): nd + _count(rng, 10 + act * 0.5)}
    out[(d, "administrative_licensing", "decisions")] = _count(rng, act * 40)
    out[(d, "administrative_penalty", "decisions")] = _count(rng, act * 15)
    out[(d, "administrative_coercion", "decisions")] = _count(rng, act * 1.5)
    fee = 0.0 if rng.random() < 0.6 else round(act * rng.uniform(0.5, 30), rng.choice((0, 1, 2)))
    out[(d, "administrative_fees", "amount_10k_yuan")] = fee
    return out


def disclosure_2019(rng: random.Random, act: float, organ: Organ) -> dict[Key, float]:
    makes_rules = organ.kind == "government" and organ.level in ("province", "prefecture")
    d = "disclosure"
    out: dict[Key, float] = {}
    for item, lam in (("regulations", 3 if makes_rules else 0), ("normative_documents", 2 + act * 0.3)):
        made = _count(rng, lam)
        out |= {(d, item, "newly_made"): made, (d, item, "newly_published"): made,
                (d, item, "total_published"): made + _count(rng, lam * 8)}
    for item, lam in (("administrative_licensing", act * 40), ("other_management_services", act * 5),
                      ("administrative_penalty", act * 15), ("administrative_coercion", act * 1.5)):
        prior = _count(rng, 5 + act)
        out |= {(d, item, "prior_year_items"): prior,
                (d, item, "change_this_year"): rng.choice((0, 0, 0, 1, 2, -1, 3, -2)),
                (d, item, "decisions"): _count(rng, lam)}
    prior = _count(rng, 3)
    out |= {(d, "administrative_fees", "prior_year_items"): prior,
            (d, "administrative_fees", "change_this_year"): rng.choice((0, 0, 0, -1, 1))}
    projects = _count(rng, 1 + act * 0.2)
    amount = round(projects * rng.uniform(2, 80), 2) if projects else 0
    out |= {(d, "government_procurement", "projects"): projects,
            (d, "government_procurement", "total_amount"): amount}
    return out


def pre2019(rng: random.Random, act: float, year: int) -> dict[Key, float]:
    """Pre-2019 figures: channels add up to received, categories to responses (soft rules of §6)."""
    years = max(1, year - 2007)
    published = _count(rng, 30 + act * 20)
    website = published if rng.random() < 0.6 else max(0, published - _count(rng, published * 0.1 + 1))
    gazette = published - website if rng.random() < 0.5 else 0
    received = poisson(rng, act * 0.8) if rng.random() > 0.35 else 0
    chan = multinomial(rng, received, [0.3, 0.5, 0.2])
    resp = multinomial(rng, received, [0.55, 0.1, 0.05, 0.3])
    out: dict[Key, float] = {
        ("disclosure", "proactive_items", "total"): published,
        ("disclosure", "proactive_items_website", "total"): website,
        ("disclosure", "proactive_items_gazette", "total"): gazette,
        ("applications", "applications_received", "total"): received,
        ("applications", "applications_received", "in_person"): chan[0],
        ("applications", "applications_received", "online"): chan[1],
        ("applications", "applications_received", "letter_fax"): chan[2],
        ("applications", "responses", "total"): received,
        ("applications", "responses", "granted"): resp[0],
        ("applications", "responses", "partially_granted"): resp[1],
        ("applications", "responses", "denied"): resp[2],
        ("applications", "responses", "other"): resp[3],
        ("appeals", "administrative_reconsideration", "total"): poisson(rng, act * 0.03),
        ("appeals", "administrative_litigation", "total"): poisson(rng, act * 0.015),
        ("appeals", "complaints", "total"): poisson(rng, act * 0.01),
        ("fees", "fees_collected", "amount_yuan"): 0 if rng.random() < 0.9 else rng.choice((20, 50, 100, 360)),
        ("fees", "fee_waivers", "amount_yuan"): 0,
    }
    # 历年累计: this year plus earlier years since 2008; breakdowns add up like the annual figures.
    earlier_received = _count(rng, (received + 1) * (years - 1))
    parts = {
        ("applications", "applications_received"): multinomial(rng, earlier_received, [0.3, 0.5, 0.2]),
        ("applications", "responses"): multinomial(rng, earlier_received, [0.55, 0.1, 0.05, 0.3]),
    }
    measures = {("applications", "applications_received"): ("in_person", "online", "letter_fax"),
                ("applications", "responses"): ("granted", "partially_granted", "denied", "other")}
    for (sec, item), extra in parts.items():
        for m, e in zip(measures[(sec, item)], extra, strict=True):
            out[(sec, item, m + "_cumulative")] = out[(sec, item, m)] + e
        out[(sec, item, "total_cumulative")] = out[(sec, item, "total")] + earlier_received
    earlier_pub = _count(rng, (published + 1) * (years - 1))
    web_share = website / published if published else 1.0
    out[("disclosure", "proactive_items", "total_cumulative")] = published + earlier_pub
    out[("disclosure", "proactive_items_website", "total_cumulative")] = website + round(earlier_pub * web_share)
    out[("disclosure", "proactive_items_gazette", "total_cumulative")] = gazette + (earlier_pub - round(earlier_pub * web_share) if gazette else 0)
    for item in ("administrative_reconsideration", "administrative_litigation", "complaints"):
        v = out[("appeals", item, "total")]
        out[("appeals", item, "total_cumulative")] = v + _count(rng, (v + 0.3) * (years - 1))
    return out
