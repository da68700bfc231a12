"""Every status transition, legal and illegal, as plain functions."""
import pytest

from app.rules import statuses
from app.rules.statuses import MoveError, check_move
from app.rules.vocab import ABANDON_REASONS, STATUSES

LEGAL = {
    ("new", "explore"), ("new", "soon"), ("new", "abandoned"),
    ("explore", "new"), ("explore", "discussion"), ("explore", "soon"), ("explore", "abandoned"),
    ("explore", "standby"), ("explore", "done"),
    ("discussion", "explore"), ("discussion", "soon"), ("discussion", "abandoned"), ("discussion", "standby"),
    ("discussion", "done"),
    ("soon", "new"), ("soon", "explore"), ("soon", "discussion"), ("soon", "abandoned"), ("soon", "standby"),
    ("soon", "done"),
    ("abandoned", "new"), ("abandoned", "explore"), ("abandoned", "discussion"), ("abandoned", "soon"),
    ("abandoned", "standby"),
    ("standby", "explore"), ("standby", "discussion"), ("standby", "soon"), ("standby", "abandoned"),
    ("done", "explore"), ("done", "discussion"), ("done", "soon"),
}
AFTER_EVENT = ("discussion", "standby", "done")
ALL_PAIRS = [(a, b) for a in STATUSES for b in STATUSES]


@pytest.mark.parametrize("current,target", ALL_PAIRS)
def test_every_pair_after_the_event(current, target):
    reason = "technical" if target == "abandoned" else None
    if current == target:
        with pytest.raises(MoveError) as e:
            check_move(current, target, reason, "followup")
        assert e.value.key == "err.same_status"
    elif (current, target) in LEGAL:
        changes = check_move(current, target, reason, "followup")
        assert changes["status"] == target
        assert changes["abandon_reason"] == reason
    else:
        with pytest.raises(MoveError) as e:
            check_move(current, target, reason, "followup")
        assert e.value.key == "err.transition"


@pytest.mark.parametrize("current", ["explore", "soon"])
@pytest.mark.parametrize("phase", ["before", "live"])
def test_done_only_after_the_event(current, phase):
    with pytest.raises(MoveError) as e:
        check_move(current, "done", None, phase)
    assert e.value.key == "err.done_too_early"


@pytest.mark.parametrize("target", ["discussion", "standby"])
@pytest.mark.parametrize("phase", ["before", "live"])
def test_follow_up_statuses_only_after_the_event(target, phase):
    with pytest.raises(MoveError) as e:
        check_move("explore", target, None, phase)
    assert e.value.key == "err.after_event"
    assert target not in statuses.allowed_targets("explore", phase)
    assert target in statuses.allowed_targets("explore", "followup")


def test_the_follow_up_path_to_done():
    """À approfondir -> En discussion -> Sur le point de se concrétiser -> Réalisée, one legal step at a time."""
    path = ["explore", "discussion", "soon", "done"]
    for a, b in zip(path, path[1:]):
        assert check_move(a, b, None, "followup")["status"] == b
    assert check_move("discussion", "standby", None, "followup")["status"] == "standby"
    assert check_move("standby", "abandoned", "economic", "followup") == {"status": "abandoned",
                                                                          "abandon_reason": "economic"}


@pytest.mark.parametrize("phase", ["closed", "locked", "followup"])
def test_done_allowed_after_the_event(phase):
    assert check_move("soon", "done", None, phase) == {"status": "done", "abandon_reason": None}


@pytest.mark.parametrize("reason", [None, ""])
def test_reason_required_to_abandon(reason):
    with pytest.raises(MoveError) as e:
        check_move("new", "abandoned", reason, "live")
    assert e.value.key == "err.reason_required"


def test_unknown_reason_and_status_refused():
    with pytest.raises(MoveError) as e:
        check_move("new", "abandoned", "boredom", "live")
    assert e.value.key == "err.choice"
    with pytest.raises(MoveError) as e:
        check_move("new", "archived", None, "live")
    assert e.value.key == "err.choice"


@pytest.mark.parametrize("reason", ABANDON_REASONS)
def test_every_reason_kept_and_cleared_on_leaving(reason):
    assert check_move("explore", "abandoned", reason, "live")["abandon_reason"] == reason
    assert check_move("abandoned", "explore", reason, "live") == {"status": "explore", "abandon_reason": None}


def test_columns_and_targets_by_phase():
    assert statuses.visible_columns("live") == ["new", "explore", "soon", "abandoned"]
    assert statuses.visible_columns("before") == ["new", "explore", "soon", "abandoned"]
    for phase in ("closed", "locked", "followup"):
        assert statuses.visible_columns(phase) == ["new", "explore", "discussion", "soon", "abandoned", "standby",
                                                   "done"]
    assert statuses.allowed_targets("explore", "live") == ["new", "soon", "abandoned"]
    assert statuses.allowed_targets("explore", "closed") == ["new", "discussion", "soon", "abandoned", "standby",
                                                             "done"]
    assert statuses.allowed_targets("done", "followup") == ["explore", "discussion", "soon"]
    tj = statuses.transitions_json()
    assert set(tj) == set(STATUSES) and all(isinstance(v, list) for v in tj.values())
    assert {(a, b) for a, bs in tj.items() for b in bs} == LEGAL
