from qingqian.complaints.tests.factories import make_case


def test_every_state_can_be_reached(world):
    from qingqian.complaints.tests.factories import PATHS

    for state in PATHS:
        make_case(world, state)
