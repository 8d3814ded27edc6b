"""台账 import and export with real .xlsx files (openpyxl writes them, python-calamine reads them)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from qingqian.core.io import cells
from qingqian.core.models import Event
from qingqian.ledger.choices import ImportStatus
from qingqian.ledger.io.exporter import LedgerExporter, TemplateExporter
from qingqian.ledger.io.importer import LedgerImporter
from qingqian.ledger.io.template import COLUMNS
from qingqian.ledger.models import ArrearsItem, ImportJob, LedgerEntry
from qingqian.ledger.services.imports import import_job_create
from qingqian.registry.models import Enterprise

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS if not c.export_only]
NEW_SME_USCC = "91130100MA07XK2N1T"


def row(**values):
    base = {
        "欠款单位名称": "石家庄市教育局",
        "债权企业名称": "石家庄恒信建筑劳务有限公司",
        "企业统一社会信用代码": "",
        "合同编号": "IMP-001",
        "合同名称": "学校改造",
        "标的类型": "工程",
        "合同签订日期": "2024-03-05",
        "合同金额": "2,000,000.00",
        "确认欠款金额": "1234567.89",
        "交付日期": "2024/4/1",
    }
    base.update(values)
    return base


def hengxin_uscc():
    return Enterprise.objects.get(name="石家庄恒信建筑劳务有限公司").uscc


def write_xlsx(path: Path, rows: list[dict], *, unit: str = "金额单位：元", headers=HEADERS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([unit])
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def run(path: Path, actor, **kw):
    from qingqian.core.io.xlsx import read_rows

    return LedgerImporter(actor=actor, **kw).run(list(read_rows(path)))


# --- cells ------------------------------------------------------------------------------------------


def test_cells_read_what_real_spreadsheets_contain():
    assert cells.date(45356) == dt.date(2024, 3, 5)  # an unformatted Excel serial
    assert cells.date(45356.0) == dt.date(2024, 3, 5)
    for text in (
        "2024-03-05",
        "2024/3/5",
        "2024年3月5日",
        "２０２４年３月５日",
        " 2024.3.5 ",
        "20240305",
        "2024-03-05 00:00:00",
    ):
        assert cells.date(text) == dt.date(2024, 3, 5), text
    assert cells.date(dt.datetime(2024, 3, 5, 0, 0)) == dt.date(2024, 3, 5)
    with pytest.raises(cells.CellError):
        cells.date("2024-02-30")
    with pytest.raises(cells.CellError):
        cells.date("三月五日")
    assert cells.amount("1,234,567.89") == Decimal("1234567.89")
    assert cells.amount("１２３４．５０　") == Decimal("1234.50")
    assert cells.amount("¥ 1 234 元") == Decimal("1234.00")
    assert cells.amount(12.5, multiplier=Decimal(10000)) == Decimal("125000.00")
    assert cells.amount("12.5万") == Decimal("125000.00")
    assert cells.amount(0.1 + 0.2) == Decimal("0.30")  # a formula's binary noise, as Excel shows it
    assert cells.amount(1234567.89) == Decimal("1234567.89")  # a float by its shortest text
    with pytest.raises(cells.CellError):
        cells.amount("12.345")
    with pytest.raises(cells.CellError):
        cells.amount("一万元")
    assert cells.text("  恒信　建筑  ") == "恒信 建筑"
    assert cells.text("'=SUM(A1)") == "=SUM(A1)"
    assert cells.text(12.0) == "12"
    assert cells.boolean("是") is True and cells.boolean("否") is False and cells.boolean(None) is None
    assert cells.integer("３０天") == 30


# --- import -----------------------------------------------------------------------------------------


def test_a_file_in_wan_yuan_imports_and_a_second_import_changes_nothing(world, tmp_path):
    uscc = hengxin_uscc()
    rows = [
        row(
            **{
                "企业统一社会信用代码": uscc,
                "合同编号": "IMP-001",
                "合同金额": 200,
                "确认欠款金额": "123.456789",
                "合同签订日期": dt.date(2024, 3, 5),
            }
        ),
        row(
            **{
                "企业统一社会信用代码": uscc,
                "合同编号": "IMP-002 ",
                "合同金额": "１５",
                "确认欠款金额": 12.5,
                "合同签订日期": "2024年3月5日",
                "交付日期": "2024/4/1",
                "约定付款期限（天）": "45",
            }
        ),
        row(
            **{
                "债权企业名称": "石家庄新开元科技有限公司",
                "企业统一社会信用代码": NEW_SME_USCC,
                "企业规模（签约时）": "微型",
                "合同编号": "IMP-003",
                "标的类型": "服务",
                "合同金额": "3",
                "确认欠款金额": "1.2",
                "约定逾期利率（年%）": "3.45",
            }
        ),
    ]
    path = write_xlsx(tmp_path / "wan.xlsx", rows, unit="金额单位：万元")
    events_before = Event.objects.count()
    result = run(path, world.clerk)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts == {"created": 3, "updated": 0, "unchanged": 0, "enterprises": 1}
    one = ArrearsItem.objects.get(contract_number="IMP-001")
    assert one.principal_total == one.balance == Decimal("1234567.89")
    assert one.contract_amount == Decimal("2000000.00")
    assert one.signed_on == dt.date(2024, 3, 5) and one.delivered_on == dt.date(2024, 4, 1)
    assert one.due_on == dt.date(2024, 5, 6) and one.source == "import"
    two = ArrearsItem.objects.get(contract_number="IMP-002")  # trailing blank dropped
    assert two.principal_total == Decimal("125000.00") and two.agreed_term_days == 45
    three = ArrearsItem.objects.get(contract_number="IMP-003")
    assert three.creditor.uscc == NEW_SME_USCC and three.creditor_size_class == "micro"
    assert three.agreed_annual_rate == Decimal("3.45")
    assert LedgerEntry.objects.filter(item__contract_number__startswith="IMP-").count() == 3
    snapshot = sorted(
        ArrearsItem.objects.filter(contract_number__startswith="IMP-").values_list(
            "pk", "balance", "updated_at"
        )
    )
    entries = LedgerEntry.objects.count()
    events = Event.objects.count()
    assert events - events_before <= 3  # one import event (plus the new enterprise), not one per row

    again = run(path, world.clerk)
    assert again.ok and again.counts == {"created": 0, "updated": 0, "unchanged": 3, "enterprises": 0}
    assert (
        sorted(
            ArrearsItem.objects.filter(contract_number__startswith="IMP-").values_list(
                "pk", "balance", "updated_at"
            )
        )
        == snapshot
    )
    assert LedgerEntry.objects.count() == entries and Event.objects.count() == events


def test_one_bad_row_imports_nothing_and_names_row_and_column(world, tmp_path):
    uscc = hengxin_uscc()
    rows = [row(**{"企业统一社会信用代码": uscc, "合同编号": f"BAD-{n}"}) for n in range(20)]
    rows[15]["合同签订日期"] = "2024年13月5日"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    result = run(path, world.clerk)
    assert not result.ok
    assert [str(e) for e in result.errors] == ["第18行：合同签订日期：日期不存在：“2024年13月5日”"]
    assert not ArrearsItem.objects.filter(contract_number__startswith="BAD-").exists()


def test_row_errors_cover_parties_scope_duplicates_and_form_rules(world, tmp_path):
    uscc = hengxin_uscc()
    rows = [
        row(
            **{"企业统一社会信用代码": uscc, "合同编号": "E-1", "欠款单位名称": "石家庄市民政局"}
        ),  # not the clerk's body
        row(**{"企业统一社会信用代码": uscc, "合同编号": "E-2", "欠款单位名称": "不存在的单位"}),
        row(**{"企业统一社会信用代码": "91130100MA07XK2N1", "合同编号": "E-3"}),  # malformed code
        row(**{"企业统一社会信用代码": uscc, "合同编号": "E-4", "标的类型": "租赁"}),
        row(
            **{
                "企业统一社会信用代码": uscc,
                "合同编号": "E-5",
                "交付日期": "2024-04-01",
                "验收合格日期": "2024-03-01",
            }
        ),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "E-6"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "E-6"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "", "确认欠款金额": "-5"}),
    ]
    result = run(write_xlsx(tmp_path / "errors.xlsx", rows), world.clerk)
    text = [str(e) for e in result.errors]
    assert "第3行：欠款单位名称：该欠款单位不在您的权限范围内" in text
    assert "第4行：欠款单位名称：单位名录中没有名为“不存在的单位”的单位" in text
    assert any(t.startswith("第5行：企业统一社会信用代码：") for t in text)
    assert any(t.startswith("第6行：标的类型：应为以下之一：货物、工程、服务") for t in text)
    assert "第7行：验收合格日期：验收合格日期不能早于交付日期。" in text
    assert "第9行：合同编号：与第8行是同一合同（欠款单位、企业、合同编号均相同）" in text
    assert "第10行：合同编号：不能为空" in text
    assert any(t.startswith("第10行：确认欠款金额：") for t in text)
    assert not ArrearsItem.objects.filter(contract_number__startswith="E-").exists()


def test_a_changed_row_updates_the_item_and_a_changed_amount_is_refused(world, tmp_path):
    uscc = hengxin_uscc()
    path = write_xlsx(tmp_path / "a.xlsx", [row(**{"企业统一社会信用代码": uscc, "合同编号": "U-1"})])
    assert run(path, world.clerk).ok
    changed = write_xlsx(
        tmp_path / "b.xlsx",
        [
            row(
                **{
                    "企业统一社会信用代码": uscc,
                    "合同编号": "U-1",
                    "合同名称": "学校改造（二期）",
                    "约定付款期限（天）": 60,
                }
            )
        ],
    )
    result = run(changed, world.clerk)
    assert result.counts["updated"] == 1
    item = ArrearsItem.objects.get(contract_number="U-1")
    assert item.contract_name == "学校改造（二期）" and item.due_on == dt.date(2024, 5, 31)
    other_amount = write_xlsx(
        tmp_path / "c.xlsx",
        [row(**{"企业统一社会信用代码": uscc, "合同编号": "U-1", "确认欠款金额": "1.00"})],
    )
    result = run(other_amount, world.clerk)
    assert not result.ok and "确认欠款金额" in str(result.errors[0])


def test_a_file_without_the_template_header_is_refused(world, tmp_path):
    result = run(write_xlsx(tmp_path / "x.xlsx", [{"a": 1}], headers=["a", "b"]), world.clerk)
    assert not result.ok and "未找到表头" in str(result.errors[0])


# --- export ------------------------------------------------------------------------------------------


def test_an_exported_view_imports_back_unchanged_and_is_formula_safe(world, tmp_path):
    from qingqian.ledger.tests.factories import make_item

    make_item(
        actor=world.clerk,
        contract_number='=HYPERLINK("http://x")',
        contract_name="@SUM(1+1)",
        arrears="1000.50",
    )
    path = tmp_path / "export.xlsx"
    count = LedgerExporter(user=world.clerk, filters={}).write_xlsx(path)
    assert count == ArrearsItem.objects.restrict(world.clerk, "view").count()
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "金额单位：元"
    headers = [c.value for c in sheet[2]]
    assert headers[: len(HEADERS)] == HEADERS and "欠款余额" in headers
    values = [c.value for r in sheet.iter_rows(min_row=3) for c in r if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in values and "'@SUM(1+1)" in values  # never a formula
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    result = run(path, world.clerk)
    assert result.ok, [str(e) for e in result.errors[:5]]
    assert result.counts["created"] == 0 and result.counts["updated"] == 0
    assert result.counts["unchanged"] == count


def test_the_blank_template_has_the_headers_and_instructions():
    data = TemplateExporter().xlsx_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in book.worksheets[0][2]] == HEADERS
    assert book.worksheets[1].title == "填写说明"


# --- the background job ------------------------------------------------------------------------------


def test_an_upload_runs_as_a_task_with_progress_and_records_one_event(
    world, tmp_path, django_capture_on_commit_callbacks, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    path = write_xlsx(
        tmp_path / "job.xlsx",
        [row(**{"企业统一社会信用代码": hengxin_uscc(), "合同编号": f"J-{n}"}) for n in range(5)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=world.clerk, name="job.xlsx", chunks=[path.read_bytes()])
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.total_rows, job.processed_rows, job.created_count, job.percent) == (5, 5, 5, 100)
    assert ArrearsItem.objects.filter(import_job=job).count() == 5
    assert Event.objects.filter(action="ledger.import.succeeded", object_id=str(job.pk)).count() == 1

    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [row(**{"企业统一社会信用代码": hengxin_uscc(), "合同编号": "J-X", "合同金额": "abc"})],
    )
    with django_capture_on_commit_callbacks(execute=True):
        failed = import_job_create(actor=world.clerk, name="bad.xlsx", chunks=[bad.read_bytes()])
    failed.refresh_from_db()
    assert failed.status == ImportStatus.FAILED
    assert failed.errors[0]["text"].startswith("第3行：合同金额：")
    assert ImportJob.objects.restrict(world.office, "view").filter(pk=failed.pk).exists()
    assert not ImportJob.objects.restrict(world.finance, "view").filter(pk=failed.pk).exists()


def test_progress_callbacks_may_query_the_database_while_rows_are_written(world, tmp_path):
    """The write phase reports progress between the batches of the row stream, when the connection is free
    (a COPY on PostgreSQL is not busy then), and the batches are written by then."""
    from qingqian.core.io.xlsx import read_rows

    before = ArrearsItem.objects.count()
    seen = []

    def progress(phase, done, total):
        seen.append((phase, done, ArrearsItem.objects.count() - before))

    rows = [row(**{"企业统一社会信用代码": hengxin_uscc(), "合同编号": f"P-{n}"}) for n in range(7)]
    importer = LedgerImporter(actor=world.clerk, progress=progress)
    importer.progress_every = 2
    importer.write_batch = 2
    result = importer.run(list(read_rows(write_xlsx(tmp_path / "p.xlsx", rows))))
    assert result.ok and result.counts["created"] == 7
    during = [(done, stored) for phase, done, stored in seen if phase == "write" and 0 < done < 7]
    assert during == [(2, 2), (4, 4), (6, 6)]


# --- the compiled binder and the bulk path ------------------------------------------------------------


def test_the_compiled_binder_agrees_with_the_form_row_after_row():
    """`FormBinder` remembers each field's outcome per distinct value; it must say what `ContractForm`
    says, including for values equal as numbers but not as written (1 vs 1.000 with two decimals)."""
    from qingqian.core.io.importer import FormBinder
    from qingqian.ledger.forms import ContractForm

    today = dt.date(2025, 6, 30)
    base = {
        "contract_number": "B-1",
        "subject_kind": "goods",
        "signed_on": dt.date(2024, 3, 5),
        "contract_amount": Decimal("100.00"),
        "source": "import",
        "acceptance_required": False,
    }
    rows = [
        base,
        {**base, "contract_amount": Decimal("1")},
        {**base, "contract_amount": Decimal("1.000")},  # three decimals: refused
        {**base, "contract_amount": Decimal("1")},  # remembered: still fine
        {**base, "subject_kind": "lease"},
        {**base, "signed_on": dt.date(2026, 1, 1)},  # after today: the shared business check
        {**base, "delivered_on": dt.date(2024, 4, 1), "accepted_on": dt.date(2024, 3, 1)},
        {**base, "agreed_term_days": 45, "agreed_annual_rate": Decimal("3.45"), "back_to_back": True},
        {**base, "contract_number": ""},
        base,
    ]
    binder = FormBinder(ContractForm)
    binder.form.today = today  # type: ignore[attr-defined]
    for n, data in enumerate(rows):
        form = ContractForm(data=data)
        form.today = today
        valid = form.is_valid()
        cleaned, errors = binder.bind(dict(data))
        assert {k: [str(m) for m in v] for k, v in form.errors.items()} == errors, n
        if valid:
            assert cleaned == form.cleaned_data, n
    assert set(binder.bind(dict(rows[2]))[1]) == {"contract_amount"}
    assert binder.bind(dict(rows[1]))[1] == {}


def test_an_imported_item_stores_what_registering_it_by_hand_would(world, tmp_path):
    """The import writes rows directly (COPY / executemany) with assessments made in bulk: each must
    equal what the item gets from the rules on its own, JSON columns included."""
    from qingqian.ledger.assessment import ASSESSMENT_FIELDS, apply_assessment, assess_item

    uscc = hengxin_uscc()
    rows = [
        row(**{"企业统一社会信用代码": uscc, "合同编号": "S-1"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "S-2", "约定逾期利率（年%）": "2.0"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "S-3", "交付日期": None}),
        row(
            **{
                "企业统一社会信用代码": uscc,
                "合同编号": "S-4",
                "以验收为付款条件": "是",
                "约定验收期限（天）": 15,
                "验收合格日期": "2024-05-10",
                "约定付款期限（天）": 90,
            }
        ),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "S-5"}),  # the same facts as S-1: one assess
    ]
    result = run(write_xlsx(tmp_path / "s.xlsx", rows), world.clerk)
    assert result.ok, [str(e) for e in result.errors]
    assert {"read", "parse", "check", "assess", "write: items", "write: entries", "apply"} <= set(
        result.timings
    )
    for item in ArrearsItem.objects.filter(contract_number__startswith="S-").select_related("debtor"):
        alone = ArrearsItem.objects.select_related("debtor").get(pk=item.pk)
        apply_assessment(alone, assess_item(alone), reason="imported")
        for name in ASSESSMENT_FIELDS:
            if name != "assessed_at":
                assert getattr(item, name) == getattr(alone, name), (item.contract_number, name)
        assert isinstance(item.explanation, dict) and isinstance(item.findings, list)
        assert item.aging.bucket  # aged in the same transaction
