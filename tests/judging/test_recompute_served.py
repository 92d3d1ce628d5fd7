"""Recompute in a served process without a broker (config/serving.py): the process's own timer
thread runs it after the delay. Transactional, in a file of its own: the timer thread reads what
the test committed, and the flush after a transactional test must not land between the other
files' tests (pytest-django runs transactional tests last, `--dist loadfile` keeps a file whole)."""

import pytest

from judging.models import EntryResult, ResultState
from judging.services import recompute
from judging.services.review import review_submit
from tests.judging.test_recompute import burst_world, scores  # noqa: F401, F811 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_in_a_served_process_without_a_broker_a_timer_thread_runs_one_recompute(
    burst_world,  # noqa: F811 (the imported fixture)
    monkeypatch,
    settings,
):
    """config.serving: the web process's own timer thread runs the recompute after the delay,
    once for the submits of those seconds; no submit (and no request thread) runs one."""
    import threading
    import time

    world = burst_world
    settings.RESULTS_RECOMPUTE_DELAY = 1.0
    monkeypatch.setattr(recompute, "_background", True)
    threads = []
    real_run = recompute.results_recompute_run

    def run(**kwargs):
        threads.append(threading.current_thread().name)
        return real_run(**kwargs)

    monkeypatch.setattr(recompute, "results_recompute_run", run)
    for i, assignment in enumerate(world.assignments[:3]):
        review_submit(actor=world.judge, assignment=assignment, scores=scores(i))
    assert threads == [] and EntryResult.objects.count() == 0
    deadline = time.monotonic() + 20
    while EntryResult.objects.filter(review_count=1).count() < 3:
        assert time.monotonic() < deadline, "the timer thread did not recompute"
        time.sleep(0.05)
    for thread in threading.enumerate():  # its last write and its connection's close
        if thread.name.startswith("results-recompute-"):
            thread.join(20)
    assert threads == [f"results-recompute-{world.stage.pk}"]
    state = ResultState.objects.get(stage=world.stage)
    assert state.recomputes == 1 and state.dirty_since is None
