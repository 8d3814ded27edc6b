"""Excel export of any filtered complaint list (xlsxwriter, constant memory, formula-injection safe,
personal data masked: the contact's name keeps the surname, the phone `138****5678`)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from qingqian.complaints.choices import Channel, Lateness, Status
from qingqian.complaints.models import Complaint
from qingqian.core.formula import safe_cell
from qingqian.core.personal import NAME, mask

MAX_ROWS = 200_000


def headers() -> list[str]:
    return [
        _("投诉编号"),
        _("状态"),
        _("来源渠道"),
        _("投诉企业"),
        _("统一社会信用代码"),
        _("被投诉单位"),
        _("属地"),
        _("责任部门"),
        _("投诉金额（元）"),
        _("已解决金额（元）"),
        _("收到日期"),
        _("当前期限"),
        _("超期情况"),
        _("上级平台编号"),
        _("联系人"),
        _("联系电话"),
    ]


def rows(qs: Iterable[Complaint]) -> Iterator[list[Any]]:
    status, channel, late = dict(Status.choices), dict(Channel.choices), dict(Lateness.choices)
    for c in qs:
        yield [
            c.number,
            str(status.get(c.status, c.status)),
            str(channel.get(c.channel, c.channel)),
            c.complainant_name,
            c.complainant_uscc,
            c.respondent_name,
            c.region.name if c.region_id else "",
            c.responsible_department.name if c.responsible_department_id and c.responsible_department else "",
            c.amount_claimed,
            c.amount_resolved,
            c.received_on,
            c.due_on,
            str(late.get(c.lateness, c.lateness)),
            c.upstream_ref,
            mask(c.contact_name, NAME),
            c.contact_phone,  # a PersonalText: safe_cell writes it masked
        ]


def to_xlsx(qs: Any) -> tuple[bytes, int]:
    """The workbook and the number of rows written (for the export's audit event)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet(_("投诉线索"))
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, headers(), bold)
    ws.set_column(0, 0, 18)
    ws.set_column(3, 7, 28)
    ws.set_column(8, 9, 16, money)
    ws.set_column(10, 11, 12, date)
    written = 0
    for r, values in enumerate(rows(qs.iterator(chunk_size=2000)), start=1):
        if r > MAX_ROWS:
            break
        written = r
        for col, v in enumerate(values):
            if v is None or v == "":
                continue
            if col in (8, 9):
                ws.write_number(r, col, float(v), money)  # display only; the database keeps Decimal
            elif col in (10, 11):
                ws.write_datetime(r, col, dt.datetime.combine(v, dt.time()), date)
            else:
                ws.write_string(r, col, str(safe_cell(v)))
    wb.close()
    return buf.getvalue(), written
