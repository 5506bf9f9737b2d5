"""Shared CLI conventions: progress bars only on a terminal, never lost items."""

from __future__ import annotations

import pytest

from citekit.cli import _common


def test_without_a_terminal_items_pass_through_silently(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert list(_common.progress_iter(["a", "b", "c"], "working")) == ["a", "b", "c"]
    with _common.progress_callback("working", 10) as step:
        assert step is None
    assert capsys.readouterr().err == ""


def test_on_a_terminal_a_bar_is_drawn_and_every_item_still_comes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_common, "show_progress", lambda: True)
    assert list(_common.progress_iter(["a", "b", "c"], "working")) == ["a", "b", "c"]
    with _common.progress_callback("building", 3) as step:
        assert step is not None
        for _ in range(3):
            step(1)
    err = capsys.readouterr().err
    assert "working" in err and "building" in err


def test_a_single_item_needs_no_bar(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_common, "show_progress", lambda: True)
    assert list(_common.progress_iter(["only"], "working")) == ["only"]
    assert capsys.readouterr().err == ""
