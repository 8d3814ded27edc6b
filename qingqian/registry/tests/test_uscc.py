import pytest

from qingqian.core.errors import InvalidInput
from qingqian.core.models import Event
from qingqian.registry import services
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Enterprise, Organisation, Region
from qingqian.registry.uscc import WARNING_CHECKSUM, UsccError, check_uscc, with_check_character

VALID = "91110000600037341L"  # a published, valid code
BAD_CHECKSUM = "91110000600037341A"


def test_a_valid_code_passes_without_warning() -> None:
    assert check_uscc(VALID).warning == ""


def test_full_width_characters_and_spaces_are_folded() -> None:
    assert check_uscc("９１１１００００ ６０００３７３４１Ｌ").value == VALID


def test_a_wrong_check_character_is_only_a_warning() -> None:
    result = check_uscc(BAD_CHECKSUM)
    assert result.value == BAD_CHECKSUM
    assert result.warning == WARNING_CHECKSUM


@pytest.mark.parametrize(
    "raw", ["9111000060003734", "91110000600037341LX", "I1110000600037341L", "91110000600037341O", ""]
)
def test_malformed_codes_are_errors(raw: str) -> None:
    with pytest.raises(UsccError, match="格式不正确"):
        check_uscc(raw)


def test_the_check_character_is_computed_for_synthetic_codes() -> None:
    assert with_check_character(VALID[:17]) == VALID


def test_an_organisation_with_a_bad_checksum_is_stored_with_the_warning(world: object) -> None:
    city = Region.objects.get(code="130100")
    org = services.organisation_create(
        actor=None,
        name="试点单位",
        kind=OrganisationKind.ORGAN,
        level=Level.CITY,
        region=city,
        uscc=BAD_CHECKSUM,
    )
    org.refresh_from_db()
    assert org.uscc_warning == WARNING_CHECKSUM


def test_a_malformed_code_is_refused_and_nothing_is_created(world: object) -> None:
    city = Region.objects.get(code="130100")
    before = (Organisation.objects.count(), Event.objects.count())
    with pytest.raises(InvalidInput) as exc:
        services.organisation_create(
            actor=None,
            name="格式错误单位",
            kind=OrganisationKind.ORGAN,
            level=Level.CITY,
            region=city,
            uscc="12345",
        )
    assert exc.value.code == "uscc_malformed"
    assert "uscc" in exc.value.fields
    assert (Organisation.objects.count(), Event.objects.count()) == before


def test_an_enterprise_needs_a_code(world: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.enterprise_create(actor=None, name="无代码企业", uscc="  ")
    assert exc.value.code == "uscc_required"
    assert not Enterprise.objects.filter(name="无代码企业").exists()


def test_the_same_code_cannot_be_registered_twice(world: object) -> None:
    existing = Enterprise.objects.first()
    assert existing is not None
    with pytest.raises(InvalidInput, match="已登记"):
        services.enterprise_create(actor=None, name="重复企业", uscc=existing.uscc)
