"""The tamper-evident SM3 hash chain over `core.Event` (等保 2.0 8.1.4.3 c, GB/T 39786 §8.4 d).

Each event row carries `seq` (its position), `prev_hash` (the previous row's `row_hash`) and
`row_hash = SM3(canonical JSON of the row's content, seq and prev_hash)`. Appending locks the single
`AuditChainHead` row in the appender's own transaction, so concurrent transactions serialise on it and
never fork the chain (PostgreSQL: `SELECT … FOR UPDATE`; SQLite: IMMEDIATE transactions already hold
the write lock). A rolled-back transaction rolls back its events and the head together.

`verify()` walks the chain and names every row that was edited, deleted or reordered; periodic
anchors (HMAC-SM3 under `AUDIT_ANCHOR_KEY`, which the database does not hold) catch a chain that was
rewritten wholesale. Retention pruning (`prune()`) archives old rows to a file first and records the
archive's last hash, so the chain still verifies from the first retained row.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from qingqian.core import crypto
from qingqian.core.models import AuditAnchor, AuditArchive, AuditChainHead, Event

GENESIS = "0" * 64
CONTENT_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type_id",
    "object_id",
    "object_repr",
    "data",
    "before",
    "after",
    "request_id",
    "ip",
    "channel",
)


def _utc(value: dt.datetime) -> str:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ip(value: str | None) -> str | None:
    return Event._meta.get_field("ip").get_prep_value(value) if value else None


def canonical(row: dict[str, Any], *, seq: int, prev_hash: str) -> bytes:
    body = {name: row.get(name) for name in CONTENT_FIELDS}
    body["occurred_at"] = _utc(row["occurred_at"])
    body["ip"] = _ip(row.get("ip"))
    body["seq"] = seq
    body["prev_hash"] = prev_hash
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(row: dict[str, Any], *, seq: int, prev_hash: str) -> str:
    return crypto.sm3_hex(canonical(row, seq=seq, prev_hash=prev_hash))


def _event_row(event: Event) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CONTENT_FIELDS}


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # another transaction created it first
    return AuditChainHead.objects.select_for_update().get(pk=1)


def append(event: Event) -> Event:
    """Link `event` to the chain and insert it. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_chain.append must run inside a transaction")
    head = _locked_head()
    if event.occurred_at is None:
        event.occurred_at = timezone.now()
    event.seq = head.seq + 1
    event.prev_hash = head.hash
    event.row_hash = row_hash(_event_row(event), seq=event.seq, prev_hash=event.prev_hash)
    event.save()
    AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.row_hash)
    return event


# --- Verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    kind: str  # edited | deleted | reordered | unchained | anchor | head
    message: str
    event_id: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class VerifyReport:
    rows: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    anchors: int = 0
    problems: list[Problem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows() -> Iterator[dict[str, Any]]:
    fields = ("id", "seq", "prev_hash", "row_hash", *CONTENT_FIELDS)
    qs = Event.objects.filter(seq__isnull=False).order_by("seq").values(*fields)
    yield from qs.iterator(chunk_size=2000)


def verify() -> VerifyReport:
    """Walk the whole chain; every problem names the row (event id and seq) and what happened to it."""
    problems: list[Problem] = []
    report = VerifyReport(problems=problems)
    archive = AuditArchive.objects.order_by("-to_seq").first()
    expected_seq = (archive.to_seq + 1) if archive else 1
    expected_prev = archive.last_hash if archive else GENESIS
    hashes_at: dict[int, str] = {}
    anchor_seqs = set(AuditAnchor.objects.values_list("seq", flat=True))
    for row in _rows():
        seq = row["seq"]
        report.rows += 1
        if report.first_seq is None:
            report.first_seq = seq
        if seq != expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            problems.append(
                Problem(
                    "deleted",
                    f"事件序号 {missing} 缺失（已被删除），缺口之后的第一行为事件 #{row['id']}（序号 {seq}）",
                    row["id"],
                    seq,
                )
            )
        elif row["prev_hash"] != expected_prev:
            problems.append(
                Problem(
                    "reordered",
                    f"事件 #{row['id']}（序号 {seq}）的前一哈希与链不符：记录被重排，或前一行被改动",
                    row["id"],
                    seq,
                )
            )
        recomputed = row_hash(row, seq=seq, prev_hash=row["prev_hash"])
        if recomputed != row["row_hash"]:
            problems.append(
                Problem("edited", f"事件 #{row['id']}（序号 {seq}）的内容被篡改：哈希不符", row["id"], seq)
            )
        if seq in anchor_seqs:
            hashes_at[seq] = row["row_hash"]
        expected_seq = seq + 1
        expected_prev = row["row_hash"]
        report.last_seq = seq
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or (report.rows and head.hash != expected_prev)):
        if head.seq > last_seq:
            problems.append(
                Problem("deleted", f"链尾事件序号 {last_seq + 1}–{head.seq} 缺失（已被删除）", None, head.seq)
            )
        else:
            problems.append(Problem("head", f"链头（序号 {head.seq}）与最后一行（序号 {last_seq}）不一致"))
    for anchor in AuditAnchor.objects.order_by("seq"):
        report.anchors += 1
        if not crypto.constant_time_equal(anchor.mac, anchor_mac(anchor.seq, anchor.hash, anchor.created_at)):
            problems.append(
                Problem("anchor", f"锚点 #{anchor.pk}（序号 {anchor.seq}）校验码无效：锚点被伪造或改动")
            )
            continue
        if anchor.seq in hashes_at and hashes_at[anchor.seq] != anchor.hash:
            problems.append(
                Problem(
                    "anchor",
                    f"序号 {anchor.seq} 的哈希与锚点 #{anchor.pk}（{anchor.created_at:%Y-%m-%d %H:%M}）不符：链被重写",
                    None,
                    anchor.seq,
                )
            )
    unchained = Event.objects.filter(seq__isnull=True).values_list("id", flat=True)[:20]
    for event_id in unchained:
        problems.append(
            Problem("unchained", f"事件 #{event_id} 不在哈希链中（绕过了 record_event 写入）", event_id)
        )
    return report


# --- Anchors ---------------------------------------------------------------------------------


def anchor_mac(seq: int, chain_hash: str, created_at: dt.datetime) -> str:
    return crypto.hmac_sm3_hex(crypto.keyring().anchor_key, f"{seq}:{chain_hash}:{_utc(created_at)}".encode())


@transaction.atomic
def anchor() -> AuditAnchor | None:
    """Record the chain's current head as an anchor (idempotent: no new events → no new anchor)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    last = AuditAnchor.objects.order_by("-seq").first()
    if last is not None and last.seq == head.seq:
        return None
    now = timezone.now()
    return AuditAnchor.objects.create(
        created_at=now, seq=head.seq, hash=head.hash, mac=anchor_mac(head.seq, head.hash, now)
    )


# --- Retention -------------------------------------------------------------------------------


def prune(*, cutoff: dt.datetime, archive_dir: Path) -> AuditArchive | None:
    """Archive events older than `cutoff` to a gzip JSON-lines file, then delete them.

    The archive is written and fsynced before anything is deleted; the archive row records the
    range, the file's SM3 and the last hash. Only a contiguous prefix of the chain is pruned.
    """
    with transaction.atomic():
        head = _locked_head()
        first = Event.objects.filter(seq__isnull=False).order_by("seq").first()
        if first is None or first.occurred_at >= cutoff:
            return None
        # a contiguous prefix of the chain: up to the first row that is still within retention
        newer = Event.objects.filter(seq__isnull=False, occurred_at__gte=cutoff).order_by("seq").first()
        upper = (newer.seq - 1) if newer is not None else head.seq
        if upper < first.seq:
            return None
        rows = Event.objects.filter(seq__gte=first.seq, seq__lte=upper).order_by("seq")
        archive_dir.mkdir(parents=True, exist_ok=True)
        path = archive_dir / f"events-{first.seq:012d}-{upper:012d}.jsonl.gz"
        count = 0
        last_hash = ""
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            fields = ("id", "seq", "prev_hash", "row_hash", *CONTENT_FIELDS)
            for row in rows.values(*fields).iterator(chunk_size=2000):
                out = dict(row)
                out["occurred_at"] = _utc(row["occurred_at"])
                handle.write(json.dumps(out, ensure_ascii=False, sort_keys=True) + "\n")
                last_hash = row["row_hash"]
                count += 1
        with path.open("rb") as handle:
            file_sm3 = crypto.sm3_hex(handle.read())
        archive = AuditArchive.objects.create(
            from_seq=first.seq,
            to_seq=upper,
            rows=count,
            last_hash=last_hash,
            cutoff=cutoff,
            file_name=str(path),
            file_sm3=file_sm3,
        )
        # the one sanctioned removal path: bypass the append-only guard with a raw delete
        rows._raw_delete(using=connection.alias)
    return archive
