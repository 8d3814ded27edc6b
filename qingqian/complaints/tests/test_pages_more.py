"""More of the screens and jobs: bulk actions, uploads from the page and the API, the enterprise's
view of what is asked of it, the pending-respondent filter, the sweeper command and task."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from qingqian.complaints import services
from qingqian.complaints.choices import Status
from qingqian.complaints.models import Complaint, Evidence
from qingqian.complaints.tests.factories import make_case
from qingqian.registry.models import Region

PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_office_accepts_several_cases_at_once_from_the_queue(world: Any, client_for: Any) -> None:
    a, b, routed = make_case(world), make_case(world), make_case(world, Status.TRANSFERRED)
    c = client_for(world.office)
    r = c.post(
        "/complaints/bulk/",
        {"ids": [a.pk, b.pk, routed.pk], "action": "accept", "next": "/complaints/?status=open"},
        follow=True,
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert a.number in page and routed.number in page  # done and refused are both reported
    assert set(Complaint.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        Status.ACCEPTED
    }
    assert Complaint.objects.get(pk=routed.pk).status == Status.TRANSFERRED


def test_uploads_from_the_case_page_are_checked(world: Any, client_for: Any) -> None:
    case = make_case(world)
    c = client_for(world.enterprise)
    r = c.post(
        f"/complaints/{case.pk}/evidence/",
        {"kind": "material", "files": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 10)},
        follow=True,
    )
    assert "内容与扩展名不符" in r.content.decode()
    assert not Evidence.objects.filter(complaint=case).exists()
    r = c.post(
        f"/complaints/{case.pk}/evidence/",
        {"kind": "material", "files": SimpleUploadedFile("验收单.pdf", PDF)},
        follow=True,
    )
    assert "材料已上传" in r.content.decode() and "验收单.pdf" in r.content.decode()


def test_the_api_takes_evidence_as_multipart(world: Any, client_for: Any) -> None:
    case = make_case(world)
    r = client_for(world.enterprise).post(
        f"/api/v1/complaints/{case.pk}/evidence?kind=evidence", {"files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert r.status_code == 201, r.content
    assert r.json()[0]["original_name"] == "a.pdf" and r.json()[0]["content_type"] == "application/pdf"


def test_the_enterprise_sees_what_is_asked_of_it(world: Any, client_for: Any) -> None:
    case = make_case(world, Status.AWAITING_MATERIAL)
    mine = client_for(world.enterprise).get("/complaints/mine/").content.decode()
    assert "需要您补充材料：请补充验收单" in mine
    page = client_for(world.enterprise).get(f"/complaints/{case.pk}/").content.decode()
    assert "提交补充材料" in page and "审查期限暂停计算" in page


def test_the_clerk_answers_and_reports_a_payment(world: Any, client_for: Any) -> None:
    case = make_case(world, Status.IN_HANDLING)
    c = client_for(world.clerk)
    r = c.post(
        f"/complaints/{case.pk}/notes/",
        {"kind": "payment_report", "text": "已于本月支付5万元", "amount": "50000"},
        follow=True,
    )
    assert "已保存" in r.content.decode()
    r = c.post(f"/complaints/{case.pk}/notes/", {"kind": "comment", "text": "我来办"})
    assert r.status_code == 403  # a clerk answers; it does not comment as a handler


def test_cases_with_an_unconfirmed_respondent_can_be_listed(world: Any, client_for: Any) -> None:
    pending = make_case(
        world,
        respondent_name="名录外单位甲",
        respondent_kind="organ",
        respondent_region=Region.objects.get(code="130102"),
    )
    known = make_case(world)
    page = client_for(world.office).get("/complaints/?pending=1&status=open").content.decode()
    assert pending.number in page and known.number not in page


def test_the_sweeper_command_and_task(world: Any) -> None:
    make_case(world)
    out = StringIO()
    call_command("sweep_complaints", "--now", "2099-01-01T09:00:00", stdout=out)
    assert "escalated=" in out.getvalue()
    out = StringIO()
    call_command("sweep_complaints", "--now", "2099-01-01T09:00:00", stdout=out)
    assert "nothing due" in out.getvalue()
    from qingqian.complaints.tasks import sweep_complaints

    assert sweep_complaints.enqueue().return_value == {}


def test_the_register_import_and_stats_pages_render(world: Any, client_for: Any) -> None:
    c = client_for(world.office)
    for url in ("/complaints/register/", "/complaints/import/", "/complaints/stats/?by=region&year=2026"):
        assert c.get(url).status_code == 200, url
    r = c.post("/complaints/import/", {})
    assert r.status_code == 400 and "请选择要导入的文件" in r.content.decode()
    assert services.eligibility_questions()[0].key == "bound_payer"


def test_the_export_follows_the_queue_filters(world: Any, client_for: Any) -> None:
    import io

    from python_calamine import CalamineWorkbook

    closed, open_case = make_case(world, Status.CLOSED), make_case(world)

    def numbers(query: str) -> set[str]:
        r = client_for(world.office).get("/complaints/export.xlsx" + query)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
        return {str(row[0]) for row in rows[1:]}

    assert open_case.number in numbers("") and closed.number not in numbers("")
    assert {open_case.number, closed.number} <= numbers("?status=all")
    assert numbers("?status=closed") >= {closed.number} and open_case.number not in numbers("?status=closed")
