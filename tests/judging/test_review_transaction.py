"""`review_submit_in_transaction` outside a transaction. Transactional, in a file of its own: the
flush after a transactional test must not land between the other files' tests (pytest-django
runs transactional tests last, `--dist loadfile` keeps a file whole; see
tests/judging/test_recompute_served.py)."""

import pytest
from django.db.transaction import TransactionManagementError

from judging.models import Review
from judging.services.review import assignments_for_review, review_submit_in_transaction
from tests.judging.live_fixtures import scores_for
from tests.judging.test_live import _on_stage, _running

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_review_without_a_savepoint_is_refused_outside_a_transaction():
    """`review_submit_in_transaction` leaves the transaction to its caller: called without one
    (each statement committed on its own) it refuses before it writes anything."""
    world, session = _running(judges=3, teams=2)
    entry = _on_stage(session)
    assignment = assignments_for_review(judge=world.judges[0]).get(
        stage_id=session.stage_id, entry_id=entry, judge_id=world.judges[0].pk
    )
    with pytest.raises(TransactionManagementError):
        review_submit_in_transaction(
            actor=world.judges[0], assignment=assignment, scores=scores_for(80)
        )
    assert not Review.objects.filter(entry_id=entry).exists()
