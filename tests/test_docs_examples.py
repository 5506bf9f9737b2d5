"""Every example in ``docs/*.md`` that shows output prints what the page shows.

``>>>`` sessions and ``$ citekit ...`` lines are found and run by
``tests/examples_runner.py``; two kinds of example particular to one page
are run here: the per-style outputs of docs/quotations.md (three clusters
given once in the text) and the JSON session of docs/server.md.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from citekit.server import Server, encode_response


def _runner() -> ModuleType:
    """``tests/examples_runner.py``, loaded by path (the suite imports in importlib mode)."""
    if "examples_runner" in sys.modules:
        return sys.modules["examples_runner"]
    path = Path(__file__).with_name("examples_runner.py")
    spec = importlib.util.spec_from_file_location("examples_runner", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["examples_runner"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


runner = _runner()
DOCS = runner.ROOT / "docs"
SESSIONS = [s for page in sorted(DOCS.glob("*.md")) for s in runner.sessions(page)]
COMMANDS = [c for page in sorted(DOCS.glob("*.md")) for c in runner.commands(page)]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy: Path = runner.workspace(tmp_path_factory.mktemp("docs"))
    return copy


def test_the_docs_have_examples() -> None:
    assert len(COMMANDS) >= 5
    assert any(s.path.name == "server.md" for s in SESSIONS)


@pytest.mark.parametrize("session", SESSIONS, ids=[s.name for s in SESSIONS])
def test_python_example_prints_what_the_page_shows(session: object, workspace: Path) -> None:
    assert runner.run_session(session, workspace) == []


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_command_prints_what_the_page_shows(command: object, workspace: Path) -> None:
    runner.check_command(command, workspace)


# ---------------------------------------------------------------------------
# docs/quotations.md: one style per block, the clusters named in the text
# ---------------------------------------------------------------------------

QUOTATIONS = DOCS / "quotations.md"


def _family_examples() -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """The clusters the page names and each ``**style**`` block under them."""
    text = QUOTATIONS.read_text(encoding="utf-8")
    intro = re.search(
        r"These outputs come from .*?three clusters in order: (.*?)\.\n", text, re.DOTALL
    )
    assert intro is not None, "docs/quotations.md no longer names its three clusters"
    clusters = [c.strip('"') for c in re.findall(r"`([^`]+)`", intro[1])]
    section = text[intro.end() : text.index("\n### ", intro.end())]
    found: list[tuple[str, tuple[str, ...]]] = []
    for match in re.finditer(
        r"^\*\*([a-z0-9-]+)\*\*.*?```text\n(.*?)```", section, re.DOTALL | re.MULTILINE
    ):
        found.append((match[1], tuple(match[2].rstrip("\n").split("\n"))))
    return clusters, found


CLUSTERS, FAMILIES = _family_examples()


def test_the_quotation_page_shows_five_styles() -> None:
    assert len(CLUSTERS) == 3
    assert len(FAMILIES) >= 5


@pytest.mark.slow
@pytest.mark.parametrize(("style", "expected"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_quoted_in_outputs_are_what_citekit_cite_prints(
    style: str, expected: tuple[str, ...], workspace: Path
) -> None:
    quoted = " ".join(f"'{c}'" for c in CLUSTERS)
    command = runner.Command(
        QUOTATIONS, 0, f"citekit cite {quoted} --style {style} --with-bibliography", expected
    )
    runner.check_command(command, workspace)


# ---------------------------------------------------------------------------
# docs/server.md: the session, request by request
# ---------------------------------------------------------------------------


def _transcript() -> list[tuple[str, str]]:
    """The ``>`` requests of docs/server.md's session, each with the ``<`` answer shown."""
    page = DOCS / "server.md"
    session = next(
        b
        for b in runner.blocks(page.read_text(encoding="utf-8"))
        if b.lang == "text" and any(line.startswith("> ") for line in b.lines)
    )
    pairs: list[tuple[str, str]] = []
    for line in session.lines:
        if line.startswith("> "):
            pairs.append((line[2:], ""))
        elif line.startswith("< "):
            pairs[-1] = (pairs[-1][0], line[2:])
    return pairs


def _pattern(shown: str) -> re.Pattern[str]:
    """What an answer shown with ``...`` elisions matches."""
    return re.compile(".*?".join(re.escape(part) for part in shown.split("...")))


def test_the_server_session_answers_as_shown(workspace: Path) -> None:
    pairs = _transcript()
    assert len(pairs) >= 5
    server = Server(root=workspace)
    for request, shown in pairs:
        response = server.handle_line(request)
        assert response is not None
        answer = encode_response(response)
        assert _pattern(shown).fullmatch(answer), f"> {request}\nshown: {shown}\ngot:   {answer}"
    assert not server.running  # the session ends with shutdown
