"""`python -m drills.inside <command>`: read a JSON payload on stdin, print the result as JSON."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from drills.inside.commands import COMMANDS

    command = sys.argv[1]
    payload = json.loads(sys.stdin.read() or "null")
    result = COMMANDS[command](payload)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
