from __future__ import annotations

from typing import Any

from django.core.management import call_command

from qingqian.notifications.models import Channel, State
from qingqian.notifications.services import notify


def test_the_command_and_the_task_deliver_the_outbox(world: Any, capsys: Any) -> None:
    world.office.email = "office@example.cn"
    world.office.save(update_fields=["email"])
    [n] = notify(recipients=[world.office], topic="t", subject="x", channels=[Channel.EMAIL])
    call_command("deliver_notifications")
    n.refresh_from_db()
    assert n.state == State.SENT
    assert "sent=1" in capsys.readouterr().out
    from qingqian.notifications.tasks import deliver_notifications

    result = deliver_notifications.enqueue()
    assert result.return_value == {"sent": 0, "failed": 0, "dead": 0}
