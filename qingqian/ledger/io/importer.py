"""The 台账 importer: every row bound to `ContractForm`, parties resolved against the registry,
idempotent by (debtor, creditor, contract number), all-or-nothing per file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.events import record_event
from qingqian.core.io import cells
from qingqian.core.io.bulk import fast_insert, reserve_ids
from qingqian.core.io.importer import FormBinder, ImportColumn, Importer, Layout
from qingqian.core.permissions import grants_of
from qingqian.ledger.assessment import apply_assessment, clauses_from_json
from qingqian.ledger.choices import AmountUnit, EntryBucket, EntryKind, ItemSource, ItemStatus, SubjectKind
from qingqian.ledger.forms import ContractForm
from qingqian.ledger.io.template import COLUMNS, UNIT_NOTE_WAN
from qingqian.ledger.models import ArrearsItem, LedgerEntry, payer_kind_of
from qingqian.ledger.scoping import DEBTOR_SIDE, org_q
from qingqian.registry.choices import SizeClass
from qingqian.registry.models import Enterprise, Organisation
from qingqian.registry.uscc import UsccError, check_uscc
from qingqian.rules import ContractInput, assess

WAN = Decimal(10000)
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


FACTS = [*COMPARED, "source", "clauses", "contract_number"]


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
        self._uscc: dict[str, tuple[str, str]] = {}

    def _column(self, c: Any) -> ImportColumn:
        kinds: dict[str, Callable[[Any], Any]] = {
            "text": cells.text,
            "money": self._amount,
            "date": cells.date,
            "int": cells.integer,
            "bool": cells.boolean,
            "rate": cells.decimal,
        }
        parse = kinds.get(c.kind, cells.text)
        if c.kind == "choice":
            choices = {
                "subject_kind": SubjectKind.choices,
                "source": ItemSource.choices,
                "creditor_size_class": SizeClass.choices,
            }[c.field]
            parse = cells.choice_parser(choices)
        if c.field == "_seq":
            parse = cells.text
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

    # -- one row -----------------------------------------------------------------------------------
    def check_row(self, row_number: int, values: dict[str, Any], error: Callable[[str, str], None]) -> Any:
        h = self.header_of
        data = {k: v for k, v in values.items() if not k.startswith("_")}
        data.setdefault("source", ItemSource.IMPORT)
        if data.get("source") is None:
            data["source"] = ItemSource.IMPORT
        for key in ("acceptance_required",):
            if data.get(key) is None:
                data[key] = False
        cleaned, errors = self.binder.bind(data)
        for fld, messages in errors.items():
            for message in messages:
                error(h(fld) if fld != "__all__" else "", message)
        arrears = values.get("arrears_amount")
        if arrears is not None and arrears <= 0:
            error(h("arrears_amount"), _("确认欠款金额须大于零"))
        confirmed_on = values.get("confirmed_on")
        if confirmed_on is not None and confirmed_on > self.today:
            error(h("confirmed_on"), _("确认日期不能晚于今天"))
        debtor = self._debtor(values, error)
        creditor, uscc = self._creditor(values, error)
        if errors or debtor is None or uscc is None or arrears is None or arrears <= 0:
            return None
        number = cleaned["contract_number"]
        row_key = (debtor.pk, uscc, number)
        if row_key in self.seen:
            error(
                h("contract_number"),
                _("与第%(n)d行是同一合同（欠款单位、企业、合同编号均相同）") % {"n": self.seen[row_key]},
            )
            return None
        self.seen[row_key] = row_number
        size = cleaned.get("creditor_size_class") or (creditor.size_class if creditor else SizeClass.UNKNOWN)
        facts = (*(cleaned.get(k) for k in COMPARED), cleaned["source"], cleaned.get("clauses") or {}, number)
        plan = RowPlan(
            row=row_number,
            action="create",
            debtor=debtor,
            creditor=creditor,
            creditor_key=uscc,
            creditor_name=values.get("creditor_name") or "",
            size_class=size,
            facts=facts,
            arrears=arrears,
            confirmed_on=confirmed_on,
        )
        if creditor is not None:
            existing = self.existing.get((debtor.pk, creditor.pk, number))
            if existing is not None:
                return self._compare(plan, existing, error)
        return plan

    def _compare(
        self, plan: RowPlan, existing: tuple[Any, ...], error: Callable[[str, str], None]
    ) -> RowPlan | None:
        pk, status, principal, *old = existing
        plan.item_id = pk
        changes = {}
        for name, before, now in zip(COMPARED, old, plan.facts, strict=False):
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

    def _debtor(self, values: dict[str, Any], error: Callable[[str, str], None]) -> Organisation | None:
        uscc = values.get("debtor_uscc") or ""
        name = values.get("debtor_name") or ""
        org = None
        if uscc:
            org = self.org_by_uscc.get(uscc.upper())
            if org is None:
                error(self.header_of("debtor_uscc"), _("单位名录中没有该统一社会信用代码的单位"))
                return None
        else:
            matches = self.org_by_name.get(name, [])
            if not matches:
                error(self.header_of("debtor_name"), _("单位名录中没有名为“%(n)s”的单位") % {"n": name[:60]})
                return None
            if len(matches) > 1:
                error(self.header_of("debtor_name"), _("有多个同名单位，请填写欠款单位统一社会信用代码"))
                return None
            org = matches[0]
        if self.allowed is not None and org.pk not in self.allowed:
            error(self.header_of("debtor_name"), _("该欠款单位不在您的权限范围内"))
            return None
        return org

    def _creditor(
        self, values: dict[str, Any], error: Callable[[str, str], None]
    ) -> tuple[Enterprise | None, str | None]:
        raw = values.get("creditor_uscc") or ""
        checked = self._uscc.get(raw)
        if checked is None:
            try:
                checked = (check_uscc(raw).value, "")
            except UsccError as exc:
                checked = ("", str(exc))
            self._uscc[raw] = checked
        uscc, problem = checked
        if problem:
            error(self.header_of("creditor_uscc"), problem)
            return None, None
        enterprise = self.ent_by_uscc.get(uscc)
        if enterprise is None and not values.get("creditor_name"):
            error(self.header_of("creditor_name"), _("新企业须填写名称"))
            return None, None
        return enterprise, uscc

    def apply(self, checked: list[RowPlan]) -> dict[str, int]:
        from qingqian.ledger.aging import age_items
        from qingqian.ledger.services.items import item_update
        from qingqian.registry import services as registry
        from qingqian.registry.reference import lpr_series, working_calendar

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
        calendar, lpr = working_calendar(), lpr_series()
        cache: dict[tuple[Any, ...], Any] = {}
        creator_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        job_id = self.job.pk if self.job is not None else None
        now = timezone.now()
        reason = str(_("台账导入确认欠款"))
        every = self.progress_every

        def item_rows() -> Any:
            for n, (pk, plan) in enumerate(zip(ids, creates, strict=True)):
                if n and n % every == 0:
                    self.progress("write", n, len(creates))
                creditor_id = (
                    plan.creditor.pk if plan.creditor is not None else new_enterprises[plan.creditor_key]
                )
                facts = dict(zip(FACTS, plan.facts, strict=True))
                probe = Probe(**{k: facts.get(k) for k in ASSESSED})
                apply_assessment(probe, self._assess(probe, plan, calendar, lpr, cache), reason="imported")  # type: ignore[arg-type]
                yield (
                    pk,
                    plan.debtor.pk,
                    creditor_id,
                    plan.size_class,
                    facts["contract_number"],
                    facts.get("contract_name") or "",
                    facts["subject_kind"],
                    facts["signed_on"],
                    facts["contract_amount"],
                    facts.get("delivered_on"),
                    bool(facts.get("acceptance_required")),
                    facts.get("acceptance_period_days"),
                    facts.get("accepted_on"),
                    facts.get("settlement_confirmed_on"),
                    facts.get("agreed_term_days"),
                    facts.get("agreed_annual_rate"),
                    facts.get("clauses") or {},
                    facts.get("project_name") or "",
                    facts["source"],
                    facts.get("source_ref") or "",
                    facts.get("note") or "",
                    job_id,
                    ItemStatus.OPEN,
                    probe.assessed_at,
                    probe.regulation,
                    probe.start_on,
                    probe.term_days,
                    probe.due_on,
                    probe.annual_rate_percent,
                    probe.rate_num,
                    probe.rate_den,
                    probe.findings,
                    probe.explanation,
                    probe.reassess_on,
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

        fast_insert(ArrearsItem, ITEM_COLUMNS, item_rows())
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
        )
        for start in range(0, len(ids), 20000):  # the new rows' aging, set-based, as of today
            age_items(ids[start : start + 20000], as_of=self.today)
        counts["created"] = len(ids)
        if self.job is not None:
            record_event(
                actor=self.actor,
                action="ledger.import.succeeded",
                obj=self.job,
                data={**counts, "file": self.job.original_name, "sha256": self.job.file_sha256},
            )
        return counts

    def _assess(
        self, item: Any, plan: RowPlan, calendar: Any, lpr: Any, cache: dict[tuple[Any, ...], Any]
    ) -> Any:
        if item.delivered_on is None:
            return None
        payer = payer_kind_of(plan.debtor.kind)
        clauses = item.clauses or {}
        key = (
            payer,
            item.signed_on,
            item.delivered_on,
            item.acceptance_required,
            item.acceptance_period_days,
            item.accepted_on,
            item.settlement_confirmed_on,
            item.agreed_term_days,
            item.agreed_annual_rate,
            json.dumps(clauses, sort_keys=True) if clauses else "",
        )
        # The stored assessment does not depend on the amount (no payments yet): one run per distinct facts.
        result = cache.get(key)
        if result is None:
            result = assess(
                ContractInput(
                    payer_kind=payer,
                    signed_on=item.signed_on,
                    delivered_on=item.delivered_on,
                    amount=plan.arrears,
                    as_of=self.today,
                    acceptance_required=item.acceptance_required,
                    acceptance_period_days=item.acceptance_period_days,
                    accepted_on=item.accepted_on,
                    settlement_confirmed_on=item.settlement_confirmed_on,
                    agreed_term_days=item.agreed_term_days,
                    agreed_annual_rate=item.agreed_annual_rate,
                    clauses=clauses_from_json(clauses),
                ),
                calendar=calendar,
                lpr=lpr,
            )
            cache[key] = result
        return result


class Probe:
    """What `apply_assessment` reads and writes, without building a model instance per row."""

    __slots__ = (
        "acceptance_period_days",
        "acceptance_required",
        "accepted_on",
        "agreed_annual_rate",
        "agreed_term_days",
        "annual_rate_percent",
        "assessed_at",
        "clauses",
        "delivered_on",
        "due_on",
        "explanation",
        "findings",
        "rate_den",
        "rate_num",
        "reassess_on",
        "regulation",
        "settlement_confirmed_on",
        "signed_on",
        "start_on",
        "term_days",
    )
    acceptance_period_days: Any
    acceptance_required: Any
    accepted_on: Any
    agreed_annual_rate: Any
    agreed_term_days: Any
    annual_rate_percent: Any
    assessed_at: Any
    clauses: Any
    delivered_on: Any
    due_on: Any
    explanation: Any
    findings: Any
    rate_den: Any
    rate_num: Any
    reassess_on: Any
    regulation: Any
    settlement_confirmed_on: Any
    signed_on: Any
    start_on: Any
    term_days: Any

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


ZERO = Decimal("0.00")
#: the assessment inputs a probe item carries
ASSESSED = [
    "signed_on",
    "delivered_on",
    "acceptance_required",
    "acceptance_period_days",
    "accepted_on",
    "settlement_confirmed_on",
    "agreed_term_days",
    "agreed_annual_rate",
    "clauses",
]
ITEM_COLUMNS = [
    "id",
    "debtor",
    "creditor",
    "creditor_size_class",
    "contract_number",
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
    "clauses",
    "project_name",
    "source",
    "source_ref",
    "note",
    "import_job",
    "status",
    "assessed_at",
    "regulation",
    "start_on",
    "term_days",
    "due_on",
    "annual_rate_percent",
    "rate_num",
    "rate_den",
    "findings",
    "explanation",
    "reassess_on",
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
