"""Binding rows to a Django form, field by field and column by column."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from qingqian.core.io.importer.memo import MEMO_LIMIT, Memo

#: field classes whose `clean()` depends on the value alone (no database, no form state): their outcome per
#: distinct value is remembered. Exact classes only — a subclass may do anything.
PURE_FIELDS = (
    forms.CharField,
    forms.ChoiceField,
    forms.TypedChoiceField,
    forms.DateField,
    forms.DecimalField,
    forms.IntegerField,
    forms.FloatField,
    forms.BooleanField,
    forms.NullBooleanField,
)


def _messages(exc: ValidationError) -> tuple[str, ...]:
    return tuple(exc.messages)


class FormBinder:
    """Binds typed values to a Django form class the way `Form.full_clean` does — each field's `clean()`,
    then `clean_<field>()`, then the form's `clean()` (only when every field is clean) — but compiled once
    for a whole file: one reused form instance, and each field's `clean()` outcome remembered per distinct
    value (`Memo`, pure field classes only). The UI and the import share the form: same fields, same
    validators, same messages, same cross-field rules; only the repetition is gone.

    `bind_columns` binds a block of rows given column by column: each field's column is mapped through its
    table of outcomes at once; per row only the cleaned dict is assembled and the form's `clean()` run."""

    def __init__(self, form_class: type[forms.Form], **kwargs: Any) -> None:
        self.form = form_class(data={}, **kwargs)
        self.fields = list(self.form.fields.items())
        self.names = [name for name, _f in self.fields]
        self.hooks = {name: getattr(self.form, f"clean_{name}", None) for name in self.names}
        self.hooked = any(hook is not None for hook in self.hooks.values())
        self.memos: list[Memo] = []
        for name, fld in self.fields:
            # An empty value of an optional field cleans to the field's own empty value without running
            # validators (Django's Field.clean does exactly this); decided once instead of per row, where
            # no clean_<field>() must run.
            known = None
            if not fld.required and self.hooks[name] is None:
                empty = fld.to_python(None)
                known = {None: empty, "": empty}
            self.memos.append(
                Memo(
                    fld.clean,
                    catch=ValidationError,
                    messages=_messages,
                    limit=MEMO_LIMIT if type(fld) in PURE_FIELDS else 0,
                    known=known,
                )
            )

    def bind(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """One row: (cleaned data, {field: [messages]})."""
        return next(self.bind_columns({name: [value] for name, value in data.items()}, 1))

    def bind_columns(
        self, data: Mapping[str, Sequence[Any]], count: int
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[str]]]]:
        """`count` rows given as {field: column of values} (a missing field is None on every row): per row
        (cleaned data, {field: [messages]}), the errors in field order. The fields are cleaned column by
        column at once; the rows are then bound one at a time as they are taken."""
        columns: list[Sequence[Any]] = []
        failed: dict[int, dict[str, list[str]]] = {}
        for name, memo in zip(self.names, self.memos, strict=True):
            column = data.get(name)
            if column is None:
                ok, out = memo(None)
                columns.append([out if ok else None] * count)
                if not ok:
                    for n in range(count):
                        failed.setdefault(n, {})[name] = list(out)
                continue
            values, failures = memo.map(column)
            columns.append(values)
            for n, messages in failures.items():
                failed.setdefault(n, {})[name] = list(messages)  # a copy: the remembered outcome is shared
        return self._rows(columns, failed)

    def _rows(
        self, columns: list[Sequence[Any]], failed: dict[int, dict[str, list[str]]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[str]]]]:
        form = self.form
        names = self.names
        hooked = self.hooked
        for n, row in enumerate(zip(*columns, strict=True)):
            errors = failed.get(n)
            if hooked:
                cleaned, errors = self._hooks(row, errors or {})
            else:
                cleaned = dict(zip(names, row, strict=True))
                if errors:
                    for name in errors:
                        del cleaned[name]
            if not errors:
                errors = {}
                form.cleaned_data = cleaned
                if form._errors is None or form._errors:  # type: ignore[attr-defined]
                    form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
                try:
                    result = form.clean()
                    if result is not None:
                        cleaned = result
                except ValidationError as exc:
                    errors["__all__"] = list(exc.messages)
                for name, errs in form._errors.items():  # type: ignore[attr-defined]  # add_error() in clean()
                    errors.setdefault(name, []).extend(str(e) for e in errs)
            yield cleaned, errors

    def _hooks(
        self, row: Sequence[Any], failed: dict[str, list[str]]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Field by field, as `Form._clean_fields` does: a `clean_<field>()` sees the fields before it."""
        form = self.form
        form.cleaned_data = cleaned = {}
        form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
        errors: dict[str, list[str]] = {}
        for name, value in zip(self.names, row, strict=True):
            if name in failed:
                errors[name] = failed[name]
                continue
            cleaned[name] = value
            hook = self.hooks[name]
            if hook is not None:
                try:
                    cleaned[name] = hook()
                except ValidationError as exc:
                    del cleaned[name]
                    errors[name] = list(exc.messages)
        return cleaned, errors
