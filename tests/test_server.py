"""``citekit serve --stdio`` driven through a real subprocess, line by line."""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.base.paths import ALLOW_ENV
from citekit.documents.editor import MAX_CITES_PER_CLUSTER
from citekit.server import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    PARSE_ERROR,
    USAGE_ERROR,
    Server,
    complete,
    encode_response,
)
from citekit.styles.catalog import find_style

ITEMS = [
    {
        "id": "doe2000",
        "type": "book",
        "title": "First Book",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2000]]},
    },
    {
        "id": "smith2004",
        "type": "book",
        "title": "Salt and Stone",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2004]]},
    },
    {
        "id": "dobbs1999",
        "type": "book",
        "title": "Harbour Lights",
        "author": [{"family": "Dobbs", "given": "Dan"}],
        "issued": {"date-parts": [[1999]]},
    },
]


class Client:
    """Writes one request line, reads one response line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def send_raw(self, line: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, "the server closed its output"
        response: dict[str, Any] = json.loads(answer)
        return response

    def call(self, ident: int, method: str, **params: Any) -> dict[str, Any]:
        return self.send_raw(json.dumps({"id": ident, "method": method, "params": params}))


@contextmanager
def serving(
    cwd: Path, *options: str, env: dict[str, str] | None = None, memory: int | None = None
) -> Iterator[Client]:
    """A real ``citekit serve --stdio`` in ``cwd`` (its project), killed afterwards.

    ``memory`` caps the address space (bytes), so a runaway read fails
    inside the server instead of filling the machine.
    """
    environment = {k: v for k, v in os.environ.items() if k != ALLOW_ENV} | (env or {})

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    process = subprocess.Popen(
        [sys.executable, "-m", "citekit", "serve", "--stdio", *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=environment,
        preexec_fn=limit,
    )
    try:
        yield Client(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    with serving(tmp_path) as running:
        yield running


def test_a_session_from_open_to_shutdown(client: Client, tmp_path: Path) -> None:
    library = tmp_path / "refs.json"
    library.write_text(json.dumps(ITEMS), encoding="utf-8")
    opened = client.call(1, "open", library=str(library), style="oscola")
    assert opened["id"] == 1
    assert opened["result"]["records"] == 3
    assert opened["result"]["style"]["class"] == "note"

    first = client.call(2, "add_cluster", cluster="[@doe2000, p. 3]")["result"]
    assert first["changed"][0]["id"] == "c1"
    assert first["changed"][0]["note-number"] == 1
    assert first["bibliography-changed"] is True

    second = client.call(
        3, "add_cluster", cluster={"items": [{"id": "doe2000", "locator": "3", "label": "page"}]}
    )["result"]
    assert second["changed"] == [{"id": "c2", "index": 1, "text": "ibid.", "note-number": 2}]
    assert second["bibliography"] is None

    inserted = client.call(4, "insert_cluster", index=1, cluster="[@smith2004]")["result"]
    changed = {c["id"]: c for c in inserted["changed"]}
    assert set(changed) == {"c3", "c2"}
    assert changed["c2"]["text"] != "ibid." and changed["c2"]["note-number"] == 3

    updated = client.call(5, "update_cluster", id="c3", cluster="[@dobbs1999]")["result"]
    assert "Dobbs" in updated["changed"][0]["text"]
    moved = client.call(6, "move_cluster", id="c3", to=2)["result"]
    assert any(c["id"] == "c3" and c["index"] == 2 for c in moved["changed"])
    removed = client.call(7, "remove_cluster", index=0)["result"]
    assert removed["removed"] == ["c1"]

    listing = client.call(8, "clusters")["result"]
    assert [c["id"] for c in listing] == ["c2", "c3"]
    bibliography = client.call(9, "bibliography", format="html")["result"]
    assert {e["id"] for e in bibliography["entries"]} == {"doe2000", "dobbs1999"}
    assert "<i>" in " ".join(e["text"] for e in bibliography["entries"])

    matches = client.call(10, "complete", prefix="do")["result"]
    assert [m["key"] for m in matches] == ["dobbs1999", "doe2000"]
    assert matches[1] == {
        "key": "doe2000",
        "author": "John Doe",
        "year": 2000,
        "title": "First Book",
    }
    assert [m["key"] for m in client.call(11, "complete", prefix="salt")["result"]] == ["smith2004"]
    styles = client.call(12, "styles", query="apa", limit=5)["result"]
    assert any(s["id"] == "apa" for s in styles) and len(styles) <= 5

    assert client.call(13, "shutdown") == {"id": 13, "result": None}
    assert client.process.wait(timeout=30) == 0


@pytest.mark.slow
def test_malformed_requests_get_errors_and_the_server_survives(client: Client) -> None:
    assert client.send_raw("this is not json")["error"]["code"] == -32700
    assert client.send_raw("[1, 2]")["error"]["code"] == -32600
    assert client.send_raw('{"id": 1}')["error"]["code"] == -32600
    unknown = client.call(2, "frobnicate")
    assert unknown["id"] == 2 and unknown["error"]["code"] == -32601
    assert client.call(3, "add_cluster", cluster="[@x]")["error"]["code"] == 3  # nothing open
    assert client.send_raw('{"id": 4, "method": "open", "params": [1]}')["error"]["code"] == -32602
    assert client.call(5, "open")["error"]["code"] == -32602
    assert client.call(6, "open", items=ITEMS, style="no-such-style")["error"]["code"] == 2
    assert client.call(7, "open", library="/no/such/file.bib")["error"]["code"] in (1, 2)
    assert client.call(8, "open", items=[{"title": "no id"}])["error"]["code"] == -32602
    assert "result" in client.call(9, "open", items=ITEMS, style="apa")
    assert client.call(10, "add_cluster")["error"]["code"] == -32602
    assert client.call(11, "add_cluster", cluster={"items": []})["error"]["code"] == -32602
    assert client.call(12, "add_cluster", cluster="[@doe2000")["error"]["code"] == -32602
    assert client.call(13, "remove_cluster", id="c9")["error"]["code"] == 2
    assert client.call(14, "move_cluster", id="c1", to="x")["error"]["code"] == -32602
    ok = client.call(15, "add_cluster", cluster="[@doe2000]")
    assert ok["result"]["changed"][0]["text"] == "(Doe, 2000)"
    assert client.process.stdin is not None
    client.process.stdin.close()  # end of input ends the server cleanly
    assert client.process.wait(timeout=30) == 0


def test_handle_line_skips_blank_lines_and_answers_in_process() -> None:
    server = Server()
    assert server.handle_line("   \n") is None
    response = server.handle_line(
        json.dumps({"id": "a", "method": "open", "params": {"items": ITEMS}})
    )
    assert response is not None and response["result"]["records"] == 3


def test_completion_ranks_key_prefixes_before_word_matches() -> None:
    server = Server()
    server.handle_line(json.dumps({"id": 1, "method": "open", "params": {"items": ITEMS}}))
    keys = [c.key for c in complete(server.candidates, "s", 10)]
    assert keys[0] == "smith2004"  # key prefix first, then "Salt and Stone"/"Smith" words
    assert [c.key for c in complete(server.candidates, "harbour dobbs", 10)] == ["dobbs1999"]
    assert [c.key for c in complete(server.candidates, "@doe", 10)] == ["doe2000"]


def test_completion_shows_and_matches_plain_text_not_markup() -> None:
    """Titles read from BibTeX carry nocase spans; completion sees the words only."""
    items = [
        {
            "id": "t2018",
            "type": "article-newspaper",
            "title": '<span class="nocase">Trump</span> Should Meet <i>Kim</i>',
            "author": [{"family": "<i>Roe</i>", "given": "Ann"}],
            "issued": {"date-parts": [[2018]]},
        }
    ]
    server = Server()
    server.handle_line(json.dumps({"id": 1, "method": "open", "params": {"items": items}}))
    [candidate] = complete(server.candidates, "trump should", 10)
    assert candidate.to_json() == {
        "key": "t2018",
        "author": "Ann Roe",
        "year": 2018,
        "title": "Trump Should Meet Kim",
    }
    assert complete(server.candidates, "nocase", 10) == []
    assert complete(server.candidates, "span", 10) == []


def test_opening_a_missing_library_names_the_file(tmp_path: Path) -> None:
    server = Server(root=tmp_path)
    missing = str(tmp_path / "nope.bib")
    response = server.handle_line(
        json.dumps({"id": 1, "method": "open", "params": {"library": missing}})
    )
    assert response is not None
    assert response["error"]["message"] == f"no such library file: {missing}"
    folder = server.handle_line(
        json.dumps({"id": 2, "method": "open", "params": {"library": str(tmp_path)}})
    )
    assert folder is not None and "is a directory" in folder["error"]["message"]


# -- files a request names stay inside the project --------------------------------


SECRET = "@misc{secretkey, title={TOP SECRET hunter2}}\n"


def _project(tmp_path: Path) -> Path:
    """``project/refs.json`` beside ``outside/secret.bib``."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.bib").write_text(SECRET, encoding="utf-8")
    return project


def test_a_library_outside_the_project_is_refused_by_name(tmp_path: Path) -> None:
    """Regression: ``open`` read any path and ``complete`` showed its content."""
    project = _project(tmp_path)
    secret = tmp_path / "outside" / "secret.bib"
    with serving(project) as server:
        for ident, raw in enumerate(
            ["../outside/secret.bib", str(secret), "sub/../../outside/secret.bib"]
        ):
            answer = server.call(ident, "open", library=raw)
            assert answer["error"]["code"] == USAGE_ERROR
            assert answer["error"]["message"].startswith(
                f"library file '{raw}' is outside the project folder {project}"
            )
            assert ALLOW_ENV in answer["error"]["message"]
            assert "--allow" in answer["error"]["message"]
        assert server.call(5, "complete", prefix="")["error"]["code"] == 3  # nothing open
        # "-" is a file name here, never the server's own stdin (the protocol)
        assert server.call(6, "open", library="-")["error"]["message"] == "no such library file: -"
        assert server.call(7, "open", library="refs.json")["result"]["records"] == 3
        assert "hunter2" not in json.dumps(server.call(8, "complete", prefix=""))


@pytest.mark.parametrize("how", ["--allow", "env"])
def test_folders_the_user_allows_can_be_read(tmp_path: Path, how: str) -> None:
    project = _project(tmp_path)
    outside = str(tmp_path / "outside")
    options = ("--allow", outside) if how == "--allow" else ()
    env = {ALLOW_ENV: outside} if how == "env" else None
    with serving(project, *options, env=env) as server:
        assert server.call(1, "open", library="../outside/secret.bib")["result"]["records"] == 1
        [match] = server.call(2, "complete", prefix="secret")["result"]
        assert match["title"] == "TOP SECRET hunter2"


def test_a_style_file_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path)
    apa = Path(find_style("apa").path).read_text(encoding="utf-8")
    (tmp_path / "outside" / "house.csl").write_text(apa, encoding="utf-8")
    (project / "house.csl").write_text(apa, encoding="utf-8")
    with serving(project) as server:
        refused = server.call(1, "open", items=ITEMS, style="../outside/house.csl")
        assert refused["error"]["code"] == USAGE_ERROR
        assert (
            "style file '../outside/house.csl' is outside the project"
            in refused["error"]["message"]
        )
        assert server.call(2, "open", items=ITEMS, style="house.csl")["result"]["records"] == 3
        assert server.call(3, "open", items=ITEMS, style="ieee")["result"]["style"]["id"] == "ieee"


# -- what a request names must be a regular file --------------------------------


def test_dev_zero_and_a_fifo_get_error_answers_not_a_hang(tmp_path: Path) -> None:
    """Regression: /dev/zero grew to 10 GB and a FIFO blocked the server forever."""
    project = _project(tmp_path)
    os.mkfifo(project / "fifo.bib")
    with serving(project, "--allow", "/dev", memory=2 * 1024**3) as server:
        zero = server.call(1, "open", library="/dev/zero")
        assert zero["error"]["code"] == USAGE_ERROR
        assert "/dev/zero is a character device" in zero["error"]["message"]
        fifo = server.call(2, "open", library="fifo.bib")
        assert fifo["error"]["code"] == USAGE_ERROR
        assert "FIFO" in fifo["error"]["message"]
        assert server.call(3, "open", library="refs.json")["result"]["records"] == 3
        assert server.call(4, "shutdown") == {"id": 4, "result": None}
        assert server.process.wait(timeout=60) == 0


# -- only valid JSON goes out ------------------------------------------------------


def _strict(line: str) -> Any:
    """Parse as JSON proper: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(line, parse_constant=refuse)


@pytest.mark.slow
def test_an_id_json_cannot_carry_is_an_invalid_request_with_a_null_id(tmp_path: Path) -> None:
    """Regression: ``"id": NaN`` came back as ``{"id": NaN, ...}``, which is not JSON."""
    with serving(tmp_path) as server:
        assert server.process.stdin is not None and server.process.stdout is not None
        for ident in ["NaN", "Infinity", "-Infinity", "[1, NaN]", '{"a": [Infinity]}']:
            server.process.stdin.write(f'{{"id": {ident}, "method": "styles"}}\n')
            server.process.stdin.flush()
            answer = _strict(server.process.stdout.readline())
            assert answer["id"] is None and answer["error"]["code"] == INVALID_REQUEST
            assert "NaN or Infinity" in answer["error"]["message"]
            after = _strict(json.dumps(server.call(2, "styles", limit=1)))
            assert after["id"] == 2 and len(after["result"]) == 1


def test_nan_anywhere_else_and_lone_surrogates_still_give_json(tmp_path: Path) -> None:
    lines = [
        '{"id": 1, "method": "open", "params": {"items": [{"id": "a", "type": "book", '
        '"title": NaN, "volume": Infinity}]}}',
        '{"id": 2, "method": "complete", "params": {"prefix": "a", "limit": NaN}}',
        '{"id": "\\ud800", "method": "nope"}',
        '{"id": 3, "method": "add_cluster", "params": {"cluster": "[@a\\udfff]"}}',
        '{"id": 4, "method": "complete", "params": {"prefix": ""}}',
        '{"id": "a\\u2028b\\u0085c\\u2029", "method": "nope"}',
    ]
    process = subprocess.run(
        [sys.executable, "-m", "citekit", "serve", "--stdio"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr
    answers = [_strict(line) for line in process.stdout.splitlines()]
    assert [a["id"] for a in answers] == [1, 2, "\ud800", 3, 4, "a\u2028b\x85c\u2029"]


# -- a cluster of absurd size --------------------------------------------------------


@pytest.mark.slow
def test_a_cluster_of_20000_cites_is_refused_at_once(tmp_path: Path) -> None:
    """Regression: one cluster of 20,000 cites kept the server busy for over a minute."""
    items = [
        {"id": f"k{i}", "type": "book", "title": f"T{i}", "author": [{"family": f"Doe{i % 7}"}]}
        for i in range(20_000)
    ]
    with serving(tmp_path) as server:
        assert server.call(1, "open", items=items)["result"]["records"] == 20_000
        keys = [f"k{i}" for i in range(20_000)]
        for ident, cluster in enumerate(
            [{"items": keys}, "[" + "; ".join(f"@{k}" for k in keys) + "]"], 2
        ):
            answer = server.call(ident, "add_cluster", cluster=cluster)
            assert answer["error"]["code"] == USAGE_ERROR
            assert answer["error"]["message"] == (
                f"a cluster holds 20,000 cites; the most one cluster may hold is "
                f"{MAX_CITES_PER_CLUSTER:,} (split it into several clusters)"
            )
        largest = server.call(4, "add_cluster", cluster={"items": keys[:MAX_CITES_PER_CLUSTER]})[
            "result"
        ]
        assert largest["changed"][0]["text"].startswith("(Doe0")
        assert server.call(5, "clusters")["result"][0]["id"] == "c1"


# -- a dependent style's parent ------------------------------------------------------


def test_a_dependent_style_never_loads_its_parent_from_the_working_folder(tmp_path: Path) -> None:
    """Regression: a parent link ending in ``x.csl`` loaded ``./x.csl`` from the cwd."""
    apa = Path(find_style("apa").path).read_text(encoding="utf-8")
    planted = apa.replace("<title>APA Style 7th edition</title>", "<title>PLANTED</title>", 1)
    (tmp_path / "x.csl").write_text(planted, encoding="utf-8")
    (tmp_path / "child.csl").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl"'
        ' version="1.0"><info><title>Child</title><id>http://example.org/child</id>'
        '<link href="http://www.zotero.org/styles/x.csl" rel="independent-parent"/>'
        "</info></style>\n",
        encoding="utf-8",
    )
    with serving(tmp_path) as server:
        answer = server.call(1, "open", items=ITEMS, style="child.csl")
        assert answer["error"]["code"] == 1
        assert "independent parent 'x.csl' is not installed" in answer["error"]["message"]
        assert "PLANTED" not in json.dumps(answer)


def test_encode_response_writes_only_strict_json_on_one_line() -> None:
    """Whatever a result holds, the line sent is JSON proper (the last line of defence)."""
    bad = encode_response({"id": 1, "result": {"x": float("nan")}})
    assert _strict(bad) == {
        "id": 1,
        "error": {
            "code": -32603,
            "message": (
                "internal error: the answer cannot be written as JSON (Out of range float values "
                "are not JSON compliant)"
            ),
        },
    }
    assert _strict(encode_response({"id": float("inf"), "result": 1}))["id"] is None
    lone = encode_response({"id": "\ud800", "result": "a\u2028b"})
    assert lone == '{"id": "\\ud800", "result": "a\\u2028b"}'
    assert _strict(lone) == {"id": "\ud800", "result": "a\u2028b"}
    assert encode_response({"id": 1, "result": "é"}) == '{"id": 1, "result": "é"}'


# ---------------------------------------------------------------------------
# One set of names for the server and CitationDocument (issue 15)
# ---------------------------------------------------------------------------


def _ask(server: Server, method: str, **params: Any) -> Any:
    response = server.handle_line(json.dumps({"id": 1, "method": method, "params": params}))
    assert response is not None
    assert "error" not in response, response
    return response["result"]


def _open(server: Server) -> None:
    _ask(server, "open", items=ITEMS, style="apa")


def test_every_document_method_has_the_python_name() -> None:
    # was add_cluster/insert_cluster/... against CitationDocument.add/insert/...
    from citekit.documents.editor import CitationDocument

    server = Server()
    shared = {
        "add",
        "insert",
        "update",
        "remove",
        "move",
        "extend",
        "set_style",
        "rendered",
        "bibliography",
    }
    assert shared <= set(server.methods)
    for name in shared:
        assert callable(getattr(CitationDocument, name, None)) or name == "bibliography", name


def test_the_new_names_run_a_whole_session() -> None:
    server = Server()
    _open(server)
    assert [c["text"] for c in _ask(server, "add", cluster="[@doe2000, p. 3]")["changed"]] == [
        "(Doe, 2000, p. 3)"
    ]
    assert (
        _ask(server, "insert", index=0, cluster=["@smith2004"])["changed"][0]["text"]
        == "(Smith, 2004)"
    )
    assert (
        _ask(server, "update", index=0, cluster="@dobbs1999")["changed"][0]["text"]
        == "(Dobbs, 1999)"
    )
    assert _ask(server, "move", index=0, to=1)["changed"][0]["index"] == 1
    assert (
        _ask(server, "extend", clusters=["@smith2004", {"items": ["smith2004"]}])["changed"][-1][
            "index"
        ]
        == 3
    )
    assert [c["text"] for c in _ask(server, "rendered")] == [
        "(Doe, 2000, p. 3)",
        "(Dobbs, 1999)",
        "(Smith, 2004)",
        "(Smith, 2004)",
    ]
    assert _ask(server, "remove", index=3)["removed"] == ["c4"]
    assert (
        _ask(server, "set_style", style="chicago-author-date")["changed"][0]["text"]
        == "(Doe 2000, 3)"
    )
    assert [e["id"] for e in _ask(server, "bibliography")["entries"]] == [
        "dobbs1999",
        "doe2000",
        "smith2004",
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("add_cluster", "add"),
        ("insert_cluster", "insert"),
        ("update_cluster", "update"),
        ("remove_cluster", "remove"),
        ("move_cluster", "move"),
        ("clusters", "rendered"),
    ],
)
def test_the_old_names_still_work_as_deprecated_aliases(old: str, new: str) -> None:
    from citekit.server import DEPRECATED_ALIASES

    assert DEPRECATED_ALIASES[old] == new
    by_name: dict[str, dict[str, Any]] = {
        "add_cluster": {"cluster": "@smith2004"},
        "insert_cluster": {"index": 0, "cluster": "@smith2004"},
        "update_cluster": {"index": 0, "cluster": "@smith2004"},
        "remove_cluster": {"index": 0},
        "move_cluster": {"index": 0, "to": 1},
        "clusters": {},
    }
    params = by_name[old]
    answers = []
    for name in (old, new):
        server = Server()
        _open(server)
        _ask(server, "add", cluster="@doe2000")
        _ask(server, "add", cluster="@dobbs1999")
        answers.append(_ask(server, name, **params))
    assert answers[0] == answers[1]


def test_unknown_method_lists_the_current_names_only() -> None:
    response = Server().handle_line('{"id": 1, "method": "frobnicate"}')
    assert response is not None
    message = response["error"]["message"]
    assert "add, bibliography, complete, extend" in message
    assert "add_cluster" not in message


def test_an_unknown_key_comes_with_a_typed_problem_and_keys_take_an_at() -> None:
    server = Server()
    _ask(server, "open", items=ITEMS, style="apa", **{"bibliography-keys": ["@smith2004"]})
    update = _ask(server, "add", cluster={"items": [{"id": "@doe2001"}]})
    assert update["changed"][0]["text"] == "[unknown: doe2001]"
    [problem] = update["problems"]
    assert problem["code"] == "unknown-key" and problem["key"] == "doe2001"
    assert problem["suggestions"][0] == "doe2000"
    assert update["warnings"] == [problem["message"]]
    assert [e["id"] for e in update["bibliography"]] == ["smith2004"]


def test_prefixes_from_json_items_are_spaced() -> None:
    # was "(seeDoe, 2000)"
    server = Server()
    _open(server)
    update = _ask(server, "add", cluster={"items": [{"id": "doe2000", "prefix": "see"}]})
    assert update["changed"][0]["text"] == "(see Doe, 2000)"


def test_a_saved_document_opens_in_one_request(client: Client) -> None:
    """``open`` with ``clusters`` renders them at once, as one ``add`` after another would."""
    saved = ["[@doe2000, p. 3]", ["smith2004"], {"items": [{"id": "doe2000"}], "id": "back"}]
    opened = client.call(1, "open", items=ITEMS, style="chicago-notes-bibliography", clusters=saved)
    update = opened["result"]["update"]
    assert [c["id"] for c in update["changed"]] == ["c1", "c2", "back"]
    assert update["bibliography-changed"] is True

    client.call(2, "open", items=ITEMS, style="chicago-notes-bibliography")
    one_by_one = [client.call(3 + i, "add", cluster=c)["result"] for i, c in enumerate(saved)]
    listing = client.call(9, "rendered")["result"]
    assert [c["text"] for c in update["changed"]] == [c["text"] for c in listing]
    assert one_by_one[-1]["changed"][-1]["id"] == "back"

    # a bad cluster refuses the whole open and keeps the document that was open
    refused = client.call(10, "open", items=ITEMS, clusters=["[@doe2000]", {"items": []}])
    assert refused["error"]["code"] == -32602
    assert client.call(11, "rendered")["result"] == listing


# ---------------------------------------------------------------------------
# Robustness: The JSON server answers every request line once, whatever the line holds.
# ---------------------------------------------------------------------------

ODD_REQUEST_ITEMS = [
    {"id": "a", "type": "book", "title": "A", "author": [{"family": "Doe"}]},
    {"id": "b", "type": "article-journal", "title": "B", "issued": {"date-parts": [[2001]]}},
]
METHODS = [
    "open",
    "add_cluster",
    "insert_cluster",
    "update_cluster",
    "remove_cluster",
    "move_cluster",
    "clusters",
    "bibliography",
    "complete",
    "styles",
    "shutdown",
    "nope",
]
PARAMS = [
    "library",
    "items",
    "format",
    "style",
    "locale",
    "engine",
    "bibliography-keys",
    "cluster",
    "index",
    "id",
    "to",
    "prefix",
    "limit",
    "query",
]

scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**30), st.floats(), st.text(max_size=6)
)
any_json = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
item = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", 1]), "type": st.sampled_from(["book", "x"])},
    optional={"title": any_json, "author": any_json, "issued": any_json},
)
cite = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {"id": any_json},
        optional={k: any_json for k in ("locator", "label", "prefix", "suffix", "suppress-author")},
    ),
)
param_value = st.one_of(
    any_json,
    st.lists(item, max_size=3),
    st.sampled_from(
        [
            "apa",
            "chicago-note-bibliography",
            "text",
            "html",
            "[@a, p. 3]",
            "@a",
            "[@missing]",
            "[@a",
            "a",
            "/nonexistent.json",
            "",
            "de-DE",
            "xx",
            "-",
            "../x.bib",
            "/etc/passwd",
            "/dev/zero",
            "x.csl",
            "../x.csl",
            "\ud800",
            "a\udfffb",
        ]
    ),
    st.fixed_dictionaries({"items": st.lists(cite, max_size=3), "note-number": any_json}),
)
request = st.fixed_dictionaries(
    {},
    optional={
        "id": any_json,
        "method": st.one_of(st.sampled_from(METHODS), any_json),
        "params": st.one_of(
            st.dictionaries(st.sampled_from(PARAMS), param_value, max_size=4), any_json
        ),
    },
)
line = st.one_of(
    request.map(json.dumps),
    st.text(max_size=40),
    st.sampled_from(
        [
            "[" * 50_000,
            '{"id": 1',
            "null",
            "[]",
            '"x"',
            "NaN",
            '{"id": NaN, "method": "styles"}',
            '{"id": [-Infinity], "method": "nope"}',
            '{"id": "\\ud800", "method": "clusters"}',
            '{"id": 1, "method": "complete", "params": {"prefix": "\\udc00"}}',
        ]
    ),
)


def _refuse(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _opened() -> Server:
    server = Server()
    response = server.handle_line(
        json.dumps({"id": 0, "method": "open", "params": {"items": ODD_REQUEST_ITEMS}})
    )
    assert response is not None and response["result"]["records"] == 2
    return server


def _check(response: dict[str, Any] | None, text: str) -> None:
    if response is None:
        assert not text.strip()
        return
    assert ("result" in response) != ("error" in response), response
    if "error" in response:
        assert response["error"]["code"] != INTERNAL_ERROR, response
        assert isinstance(response["error"]["message"], str)
    sent = encode_response(response)  # every answer can be sent, as one line of JSON proper
    assert len(sent.splitlines()) == 1  # U+2028 and U+0085 too: one answer, one line
    sent.encode("utf-8")
    assert json.loads(sent, parse_constant=_refuse) is not None


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=5))
def test_every_line_gets_one_answer_and_never_an_internal_error(lines: list[str]) -> None:
    server = _opened()
    for text in lines:
        _check(server.handle_line(text), text)
    if server.running:  # the session still works after whatever came before
        answer = server.handle_line(
            '{"id": "last", "method": "add_cluster", "params": {"cluster": "[@a]"}}'
        )
        assert answer is not None and answer["id"] == "last"
        assert "error" not in answer or answer["error"]["code"] != INTERNAL_ERROR


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=6))
def test_serve_writes_one_valid_json_line_per_request(lines: list[str]) -> None:
    """Through ``serve`` itself: one line of JSON proper per non-blank request line."""
    opening = json.dumps({"id": 0, "method": "open", "params": {"items": ODD_REQUEST_ITEMS}})
    requests = [opening, *(text.replace("\r", " ").replace("\n", " ") for text in lines)]
    out = io.StringIO()
    server = Server()
    server.serve(io.StringIO("\n".join(requests) + "\n"), out)
    answers = [json.loads(text, parse_constant=_refuse) for text in out.getvalue().splitlines()]
    expected = [text for text in requests if text.strip()]
    if not server.running:  # a shutdown ends the session: nothing after it is answered
        expected = expected[: len(answers)]
    assert len(answers) == len(expected)
    assert all(isinstance(a, dict) and ("result" in a) != ("error" in a) for a in answers)


def test_json_nested_beyond_the_decoder_is_a_parse_error() -> None:
    """Regression: ``[`` x 100000 raised RecursionError out of handle_line."""
    response = Server().handle_line("[" * 100_000)
    assert response is not None
    assert response["error"]["code"] == PARSE_ERROR
    assert "nested too deeply" in response["error"]["message"]


def test_a_burst_of_garbage_then_a_valid_request_over_stdio() -> None:
    garbage = [
        "not json",
        "{",
        "[" * 20_000,
        '{"method": 3}',
        '{"id": 1, "method": "nope"}',
        '{"id": 2, "method": "open", "params": []}',
        "\x00\x01",
        '"just a string"',
        '{"id": 3, "method": "add_cluster", "params": {"cluster": "[@a]"}}',
    ]
    requests = [
        *garbage,
        "",
        json.dumps({"id": "open", "method": "open", "params": {"items": ODD_REQUEST_ITEMS}}),
        json.dumps({"id": "cite", "method": "add_cluster", "params": {"cluster": "[@a, p. 3]"}}),
        json.dumps({"id": "bye", "method": "shutdown"}),
    ]
    process = subprocess.run(
        [sys.executable, "-m", "citekit", "serve", "--stdio"],
        input="\n".join(requests) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    answers = [json.loads(text) for text in process.stdout.splitlines()]
    assert len(answers) == len(requests) - 1  # the blank line gets no answer
    assert all("error" in a for a in answers[: len(garbage)])
    assert answers[-3]["result"]["records"] == 2
    assert "Doe" in json.dumps(answers[-2]["result"])
    assert answers[-1] == {"id": "bye", "result": None}
    assert "Traceback" not in process.stderr


# -- "bibliography-diff": answers with what changed in the bibliography -------


def _apply(kept: list[tuple[str, str]], diff: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A client's bibliography after one answer's "bibliography-diff" (docs/server.md)."""
    if diff is None:
        return kept
    texts = dict(kept)
    texts.update((e["id"], e["text"]) for e in diff["entries"])
    order = diff["order"] if diff["order"] is not None else [key for key, _ in kept]
    return [(key, texts[key]) for key in order]


def _open_pair(style: str) -> tuple[Server, Server]:
    """Two servers on the same items: one answering whole bibliographies, one diffs."""
    servers = (Server(), Server())
    for server, diff in zip(servers, (False, True), strict=True):
        params = {"items": ITEMS, "style": style, "bibliography-diff": diff}
        response = server.handle_line(json.dumps({"id": 0, "method": "open", "params": params}))
        assert response is not None and "result" in response, response
    return servers


edit = st.tuples(
    st.sampled_from(["add", "insert", "update", "remove", "move"]),
    st.integers(min_value=0, max_value=6),
    st.lists(st.sampled_from([i["id"] for i in ITEMS] + ["nobody"]), min_size=1, max_size=3),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["apa", "chicago-notes-bibliography", "ieee"]), st.lists(edit, max_size=8))
def test_bibliography_diffs_rebuild_the_whole_bibliography(
    style: str, edits: list[tuple[str, int, list[str]]]
) -> None:
    whole, diffs = _open_pair(style)
    kept: list[tuple[str, str]] = []
    for number, (method, index, keys) in enumerate(edits, 1):
        params: dict[str, Any] = {"cluster": keys, "index": index, "to": index // 2}
        request = json.dumps({"id": number, "method": method, "params": params})
        full, diff = whole.handle_line(request), diffs.handle_line(request)
        assert full is not None and diff is not None
        if "error" in full:
            assert diff.get("error") == full["error"]
            continue
        expected, answer = full["result"], diff["result"]
        assert answer["bibliography"] is None
        assert answer["changed"] == expected["changed"]
        assert answer["bibliography-changed"] == expected["bibliography-changed"]
        assert (answer["bibliography-diff"] is None) == (expected["bibliography"] is None)
        kept = _apply(kept, answer["bibliography-diff"])
        entries = diffs.handle_line('{"id": "b", "method": "bibliography"}')
        assert entries is not None
        now = [(e["id"], e["text"]) for e in entries["result"]["entries"]]
        assert kept == now
        if expected["bibliography"] is not None:
            assert [(e["id"], e["text"]) for e in expected["bibliography"]] == now


def test_a_bibliography_diff_holds_only_new_entries_and_order_when_it_changed() -> None:
    _, server = _open_pair("apa")
    first = server.add({"cluster": ["doe2000"]})["bibliography-diff"]
    assert isinstance(first, dict)
    assert [e["id"] for e in first["entries"]] == ["doe2000"]
    assert first["order"] == ["doe2000"]
    assert server.add({"cluster": ["doe2000"]})["bibliography-diff"] is None  # nothing new
    second = server.add({"cluster": ["smith2004"]})["bibliography-diff"]
    assert isinstance(second, dict)
    assert [e["id"] for e in second["entries"]] == ["smith2004"]  # doe2000 is as it was
    assert second["order"] == ["doe2000", "smith2004"]
    opened = server.open({"items": ITEMS, "clusters": [["dobbs1999"]], "bibliography-diff": True})
    update = opened["update"]
    assert update["bibliography"] is None  # a new document: every entry is new
    assert [e["id"] for e in update["bibliography-diff"]["entries"]] == ["dobbs1999"]


def test_encode_response_keeps_escaping_line_breaks_beside_other_text() -> None:
    """The fast paths (all ASCII; no line-break character) give what escaping everything did."""
    for text in ["plain", "Doe — 2000", "a\u2028b", "é\x85", "\u2029"]:
        sent = encode_response({"id": 1, "result": text})
        assert len(sent.splitlines()) == 1
        assert json.loads(sent)["result"] == text
        escaped = json.dumps({"id": 1, "result": text}, ensure_ascii=False)
        for char in "\x85\u2028\u2029":
            escaped = escaped.replace(char, f"\\u{ord(char):04x}")
        assert sent == escaped


def test_a_server_that_owns_its_process_freezes_an_open_document() -> None:
    """serve --stdio freezes what ``open`` made, so collections skip the library.

    The count before may be above zero: importing the command line freezes
    what its imports made (citekit.cli), and other tests import it.
    """
    before = gc.get_freeze_count()
    shared = Server()  # a server inside someone else's process leaves collection alone
    shared.open({"items": ITEMS})
    assert gc.get_freeze_count() == before
    gc.unfreeze()  # so that the count below is what the server froze
    server = Server(own_process=True)
    try:
        server.open({"items": ITEMS})
        assert gc.get_freeze_count() > 0
        assert server.add({"cluster": ["doe2000"]})["changed"]
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------------------
# A failed request leaves the document as it was
# ---------------------------------------------------------------------------


def _error_of(server: Server, method: str, **params: Any) -> dict[str, Any]:
    response = server.handle_line(json.dumps({"id": 1, "method": method, "params": params}))
    assert response is not None and "error" in response, response
    error: dict[str, Any] = response["error"]
    return error


def test_open_refuses_an_unknown_engine_or_locale(client: Client, tmp_path: Path) -> None:
    # was: accepted; then every add failed (engine) or warned (locale), and a
    # failed add left a half-added cluster: "internal error: KeyError('c1')"
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    refused = client.call(1, "open", library="refs.json", engine="nosuch")["error"]
    assert refused["code"] == USAGE_ERROR
    assert "unknown engine 'nosuch'" in refused["message"]
    refused = client.call(2, "open", library="refs.json", locale="xx-YY")["error"]
    assert refused["code"] == USAGE_ERROR
    assert "unknown locale 'xx-YY'" in refused["message"]
    assert client.call(3, "rendered")["error"]["code"] == 3  # no document was opened
    assert (
        client.call(4, "open", library="refs.json", locale="de-DE")["result"]["locale"] == "de-DE"
    )
    assert client.call(5, "add", cluster="[@doe2000]")["result"]["changed"][0]["id"] == "c1"


def test_a_bad_extend_changes_nothing(client: Client, tmp_path: Path) -> None:
    # was: the clusters before the bad one stayed in, and rendered answered KeyError('c1')
    (tmp_path / "refs.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    client.call(1, "open", library="refs.json")
    bad = client.call(2, "extend", clusters=["[@doe2000]", "[oops"])["error"]
    assert bad["code"] == -32602 and "unbalanced brackets" in bad["message"]
    twice = [{"id": "x", "items": ["doe2000"]}, {"id": "x", "items": ["smith2004"]}]
    assert client.call(3, "extend", clusters=twice)["error"]["code"] == USAGE_ERROR
    assert client.call(4, "rendered")["result"] == []
    assert client.call(5, "bibliography")["result"]["entries"] == []
    added = client.call(6, "add", cluster="[@doe2000]")["result"]
    assert [c["id"] for c in added["changed"]] == ["c1"]


def test_a_request_whose_rendering_fails_leaves_the_document_as_it_was() -> None:
    server = Server()
    _open(server)
    _ask(server, "add", cluster="[@doe2000]")
    before = (_ask(server, "rendered"), _ask(server, "bibliography"))

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken")

    with (
        mock.patch("citekit.render.csl.session.CslSession.process", fail),
        mock.patch("citekit.documents.editor.render", fail),
    ):
        assert _error_of(server, "add", cluster="[@smith2004]")["code"] == INTERNAL_ERROR
        assert _error_of(server, "insert", index=0, cluster="[@smith2004]")["code"] == (
            INTERNAL_ERROR
        )
    assert (_ask(server, "rendered"), _ask(server, "bibliography")) == before
    assert [c["id"] for c in _ask(server, "add", cluster="[@smith2004]")["changed"]] == ["c2"]


NO_BIBLIOGRAPHY_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>No bibliography</title><id>nobib</id>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout prefix="(" suffix=")"><text variable="title"/></layout></citation>
</style>
"""


def test_a_style_without_a_bibliography_empties_it(tmp_path: Path) -> None:
    # was: "bibliography-changed": false and the APA entries kept
    (tmp_path / "nobib.csl").write_text(NO_BIBLIOGRAPHY_STYLE, encoding="utf-8")
    server = Server(root=tmp_path)
    _open(server)
    _ask(server, "add", cluster="[@doe2000]")
    switched = _ask(server, "set_style", style="nobib.csl")
    assert switched["bibliography-changed"] is True
    assert switched["bibliography"] == []
    assert _ask(server, "bibliography")["entries"] == []


def test_a_numeric_id_names_a_cluster_never_a_position() -> None:
    # was: {"id": 1} meant the cluster at index 1 (here the one with id "0")
    server = Server()
    _open(server)
    _ask(server, "add", cluster={"id": 1, "items": ["doe2000"]})
    _ask(server, "add", cluster={"id": 0, "items": ["smith2004"]})
    assert [c["id"] for c in _ask(server, "rendered")] == ["1", "0"]
    updated = _ask(server, "update", id=1, cluster="[@dobbs1999]")["changed"]
    assert [(c["id"], c["text"]) for c in updated] == [("1", "(Dobbs, 1999)")]
    assert _ask(server, "remove", id=0)["removed"] == ["0"]
    assert "no cluster with id '5'" in _error_of(server, "remove", id=5)["message"]
    assert _ask(server, "remove", index=0)["removed"] == ["1"]


def test_negative_positions_are_refused() -> None:
    # was: insert at -1 appended, move to -1 put the cluster first, index -1 was the last
    server = Server()
    _open(server)
    _ask(server, "extend", clusters=["[@doe2000]", "[@smith2004]"])
    before = _ask(server, "rendered")
    for method, params in [
        ("insert", {"index": -1, "cluster": "[@dobbs1999]"}),
        ("move", {"id": "c2", "to": -1}),
        ("update", {"index": -1, "cluster": "[@dobbs1999]"}),
        ("remove", {"index": -1}),
    ]:
        error = _error_of(server, method, **params)
        assert error["code"] == USAGE_ERROR and "cannot be negative" in error["message"], method
    assert _ask(server, "rendered") == before
