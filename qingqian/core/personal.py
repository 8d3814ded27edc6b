"""Personal data (PIPL): encrypted-at-rest fields, blind indexes, and masking by default.

    class Enterprise(models.Model):
        contact_phone = EncryptedCharField(_("联系电话"), kind=PHONE, max_length=40, blank=True,
                                           index_field="contact_phone_bidx")
        contact_phone_bidx = BlindIndexField()          # declared *after* the encrypted field

- The column holds `sm4gcm:v1:<key id>:<base64>` (SM4-GCM, the column's name as associated data).
- In Python the attribute is a `PersonalText`: a `str` with the plaintext, so services, validation and
  SMS sending work unchanged — but **templates render it masked** (`138****5678`) because Django's
  autoescape calls `__html__`. Showing the full value needs the unmask flow (permission + reason +
  audit event, `qingqian.security.services.pii_unmask`). Exports mask it through
  `qingqian.core.formula.safe_cell`. APIs must use `mask(value)` explicitly.
- Search by equality through the blind index: `Model.objects.filter(contact_phone_bidx=index_for(PHONE, "138…"))`.
  `QuerySet.update()` bypasses `pre_save`: set the index yourself there (or save the instance).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.html import escape

from qingqian.core import crypto

PHONE = "phone"
ID_NUMBER = "id_number"
BANK_ACCOUNT = "bank_account"
EMAIL = "email"
NAME = "name"
KINDS = (PHONE, ID_NUMBER, BANK_ACCOUNT, EMAIL, NAME)

_NON_DIGITS = re.compile(r"\D+")


def normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind in (PHONE, BANK_ACCOUNT):
        return _NON_DIGITS.sub("", value)
    if kind == ID_NUMBER:
        return value.replace(" ", "").upper()
    if kind == EMAIL:
        return value.lower()
    return value


def mask(value: Any, kind: str = PHONE) -> str:
    """`13812345678` → `138****5678`; ID numbers keep 3 + 4; bank accounts keep 4 + 4; e-mail keeps the
    first letter and the domain; names keep the surname."""
    text = str.__str__(value) if isinstance(value, str) else str(value or "")
    text = text.strip()
    if not text:
        return ""
    if kind == EMAIL and "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == NAME:
        return text[:1] + "*" * max(1, len(text) - 1)
    if kind == ID_NUMBER:
        return text[:3] + "*" * max(4, len(text) - 7) + text[-4:] if len(text) > 8 else "*" * len(text)
    if kind == BANK_ACCOUNT:
        return text[:4] + "****" + text[-4:] if len(text) > 8 else "****" + text[-2:]
    if len(text) >= 8:
        return text[:3] + "****" + text[-4:]
    return "*" * len(text)


class PersonalText(str):
    """A str holding personal data in clear for code, rendered masked in templates."""

    kind: str = PHONE

    def __new__(cls, value: str, kind: str = PHONE) -> PersonalText:
        obj = super().__new__(cls, value)
        obj.kind = kind
        return obj

    @property
    def masked(self) -> str:
        return mask(self, self.kind)

    @property
    def plain(self) -> str:
        return str.__str__(self)

    def __html__(self) -> str:
        return escape(self.masked)

    def __reduce__(self) -> Any:
        return (PersonalText, (self.plain, self.kind))


def index_for(kind: str, value: str) -> str:
    return crypto.blind_index(kind, normalise(kind, value))


class BlindIndexField(models.CharField):
    """The keyed HMAC-SM3 index of an encrypted field (filled by the encrypted field on save)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


class EncryptedCharField(models.TextField):
    """Text encrypted with SM4-GCM under the active data key; `max_length` limits the plaintext."""

    description = "Text encrypted at rest with SM4-GCM"

    def __init__(self, *args: Any, kind: str = PHONE, index_field: str = "", **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown personal-data kind {kind!r}")
        self.kind = kind
        self.index_field = index_field
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self.index_field:
            kwargs["index_field"] = self.index_field
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    @property
    def aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        if not crypto.is_ciphertext(value):  # a legacy plaintext value not yet migrated
            return PersonalText(value, self.kind)
        return PersonalText(crypto.decrypt_text(value, aad=self.aad), self.kind)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, PersonalText):
            return value
        if crypto.is_ciphertext(value):
            return PersonalText(crypto.decrypt_text(value, aad=self.aad), self.kind)
        return PersonalText(str(value), self.kind)

    def get_prep_value(self, value: Any) -> Any:
        value = models.Field.get_prep_value(self, value)
        if value is None or value == "":
            return value
        if crypto.is_ciphertext(value):
            return value
        return crypto.encrypt_text(str.__str__(value), aad=self.aad)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and not isinstance(value, PersonalText) and not crypto.is_ciphertext(value):
            value = PersonalText(value, self.kind)
            setattr(model_instance, self.attname, value)
        if self.index_field:
            plain = value.plain if isinstance(value, PersonalText) else ""
            setattr(model_instance, self.index_field, index_for(self.kind, plain))
        return value

    def value_to_string(self, obj: models.Model) -> str:
        """Serialisation (dumpdata) carries ciphertext, never the clear value."""
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        defaults: dict[str, Any] = {"form_class": forms.CharField, "max_length": self.max_length}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
