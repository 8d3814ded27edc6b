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
