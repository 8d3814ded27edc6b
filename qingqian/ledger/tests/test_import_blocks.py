"""The 台账 import checks a file in blocks, column by column: whatever the block size, the same rows
are refused with the same messages in the same order, and a clean file plans the same items."""

from __future__ import annotations

import pytest

from qingqian.core.io.xlsx import read_rows
from qingqian.ledger.io.importer import LedgerImporter, RowPlan
from qingqian.ledger.models import ArrearsItem
from qingqian.ledger.tests.test_import_export import NEW_SME_USCC, hengxin_uscc, row, write_xlsx

pytestmark = pytest.mark.django_db


class CheckOnly(LedgerImporter):
    """The check pass only: `apply` keeps what it would be given."""

    planned: list[RowPlan] = []

    def apply(self, checked: list[RowPlan]) -> dict[str, int]:
        self.planned = checked
        return {}


def check(path, actor, every):
    importer = CheckOnly(actor=actor)
    importer.progress_every = every
    result = importer.run(list(read_rows(path)))
    plans = [
        (p.row, p.action, p.debtor.pk, p.creditor_key, p.creditor_name, p.size_class, p.facts, p.arrears)
        for p in importer.planned
    ]
    return [str(e) for e in result.errors], result.error_count, result.total_rows, plans


def test_errors_come_in_row_order_across_blocks_of_any_size(world, tmp_path):
    uscc = hengxin_uscc()
    rows = [
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-1"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-2", "合同签订日期": "2024-13-01"}),
        {},  # a blank row
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-1"}),  # the same contract as row 3
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-4", "确认欠款金额": "-5", "标的类型": "租赁"}),
        {"备注": "   "},  # blank: whitespace only
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-5", "欠款单位名称": "不存在的单位"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-6", "验收合格日期": "2024-03-01"}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-7", "合同金额": 1, "确认欠款金额": True}),
        row(**{"企业统一社会信用代码": uscc, "合同编号": "K-8", "合同金额": 1.0}),
        row(**{"企业统一社会信用代码": "91130100MA07XK2N1", "合同编号": "K-9"}),
    ]
    path = write_xlsx(tmp_path / "blocks.xlsx", rows)
    whole = check(path, world.clerk, 2000)
    errors, count, total, plans = whole
    assert errors == [
        "第4行：合同签订日期：日期不存在：“2024-13-01”",
        "第6行：合同编号：与第3行是同一合同（欠款单位、企业、合同编号均相同）",
        "第7行：标的类型：应为以下之一：货物、工程、服务；实际为“租赁”",
        "第7行：确认欠款金额：金额不能为负数",
        "第9行：欠款单位名称：单位名录中没有名为“不存在的单位”的单位",
        "第10行：验收合格日期：验收合格日期不能早于交付日期。",
        "第11行：确认欠款金额：应为金额",
        errors[7],
    ]
    assert errors[7].startswith("第13行：企业统一社会信用代码：")
    assert (count, total, plans) == (8, 9, [])
    for every in (1, 2, 3, 5):
        assert check(path, world.clerk, every) == whole, every


def test_a_clean_file_plans_the_same_items_whatever_the_block_size(world, tmp_path):
    uscc = hengxin_uscc()
    rows = [
        row(**{"企业统一社会信用代码": uscc, "合同编号": f"P-{n}", "合同金额": 1000 + n}) for n in range(7)
    ]
    rows[2] = {}
    rows[5]["合同金额"] = 1000.0  # equal to 1000 as a number, read alike
    rows.append(
        row(**{"企业统一社会信用代码": NEW_SME_USCC, "债权企业名称": "新登记企业有限公司", "合同编号": "P-9"})
    )
    path = write_xlsx(tmp_path / "clean.xlsx", rows)
    whole = check(path, world.clerk, 2000)
    errors, count, total, plans = whole
    assert (errors, count, total) == ([], 0, 7)
    assert [p[0] for p in plans] == [3, 4, 6, 7, 8, 9, 10]
    for every in (1, 2, 3):
        assert check(path, world.clerk, every) == whole, every
    assert not ArrearsItem.objects.filter(contract_number__startswith="P-").exists()  # apply was a stand-in
