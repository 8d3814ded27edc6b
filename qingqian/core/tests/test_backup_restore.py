"""Restore drill: back up the seeded city, restore into an empty database, compare every table."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qingqian.core.backup import restore_database, table_checksums


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_identical_tables(tmp_path: Path) -> None:
    from qingqian.accounts.testing import build_world

    build_world()
    backup = tmp_path / "city.backup"
    call_command("backup", output=str(backup), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert backup.stat().st_size > 0

    if connection.vendor == "sqlite":
        # The suite's SQLite database lives in memory: compare a second online backup of it.
        original = str(tmp_path / "original.sqlite3")
        call_command("backup", output=original, stdout=open("/dev/null", "w"))  # noqa: SIM115
        target = str(tmp_path / "restored.sqlite3")
        restore_database(backup, target_name=target)
        before, after = table_checksums(database=original), table_checksums(database=target)
    else:
        name = f"qq_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            restore_database(backup, target_name=name)
            before, after = table_checksums(), table_checksums(database=name)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert before["registry_organisation"].rows > 100
    assert before["core_event"].rows > 100
    assert set(after) == set(before)
    different = [t for t in before if before[t] != after[t]]
    assert not different, f"tables differ after restore: {different}"


def test_restore_needs_confirmation(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))


def test_restoring_a_missing_file_is_a_clear_error(tmp_path: Path, db: Any) -> None:
    with pytest.raises(CommandError, match="no backup"):
        call_command("restore", str(tmp_path / "missing.dump"), yes=True)
