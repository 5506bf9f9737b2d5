"""The JSON server answers every request line once, whatever the line holds.

``Server.handle_line`` is driven directly with garbage and with well-formed
requests whose params have the wrong types; no input may raise, and none may
end in ``INTERNAL_ERROR`` (which would mean an exception nobody anticipated).
Every answer must also be one line of JSON proper (no NaN or Infinity, which
Python's json would write) that can be sent whatever it holds (lone
surrogates included), and :meth:`Server.serve` must write exactly one line
per request.  One subprocess test sends a burst of garbage and checks that a
valid request after it is still answered.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.server import INTERNAL_ERROR, PARSE_ERROR, Server, encode_response

ITEMS = [
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
        json.dumps({"id": 0, "method": "open", "params": {"items": ITEMS}})
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
    opening = json.dumps({"id": 0, "method": "open", "params": {"items": ITEMS}})
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
        json.dumps({"id": "open", "method": "open", "params": {"items": ITEMS}}),
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
