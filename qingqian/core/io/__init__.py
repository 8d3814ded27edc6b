"""Import and export, written once (ARCHITECTURE §3.13). No domain knowledge here.

* `cells` — what real spreadsheets contain, normalised: full-width digits and spaces, trailing blanks,
  thousands separators, amounts in 元 or 万元, Excel serial dates and ``2024-03-05`` / ``2024/3/5`` /
  ``2024年3月5日`` texts, 是/否.
* `xlsx` — read with python-calamine (fast), write with XlsxWriter in constant-memory mode; every text
  cell is formula-injection safe (`safe_text`).
* `exporter` — an exporter declares columns and yields rows; the base writes xlsx or csv.
* `importer` — columns located by their (Chinese) headers, each row bound to a form (`FormBinder`:
  the same form the UI uses), errors as ``第17行：合同编号：…``, all-or-nothing, progress callbacks.
"""
