"""The cycle collector pause leaves the collector as it found it, even on an error."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from citekit.base.collector import cycle_collection_paused


@pytest.fixture
def restore_collector() -> Iterator[None]:
    was_enabled = gc.isenabled()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


@pytest.mark.usefixtures("restore_collector")
@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_off_inside_and_as_before_after(enabled_before: bool) -> None:
    if enabled_before:
        gc.enable()
    else:
        gc.disable()
    with cycle_collection_paused():
        assert not gc.isenabled()
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not end the outer one
    assert gc.isenabled() is enabled_before


@pytest.mark.usefixtures("restore_collector")
def test_an_error_inside_turns_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="inside"), cycle_collection_paused():
        raise ValueError("inside")
    assert gc.isenabled()
