"""Diagnostics locate problems; exceptions carry their exit codes."""

from __future__ import annotations

from citekit.errors import (
    CitekitError,
    Diagnostic,
    ParseError,
    Severity,
    UnknownKeyError,
    UnknownStyleError,
    UsageError,
)


def test_diagnostic_names_file_line_entry_and_field() -> None:
    d = Diagnostic(
        Severity.ERROR, "bad-date", "month 13", file="a.bib", line=12, key="smith2020", field="date"
    )
    assert str(d) == "a.bib:12, entry 'smith2020', field 'date': error: month 13 [bad-date]"
    assert d.to_json()["line"] == 12


def test_diagnostic_without_location_says_input() -> None:
    assert Diagnostic(Severity.WARNING, "x", "y").location() == "<input>"


def test_exit_codes_follow_the_cli_convention() -> None:
    assert CitekitError("x").exit_code == 1
    assert UsageError("x").exit_code == 2
    assert ParseError("x").exit_code == 1


def test_usage_errors_carry_suggestions() -> None:
    exc = UnknownStyleError("unknown style 'apa7'", suggestions=["apa", "apa-6th-edition"])
    assert exc.suggestions == ("apa", "apa-6th-edition")
    assert "did you mean: apa, apa-6th-edition?" in str(exc)


def test_unknown_key_is_a_key_error_with_a_readable_message() -> None:
    exc = UnknownKeyError("no record 'x'")
    assert isinstance(exc, KeyError)
    assert str(exc) == "no record 'x'"


def test_parse_error_keeps_its_diagnostics() -> None:
    d = Diagnostic(Severity.ERROR, "c", "m")
    assert ParseError("m", [d]).diagnostics == [d]
