"""Personal data: ciphertext in the database, masked on screens, unmasked only with permission,
reason and re-authentication — and every unmasking is found again by "who accessed this person"."""

from django.db import connection
from django.utils import timezone

from qingqian.accounts.session_policy import REAUTH_AT
from qingqian.core import crypto
from qingqian.core.models import Event
from qingqian.core.personal import EncryptedCharField, PersonalText, index_for, mask
from qingqian.registry.models import Enterprise
from qingqian.security import pii

PHONE = "13812345678"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def _enterprise(world) -> Enterprise:
    ent = world.enterprise.grants.first().enterprise
    ent.contact_phone = PHONE
    ent.save()
    return ent


def test_a_stored_phone_number_is_sm4_ciphertext_in_the_database(world) -> None:
    ent = _enterprise(world)
    raw = _raw("registry_enterprise", "contact_phone", ent.pk)
    assert raw.startswith("sm4gcm:v1:") and PHONE not in raw and "5678" not in raw
    assert crypto.key_id_of(raw) == crypto.keyring().active_key_id
    assert Enterprise.objects.get(pk=ent.pk).contact_phone == PHONE  # code reads the clear value


def test_the_users_phone_is_ciphertext_too(world) -> None:
    user = world.clerk
    user.phone = "13900001111"
    user.save()
    assert _raw("accounts_user", "phone", user.pk).startswith("sm4gcm:")


def test_equal_phone_numbers_are_found_through_the_blind_index(world) -> None:
    ent = _enterprise(world)
    assert Enterprise.objects.filter(contact_phone_bidx=index_for("phone", "138-1234-5678")).get() == ent
    assert not Enterprise.objects.filter(contact_phone_bidx=index_for("phone", "13812345679")).exists()
    assert PHONE not in _raw("registry_enterprise", "contact_phone_bidx", ent.pk)


def test_phone_numbers_are_masked_on_pages(world, client_for) -> None:
    _enterprise(world)
    html = client_for(world.enterprise).get("/portal/").content.decode()
    assert "138****5678" in html and PHONE not in html


def test_the_user_list_masks_phones(world, client_for) -> None:
    world.clerk.phone = "13900001111"
    world.clerk.save()
    html = client_for(world.secadmin).get("/security/users/?q=clerk").content.decode()
    assert "139****1111" in html and "13900001111" not in html


def test_masking_rules() -> None:
    assert mask("13812345678") == "138****5678"
    assert mask("0311-12345678") == "031****5678"
    assert mask("110101199003071234", "id_number") == "110***********1234"
    assert mask("6222021234567890123", "bank_account") == "6222****0123"
    assert mask("zhang@example.cn", "email") == "z***@example.cn"
    text = PersonalText(PHONE)
    assert text == PHONE and text.__html__() == "138****5678" and text.masked == "138****5678"


def test_unmasking_needs_the_role_a_reason_and_reauthentication_and_is_audited(world, client_for) -> None:
    ent = _enterprise(world)
    url = f"/security/unmask/registry.enterprise/{ent.pk}/contact_phone/"
    assert client_for(world.enterprise).get(url).status_code == 403
    assert client_for(world.auditadmin).get(url).status_code == 403
    office = client_for(world.office)
    assert office.get(url)["Location"].startswith("/accounts/reauth/")
    session = office.session
    session[REAUTH_AT] = timezone.now().timestamp()
    session.save()
    page = office.get(url).content.decode()
    assert "138****5678" in page and PHONE not in page
    no_reason = office.post(url, {"reason": ""})
    assert PHONE not in no_reason.content.decode()
    shown = office.post(url, {"reason": "核实投诉人联系方式"}).content.decode()
    assert PHONE in shown
    event = Event.objects.get(action="security.pii.unmasked", actor=world.office)
    assert event.data == {"field": "contact_phone", "reason": "核实投诉人联系方式"}
    # who accessed this person's data: found by the phone number, through the blind index
    audit = (
        client_for(world.auditadmin)
        .get("/security/audit/person/", {"phone": "138 1234 5678"})
        .content.decode()
    )
    assert "核实投诉人联系方式" in audit and "office" in audit


def test_every_encrypted_field_is_in_the_personal_data_registry() -> None:
    registered = {(p.model.lower(), p.field) for p in pii.REGISTRY if p.encrypted}
    found = {(m._meta.label_lower, f.name) for m, f in pii.encrypted_fields()}
    assert found == registered
    assert all(isinstance(f, EncryptedCharField) for _m, f in pii.encrypted_fields())


def test_key_rotation_re_encrypts_everything_under_the_new_key(world, settings) -> None:
    ent = _enterprise(world)
    old_key = crypto.keyring().active_key_id
    settings.PII_KEYS = f"{old_key}:{crypto.keyring().active_key.hex()},rot2:{'ab' * 16}"
    settings.PII_ACTIVE_KEY_ID = "rot2"
    try:
        crypto.reset_keyring()
        counts = pii.rotate()
        assert counts["registry.Enterprise.contact_phone"] >= 1
        assert crypto.key_id_of(_raw("registry_enterprise", "contact_phone", ent.pk)) == "rot2"
        assert Enterprise.objects.get(pk=ent.pk).contact_phone == PHONE
        assert Event.objects.filter(action="security.pii.key_rotated").exists()
    finally:
        crypto.reset_keyring()


def test_the_public_page_shows_a_published_handlers_work_phone(world, client_for) -> None:
    assert "0311-12345678" in client_for(None).get("/").content.decode()


# --- The complaint's contact phone (complaints.Complaint.contact_phone) ------------------------------

COMPLAINT_PHONE = "13912345678"


def _complaint(world, state: str = "registered"):
    from qingqian.complaints.tests.factories import make_case

    return make_case(world, state, contact_phone="139-1234-5678")


def test_a_complaints_contact_phone_is_ciphertext_in_the_database_with_a_blind_index(world) -> None:
    from qingqian.complaints.models import Complaint

    case = _complaint(world)
    raw = _raw("complaints_complaint", "contact_phone", case.pk)
    assert raw.startswith("sm4gcm:v1:") and "5678" not in raw and "1234" not in raw
    assert crypto.key_id_of(raw) == crypto.keyring().active_key_id
    assert Complaint.objects.get(pk=case.pk).contact_phone == "139-1234-5678"
    found = Complaint.objects.filter(contact_phone_bidx=index_for("phone", COMPLAINT_PHONE))
    assert list(found) == [case]
    assert COMPLAINT_PHONE not in _raw("complaints_complaint", "contact_phone_bidx", case.pk)
    # the column is bound to its place: copied into another encrypted column it does not decrypt
    import pytest

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(raw, aad="registry.enterprise.contact_phone")


def test_a_complaints_contact_phone_is_masked_on_its_page_and_in_the_queue_export(world, client_for) -> None:
    import io

    from python_calamine import CalamineWorkbook

    case = _complaint(world, "transferred")
    for user in (world.office, world.finance, world.enterprise, world.auditor):
        html = client_for(user).get(f"/complaints/{case.pk}/").content.decode()
        assert "139****5678" in html and "1234-5678" not in html and COMPLAINT_PHONE not in html, user
    unmask_url = f"/security/unmask/complaints.complaint/{case.pk}/contact_phone/"
    assert unmask_url in client_for(world.office).get(f"/complaints/{case.pk}/").content.decode()
    assert unmask_url not in client_for(world.auditor).get(f"/complaints/{case.pk}/").content.decode()
    response = client_for(world.office).get("/complaints/export.xlsx?status=all")
    assert response["Cache-Control"] == "no-store"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == case.number)
    assert row[header.index("联系电话")] == "139****5678" and row[header.index("联系人")] == "陈*"
    assert not any(COMPLAINT_PHONE in str(cell) or "1234-5678" in str(cell) for r in rows for cell in r)
    event = Event.objects.filter(action="security.data.exported", actor=world.office).latest("id")
    assert event.data["what"] == "complaints.case" and event.data["rows"] == len(rows) - 1


def test_unmasking_a_complaints_phone_needs_the_role_the_case_a_reason_and_reauthentication(
    world, client_for
) -> None:
    case = _complaint(world, "transferred")  # routed to the finance bureau
    url = f"/security/unmask/complaints.complaint/{case.pk}/contact_phone/"
    for outsider in (world.sasac, world.clerk, world.auditor, world.enterprise):
        c = client_for(outsider)
        session = c.session
        session[REAUTH_AT] = timezone.now().timestamp()
        session.save()
        assert c.post(url, {"reason": "想看看这个号码"}).status_code == 403, outsider
        assert c.get(url).status_code == 403, outsider  # not even the masked value and the case number
    finance = client_for(world.finance)
    assert finance.get(url)["Location"].startswith("/accounts/reauth/")
    session = finance.session
    session[REAUTH_AT] = timezone.now().timestamp()
    session.save()
    assert "139-1234-5678" not in finance.post(url, {"reason": ""}).content.decode()
    shown = finance.post(url, {"reason": "电话联系企业核实付款情况"}).content.decode()
    assert "139-1234-5678" in shown
    event = Event.objects.get(action="security.pii.unmasked", actor=world.finance)
    assert event.object_id == str(case.pk)
    assert event.data == {"field": "contact_phone", "reason": "电话联系企业核实付款情况"}
    access = client_for(world.auditadmin).get("/security/audit/person/", {"phone": COMPLAINT_PHONE})
    assert "电话联系企业核实付款情况" in access.content.decode()


def test_the_migration_encrypts_existing_plaintext_contact_phones_and_reverses(world) -> None:
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("qingqian.complaints.migrations.0002_encrypt_contact_phone")
    case = _complaint(world)
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute(
            "UPDATE complaints_complaint SET contact_phone = %s, contact_phone_bidx = '' WHERE id = %s",
            ["0311-87654321", case.pk],
        )
    editor = SimpleNamespace(
        connection=connection,
        quote_name=connection.ops.quote_name,
        execute=lambda sql, params: connection.cursor().execute(sql, params),
    )
    migration.encrypt_existing(apps, editor)
    raw = _raw("complaints_complaint", "contact_phone", case.pk)
    assert raw.startswith("sm4gcm:v1:") and "87654321" not in raw
    assert _raw("complaints_complaint", "contact_phone_bidx", case.pk) == index_for("phone", "03118765 4321")
    migration.decrypt_back(apps, editor)
    assert _raw("complaints_complaint", "contact_phone", case.pk) == "0311-87654321"
