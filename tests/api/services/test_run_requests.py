"""A batch as it arrives: JSON records or a CSV upload, each with its fingerprint."""

from __future__ import annotations

import pytest

from api.services.run_requests import csv_request, parse_csv, records_request
from optimizer.domain import DistanceKind, InputError, Objective

CSV = b"convict_id,sex,age,security_level,home_region\nC1,M,30,medium,KZ-75\n"


def test_the_same_batch_has_the_same_fingerprint_and_options_change_it() -> None:
    records = [{"convict_id": "C1", "sex": "M", "age": "30"}]
    first = records_request(records, Objective.MIN_DISTANCE, DistanceKind.GREAT_CIRCLE)
    again = records_request(records, Objective.MIN_DISTANCE, DistanceKind.GREAT_CIRCLE)
    other = records_request(records, Objective.MIN_DISTANCE, DistanceKind.RAIL)
    assert first.digest == again.digest != other.digest
    assert (first.file, list(first.raw["convict_id"])) == ("convicts", ["C1"])


def test_no_records_is_a_header_without_rows() -> None:
    empty = records_request([], Objective.MIN_DISTANCE, DistanceKind.GREAT_CIRCLE)
    assert len(empty.raw) == 0 and "convict_id" in empty.raw.columns


def test_a_csv_is_read_as_text_and_named_by_its_file() -> None:
    request = csv_request(CSV, "batch.csv", Objective.MIN_DISTANCE, DistanceKind.GREAT_CIRCLE)
    assert (request.file, request.raw.loc[0, "age"]) == ("batch.csv", "30")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "not UTF-8 text"),
        (b"a,b\n1,\x00\n", "the file contains NUL characters"),
        (b"  \n", "the file is empty"),
    ],
)
def test_an_unreadable_csv_is_an_input_error(content: bytes, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_csv(content, "batch.csv")
    [problem] = refused.value.problems
    assert (problem.file, problem.message.startswith(message)) == ("batch.csv", True)
