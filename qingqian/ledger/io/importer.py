"""The 台账 importer: every row bound to `ContractForm`, parties resolved against the registry,
idempotent by (debtor, creditor, contract number), all-or-nothing per file."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.events import record_event
from qingqian.core.io import cells
from qingqian.core.io.bulk import fast_insert, reserve_ids
from qingqian.core.io.importer import FormBinder, ImportColumn, Importer, Layout, RowErrorSink
from qingqian.core.permissions import grants_of
from qingqian.ledger.assessment import ASSESSED_FACTS, ASSESSMENT_FIELDS, BatchAssessor
from qingqian.ledger.choices import AmountUnit, EntryBucket, EntryKind, ItemSource, ItemStatus, SubjectKind
from qingqian.ledger.forms import ContractForm
from qingqian.ledger.io.template import COLUMNS, UNIT_NOTE_WAN
from qingqian.ledger.models import ArrearsItem, LedgerEntry
from qingqian.ledger.scoping import DEBTOR_SIDE, org_q
from qingqian.ledger.services.items import ITEM_FIELDS
from qingqian.registry.choices import SizeClass
from qingqian.registry.models import Enterprise, Organisation
from qingqian.registry.uscc import UsccError, check_uscc

WAN = Decimal(10000)
IMPORT = ItemSource.IMPORT.value  # a plain str: the form's choice field remembers its outcome per text
#: contract facts compared to decide "unchanged" vs "update" for an existing item
COMPARED = [
    "contract_name",
    "subject_kind",
    "signed_on",
    "contract_amount",
    "delivered_on",
    "acceptance_required",
    "acceptance_period_days",
    "accepted_on",
    "settlement_confirmed_on",
    "agreed_term_days",
    "agreed_annual_rate",
    "project_name",
    "source_ref",
    "note",
]

#: an item's contract facts (what it is registered with, but the size class), in `ITEM_COLUMNS` order
FACTS = [name for name in ITEM_FIELDS if name != "creditor_size_class"]
#: a row's facts out of `ContractForm`'s cleaned data
facts_of = operator.itemgetter(*FACTS)
#: where each compared fact sits in a plan's `facts`
_COMPARED_AT = [(name, FACTS.index(name)) for name in COMPARED]


@dataclass(slots=True)
class RowPlan:
    row: int
    action: str  # create | update | unchanged
    debtor: Organisation
    creditor: Enterprise | None
    creditor_key: str  # uscc
    creditor_name: str
    size_class: str
    facts: tuple[Any, ...] = ()  # values in FACTS order (a tuple: 100,000 dicts would not fit the budget)
    arrears: Decimal = Decimal(0)
    confirmed_on: dt.date | None = None
    item_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def _same(before: Any, now: Any) -> bool:
    if isinstance(before, str) or isinstance(now, str):
        return (before or "") == (now or "")
    if before is None or now is None:
        return before is None and now is None
    if isinstance(before, Decimal) or isinstance(now, Decimal):
        return Decimal(before) == Decimal(now)
    return bool(before == now)


class LedgerImporter(Importer):
    """Reads a 台账 sheet. `unit` is auto (the file's "金额单位：万元" line, else 元), yuan or wan."""

    #: new items per COPY: progress is reported between them (a few per large file)
    write_batch = 5000

    def __init__(
        self,
        *,
        actor: Any,
        unit: str = AmountUnit.AUTO,
        job: Any = None,
        today: dt.date | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        super().__init__(progress=progress)
        self.actor = actor
        self.unit = unit
        self.job = job
        self.today = today or timezone.localdate()
        self.multiplier = Decimal(1)
        self.binder = FormBinder(ContractForm)
        self.binder.form.today = self.today  # type: ignore[attr-defined]
        self.columns = [self._column(c) for c in COLUMNS]
        self.seen: dict[tuple[int, str, str], int] = {}
        #: parties resolved per distinct cell values (see `_debtor`, `_creditor`)
        self._debtors: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._creditors: dict[tuple[str, bool], tuple[Any, ...]] = {}

    def _column(self, c: Any) -> ImportColumn:
        kinds: dict[str, Callable[[Any], Any]] = {
            "text": cells.text,
            "money": self._amount,
            "date": cells.date,
            "int": cells.integer,
            "bool": cells.boolean,
            "rate": cells.decimal,
        }
        parse: Callable[[Any], Any] | None = kinds.get(c.kind, cells.text)
        if c.kind == "choice":
            choices = {
                "subject_kind": SubjectKind.choices,
                "source": ItemSource.choices,
                "creditor_size_class": SizeClass.choices,
            }[c.field]
            parse = cells.choice_parser(choices)
        if c.field == "_seq":
            parse = None  # 序号 is for the reader: no check reads it, so the cells are taken as they are
        return ImportColumn(c.header, c.field, parse, c.required, c.aliases, c.export_only)

    def _amount(self, value: Any) -> Decimal | None:
        return cells.amount(value, multiplier=self.multiplier)

    # -- look-ups, once per file ------------------------------------------------------------------
    def prepare(self, layout: Layout) -> None:
        if self.unit == AmountUnit.WAN or (
            self.unit == AmountUnit.AUTO
            and any(
                UNIT_NOTE_WAN in p.replace(" ", "") or "单位：万元" in p or "单位:万元" in p
                for p in layout.preamble
            )
        ):
            self.multiplier = WAN
        orgs = list(Organisation.objects.filter(active=True).only("pk", "name", "uscc", "kind", "region_id"))
        self.org_by_uscc = {o.uscc: o for o in orgs if o.uscc}
        self.org_by_name: dict[str, list[Organisation]] = {}
        for o in orgs:
            self.org_by_name.setdefault(o.name, []).append(o)
        self.allowed = self._allowed_debtor_ids()
        self.ent_by_uscc = {e.uscc: e for e in Enterprise.objects.only("pk", "name", "uscc", "size_class")}
        self.existing: dict[tuple[int, int, str], tuple[Any, ...]] = {}
        for row in ArrearsItem.objects.values_list(
            "debtor_id", "creditor_id", "contract_number", "pk", "status", "principal_total", *COMPARED
        ).iterator(chunk_size=5000):
            self.existing[(row[0], row[1], row[2])] = row[3:]
        self._debtors.clear()  # resolved against these tables
        self._creditors.clear()

    def _allowed_debtor_ids(self) -> set[int] | None:
        if self.actor is None:
            return None  # the system imports for anyone
        q = None
        for g in grants_of(self.actor):
            if g.role in DEBTOR_SIDE:
                gq = org_q(g)
                if gq is not None:
                    q = gq if q is None else q | gq
        if q is None:
            return set()
        return set(Organisation.objects.filter(q).values_list("pk", flat=True))

    # -- the rows -----------------------------------------------------------------------------------
    def check_row(self, row_number: int, values: dict[str, Any], error: Callable[[str, str], None]) -> Any:
        """One row: a block of one."""
        columns = {name: [value] for name, value in values.items()}
        return self.check_block([row_number], columns, lambda _row, column, message: error(column, message))[
            0
        ]

    def check_block(self, rows: list[int], values: dict[str, list[Any]], error: RowErrorSink) -> list[Any]:
        """Every row bound to `ContractForm` (column by column: `FormBinder.bind_columns`), then per row the
        importer's own checks: the amount, the date, the parties (resolved once per distinct value), the
        same contract twice in the file, and what an existing item says."""
        count = len(rows)
        nothing: list[Any] = [None] * count
        # The binder reads the form's fields only; the parties and the amount are the importer's own.
        values["source"] = [IMPORT if v is None else v for v in values.get("source", nothing)]
        values["acceptance_required"] = [
            False if v is None else v for v in values.get("acceptance_required", nothing)
        ]
        bound = self.binder.bind_columns(values, count)
        h = self.header_of
        today = self.today
        debtors, creditors, seen, existing = self._debtors, self._creditors, self.seen, self.existing
        out: list[Any] = []
        for number, (cleaned, errors), arrears, confirmed_on, debtor_uscc, debtor_name, uscc_raw, name in zip(
            rows,
            bound,
            values.get("arrears_amount", nothing),
            values.get("confirmed_on", nothing),
            values.get("debtor_uscc", nothing),
            values.get("debtor_name", nothing),
            values.get("creditor_uscc", nothing),
            values.get("creditor_name", nothing),
            strict=True,
        ):
            failed = bool(errors)
            if failed:
                for fld, messages in errors.items():
                    for message in messages:
                        error(number, h(fld) if fld != "__all__" else "", message)
            if arrears is None:
                failed = True
            elif arrears <= ZERO:
                error(number, h("arrears_amount"), _("确认欠款金额须大于零"))
                failed = True
            if confirmed_on is not None and confirmed_on > today:
                error(number, h("confirmed_on"), _("确认日期不能晚于今天"))
            key = (debtor_uscc or "", debtor_name or "")
            debtor, debtor_pk, problem = debtors.get(key) or self._debtor(*key)
            if problem is not None:
                error(number, *problem)
                failed = True
            named = bool(name)
            creditor, creditor_pk, uscc, problem = creditors.get((uscc_raw or "", named)) or self._creditor(
                uscc_raw or "", named
            )
            if problem is not None:
                error(number, *problem)
                failed = True
            if failed:
                out.append(None)
                continue
            contract_number = cleaned["contract_number"]
            row_key = (debtor_pk, uscc, contract_number)
            if row_key in seen:
                error(
                    number,
                    h("contract_number"),
                    _("与第%(n)d行是同一合同（欠款单位、企业、合同编号均相同）") % {"n": seen[row_key]},
                )
                out.append(None)
                continue
            seen[row_key] = number
            plan = RowPlan(
                row=number,
                action="create",
                debtor=debtor,
                creditor=creditor,
                creditor_key=uscc,
                creditor_name=name or "",
                size_class=cleaned.get("creditor_size_class")
                or (creditor.size_class if creditor else SizeClass.UNKNOWN),
                # every fact is a field of the form (texts clean to "", clauses to {})
                facts=facts_of(cleaned),
                arrears=arrears,
                confirmed_on=confirmed_on,
            )
            found = existing.get((debtor_pk, creditor_pk, contract_number)) if creditor is not None else None
            out.append(
                plan if found is None else self._compare(plan, found, functools.partial(error, number))
            )
        return out

    def _compare(
        self, plan: RowPlan, existing: tuple[Any, ...], error: Callable[[str, str], None]
    ) -> RowPlan | None:
        pk, status, principal, *old = existing
        plan.item_id = pk
        changes = {}
        for (name, at), before in zip(_COMPARED_AT, old, strict=True):
            now = plan.facts[at]
            if not _same(before, now):
                changes[name] = ("" if now is None else now) if isinstance(before, str) else now
        if principal != plan.arrears:
            error(
                self.header_of("arrears_amount"),
                _("与已登记台账的确认欠款 %(p)s 元不一致；金额变动请在台账中登记“调整”") % {"p": principal},
            )
            return None
        if changes and status == ItemStatus.CLOSED:
            error("", _("该台账已对账销号，不能再修改"))
            return None
        plan.action = "update" if changes else "unchanged"
        plan.changes = changes
        return plan

    def _debtor(self, uscc: str, name: str) -> tuple[Organisation | None, int | None, tuple[str, str] | None]:
        """The debtor by its credit code, else by its name, its pk, and the problem (column, message) if any;
        remembered per distinct (code, name)."""
        org, problem = self._find_debtor(uscc, name)
        found = self._debtors[(uscc, name)] = (org, org.pk if org is not None else None, problem)
        return found

    def _find_debtor(self, uscc: str, name: str) -> tuple[Organisation | None, tuple[str, str] | None]:
        h = self.header_of
        if uscc:
            org = self.org_by_uscc.get(uscc.upper())
            if org is None:
                return None, (h("debtor_uscc"), _("单位名录中没有该统一社会信用代码的单位"))
        else:
            matches = self.org_by_name.get(name, [])
            if not matches:
                return None, (h("debtor_name"), _("单位名录中没有名为“%(n)s”的单位") % {"n": name[:60]})
            if len(matches) > 1:
                return None, (h("debtor_name"), _("有多个同名单位，请填写欠款单位统一社会信用代码"))
            org = matches[0]
        if self.allowed is not None and org.pk not in self.allowed:
            return None, (h("debtor_name"), _("该欠款单位不在您的权限范围内"))
        return org, None

    def _creditor(
        self, raw: str, named: bool
    ) -> tuple[Enterprise | None, int | None, str | None, tuple[str, str] | None]:
        """The creditor SME by its credit code (None: new to the registry), its pk, the checked code, and
        the problem (column, message) if any; remembered per distinct (code, whether a name is given)."""
        enterprise, uscc, problem = self._find_creditor(raw, named)
        pk = enterprise.pk if enterprise is not None else None
        found = self._creditors[(raw, named)] = (enterprise, pk, uscc, problem)
        return found

    def _find_creditor(
        self, raw: str, named: bool
    ) -> tuple[Enterprise | None, str | None, tuple[str, str] | None]:
        try:
            uscc = check_uscc(raw).value
        except UsccError as exc:
            return None, None, (self.header_of("creditor_uscc"), str(exc))
        enterprise = self.ent_by_uscc.get(uscc)
        if enterprise is None and not named:
            return None, None, (self.header_of("creditor_name"), _("新企业须填写名称"))
        return enterprise, uscc, None

    def apply(self, checked: list[RowPlan]) -> dict[str, int]:
        from qingqian.ledger.aging import age_items
        from qingqian.ledger.services.items import item_update
        from qingqian.registry import services as registry

        clock = time.perf_counter
        t0 = clock()
        counts = {"created": 0, "updated": 0, "unchanged": 0, "enterprises": 0}
        new_enterprises: dict[str, int] = {}
        for plan in checked:
            if plan.creditor is None and plan.creditor_key not in new_enterprises:
                created = registry.enterprise_create(
                    actor=self.actor,
                    name=plan.creditor_name,
                    uscc=plan.creditor_key,
                    size_class=plan.size_class,
                    size_basis=_("台账导入"),
                )
                new_enterprises[plan.creditor_key] = created.pk
                counts["enterprises"] += 1
        creates = [p for p in checked if p.action == "create"]
        counts["unchanged"] = sum(1 for p in checked if p.action == "unchanged")
        for plan in checked:
            if plan.action == "update":
                item = ArrearsItem.objects.select_related("debtor").get(pk=plan.item_id)
                item_update(actor=self.actor, item=item, **plan.changes)
                counts["updated"] += 1
        ids = reserve_ids(ArrearsItem, len(creates))
        self.add_time("write: enterprises, updates", clock() - t0)
        assessor = BatchAssessor(today=self.today, reason="imported")
        creator_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        job_id = self.job.pk if self.job is not None else None
        now = timezone.now()
        reason = str(_("台账导入确认欠款"))
        assess_s = 0.0

        # Streamed into the COPY (`stream=True`): the server writes rows and their indexes while the next
        # are assessed, so nothing in here may touch the database; progress is reported between batches.
        def item_rows() -> Any:
            nonlocal assess_s
            for pk, plan in zip(ids, creates, strict=True):
                t = clock()
                stored = assessor.stored(plan.debtor.kind, assessed_facts(plan.facts), now)
                assess_s += clock() - t
                yield (
                    pk,
                    plan.debtor.pk,
                    plan.creditor.pk if plan.creditor is not None else new_enterprises[plan.creditor_key],
                    plan.size_class,
                    *plan.facts,
                    job_id,
                    ItemStatus.OPEN,
                    *stored,
                    plan.arrears,
                    ZERO,
                    ZERO,
                    plan.arrears,
                    ZERO,
                    "",
                    now,
                    now,
                    creator_id,
                )

        t0 = clock()
        fast_insert(
            ArrearsItem,
            ITEM_COLUMNS,
            item_rows(),
            stream=True,
            batch=self.write_batch,
            between=lambda n: self.progress("write", n, len(creates)),
        )
        self.add_time("assess", assess_s)
        self.add_time("write: items", clock() - t0 - assess_s)
        t0 = clock()
        fast_insert(
            LedgerEntry,
            ENTRY_COLUMNS,
            (
                (
                    pk,
                    EntryKind.CONFIRMED,
                    EntryBucket.PRINCIPAL,
                    plan.arrears,
                    plan.confirmed_on or self.today,
                    reason,
                    "",
                    now,
                    creator_id,
                )
                for pk, plan in zip(ids, creates, strict=True)
            ),
            stream=True,
        )
        self.add_time("write: entries", clock() - t0)
        t0 = clock()
        age_items(ids, as_of=self.today)  # the new rows' aging, set-based (reserved ids: one range)
        self.add_time("write: aging", clock() - t0)
        counts["created"] = len(ids)
        if self.job is not None:
            record_event(
                actor=self.actor,
                action="ledger.import.succeeded",
                obj=self.job,
                data={**counts, "file": self.job.original_name, "sha256": self.job.file_sha256},
            )
        return counts


ZERO = Decimal("0.00")
#: the rules' inputs out of a plan's `facts` (a tuple in `ASSESSED_FACTS` order)
assessed_facts = operator.itemgetter(*(FACTS.index(name) for name in ASSESSED_FACTS))
ITEM_COLUMNS = [
    "id",
    "debtor",
    "creditor",
    "creditor_size_class",
    *FACTS,
    "import_job",
    "status",
    *ASSESSMENT_FIELDS,
    "principal_total",
    "paid_total",
    "written_off_total",
    "balance",
    "disputed_amount",
    "close_basis",
    "created_at",
    "updated_at",
    "created_by",
]
ENTRY_COLUMNS = [
    "item",
    "kind",
    "bucket",
    "amount",
    "effective_on",
    "reason",
    "reference",
    "recorded_at",
    "recorded_by",
]
