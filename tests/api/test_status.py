"""The status vocabularies: the words stored and published."""

from __future__ import annotations

from api import schemas
from api.status import UNFINISHED_BENCHMARKS, BenchmarkStatus, RunStatus, TransferStatus


def test_each_vocabulary_has_its_stored_words() -> None:
    assert [s.value for s in RunStatus] == ["solved", "committed"]
    assert [s.value for s in TransferStatus] == [
        "evaluated",
        "awaiting-approval",
        "granted",
        "denied",
        "wait-listed",
    ]
    assert [s.value for s in BenchmarkStatus] == ["queued", "running", "done", "failed"]
    assert set(UNFINISHED_BENCHMARKS) == {BenchmarkStatus.QUEUED, BenchmarkStatus.RUNNING}


def test_the_schemas_publish_the_same_enums() -> None:
    assert schemas.RunStatus is RunStatus
    assert schemas.TransferStatus is TransferStatus
    assert schemas.BenchmarkStatus is BenchmarkStatus
