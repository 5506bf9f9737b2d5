"""When a reader says it was made: now, or ``SOURCE_DATE_EPOCH`` for reproducible builds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from citekit.course.buildtime import build_time, w3c_date
from citekit.errors import UsageError


def test_source_date_epoch_pins_the_time() -> None:
    assert build_time({"SOURCE_DATE_EPOCH": "1493640000"}) == datetime(2017, 5, 1, 12, tzinfo=UTC)
    assert build_time({"SOURCE_DATE_EPOCH": " 0 "}) == datetime(1970, 1, 1, tzinfo=UTC)


def test_without_it_the_time_is_now_in_whole_seconds() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    moment = build_time({"SOURCE_DATE_EPOCH": ""})
    assert before <= moment <= datetime.now(UTC)
    assert moment.microsecond == 0 and moment.tzinfo is UTC


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_a_malformed_value_is_an_error_naming_the_variable(value: str) -> None:
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        build_time({"SOURCE_DATE_EPOCH": value})


def test_w3c_date() -> None:
    assert w3c_date(datetime(2017, 5, 1, 12, tzinfo=UTC)) == "2017-05-01T12:00:00Z"
