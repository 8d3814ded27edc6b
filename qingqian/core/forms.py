"""Form base that renders with Bootstrap classes and native date pickers, so templates stay plain."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.DateField) and not isinstance(widget, forms.HiddenInput):
                field.widget = widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
