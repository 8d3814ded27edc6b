"""The registry of personal data (PIPL 第五十一条: know what you hold), key rotation, unmasking, and
"who accessed this person's data".

Every field that holds personal information is listed in `REGISTRY` with its kind, purpose, legal
basis and protection. `test_every_encrypted_field_is_registered` fails if a model declares an
`EncryptedCharField` that is not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qingqian.core import crypto
from qingqian.core.models import Event
from qingqian.core.personal import EMAIL, NAME, PHONE, EncryptedCharField, index_for, mask


@dataclass(frozen=True)
class PersonalField:
    model: str  # app_label.ModelName
    field: str
    kind: str
    purpose: Any
    basis: Any
    protection: Any
    encrypted: bool = True


ENCRYPTED = _("SM4-GCM 加密存储，SM3-HMAC 盲索引，页面默认脱敏")
MASKED_ONLY = _("页面默认脱敏；不加密（用于登录或通知）")
FOR_HANDLERS = _(
    "仅向有权办理该件的工作人员显示（办理需要称呼、回复联系人）；导出默认脱敏；不进入公开页面和开放数据"
)

REGISTRY: list[PersonalField] = [
    PersonalField(
        "accounts.User",
        "phone",
        PHONE,
        _("向工作人员发送办理提醒短信"),
        _("履行法定职责（个人信息保护法第十三条第一款第五项）"),
        ENCRYPTED,
    ),
    PersonalField(
        "accounts.User", "email", EMAIL, _("账号通知"), _("履行法定职责"), MASKED_ONLY, encrypted=False
    ),
    PersonalField(
        "accounts.User",
        "display_name",
        NAME,
        _("标识办理人员"),
        _("履行法定职责"),
        _("内部页面显示；审计日志记录操作人"),
        encrypted=False,
    ),
    PersonalField(
        "registry.Enterprise",
        "contact_phone",
        PHONE,
        _("联系投诉企业、核实欠款情况"),
        _("履行法定职责；企业自愿提供"),
        ENCRYPTED,
    ),
    PersonalField(
        "registry.Enterprise",
        "contact_name",
        NAME,
        _("联系投诉企业"),
        _("履行法定职责；企业自愿提供"),
        MASKED_ONLY,
        encrypted=False,
    ),
    PersonalField(
        "registry.Enterprise",
        "contact_email",
        EMAIL,
        _("联系投诉企业"),
        _("履行法定职责；企业自愿提供"),
        MASKED_ONLY,
        encrypted=False,
    ),
    PersonalField(
        "complaints.Complaint",
        "contact_phone",
        PHONE,
        _("联系投诉企业、核实和反馈办理情况"),
        _("履行法定职责（保障中小企业款项支付条例第二十四、二十五条）；企业自愿提供"),
        ENCRYPTED,
    ),
    PersonalField(
        "complaints.Complaint",
        "contact_name",
        NAME,
        _("联系投诉企业"),
        _("履行法定职责；企业自愿提供"),
        FOR_HANDLERS,
        encrypted=False,
    ),
    PersonalField(
        "complaints.Complaint",
        "contact_email",
        EMAIL,
        _("向投诉企业发送受理和办理结果"),
        _("履行法定职责；企业自愿提供"),
        FOR_HANDLERS,
        encrypted=False,
    ),
    PersonalField(
        "registry.Handler",
        "name",
        NAME,
        _("公布受理转办投诉线索的专人"),
        _("依规公开（专人姓名随受理渠道公布）"),
        _("公开页面仅显示对外公布的专人；不加密"),
        encrypted=False,
    ),
    PersonalField(
        "registry.Handler",
        "phone",
        PHONE,
        _("公布受理转办投诉线索的专人联系方式"),
        _("依规公开（对外公布的专人电话为工作电话）"),
        ENCRYPTED,
    ),
]


def registry_rows() -> list[dict[str, Any]]:
    rows = []
    for item in REGISTRY:
        model = apps.get_model(item.model)
        field = model._meta.get_field(item.field)
        rows.append(
            {
                "model": item.model,
                "model_label": model._meta.verbose_name,
                "field": item.field,
                "field_label": getattr(field, "verbose_name", item.field),
                "kind": item.kind,
                "purpose": item.purpose,
                "basis": item.basis,
                "protection": item.protection,
                "encrypted": isinstance(field, EncryptedCharField),
            }
        )
    return rows


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedCharField]]:
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedCharField):
                found.append((model, field))
    return found


def lookup(model_label: str, field: str) -> PersonalField | None:
    for item in REGISTRY:
        if item.model.lower() == model_label.lower() and item.field == field:
            return item
    return None


# --- Key rotation ----------------------------------------------------------------------------


def rotate(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every value not under the active key (idempotent; resumable)."""
    from qingqian.security.audit import audit

    crypto.reset_keyring()
    active = crypto.keyring().active_key_id
    counts: dict[str, int] = {}
    for model, field in encrypted_fields():
        label = f"{model._meta.label}.{field.name}"
        done = 0
        stale = ~Q(**{f"{field.attname}__startswith": f"{crypto.CIPHERTEXT_PREFIX}:v1:{active}:"}) & ~Q(
            **{field.attname: ""}
        )
        while True:
            with transaction.atomic():
                rows = list(
                    model._default_manager.filter(stale).exclude(**{f"{field.attname}__isnull": True})[:batch]
                )
                if not rows:
                    break
                for obj in rows:
                    value = getattr(obj, field.attname)
                    plain = value.plain if hasattr(value, "plain") else str(value)
                    model._default_manager.filter(pk=obj.pk).update(
                        **{field.attname: crypto.encrypt_text(plain, aad=field.aad)}
                    )
                done += len(rows)
        counts[label] = done
    audit(None, "security.pii.key_rotated", data={"active_key": active, "counts": counts})
    return counts


# --- Unmasking and access history ------------------------------------------------------------


def unmask_event_q(obj: models.Model) -> Q:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Q(object_type=ct, object_id=str(obj.pk), action="security.pii.unmasked")


def accesses_for_phone(phone: str) -> QuerySet[Event]:
    """Who saw this person's data in full: unmask events on every record whose phone matches."""
    digest = index_for(PHONE, phone)
    query = Q(pk__in=[])
    if digest:
        for model, field in encrypted_fields():
            if field.kind != PHONE or not field.index_field:
                continue
            ids = [
                str(pk)
                for pk in model._default_manager.filter(**{field.index_field: digest}).values_list(
                    "pk", flat=True
                )
            ]
            if ids:
                ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
                query |= Q(object_type=ct, object_id__in=ids)
    return (
        Event.objects.filter(query, action__in=["security.pii.unmasked", "security.data.exported"])
        .select_related("actor", "object_type")
        .order_by("-occurred_at", "-id")
    )


def masked(value: Any, kind: str = PHONE) -> str:
    return mask(value, kind)
