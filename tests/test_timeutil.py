"""Time helpers as pure functions: wall-clock times in a zone and aware UTC."""
from datetime import datetime, timezone

import pytest

from ppi.core.timeutil import as_utc, local_to_utc, utc_to_local


@pytest.mark.parametrize("local, zone, expected", [
    (datetime(2027, 1, 15, 12, 0), "Europe/Copenhagen", datetime(2027, 1, 15, 11, 0, tzinfo=timezone.utc)),  # CET
    (datetime(2027, 7, 15, 12, 0), "Europe/Copenhagen", datetime(2027, 7, 15, 10, 0, tzinfo=timezone.utc)),  # CEST
    (datetime(2027, 1, 15, 12, 0), "America/New_York", datetime(2027, 1, 15, 17, 0, tzinfo=timezone.utc)),
    (datetime(2027, 3, 28, 2, 30), "Europe/Copenhagen", datetime(2027, 3, 28, 1, 30, tzinfo=timezone.utc)),  # in the DST gap
    (datetime(2027, 1, 15, 12, 0), "UTC", datetime(2027, 1, 15, 12, 0, tzinfo=timezone.utc)),
])
def test_a_wall_clock_time_becomes_the_right_instant(local, zone, expected):
    assert local_to_utc(local, zone) == expected


@pytest.mark.parametrize("zone", ["Europe/Copenhagen", "Europe/Bucharest", "America/New_York", "Asia/Tokyo"])
def test_local_and_utc_round_trip(zone):
    typed = datetime(2027, 10, 5, 9, 15)
    assert utc_to_local(local_to_utc(typed, zone), zone) == typed


def test_a_naive_time_is_refused_as_utc():
    with pytest.raises(ValueError):
        as_utc(datetime(2027, 1, 1))
