"""The SM3 hash chain over the audit events: every edit, deletion and reordering is named."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from qingqian.core import audit_chain
from qingqian.core.events import record_event
from qingqian.core.models import AuditChainHead, Event


def _events(n: int) -> list[Event]:
    with transaction.atomic():
        return [
            record_event(actor=None, action="test.chain.step", data={"i": i, "note": f"第{i}步"})
            for i in range(n)
        ]


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_links_to_the_previous_one_by_sm3(world) -> None:
    a, b = _events(2)
    assert a.seq is not None and b.seq == a.seq + 1
    assert b.prev_hash == a.row_hash
    assert len(b.row_hash) == 64
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (b.seq, b.row_hash)
    assert audit_chain.verify().ok


def test_verify_audit_passes_on_an_untouched_chain(world, capsys) -> None:
    _events(3)
    call_command("verify_audit")
    assert "audit chain OK" in capsys.readouterr().out


def test_an_edited_row_is_named_by_verify_audit(world) -> None:
    _a, b, _c = _events(3)
    _raw("UPDATE core_event SET data = %s WHERE id = %s", ['{"i": 99}', b.pk])
    with pytest.raises(CommandError, match="FAILED"):
        call_command("verify_audit", "--no-record")
    problems = audit_chain.verify().problems or []
    assert [(p.kind, p.event_id) for p in problems] == [("edited", b.pk)]
    assert f"#{b.pk}" in problems[0].message


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(world) -> None:
    _a, b, c = _events(3)
    _raw("UPDATE core_event SET action = %s, row_hash = %s WHERE id = %s", ["test.forged", "f" * 64, b.pk])
    kinds = {(p.kind, p.event_id) for p in audit_chain.verify().problems or []}
    assert ("edited", b.pk) in kinds and ("reordered", c.pk) in kinds


def test_a_deleted_row_is_named_by_its_sequence_number(world) -> None:
    _a, b, c = _events(3)
    _raw("DELETE FROM core_event WHERE id = %s", [b.pk])
    problems = audit_chain.verify().problems or []
    assert [p.kind for p in problems] == ["deleted"]
    assert f"事件序号 {b.seq} 缺失" in problems[0].message and f"#{c.pk}" in problems[0].message


def test_a_deleted_tail_is_seen_through_the_chain_head(world) -> None:
    _a, _b, c = _events(3)
    _raw("DELETE FROM core_event WHERE id = %s", [c.pk])
    problems = audit_chain.verify().problems or []
    assert [p.kind for p in problems] == ["deleted"] and str(c.seq) in problems[0].message


def test_reordered_rows_are_detected(world) -> None:
    _a, b, c = _events(3)
    _raw("UPDATE core_event SET seq = -1 WHERE id = %s", [b.pk])
    _raw("UPDATE core_event SET seq = %s WHERE id = %s", [b.seq, c.pk])
    _raw("UPDATE core_event SET seq = %s WHERE id = %s", [c.seq, b.pk])
    kinds = {(p.kind, p.event_id) for p in audit_chain.verify().problems or []}
    assert ("edited", b.pk) in kinds and ("edited", c.pk) in kinds


def test_an_anchor_catches_a_chain_rewritten_from_scratch(world) -> None:
    _a, b = _events(2)
    anchor = audit_chain.anchor()
    assert anchor is not None and anchor.seq == b.seq
    assert audit_chain.anchor() is None  # nothing new
    # an attacker rewrites b and recomputes its hash and the head: the chain itself looks consistent
    row = Event.objects.filter(pk=b.pk).values(*audit_chain.CONTENT_FIELDS).get()
    row["data"] = {"i": 1, "note": "改"}
    forged = audit_chain.row_hash(row, seq=b.seq, prev_hash=b.prev_hash)
    _raw(
        "UPDATE core_event SET data = %s, row_hash = %s WHERE id = %s",
        ['{"i": 1, "note": "改"}', forged, b.pk],
    )
    AuditChainHead.objects.filter(pk=1).update(hash=forged)
    problems = audit_chain.verify().problems or []
    assert [p.kind for p in problems] == ["anchor"]


def test_an_event_written_around_record_event_is_reported(world) -> None:
    _events(1)
    _raw(
        "INSERT INTO core_event (occurred_at, actor_label, action, object_id, object_repr, data, request_id, channel, prev_hash, row_hash) "
        "VALUES (%s, 'x', 'forged', '', '', '{}', '', 'web', '', '')",
        [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)],
    )
    assert [p.kind for p in audit_chain.verify().problems or []] == ["unchained"]


def test_retention_archives_before_pruning_and_the_rest_still_verifies(world, tmp_path, settings) -> None:
    import time_machine
    from django.utils import timezone

    old = _events(3)  # after the demo city's own events: the whole prefix is old
    with time_machine.travel(timezone.now() + dt.timedelta(days=200), tick=False):
        recent = _events(2)
        with pytest.raises(CommandError, match="at least 184"):
            call_command("prune_audit", "--days", "30")
        call_command("prune_audit", "--archive-dir", str(tmp_path))
    assert not Event.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert Event.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    files = list(tmp_path.glob("events-*.jsonl.gz"))
    assert len(files) == 1
    import gzip
    import json

    with gzip.open(files[0], "rt", encoding="utf-8") as handle:
        archived = [json.loads(line) for line in handle]
    assert {e.pk for e in old} <= {r["id"] for r in archived}
    assert audit_chain.verify().ok
    assert Event.objects.filter(action="security.audit.pruned").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_never_fork_the_chain() -> None:
    """Two threads append at once; the head lock serialises them (PostgreSQL; SQLite serialises anyway)."""
    import threading

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database is one connection; PostgreSQL shows the lock")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record_event(actor=None, action="test.chain.concurrent", data={"w": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = audit_chain.verify()
    assert report.ok, report.problems
    assert Event.objects.filter(action="test.chain.concurrent").count() == 40
