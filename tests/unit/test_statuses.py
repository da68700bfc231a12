"""Every status transition, legal and illegal, as plain functions."""
import pytest

from app.rules import statuses
from app.rules.statuses import MoveError, check_move
from app.rules.vocab import ABANDON_REASONS, STATUSES

LEGAL = {
    ("new", "explore"), ("new", "soon"), ("new", "abandoned"),
    ("explore", "new"), ("explore", "soon"), ("explore", "abandoned"), ("explore", "done"),
    ("soon", "new"), ("soon", "explore"), ("soon", "abandoned"), ("soon", "done"),
    ("abandoned", "new"), ("abandoned", "explore"), ("abandoned", "soon"),
    ("done", "explore"), ("done", "soon"),
}
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
        assert statuses.visible_columns(phase)[-1] == "done"
    assert statuses.allowed_targets("explore", "live") == ["new", "soon", "abandoned"]
    assert statuses.allowed_targets("explore", "closed") == ["new", "soon", "abandoned", "done"]
    assert statuses.allowed_targets("done", "followup") == ["explore", "soon"]
    tj = statuses.transitions_json()
    assert set(tj) == set(STATUSES) and all(isinstance(v, list) for v in tj.values())
    assert {(a, b) for a, bs in tj.items() for b in bs} == LEGAL
