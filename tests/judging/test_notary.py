"""The notary export: what the package holds and that it checks out as its README says."""

import hashlib
import json

import pytest

from contest.errors import NotPermitted, StateConflict
from judging.models import AuditLog, ResultSnapshot
from judging.services.notary import notary_export
from tests.factories.contest import ContestFactory, ContestRoleFactory, StageFactory, UserFactory
from tests.judging.notary_helpers import SCORES, chain_head_recomputed, published_stage, unzip


@pytest.fixture
def published(db):
    return published_stage(ContestFactory())


def test_notary_export_chain_recomputes_to_the_snapshots_head(published):
    snapshot = ResultSnapshot.objects.get(stage=published.stage)

    files = unzip(notary_export(actor=published.organiser, stage=published.stage).content)

    head, rows = chain_head_recomputed(files["chain/audit_chain.jsonl"])
    assert (head, rows) == (snapshot.chain_head, snapshot.chain_rows)
    assert files["chain/head.txt"].decode().split() == [head, str(rows)]
    # the row recorded after the publication is past the snapshot's head: not in the package
    assert AuditLog.objects.filter(contest=published.contest).count() == rows + 1
    assert b"test.after" not in files["chain/audit_chain.jsonl"]


def test_notary_export_snapshot_bytes_hash_to_its_sha256(published):
    snapshot = ResultSnapshot.objects.get(stage=published.stage)

    files = unzip(notary_export(actor=published.organiser, stage=published.stage).content)

    recomputed = hashlib.sha256(files["snapshot/snapshot.json"]).hexdigest()
    assert recomputed == snapshot.sha256
    assert files["snapshot/snapshot.sha256"].decode().split()[0] == snapshot.sha256
    assert json.loads(files["snapshot/snapshot.json"]) == snapshot.data
    manifest = json.loads(files["manifest.json"])
    assert manifest["snapshot"]["sha256_recomputed_matches"] is True
    assert manifest["chain"]["verifies"] is True
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name


def test_notary_export_holds_the_frozen_inputs(published):
    snapshot = ResultSnapshot.objects.get(stage=published.stage)

    files = unzip(notary_export(actor=published.organiser, stage=published.stage).content)

    reviews = json.loads(files["inputs/reviews.json"])
    by_judge = {
        (r["entry"], r["judge_name"]): (r["scores"], r["submitted_at"] is not None) for r in reviews
    }
    for title, per_judge in SCORES.items():
        entry = published.entries[title]
        for judge, (innovation, feasibility) in zip(published.judges, per_judge, strict=True):
            scores, submitted = by_judge[(entry.pk, judge.real_name)]
            assert {k: float(v) for k, v in scores.items()} == {
                "innovation": innovation,
                "feasibility": feasibility,
            }
            assert submitted
    rubrics = json.loads(files["inputs/rubrics.json"])
    assert sorted(c["key"] for r in rubrics for c in r["criteria"]) == ["feasibility", "innovation"]
    overrides = json.loads(files["inputs/overrides.json"])
    assert [(o["entry"], o["reason"]) for o in overrides] == [
        (published.entries["丙"].pk, "评审组合议：路演表现突出")
    ]
    assert json.loads(files["inputs/result_settings.json"]) == snapshot.data["settings"]
    assert json.loads(files["inputs/frozen_inputs.json"]) == snapshot.inputs
    readme = files["README.txt"].decode("utf-8")
    assert "如何核验" in readme and "how to check" in readme
    assert snapshot.sha256 in readme and snapshot.chain_head in readme


def test_notary_export_a_changed_row_fails_the_readme_check(published):
    files = unzip(notary_export(actor=published.organiser, stage=published.stage).content)
    lines = files["chain/audit_chain.jsonl"].decode("utf-8").splitlines()
    first = json.loads(lines[0])
    first["reason"] = "篡改"
    lines[0] = json.dumps(first, ensure_ascii=False)

    with pytest.raises(AssertionError, match="does not match its hash"):
        chain_head_recomputed("\n".join(lines).encode("utf-8"))


def test_notary_export_needs_an_organiser_and_published_results(published):
    with pytest.raises(NotPermitted) as refused:
        notary_export(actor=UserFactory(), stage=published.stage)
    assert refused.value.code == "not_permitted"

    unpublished = StageFactory(contest=published.contest, order=2)
    with pytest.raises(StateConflict) as refused:
        notary_export(actor=published.organiser, stage=unpublished)
    assert refused.value.code == "notary_nothing_published"


def test_notary_export_of_another_contest_is_refused(published):
    other = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=other, user=organiser)

    with pytest.raises(NotPermitted):
        notary_export(actor=organiser, stage=published.stage)
