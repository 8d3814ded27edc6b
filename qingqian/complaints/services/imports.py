"""Import of complaints transferred from the provincial / national platform: CSV or xlsx.

Each row goes through the same checks as the forms (`clean_intake`); errors are reported as
`第N行：…` (row 1 is the header); the file is all-or-nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.complaints.choices import Channel
from qingqian.complaints.models import Complaint
from qingqian.complaints.services.intake import _create, _require_office, clean_intake
from qingqian.core.errors import DomainError, InvalidInput
from qingqian.core.events import record_event
from qingqian.core.permissions import grants_of
from qingqian.registry.models import Region

# Column title → intake key. Titles as on the upstream platform's export.
COLUMNS: dict[str, str] = {
    "上级平台编号": "upstream_ref",
    "办理期限": "upstream_due_on",
    "收到日期": "received_on",
    "企业名称": "complainant_name",
    "统一社会信用代码": "complainant_uscc",
    "企业规模": "complainant_size",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "被投诉单位": "respondent_name",
    "被投诉单位信用代码": "respondent_uscc",
    "被投诉单位区划代码": "respondent_region_code",
    "合同编号": "contract_number",
    "合同标的": "contract_subject",
    "合同签订日期": "contract_signed_on",
    "合同金额": "contract_amount",
    "投诉金额": "amount_claimed",
    "投诉事项": "summary",
}
REQUIRED_COLUMNS = ("上级平台编号", "企业名称", "统一社会信用代码", "被投诉单位", "投诉金额", "投诉事项")
SIZE_WORDS = {"中型": "medium", "小型": "small", "微型": "micro", "大型": "large"}
MAX_ROWS = 5000


def read_table(name: str, content: bytes) -> list[list[Any]]:
    lower = name.lower()
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="strict")
        return [list(r) for r in csv.reader(io.StringIO(text))]
    if lower.endswith((".xlsx", ".xls")):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [list(r) for r in wb.get_sheet_by_index(0).to_python(skip_empty_area=True)]
    raise InvalidInput(_("只支持 CSV 或 Excel（.xlsx）文件。"), fields={"file": [_("文件类型不支持。")]})


def _cell(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return v if not isinstance(v, str) else v.strip()


@dataclass
class ImportReport:
    created: list[Complaint]


@transaction.atomic
def complaint_import_upstream(*, actor: Any, name: str, content: bytes) -> ImportReport:
    _require_office(actor)
    try:
        table = read_table(name, content)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        if isinstance(exc, DomainError):
            raise
        raise InvalidInput(
            _("文件无法读取，请确认是 UTF-8 编码的 CSV 或 .xlsx 文件。"), fields={"file": [str(exc)[:200]]}
        ) from exc
    except Exception as exc:  # calamine raises its own error types for corrupt files
        if isinstance(exc, DomainError):
            raise
        raise InvalidInput(
            _("文件无法读取，请确认是 UTF-8 编码的 CSV 或 .xlsx 文件。"), fields={"file": [str(exc)[:200]]}
        ) from exc
    if not table:
        raise InvalidInput(_("文件是空的。"), fields={"file": [_("文件是空的。")]})
    header = [str(h).strip() for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("第1行（表头）缺少列：%(cols)s") % {"cols": "、".join(missing)},
            fields={"file": [_("第1行（表头）缺少列：%(cols)s") % {"cols": "、".join(missing)}]},
        )
    body = [r for r in table[1:] if any(str(c).strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise InvalidInput(_("一次最多导入%(n)d行。") % {"n": MAX_ROWS}, fields={"file": [_("行数过多。")]})
    default_region = next(
        (
            Region.objects.get(pk=g.region_id)
            for g in grants_of(actor)
            if g.role == "taskforce_office" and g.region_id
        ),
        None,
    )
    errors: list[str] = []
    cleaned = []
    seen_refs: dict[str, int] = {}
    for offset, raw in enumerate(table[1:], start=2):
        if not any(str(c).strip() for c in raw):
            continue
        row = {
            COLUMNS[h]: _cell(raw[i]) if i < len(raw) else "" for i, h in enumerate(header) if h in COLUMNS
        }
        data: dict[str, Any] = {
            k: v for k, v in row.items() if not k.startswith("contract_") and k != "respondent_region_code"
        }
        data["complainant_size"] = SIZE_WORDS.get(
            str(row.get("complainant_size", "")), row.get("complainant_size") or "small"
        )
        code = str(row.get("respondent_region_code") or "")
        data["respondent_region"] = Region.objects.filter(code=code).first() if code else default_region
        if row.get("contract_subject") or row.get("contract_amount"):
            data["contracts"] = [
                {
                    "number": row.get("contract_number", ""),
                    "subject": row.get("contract_subject", ""),
                    "signed_on": row.get("contract_signed_on", ""),
                    "amount": row.get("contract_amount", ""),
                }
            ]
        ref = str(row.get("upstream_ref") or "")
        try:
            clean = clean_intake(data, channel=Channel.UPSTREAM)
        except InvalidInput as exc:
            for field_name, msgs in exc.fields.items():
                title = next(
                    (t for t, k in COLUMNS.items() if k == field_name or field_name.startswith("contracts")),
                    field_name,
                )
                for m in msgs:
                    errors.append(_("第%(n)d行：%(col)s：%(msg)s") % {"n": offset, "col": title, "msg": m})
            continue
        if ref in seen_refs:
            errors.append(
                _("第%(n)d行：上级平台编号 %(ref)s 与第%(m)d行重复")
                % {"n": offset, "ref": ref, "m": seen_refs[ref]}
            )
            continue
        seen_refs[ref] = offset
        if Complaint.objects.filter(upstream_ref=ref).exists():
            errors.append(_("第%(n)d行：上级平台编号 %(ref)s 已经登记过") % {"n": offset, "ref": ref})
            continue
        cleaned.append(clean)
    if errors:
        raise InvalidInput(
            _("导入失败，共%(n)d处错误，未导入任何数据。") % {"n": len(errors)},
            fields={"file": errors[:200]},
            code="import_failed",
        )
    created = [_create(actor, c, channel=Channel.UPSTREAM, pledge=False, eligibility={}) for c in cleaned]
    record_event(
        actor=actor,
        action="complaints.import.completed",
        data={"file": name[:200], "rows": len(created), "numbers": [c.number for c in created][:100]},
    )
    return ImportReport(created=created)
