"""The drills' view from inside: set-up and checks run in a Django process on the drill's database.

    echo '<json payload>' | python -m drills.inside <command>

prints one JSON line with the result. Commands are the functions named in `COMMANDS`.
"""
