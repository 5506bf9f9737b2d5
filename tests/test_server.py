"""``citekit serve --stdio`` driven through a real subprocess, line by line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citekit.server import Server, complete

ITEMS = [
    {"id": "doe2000", "type": "book", "title": "First Book",
     "author": [{"family": "Doe", "given": "John"}], "issued": {"date-parts": [[2000]]}},
    {"id": "smith2004", "type": "book", "title": "Salt and Stone",
     "author": [{"family": "Smith", "given": "Jane"}], "issued": {"date-parts": [[2004]]}},
    {"id": "dobbs1999", "type": "book", "title": "Harbour Lights",
     "author": [{"family": "Dobbs", "given": "Dan"}], "issued": {"date-parts": [[1999]]}},
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


@pytest.fixture
def client() -> Iterator[Client]:
    process = subprocess.Popen(
        [sys.executable, "-m", "citekit", "serve", "--stdio"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8")
    try:
        yield Client(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


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

    second = client.call(3, "add_cluster", cluster={"items": [
        {"id": "doe2000", "locator": "3", "label": "page"}]})["result"]
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
    assert matches[1] == {"key": "doe2000", "author": "John Doe", "year": 2000,
                          "title": "First Book"}
    assert [m["key"] for m in client.call(11, "complete", prefix="salt")["result"]] == [
        "smith2004"]
    styles = client.call(12, "styles", query="apa", limit=5)["result"]
    assert any(s["id"] == "apa" for s in styles) and len(styles) <= 5

    assert client.call(13, "shutdown") == {"id": 13, "result": None}
    assert client.process.wait(timeout=30) == 0


def test_malformed_requests_get_errors_and_the_server_survives(client: Client) -> None:
    assert client.send_raw("this is not json")["error"]["code"] == -32700
    assert client.send_raw("[1, 2]")["error"]["code"] == -32600
    assert client.send_raw('{"id": 1}')["error"]["code"] == -32600
    unknown = client.call(2, "frobnicate")
    assert unknown["id"] == 2 and unknown["error"]["code"] == -32601
    assert client.call(3, "add_cluster", cluster="[@x]")["error"]["code"] == 3  # nothing open
    assert client.send_raw('{"id": 4, "method": "open", "params": [1]}')["error"]["code"] \
        == -32602
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
    response = server.handle_line(json.dumps({"id": "a", "method": "open",
                                              "params": {"items": ITEMS}}))
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
    items = [{"id": "t2018", "type": "article-newspaper",
              "title": '<span class="nocase">Trump</span> Should Meet <i>Kim</i>',
              "author": [{"family": "<i>Roe</i>", "given": "Ann"}],
              "issued": {"date-parts": [[2018]]}}]
    server = Server()
    server.handle_line(json.dumps({"id": 1, "method": "open", "params": {"items": items}}))
    [candidate] = complete(server.candidates, "trump should", 10)
    assert candidate.to_json() == {"key": "t2018", "author": "Ann Roe", "year": 2018,
                                   "title": "Trump Should Meet Kim"}
    assert complete(server.candidates, "nocase", 10) == []
    assert complete(server.candidates, "span", 10) == []


def test_opening_a_missing_library_names_the_file(tmp_path: Path) -> None:
    server = Server()
    missing = str(tmp_path / "nope.bib")
    response = server.handle_line(json.dumps({"id": 1, "method": "open",
                                              "params": {"library": missing}}))
    assert response is not None
    assert response["error"]["message"] == f"no such library file: {missing}"
    folder = server.handle_line(json.dumps({"id": 2, "method": "open",
                                            "params": {"library": str(tmp_path)}}))
    assert folder is not None and "is a folder" in folder["error"]["message"]
