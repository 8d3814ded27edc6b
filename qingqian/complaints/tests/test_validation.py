"""Invalid input gets a clear Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingqian.complaints import services
from qingqian.complaints.models import Complaint, ComplaintCounter, Evidence
from qingqian.complaints.tests.factories import intake_data, make_case
from qingqian.core.errors import InvalidInput
from qingqian.core.models import Event

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _state() -> tuple[int, int, int, list[Any]]:
    return (
        Complaint.objects.count(),
        Evidence.objects.count(),
        Event.objects.count(),
        list(ComplaintCounter.objects.values_list("year", "last")),
    )


def _tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def _contract(**kw: Any) -> dict[str, Any]:
    return {"contracts": [{**intake_data()["contracts"][0], **kw}]}


BAD_INPUTS = {
    "bad_credit_code": (
        {"complainant_uscc": "91130100ABC", "complainant_name": "某公司"},
        "complainant_uscc",
        "统一社会信用代码格式不正确",
    ),
    "zero_amount": ({"amount_claimed": "0"}, "amount_claimed", "必须大于0元"),
    "negative_amount": ({"amount_claimed": "-100"}, "amount_claimed", "必须大于0元"),
    "not_an_amount": ({"amount_claimed": "十万"}, "amount_claimed", "不是有效的金额"),
    "three_decimals": ({"amount_claimed": "1.005"}, "amount_claimed", "两位小数"),
    "future_signing": (_contract(signed_on="2999-01-01"), "contracts.0.signed_on", "不能晚于今天"),
    "future_delivery": (_contract(delivered_on="2999-01-01"), "contracts.0.delivered_on", "不能晚于今天"),
    "huge_name": ({"respondent_name": "某" * 10000}, "respondent_name", "不能超过200个字符"),
    "script_in_summary": ({"summary": "<script>alert(1)</script>"}, "summary", "不能包含网页代码"),
    "html_in_contact": (
        {"contact_name": '<img src=x onerror="alert(1)">'},
        "contact_name",
        "不能包含网页代码",
    ),
    "contract_zero": (_contract(amount="0"), "contracts.0.amount", "必须大于0元"),
    "paid_over_amount": (
        _contract(paid_amount="999999"),
        "contracts.0.paid_amount",
        "已付金额不能大于合同金额",
    ),
    "no_pledge": ({"pledge": False}, "pledge", "承诺"),
}


@pytest.mark.parametrize("case_name", sorted(BAD_INPUTS))
def test_the_portal_refuses_bad_input_in_chinese_and_changes_nothing(world: Any, case_name: str) -> None:
    overrides, field, words = BAD_INPUTS[case_name]
    if case_name == "bad_credit_code":
        # Staff-registered leads carry the complainant's code as typed.
        before = _state()
        with pytest.raises(InvalidInput) as err:
            services.complaint_register_lead(
                actor=world.office, channel="hotline", data=intake_data(**overrides)
            )
    else:
        before = _state()
        with pytest.raises(InvalidInput) as err:
            services.complaint_file(actor=world.enterprise, data=intake_data(**overrides))
    assert field in err.value.fields, err.value.fields
    assert any(words in m for m in err.value.fields[field]), err.value.fields[field]
    assert _state() == before


def test_a_50_mb_file_is_refused_and_nothing_is_filed(world: Any) -> None:
    big = SimpleUploadedFile("合同.pdf", PDF + b"0" * (50 * 1024 * 1024))
    before = _state()
    with pytest.raises(InvalidInput) as err:
        services.complaint_file(actor=world.enterprise, data=intake_data(), files=[big])
    assert "过大" in err.value.fields["files"][0] and "MB" in err.value.fields["files"][0]
    assert _state() == before


def test_an_executable_renamed_pdf_is_refused_by_its_content(world: Any) -> None:
    case = make_case(world)
    before = _state()
    with pytest.raises(InvalidInput) as err:
        services.evidence_add(
            actor=world.enterprise, complaint=case, files=[SimpleUploadedFile("合同.pdf", EXE)]
        )
    assert "内容与扩展名不符" in err.value.fields["files"][0]
    assert _state() == before


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("a.pdf", PDF, True),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, True),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, True),
        ("a.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, False),  # a PNG named .pdf
        ("a.exe", EXE, False),
        ("a.docx", b"PK\x03\x04not really a zip", False),
        ("a.html", b"<html><script>alert(1)</script></html>", False),
        ("noext", PDF, False),
    ],
)
def test_files_are_checked_by_magic_bytes(world: Any, name: str, content: bytes, ok: bool) -> None:
    case = make_case(world)
    f = SimpleUploadedFile(name, content)
    if ok:
        ev = services.evidence_add(actor=world.enterprise, complaint=case, files=[f])[0]
        assert ev.size == len(content) and len(ev.sha256) == 64
    else:
        with pytest.raises(InvalidInput):
            services.evidence_add(actor=world.enterprise, complaint=case, files=[f])


def test_a_real_docx_is_accepted(world: Any) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    case = make_case(world)
    ev = services.evidence_add(
        actor=world.enterprise, complaint=case, files=[SimpleUploadedFile("说明.docx", buf.getvalue())]
    )[0]
    assert ev.content_type.endswith("wordprocessingml.document")


def test_the_api_answers_bad_input_with_400_field_errors_in_chinese(world: Any, client_for: Any) -> None:
    c = client_for(world.enterprise)
    body = intake_data(amount_claimed="-5", summary="<b>hi</b>")
    before = _state()
    r = c.post("/api/v1/complaints", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 400
    err = r.json()
    assert err["code"] == "invalid" and "请检查" in err["message"]
    assert "amount_claimed" in err["fields"] and "summary" in err["fields"]
    assert _state() == before


def test_the_portal_form_shows_errors_next_to_the_fields(world: Any, client_for: Any) -> None:
    c = client_for(world.enterprise)
    c.post(
        "/complaints/new/",
        dict.fromkeys(("bound_payer", "has_contract", "performed", "overdue", "no_other_procedure"), "yes"),
    )
    before = _state()
    r = c.post(
        "/complaints/new/form/",
        {
            "respondent_name": "石家庄市教育局",
            "amount_claimed": "0",
            "summary": "<script>x</script>",
            "contact_name": "陈",
            "contact_phone": "138",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "投诉金额必须大于0元" in html and "不能包含网页代码" in html and "请至少填写一份合同" in html
    assert "<script>x</script>" not in html  # escaped when echoed back
    assert _state() == before
