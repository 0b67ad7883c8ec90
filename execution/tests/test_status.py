"""Property 16 (the rule itself): final status for any mix of outcomes."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from execution.status import final_status, pass_rate

counts = st.integers(min_value=0, max_value=50)


@given(passed=counts, failed=counts, errored=counts)
def test_final_status_follows_the_rule_for_any_mix(passed, failed, errored):
    status = final_status(passed=passed, failed=failed, errored=errored)
    executed = passed + failed + errored
    if executed == 0:
        assert status == "error"
    elif passed == executed:
        assert status == "success"
    elif passed == 0:
        assert status == "failed"
    else:
        assert status == "partial"


@given(passed=counts, failed=counts, errored=counts, could_not_execute=st.booleans())
def test_cancellation_wins_over_every_outcome(passed, failed, errored, could_not_execute):
    assert final_status(passed=passed, failed=failed, errored=errored, cancelled=True,
                        could_not_execute=could_not_execute) == "cancelled"


@given(passed=counts, failed=counts, errored=counts)
def test_a_run_that_could_not_execute_is_an_error_whatever_ran(passed, failed, errored):
    assert final_status(passed=passed, failed=failed, errored=errored, could_not_execute=True) == "error"


def test_errored_tests_count_as_executed_and_not_passed():
    assert final_status(passed=3, failed=0, errored=1) == "partial"
    assert pass_rate(passed=3, failed=0, errored=1) == 75.0


def test_pass_rate_is_none_when_nothing_executed():
    assert pass_rate(passed=0, failed=0, errored=0) is None
