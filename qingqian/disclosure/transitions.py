"""The disclosure workflow as one table: (from, action) → (to, who may, what it needs).

    drafted ──confirm/correct (clerk)──▶ confirmed ──approve (department)──▶ approved ──publish (office)──▶ published
       ▲ └─refresh (clerk/office)─┘          │                                   │
       └────────send_back (department)───────┘◀──────────send_back (office)──────┘

`who` names the side: ``clerk`` — a debtor-unit clerk of the body itself; ``approver`` — a handler of the
body's responsible (or supervising) department, or the county handler of a county-level body's region;
``office`` — the task-force office whose region covers the body. The system (actor None) may do all.
A published return never changes; a correction is a new version (`services.return_reopen`).
"""

from __future__ import annotations

from dataclasses import dataclass

from qingqian.disclosure.choices import ReturnAction as A
from qingqian.disclosure.choices import ReturnStatus as S


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    who: frozenset[str]
    needs_reason: bool = False
    needs_figures: bool = False


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.action): t
    for t in [
        Transition(S.DRAFTED, A.REFRESH, S.DRAFTED, frozenset({"clerk", "office"})),
        Transition(S.DRAFTED, A.CONFIRM, S.CONFIRMED, frozenset({"clerk"})),
        Transition(
            S.DRAFTED, A.CORRECT, S.CONFIRMED, frozenset({"clerk"}), needs_reason=True, needs_figures=True
        ),
        Transition(S.CONFIRMED, A.APPROVE, S.APPROVED, frozenset({"approver"})),
        Transition(S.CONFIRMED, A.SEND_BACK, S.DRAFTED, frozenset({"approver"}), needs_reason=True),
        Transition(S.APPROVED, A.PUBLISH, S.PUBLISHED, frozenset({"office"})),
        Transition(S.APPROVED, A.SEND_BACK, S.DRAFTED, frozenset({"office"}), needs_reason=True),
    ]
}


def available(status: str) -> list[Transition]:
    return [t for (source, _action), t in TRANSITIONS.items() if source == status]
