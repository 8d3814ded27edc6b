"""Intake from every channel, the portal wizard, queues and scopes, documents, export and import."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from qingqian.complaints import selectors, services
from qingqian.complaints.choices import Channel, Status
from qingqian.complaints.exports import safe_cell
from qingqian.complaints.models import Complaint, Evidence
from qingqian.complaints.services.imports import complaint_import_upstream
from qingqian.complaints.tests.factories import intake_data, make_case
from qingqian.core.errors import InvalidInput
from qingqian.demo.seed import demo_uscc
from qingqian.notifications.models import Notification

YES = dict.fromkeys(("bound_payer", "has_contract", "performed", "overdue", "no_other_procedure"), "yes")


def test_numbers_are_per_year_sequential_and_unique(world: Any) -> None:
    a, b = make_case(world), make_case(world)
    assert a.number.startswith("QQ-") and len(a.number) == len("QQ-2026-000001")
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


def test_the_wizard_explains_where_to_go_when_the_case_does_not_qualify(world: Any, client_for: Any) -> None:
    c = client_for(world.enterprise)
    r = c.post("/complaints/new/", {**YES, "no_other_procedure": "no"})
    assert r.status_code == 200
    assert "不属于投诉受理范围" in r.content.decode() and "强制执行" in r.content.decode()
    assert c.get("/complaints/new/form/").status_code == 302  # not let through


def test_an_enterprise_files_on_the_portal_and_the_office_is_told(world: Any, client_for: Any) -> None:
    c = client_for(world.enterprise)
    assert c.post("/complaints/new/", YES).status_code == 302
    r = c.post(
        "/complaints/new/form/",
        {
            "respondent_name": "石家庄市教育局",
            "complainant_size": "small",
            "complainant_size_basis": "self_declared",
            "contract-0-number": "HT-1",
            "contract-0-subject": "校舍维修",
            "contract-0-signed_on": "2024-03-01",
            "contract-0-amount": "150000",
            "contract-0-paid_amount": "30000",
            "contract-0-delivered_on": "2024-06-30",
            "amount_claimed": "120000",
            "summary": "验收合格后逾期未付",
            "contact_name": "陈刚",
            "contact_phone": "13800000000",
            "pledge": "on",
            "files": SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Complaint.objects.latest("id")
    assert case.complainant is not None
    assert case.respondent is not None
    assert case.channel == Channel.PORTAL and case.complainant.name == "石家庄恒信建筑劳务有限公司"
    assert (
        case.respondent.name == "石家庄市教育局"
        and case.contracts.count() == 1
        and case.evidence.count() == 1
    )
    assert case.eligibility["no_other_procedure"] is True and case.pledge
    assert Notification.objects.filter(topic="complaints.case.filed", recipient=world.office).exists()
    page = c.get(f"/complaints/{case.pk}/").content.decode()
    assert case.number in page and "登记投诉" in page
    mine = c.get("/complaints/mine/").content.decode()
    assert case.number in mine


def test_staff_register_a_hotline_lead_with_its_original_text(world: Any, client_for: Any) -> None:
    c = client_for(world.office)
    r = c.post(
        "/complaints/register/",
        {
            "channel": "hotline",
            "received_on": "2025-06-02",
            "complainant_name": "河北某小微企业有限公司",
            "complainant_uscc": demo_uscc("91", "130100", "河北某小微企业有限公司"),
            "complainant_size": "micro",
            "respondent_name": "石家庄市第一医院",
            "amount_claimed": "8800.50",
            "summary": "电话反映医院欠付耗材款",
            "original_text": "来电人称……",
            "contact_name": "王",
            "contact_phone": "0311-8888888",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    case = Complaint.objects.latest("id")
    assert case.channel == Channel.HOTLINE and case.original_text == "来电人称……" and case.complainant is None
    assert case.number.startswith("QQ-2025-")


def test_duplicates_and_key_debtors_are_surfaced_to_the_reviewer(world: Any) -> None:
    cases = [make_case(world) for _ in range(3)]
    dups = selectors.duplicates_for(user=world.office, case=cases[0])
    assert {d.case.pk for d in dups} == {cases[1].pk, cases[2].pk}
    assert cases[0].respondent_id in selectors.key_debtor_ids()
    listed = selectors.complaint_list_for(user=world.office, filters={"key_debtor": True})
    assert {c.pk for c in cases} <= set(listed.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("persona", "sees_routed", "sees_new", "sees_county"),
    [
        ("office", True, True, True),
        ("finance", True, False, False),
        ("sasac", False, False, False),
        ("county", False, False, True),
        ("clerk", True, False, False),
        ("enterprise", True, True, True),
        ("auditor", True, True, True),
        ("leader", True, True, True),
        ("sysadmin", False, False, False),
        ("secadmin", False, False, False),
    ],
)
def test_each_persona_sees_only_its_own_cases(
    world: Any, persona: str, sees_routed: bool, sees_new: bool, sees_county: bool
) -> None:
    routed = make_case(world, Status.TRANSFERRED)  # against 市教育局, routed to 市财政局
    new = make_case(world)  # against 市教育局, not yet accepted
    county = make_case(world, respondent_name="长安区教育局")
    visible = set(selectors.complaint_list_for(user=getattr(world, persona)).values_list("pk", flat=True))
    assert (routed.pk in visible, new.pk in visible, county.pk in visible) == (
        sees_routed,
        sees_new,
        sees_county,
    )


def test_the_office_queue_filters_and_has_no_n_plus_one(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_case(world, Status.TRANSFERRED)
    c = client_for(world.office)
    with django_assert_max_num_queries(20):
        r = c.get("/complaints/?status=transferred&sort=due")
    assert r.status_code == 200 and r.content.decode().count("/complaints/") >= 5
    r = c.get("/complaints/?deadline=late&channel=portal&amount_min=1&amount_max=999999999&key_debtor=1")
    assert r.status_code == 200


def test_evidence_is_served_only_to_permitted_users(world: Any, client_for: Any, settings: Any) -> None:
    case = make_case(world, Status.TRANSFERRED)
    ev = services.evidence_add(
        actor=world.enterprise, complaint=case, files=[SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n")]
    )[0]
    assert not str(ev.file.path).startswith(str(settings.STATIC_ROOT))
    url = f"/complaints/{case.pk}/evidence/{ev.pk}/"
    r = client_for(world.finance).get(url)
    assert (
        r.status_code == 200
        and r["Content-Type"] == "application/pdf"
        and "attachment" in r["Content-Disposition"]
    )
    assert r["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.sasac).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_excel_export_is_safe_from_formula_injection(world: Any, client_for: Any) -> None:
    make_case(world, summary="正常")
    services.complaint_register_lead(
        actor=world.office,
        channel="letter",
        data=intake_data(
            complainant_name='=HYPERLINK("http://x")', complainant_uscc=demo_uscc("91", "130100", "x")
        ),
    )
    r = client_for(world.office).get("/complaints/export.xlsx?status=open")
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "投诉编号"
    names = [row[3] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert (
        safe_cell("+1") == "'+1"
        and safe_cell("-x") == "'-x"
        and safe_cell("@a") == "'@a"
        and safe_cell("ok") == "ok"
    )


def _csv(rows: list[list[str]]) -> bytes:
    head = "上级平台编号,办理期限,企业名称,统一社会信用代码,企业规模,联系人,联系电话,被投诉单位,合同编号,合同标的,合同签订日期,合同金额,投诉金额,投诉事项"
    return (head + "\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8-sig")


def _row(ref: str, uscc: str, amount: str = "50000") -> list[str]:
    return [
        ref,
        "2099-01-31",
        "河北转办企业有限公司",
        uscc,
        "小型",
        "李",
        "13900000000",
        "石家庄市教育局",
        "HT-9",
        "设备采购",
        "2024-01-05",
        "60000",
        amount,
        "国家平台转办",
    ]


def test_the_upstream_import_is_all_or_nothing_with_row_numbers(world: Any) -> None:
    uscc = demo_uscc("91", "130100", "河北转办企业有限公司")
    bad = _csv([_row("GJ-1", uscc), _row("GJ-2", "BADCODE"), _row("GJ-3", uscc, amount="-1")])
    with pytest.raises(InvalidInput) as err:
        complaint_import_upstream(actor=world.office, name="up.csv", content=bad)
    messages = err.value.fields["file"]
    assert any(m.startswith("第3行") and "统一社会信用代码" in m for m in messages), messages
    assert any(m.startswith("第4行") and "投诉金额" in m for m in messages), messages
    assert not Complaint.objects.filter(upstream_ref__startswith="GJ-").exists()
    report = complaint_import_upstream(
        actor=world.office, name="up.csv", content=_csv([_row("GJ-1", uscc), _row("GJ-2", uscc)])
    )
    assert len(report.created) == 2
    case = Complaint.objects.get(upstream_ref="GJ-1")
    assert case.respondent is not None
    assert str(case.upstream_due_on) == "2099-01-31" and case.respondent.name == "石家庄市教育局"
    with pytest.raises(InvalidInput) as err:  # the same reference again
        complaint_import_upstream(actor=world.office, name="up.csv", content=_csv([_row("GJ-1", uscc)]))
    assert "已经登记过" in err.value.fields["file"][0]


def test_the_upstream_import_reads_xlsx(world: Any, client_for: Any) -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    header = ["上级平台编号", "企业名称", "统一社会信用代码", "被投诉单位", "投诉金额", "投诉事项"]
    ws.write_row(0, 0, header)
    ws.write_row(
        1,
        0,
        [
            "SX-77",
            "河北转办企业有限公司",
            demo_uscc("91", "130100", "y"),
            "石家庄市第一医院",
            1234.5,
            "省平台转办",
        ],
    )
    wb.close()
    r = client_for(world.office).post(
        "/complaints/import/", {"file": SimpleUploadedFile("up.xlsx", buf.getvalue())}
    )
    assert r.status_code == 200, r.content.decode()[:2000]
    assert str(Complaint.objects.get(upstream_ref="SX-77").amount_claimed) == "1234.50"


def test_the_api_lists_with_filters_and_pagination_and_replays_idempotent_posts(
    world: Any, client_for: Any
) -> None:
    c = client_for(world.enterprise)
    before = Complaint.objects.count()
    body = json.dumps(intake_data())
    r1 = c.post(
        "/api/v1/complaints", data=body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    r2 = c.post(
        "/api/v1/complaints", data=body, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert r1.status_code == 201 and r2.status_code == 201 and r1.json()["number"] == r2.json()["number"]
    assert r2["Idempotent-Replayed"] == "true"
    assert Complaint.objects.count() == before + 1
    office = client_for(world.office)
    listing = office.get("/api/v1/complaints", {"status": "registered", "page_size": 1, "sort": "-id"}).json()
    assert listing["count"] >= 1 and listing["page_size"] == 1
    assert listing["items"][0]["number"] == r1.json()["number"]
    cid = r1.json()["id"]
    r = office.post(f"/api/v1/complaints/{cid}/accept", data="{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert {a["action"] for a in r.json()["actions"]} >= {"route"}
    r = office.post(f"/api/v1/complaints/{cid}/accept", data="{}", content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    timeline = office.get(f"/api/v1/complaints/{cid}/timeline").json()
    assert [t["action"] for t in timeline][:2] == ["complaints.case.filed", "complaints.case.accept"]


def test_bulk_accept_reports_each_case(world: Any, client_for: Any) -> None:
    ok, blocked = make_case(world), make_case(world, Status.TRANSFERRED)
    r = client_for(world.office).post(
        "/api/v1/complaints/bulk",
        data=json.dumps({"ids": [ok.pk, blocked.pk], "action": "accept"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["done"] == [ok.number] and r.json()["failed"][0]["number"] == blocked.number


def test_statistics_per_department(world: Any, client_for: Any) -> None:
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        make_case(world, Status.CLOSED)
        make_case(world, Status.IN_HANDLING)
        make_case(world)
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    rows = {r.label: r for r in selectors.statistics(user=world.office, date_from=start, date_to=end)}
    finance = rows["石家庄市财政局"]
    assert finance.total == 2 and finance.by_status == {"closed": 1, "in_handling": 1}
    assert finance.handle_on_time_rate == 1.0 and finance.satisfaction_rate == 1.0
    assert finance.average_handling_days == 0.0
    assert str(finance.amount_claimed) == "240000.00" and str(finance.amount_resolved) == "120000.00"
    assert rows["未转办"].total == 1 and rows["未转办"].review_on_time_rate is None
    by_region = selectors.statistics(user=world.office, group_by="region", date_from=start, date_to=end)
    assert sum(r.total for r in by_region) == 3
    assert client_for(world.leader).get("/api/v1/complaints/stats?by=region").status_code == 200
    assert client_for(world.office).get("/complaints/stats/").status_code == 200


def test_the_case_page_shows_only_the_users_actions(world: Any, client_for: Any) -> None:
    case = make_case(world, Status.TRANSFERRED)
    finance_page = client_for(world.finance).get(f"/complaints/{case.pk}/").content.decode()
    office_page = client_for(world.office).get(f"/complaints/{case.pk}/").content.decode()
    assert "签收办理" in finance_page and "签收办理" not in office_page
    assert "终止办理" in office_page and "终止办理" not in finance_page
    assert "剩余" in finance_page  # working-day countdown
    r = client_for(world.office).post(f"/complaints/{case.pk}/do/receive/")
    assert r.status_code == 403
    assert Evidence.objects.count() == 0
