"""The 台账 template: Chinese headers, in order. Import and export use this one list, so an exported
file imports back unchanged (round trip). Columns marked export-only are for reading and are ignored on
import."""

from __future__ import annotations

from dataclasses import dataclass

# (header, field, required, kind, width, aliases)
# kind: text | money | date | int | bool | choice | rate — how the cell is read and written


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    field: str
    required: bool = False
    kind: str = "text"
    width: int = 14
    aliases: tuple[str, ...] = ()
    export_only: bool = False


COLUMNS: list[TemplateColumn] = [
    TemplateColumn("序号", "_seq", kind="int", width=6),
    TemplateColumn(
        "欠款单位名称", "debtor_name", True, width=28, aliases=("欠款单位", "债务单位名称", "付款单位")
    ),
    TemplateColumn("欠款单位统一社会信用代码", "debtor_uscc", width=22, aliases=("欠款单位信用代码",)),
    TemplateColumn(
        "债权企业名称", "creditor_name", True, width=28, aliases=("企业名称", "收款企业名称", "债权企业")
    ),
    TemplateColumn(
        "企业统一社会信用代码",
        "creditor_uscc",
        True,
        width=22,
        aliases=("企业信用代码", "债权企业统一社会信用代码"),
    ),
    TemplateColumn(
        "企业规模（签约时）", "creditor_size_class", kind="choice", width=10, aliases=("企业规模",)
    ),
    TemplateColumn("合同编号", "contract_number", True, width=18),
    TemplateColumn("合同名称", "contract_name", width=24),
    TemplateColumn("标的类型", "subject_kind", True, kind="choice", width=8),
    TemplateColumn("合同签订日期", "signed_on", True, kind="date", width=12, aliases=("签订日期",)),
    TemplateColumn("合同金额", "contract_amount", True, kind="money", width=16),
    TemplateColumn("确认欠款金额", "arrears_amount", True, kind="money", width=16, aliases=("欠款金额",)),
    TemplateColumn("确认日期", "confirmed_on", kind="date", width=12),
    TemplateColumn("交付日期", "delivered_on", kind="date", width=12),
    TemplateColumn("以验收为付款条件", "acceptance_required", kind="bool", width=8),
    TemplateColumn("约定验收期限（天）", "acceptance_period_days", kind="int", width=8),
    TemplateColumn("验收合格日期", "accepted_on", kind="date", width=12),
    TemplateColumn("结算确认日期", "settlement_confirmed_on", kind="date", width=12),
    TemplateColumn("约定付款期限（天）", "agreed_term_days", kind="int", width=8),
    TemplateColumn("约定逾期利率（年%）", "agreed_annual_rate", kind="rate", width=8),
    TemplateColumn("所属项目", "project_name", width=20),
    TemplateColumn("来源", "source", kind="choice", width=10),
    TemplateColumn("来源编号", "source_ref", width=12),
    TemplateColumn("备注", "note", width=20),
    # export-only: what the ledger says now (ignored on import)
    TemplateColumn("欠款余额", "x_balance", kind="money", width=16, export_only=True),
    TemplateColumn("已确认还款", "x_paid", kind="money", width=16, export_only=True),
    TemplateColumn("核销金额", "x_written_off", kind="money", width=14, export_only=True),
    TemplateColumn("有分歧金额", "x_disputed", kind="money", width=14, export_only=True),
    TemplateColumn("应付款日", "x_due_on", kind="date", width=12, export_only=True),
    TemplateColumn("逾期天数", "x_overdue_days", kind="int", width=8, export_only=True),
    TemplateColumn("账龄区间", "x_bucket", width=10, export_only=True),
    TemplateColumn("逾期利息（截至计算日）", "x_interest", kind="money", width=14, export_only=True),
    TemplateColumn("适用条例", "x_regulation", width=8, export_only=True),
    TemplateColumn("状态", "x_status", width=8, export_only=True),
]

UNIT_NOTE = "金额单位：元"
UNIT_NOTE_WAN = "金额单位：万元"

INSTRUCTIONS = [
    "石家庄市清欠台账导入模板 — 填写说明（详见平台文档 docs/ledger-template.md）",
    "1. 第一张工作表的第1行写明金额单位：“金额单位：元”或“金额单位：万元”（上传时也可选择）。第2行为表头，请勿修改列名；列的顺序可以调整，多余的列会被忽略。",
    "2. 必填列：欠款单位名称、债权企业名称、企业统一社会信用代码、合同编号、标的类型、合同签订日期、合同金额、确认欠款金额。",
    "3. 欠款单位须已在单位名录中登记；同名单位有多个时请填写欠款单位统一社会信用代码。债权企业未登记的，导入时按统一社会信用代码自动登记。",
    "4. 同一欠款单位、同一企业、同一合同编号为一条台账。重复导入同一文件不会产生重复台账；已登记的台账，合同信息有变化的按文件更新，确认欠款金额不同的请通过“调整”处理。",
    "5. 日期可以是 Excel 日期，或 2024-03-05、2024/3/5、2024年3月5日；金额可带千分位逗号，也可写“12.5万”。全角数字和空格会自动转换。",
    "6. 标的类型：货物、工程、服务。企业规模：中型、小型、微型、大型、未确定。来源：投诉线索、自查排查、审计发现、上级平台转办、台账导入（默认）。以验收为付款条件：是/否。",
    "7. 约定逾期利率填年利率百分数（如 3.45 表示年利率3.45%）；未约定的留空，按每日万分之五计算。",
    "8. 一个文件中只要有一行有误，整个文件都不会导入；错误提示会指出第几行、哪一列。",
    "9. 导出文件最后几列（欠款余额、已确认还款……状态）仅供查看，导入时忽略。",
]
