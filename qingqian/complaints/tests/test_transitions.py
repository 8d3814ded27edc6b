"""The whole transitions table, walked: every allowed transition works for the right party and is
refused (403/404) for every other persona, and refused (409) from every other state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.http import Http404

from qingqian.complaints import selectors, services
from qingqian.complaints import transitions as T
from qingqian.complaints.choices import Status
from qingqian.complaints.models import Complaint
from qingqian.complaints.tests.factories import PATHS, make_case, payload_for
from qingqian.core.errors import DomainError
from qingqian.core.testing.matrix import ALL_PERSONAS

PARTY_PERSONA = {T.OFFICE: "office", T.HANDLER: "finance", T.COMPLAINANT: "enterprise"}


def attempt(world: Any, persona: str, case: Complaint, action: str) -> int:
    """What a persona gets for an action, as an HTTP status (200 done, 403, 404, 409, 400)."""
    if persona == "public":
        return 401
    user = getattr(world, persona)
    try:
        fresh = selectors.complaint_for(user=user, pk=case.pk)
    except Http404:
        return 404
    try:
        services.apply_transition(actor=user, complaint=fresh, action=action, payload=payload_for(action))
    except DomainError as exc:
        return exc.status
    return 200


def build(world: Any, state: str, action: str) -> Complaint:
    case = make_case(world, state)
    if action == "rate_unsatisfied_again":  # the guard needs one earlier reopening
        for a in ("rate_unsatisfied", "submit_result", "approve_result"):
            case = services.apply_transition(actor=None, complaint=case, action=a, payload=payload_for(a))
    return case


ROWS = sorted(T.TABLE.values(), key=lambda t: (t.source, t.action))


@pytest.mark.parametrize("t", ROWS, ids=lambda t: f"{t.source}-{t.action}")
def test_each_allowed_transition_works_only_for_its_party(world: Any, t: T.Transition) -> None:
    case = build(world, t.source, t.action)
    right = {PARTY_PERSONA[p] for p in t.parties if p in PARTY_PERSONA}
    assert right, t
    travel = (
        time_machine.travel(dt.datetime.now() + dt.timedelta(days=20), tick=True)
        if t.action == "close_unrated"
        else None
    )
    if travel:
        travel.start()
    try:
        refused = {p: attempt(world, p, case, t.action) for p in sorted(ALL_PERSONAS - right)}
        wrong = {p: s for p, s in refused.items() if s not in (401, 403, 404)}
        assert not wrong, f"{t.action} from {t.source}: others not refused: {wrong}"
        case.refresh_from_db()
        assert case.status == t.source
        persona = sorted(right)[0]
        assert attempt(world, persona, case, t.action) == 200
    finally:
        if travel:
            travel.stop()
    case.refresh_from_db()
    assert case.status == t.target
    from qingqian.core.models import Event

    assert Event.objects.filter(action=f"complaints.case.{t.action}", object_id=str(case.pk)).count() >= 1


@pytest.mark.parametrize("state", sorted(PATHS), ids=str)
def test_actions_not_in_the_table_for_a_state_are_refused_with_409(world: Any, state: str) -> None:
    case = make_case(world, state)
    for action in T.ACTIONS:
        if (state, action) in T.TABLE:
            continue
        for party, persona in PARTY_PERSONA.items():
            if not any(party in t.parties for t in T.transitions_for(action)):
                continue
            status = attempt(world, persona, case, action)
            # 404 where the persona cannot see the case in this state (e.g. before it is routed)
            assert status in (409, 404), (state, action, persona, status)
            if persona == "office":
                assert status == 409, (state, action)
    case.refresh_from_db()
    assert case.status == state


def test_the_table_has_one_row_per_state_and_action_and_every_state_is_reachable() -> None:
    assert set(PATHS) == set(Status.values)
    for (source, action), t in T.TABLE.items():
        assert (t.source, t.action) == (source, action)
        assert t.target in Status.values
    terminal = {Status.CLOSED, Status.WITHDRAWN, Status.TERMINATED, Status.NOT_ACCEPTED}
    assert not [t for t in T.TABLE.values() if t.source in terminal]


def test_a_second_unsatisfied_rating_goes_to_the_office(world: Any) -> None:
    case = make_case(world, Status.FEEDBACK_SENT)
    case = services.apply_transition(
        actor=world.enterprise, complaint=case, action="rate_unsatisfied", payload={"text": "没收到"}
    )
    assert case.status == Status.IN_HANDLING and case.reopen_count == 1
    for a in ("submit_result", "approve_result"):
        case = services.apply_transition(actor=None, complaint=case, action=a, payload=payload_for(a))
    actions = {t.action for t in services.actions_for(world.enterprise, case)}
    assert actions == {"confirm_satisfied", "rate_unsatisfied_again"}
    case = services.apply_transition(
        actor=world.enterprise, complaint=case, action="rate_unsatisfied_again", payload={"text": "仍未收到"}
    )
    assert case.status == Status.OFFICE_REVIEW


def test_a_mis_routed_case_goes_back_to_the_office_with_the_reason_kept(world: Any) -> None:
    case = make_case(world, Status.TRANSFERRED)
    with pytest.raises(DomainError) as err:
        services.apply_transition(
            actor=world.finance, complaint=case, action="return_misrouted", payload={"text": ""}
        )
    assert err.value.status == 400 and "退回理由" in str(err.value.message)
    case = services.apply_transition(
        actor=world.finance, complaint=case, action="return_misrouted", payload={"text": "该单位由县级管理"}
    )
    assert (
        case.status == Status.ACCEPTED
        and case.responsible_department_id is None
        and case.handle_due_on is None
    )
    record = case.routings.get()
    assert record.returned_by == world.finance and record.return_reason == "该单位由县级管理"
    # the office re-routes, overriding the rule's proposal with a reason
    sasac = world.sasac.scope_grants()[0].organisation
    with pytest.raises(DomainError) as err:
        services.apply_transition(
            actor=world.office, complaint=case, action="route", payload={"department_id": sasac.pk}
        )
    assert "改派理由" in str(err.value.fields)
    case = services.apply_transition(
        actor=world.office,
        complaint=case,
        action="route",
        payload={"department_id": sasac.pk, "override_reason": "涉及国企代建"},
    )
    assert case.responsible_department == sasac
    assert case.routings.count() == 2


def test_cohandlers_see_and_comment_but_cannot_handle(world: Any) -> None:
    sasac = world.sasac.scope_grants()[0].organisation
    case = make_case(world, Status.ACCEPTED)
    case = services.apply_transition(
        actor=world.office,
        complaint=case,
        action="route",
        payload={"department_id": payload_for("route")["department_id"], "cohandler_ids": [sasac.pk]},
    )
    assert selectors.complaint_for(user=world.sasac, pk=case.pk)
    services.note_add(actor=world.sasac, complaint=case, kind="comment", text="国资委协办意见")
    assert attempt(world, "sasac", case, "receive") == 403


def test_extensions_never_exceed_the_total_limit(world: Any) -> None:
    case = make_case(world, Status.IN_HANDLING)
    with pytest.raises(DomainError) as err:
        services.apply_transition(
            actor=world.finance,
            complaint=case,
            action="request_extension",
            payload={"days": 61, "text": "复杂"},
        )
    assert "60" in str(err.value.fields)
    case = services.apply_transition(
        actor=world.finance, complaint=case, action="request_extension", payload={"days": 60, "text": "复杂"}
    )
    before = case.handle_due_on
    case = services.apply_transition(actor=world.office, complaint=case, action="approve_extension")
    assert case.extension_days == 60
    assert case.handle_due_on is not None and before is not None and case.handle_base_on is not None
    assert case.handle_due_on >= before + dt.timedelta(days=60)
    assert case.handle_due_on <= case.handle_base_on + dt.timedelta(
        days=90 + 10
    )  # + a holiday roll-forward at most
    with pytest.raises(DomainError):
        services.apply_transition(
            actor=world.finance,
            complaint=case,
            action="request_extension",
            payload={"days": 1, "text": "再延"},
        )


def test_a_case_with_an_unknown_respondent_is_accepted_only_after_staff_confirm_it(world: Any) -> None:
    from qingqian.registry.models import Organisation, Region

    case = make_case(
        world,
        Status.REGISTERED,
        respondent_name="石家庄某未登记单位",
        respondent_kind="organ",
        respondent_region=Region.objects.get(code="130102"),
    )
    assert case.respondent_id is None and case.pending_debtor is not None
    assert attempt(world, "office", case, "accept") == 409
    org = Organisation.objects.get(name="长安区教育局")
    services.respondent_confirm(actor=world.office, complaint=case, organisation=org)
    case.refresh_from_db()
    assert case.respondent == org and case.region_path == org.region.path
    assert attempt(world, "office", case, "accept") == 200
