"""The monthly progress report (调度/通报) as a 公文-style .docx (GB/T 9704-2012 layout) and as .xlsx.

Both are built from the same `figures` dict (`services.reports.report_figures`), so the Word and Excel
files always say the same thing. Amounts appear in figures and in capitals (大写, via cn2an).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import cn2an
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from qingqian.core.io.xlsx import safe_text

RED = RGBColor(0xC0, 0x00, 0x00)
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_S4 = Pt(12)  # 小四
LINE = Pt(28.95)  # 22 lines per page
NO_SPACE = Pt(0)


def amount_text(value: Any) -> str:
    """1280000.00 → '1,280,000.00元（壹佰贰拾捌万元整）'."""
    amount = Decimal(str(value))
    return f"{amount:,.2f}元（{capitals(amount)}）"


def capitals(value: Any) -> str:
    return str(cn2an.an2cn(f"{Decimal(str(value)):.2f}", "rmb"))


def wan(value: Any) -> str:
    return f"{Decimal(str(value)) / 10000:,.2f}"


def pct(rate: Any) -> str:
    return "—" if rate is None else f"{float(rate) * 100:.1f}%"


# --- docx helpers -----------------------------------------------------------------------------------


def _font(run: Any, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(
    doc: Any,
    text: str = "",
    *,
    font: str = FANGSONG,
    size: Pt = SIZE_3,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
    color: RGBColor | None = None,
    line: Pt | None = LINE,
    space_after: Pt = NO_SPACE,
) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = space_after
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if text:
        _font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _mixed(doc: Any, head: str, head_font: str, rest: str) -> Any:
    """A body paragraph starting with a heading run in another font (一、… in 黑体 followed by text)."""
    p = _para(doc)
    _font(p.add_run(head), head_font, SIZE_3)
    if rest:
        _font(p.add_run(rest), FANGSONG, SIZE_3)
    return p


def _border(paragraph: Any, *, side: str = "bottom", color: str = "C00000", size: int = 12) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    borders.append(edge)
    ppr.append(borders)


def _page_number_footer(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), SONGTI, SIZE_4)
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    _font(run, SONGTI, SIZE_4)
    _font(p.add_run(" —"), SONGTI, SIZE_4)


def _cell(cell: Any, text: str, *, bold: bool = False, align: Any = WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), HEITI if bold else FANGSONG, SIZE_S4)


def _table(doc: Any, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, name in enumerate(header):
        _cell(table.rows[0].cells[i], name, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            _cell(cells[i], value, align=WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER)
    table.autofit = False
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(width)
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Mm(width)


# --- The report --------------------------------------------------------------------------------------


def report_docx(f: dict[str, Any]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.start_type = WD_SECTION.NEW_PAGE
    _page_number_footer(section)

    # 版头: 发文机关标志 in red, 发文字号, the red separator line.
    _para(doc, line=None, indent=False, space_after=Pt(12))
    _para(
        doc,
        f"{f['issuer']}文件",
        font=XIAOBIAOSONG,
        size=Pt(22) if len(f["issuer"]) > 16 else Pt(26),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        color=RED,
        line=None,
        space_after=Pt(24),
    )
    number = _para(doc, f["doc_number"], align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=Pt(4))
    _border(number, color="C00000", size=18)
    _para(doc, indent=False)

    # 标题
    _para(
        doc,
        f["title"],
        font=XIAOBIAOSONG,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        line=Pt(36),
    )
    _para(doc, indent=False)
    _para(doc, f["addressees"], indent=False)

    t, c, o, p, cp = f["totals"], f["cleared"], f["outstanding"], f["plans"], f["complaints"]
    _para(
        doc,
        f"现将截至{f['as_of_text']}全市清理拖欠中小企业账款工作进展情况通报如下：",
    )
    _mixed(doc, "一、总体进展", HEITI, "")
    _para(
        doc,
        f"全市累计清理拖欠中小企业账款{amount_text(c['total'])}，"
        f"其中{f['period_text']}清偿{amount_text(f['period_cleared'])}，"
        f"本年累计清偿{amount_text(c['this_year'])}。以上均为经企业确认收款的金额。",
    )
    _para(
        doc,
        f"台账在册欠款合同{t['count']}件（未销号{t['open_count']}件），"
        f"尚欠金额{amount_text(t['balance'])}，其中无分歧金额{amount_text(t['undisputed'])}，"
        f"有分歧金额{amount_text(t['disputed'])}。",
    )
    if o["by_kind"]:
        parts = "；".join(f"{r['label']}{wan(r['balance'])}万元" for r in o["by_kind"])
        _para(doc, f"按欠款单位类型分：{parts}。")
    _mixed(doc, "二、还款计划与专项行动", HEITI, "")
    rate = "—" if p["rate"] is None else f"{p['rate']}%"
    _para(
        doc,
        f"在执行还款计划{p['plans']}个，已到期分期{p['judged']}期，其中按期履行{p['met']}期、"
        f"违约{p['breached']}期，履约率{rate}。",
    )
    for camp in f["campaigns"]:
        _para(
            doc,
            f"“{camp['name']}”（完成时限{camp['deadline']}）：启动时在册{camp['items_at_start']}件、"
            f"{amount_text(camp['amount_at_start'])}，现尚欠{amount_text(camp['left'])}，完成{camp['percent']}%。",
        )
    _mixed(doc, "三、投诉办理", HEITI, "")
    _para(
        doc,
        f"累计登记投诉线索{cp['total']}件，审查按时率{pct(cp['review_rate'])}，转办按时率{pct(cp['transfer_rate'])}，"
        f"办理按时率{pct(cp['handle_rate'])}，企业满意率{pct(cp['satisfaction'])}。",
    )
    _mixed(doc, "四、责任部门和县（市、区）清偿进度排名", HEITI, "")
    rk = f["rankings"]
    _para(
        doc,
        f"清偿率＝累计已确认清偿金额÷（累计已确认清偿金额＋尚欠金额）。"
        f"台账合同不足{rk['min_items']}件的单位不参加排名。",
    )
    for title, rows in (("（一）责任部门", rk["departments"]), ("（二）县（市、区）", rk["counties"])):
        _mixed(doc, title, KAITI, "")
        if rows:
            _table(
                doc,
                ["序号", "单位", "合同数", "累计清偿（万元）", "尚欠（万元）", "清偿率"],
                [
                    [
                        str(r["rank"]),
                        r["label"],
                        str(r["count"]),
                        wan(r["cleared"]),
                        wan(r["balance"]),
                        pct(r["rate"]),
                    ]
                    for r in rows
                ],
                [12, 54, 16, 28, 26, 20],
            )
        else:
            _para(doc, "无达到排名条件的单位。")
    _mixed(doc, "五、工作要求", HEITI, "")
    _para(
        doc,
        "各责任部门和县（市、区）要对照排名查找差距，对无分歧欠款做到应付尽付，对有分歧欠款依法推动协商、调解"
        "或诉讼解决；对执行还款计划的，严格按期履约。专班办公室将继续按月调度通报。",
    )
    _para(doc, indent=False)
    _para(doc, f["issuer"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, f["date_text"], align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(doc, indent=False)
    _para(
        doc,
        f"（数据截至{f['as_of_text']}，由清欠平台根据台账与投诉数据自动生成）",
        size=SIZE_4,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )

    # 版记
    _para(doc, indent=False)
    copy = _para(doc, f"抄送：{f['copy_to']}", size=SIZE_4, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _border(copy, side="top", color="000000", size=8)
    printed = _para(
        doc, f"{f['issuer']}\t{f['date_text']}印发", size=SIZE_4, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(155), WD_TAB_ALIGNMENT.RIGHT)
    _border(printed, side="top", color="000000", size=4)
    _border(printed, side="bottom", color="000000", size=8)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def report_xlsx(f: dict[str, Any]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "#,##0.00"})
    percent = book.add_format({"num_format": "0.0%"})

    def text(sheet: Any, r: int, c: int, value: str, fmt: Any = None) -> None:
        sheet.write_string(r, c, safe_text(str(value)), fmt)

    s = book.add_worksheet("关键指标")
    s.set_column(0, 0, 34)
    s.set_column(1, 1, 22)
    s.set_column(2, 2, 48)
    text(s, 0, 0, f["title"], bold)
    text(s, 1, 0, f"{f['doc_number']}　数据截至{f['as_of_text']}")
    for col, name in enumerate(["指标", "数值", "大写 / 说明"]):
        text(s, 3, col, name, head)
    t, c, p, cp = f["totals"], f["cleared"], f["plans"], f["complaints"]
    rows: list[tuple[str, Any, str]] = [
        ("累计清偿金额（元）", Decimal(c["total"]), capitals(c["total"])),
        (f"{f['period_text']}清偿金额（元）", Decimal(f["period_cleared"]), capitals(f["period_cleared"])),
        ("本年累计清偿金额（元）", Decimal(c["this_year"]), capitals(c["this_year"])),
        ("台账合同数（件）", t["count"], ""),
        ("未销号合同数（件）", t["open_count"], ""),
        ("尚欠金额（元）", Decimal(t["balance"]), capitals(t["balance"])),
        ("其中：无分歧金额（元）", Decimal(t["undisputed"]), capitals(t["undisputed"])),
        ("其中：有分歧金额（元）", Decimal(t["disputed"]), capitals(t["disputed"])),
        ("在执行还款计划（个）", p["plans"], ""),
        ("还款计划履约率", None if p["rate"] is None else p["rate"] / 100, "已到期分期中按期履行的比例"),
        ("投诉线索（件）", cp["total"], ""),
        ("审查按时率", cp["review_rate"], ""),
        ("转办按时率", cp["transfer_rate"], ""),
        ("办理按时率", cp["handle_rate"], ""),
        ("企业满意率", cp["satisfaction"], ""),
    ]
    for n, (label, value, note) in enumerate(rows, start=4):
        text(s, n, 0, label)
        if isinstance(value, Decimal):
            s.write_number(n, 1, value, money)
        elif isinstance(value, float):
            s.write_number(n, 1, value, percent)
        elif isinstance(value, int):
            s.write_number(n, 1, value)
        else:
            text(s, n, 1, "—")
        if note:
            text(s, n, 2, note)

    rk = f["rankings"]
    for title, table in (("责任部门排名", rk["departments"]), ("县（市、区）排名", rk["counties"])):
        sheet = book.add_worksheet(title)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 5, 16)
        text(
            sheet,
            0,
            0,
            f"清偿率＝累计已确认清偿金额÷（累计已确认清偿金额＋尚欠金额）；合同不足{rk['min_items']}件的单位不排名。",
        )
        for col, name in enumerate(["序号", "单位", "合同数", "累计清偿（元）", "尚欠（元）", "清偿率"]):
            text(sheet, 2, col, name, head)
        for n, r in enumerate(table, start=3):
            sheet.write_number(n, 0, r["rank"])
            text(sheet, n, 1, r["label"])
            sheet.write_number(n, 2, r["count"])
            sheet.write_number(n, 3, Decimal(r["cleared"]), money)
            sheet.write_number(n, 4, Decimal(r["balance"]), money)
            if r["rate"] is not None:
                sheet.write_number(n, 5, r["rate"], percent)

    m = book.add_worksheet("分月清偿")
    m.set_column(0, 0, 14)
    m.set_column(1, 2, 20)
    for col, name in enumerate(["月份", "当月清偿（元）", "累计清偿（元）"]):
        text(m, 0, col, name, head)
    for n, point in enumerate(c["months"], start=1):
        text(m, n, 0, point["month"])
        m.write_number(n, 1, Decimal(point["amount"]), money)
        m.write_number(n, 2, Decimal(point["cumulative"]), money)

    k = book.add_worksheet("按单位类型")
    k.set_column(0, 0, 18)
    k.set_column(1, 4, 18)
    for col, name in enumerate(["单位类型", "合同数", "尚欠（元）", "无分歧（元）", "有分歧（元）"]):
        text(k, 0, col, name, head)
    for n, r in enumerate(f["outstanding"]["by_kind"], start=1):
        text(k, n, 0, r["label"])
        k.write_number(n, 1, r["count"])
        k.write_number(n, 2, Decimal(r["balance"]), money)
        k.write_number(n, 3, Decimal(r["undisputed"]), money)
        k.write_number(n, 4, Decimal(r["disputed"]), money)
    book.close()
    return out.getvalue()
