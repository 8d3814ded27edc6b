from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label != "sessions"
    }


def test_seeding_twice_changes_nothing(world: Any) -> None:
    before = _counts()
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before


def test_the_demo_city_is_the_one_in_the_seed_document(world: Any) -> None:
    from qingqian.registry.models import Organisation, Region, TaskForce

    tf = TaskForce.objects.get()
    assert tf.office.name == "石家庄市工业和信息化局"
    real = set(tf.members.filter(is_example=False).values_list("organisation__short_name", flat=True))
    assert real == {"市工信局", "市发改委", "市财政局", "市国资委", "市审计局"}
    assert tf.members.filter(is_example=True).count() == 4
    assert (
        Region.objects.filter(kind__in=["district", "county", "county_city", "functional_zone"]).count() == 24
    )
    for kind in ("organ", "institution", "soe", "large_enterprise"):
        assert Organisation.objects.filter(kind=kind).count() >= 6


def test_demo_enterprises_have_valid_credit_codes(world: Any) -> None:
    from qingqian.registry.models import Enterprise
    from qingqian.registry.uscc import check_uscc

    assert all(check_uscc(e.uscc).warning == "" for e in Enterprise.objects.all())


def test_seed_demo_is_refused_where_demo_data_is_not_allowed(world: Any, settings: Any) -> None:
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("seed_demo")
