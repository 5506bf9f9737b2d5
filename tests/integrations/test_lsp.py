"""``citekit lsp``, driven through the protocol by a real client over stdio.

Each protocol test starts ``python -m citekit lsp --stdio`` as a subprocess
with pytest-lsp's client, in a workspace holding a copy of the bundled
``references.bib``, and compares what the server answers with what
citekit's public API gives for the same input.  The key scanner is tested
on its own first, on strings.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls (the lsp extra)")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp drives the server")

from click.testing import CliRunner  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402
from pygls.uris import from_fs_path, to_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

import citekit  # noqa: E402
from citekit.cli import main  # noqa: E402
from citekit.integrations.lsp_features import TextMap  # noqa: E402
from citekit.integrations.lsp_scan import cite_text, completion_prefix, find_keys  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KNOWN = "raimondo2000enemy"
TYPO = "raimondo2000enemi"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "citekit", "lsp", "--stdio"])


# -- the scanner, on strings ----------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        ("markdown", "See [@a, p. 3; -@b:c] and @d. Mail x@y.org `@code`", ["a", "b:c", "d"]),
        ("markdown", "---\nbibliography: '@x'\n---\n```\n@fenced\n```\n@{odd key}", ["odd key"]),
        (
            "latex",
            r"\parencite[p.~3]{a} % \cite{no}" "\n" r"\cites[see][]{b, c}[4]{d}",
            list("abcd"),
        ),
        ("latex", r"\textcite{e}\autocite[ch.~2]{f}\nocite{*}", ["e", "f"]),
        ("rst", "As :cite:`@a, p. 33` and :cite:`-@b` and :cite:p:`c,d`.", list("abcd")),
        ("text", "[@a] and @b", ["a", "b"]),
    ],
)
def test_keys_are_found_in_each_syntax(language: str, text: str, keys: list[str]) -> None:
    found = find_keys(text, language)  # type: ignore[arg-type]
    assert [ref.key for ref in found] == keys
    assert all(text[ref.start : ref.end] == ref.key for ref in found)


def test_a_bare_key_is_weaker_than_a_bracketed_one() -> None:
    bare, bracketed = find_keys("@handle and [@a]", "markdown")
    assert (bare.explicit, bracketed.explicit) == (False, True)


@pytest.mark.parametrize(
    ("language", "before", "prefix"),
    [
        ("markdown", "see [@rai", "rai"),
        ("markdown", "see @", ""),
        ("markdown", "mail me@ex", None),
        ("latex", r"\parencite[p.~3]{a,rai", "rai"),
        ("latex", r"\cite{a} rai", None),
        ("rst", ":cite:`@rai", "rai"),
        ("rst", ":cite:p:`a,rai", "rai"),
        ("text", "plain words", None),
    ],
)
def test_completion_prefix(language: str, before: str, prefix: str | None) -> None:
    assert completion_prefix(language, before) == prefix  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "text", "cites"),
    [
        (
            "markdown",
            "[see @a, p. 3; -@b:c, chap. 2, emphasis added] and @d [p. 4], @e, @{odd key} [p. 5]",
            [
                "[see @a, p. 3]",
                "[-@b:c, chap. 2, emphasis added]",
                "@d [p. 4]",
                "@e",
                "@{odd key} [p. 5]",
            ],
        ),
        ("markdown", "@a [@b] and @c [link](https://x.org)", ["@a", "[@b]", "@c"]),
        ("text", "[@a, p. 3] and @b", ["[@a, p. 3]", "@b"]),
        ("rst", ":cite:`see @a, p. 33; -@b` and :cite:p:`c,d`", ["[see @a, p. 33]", "[-@b]"]),
        (
            "latex",
            r"\parencite[see][p.~3]{a,b} \textcite[ch.~2]{c} \citeyear{d} \cites[4]{e}{f}",
            ["[see @a]", "[@b, p. 3]", "@c [ch. 2]", "[-@d]", "[@e, 4]", "[@f]"],
        ),
    ],
)
def test_the_cite_holding_a_key_is_found_as_written(
    language: str, text: str, cites: list[str]
) -> None:
    """The cite a hover renders: the part of its citation that holds the key, as written."""
    found = find_keys(text, language)  # type: ignore[arg-type]
    shown = [cite_text(text, language, ref) for ref in found]  # type: ignore[arg-type]
    assert shown[: len(cites)] == cites
    for ref, cite in zip(found, shown, strict=True):
        cluster = citekit.parse_in_text(cite) or citekit.parse_cluster(cite)
        assert [item.id for item in cluster.items] == [ref.key]


def test_positions_count_utf16_units_as_clients_expect() -> None:
    text = "Ab \U0001f600 [@k]\nnext @j"
    where = TextMap.of(text)
    first, second = find_keys(text, "markdown")
    assert where.range(first.start, first.end) == types.Range(
        types.Position(0, 8), types.Position(0, 9)
    )
    assert where.position(second.start) == types.Position(1, 6)
    assert TextMap.of(text, types.PositionEncodingKind.Utf32).position(first.start).character == 7


def test_cli_help_shows_an_example() -> None:
    result = CliRunner().invoke(main, ["lsp", "--help"])
    assert result.exit_code == 0, result.output
    assert "citekit lsp --stdio" in result.output


# -- the protocol ---------------------------------------------------------------------
@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]
async def client(lsp_client: LanguageClient, workspace: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=str(from_fs_path(str(workspace))),
        )
    )
    yield
    await lsp_client.shutdown_session()


def library(workspace: Path) -> citekit.Library:
    return citekit.read(workspace / "references.bib").library


def open_document(client: LanguageClient, path: Path, text: str, language: str) -> str:
    path.write_text(text, encoding="utf-8")
    uri = str(from_fs_path(str(path)))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )
    return uri


async def diagnostics(
    client: LanguageClient, uri: str, ready: Callable[[Sequence[types.Diagnostic]], bool]
) -> Sequence[types.Diagnostic]:
    """The document's diagnostics once ``ready`` holds for them (the server sends them async)."""
    for _ in range(400):
        found = client.diagnostics.get(uri)
        if found is not None and ready(found):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"diagnostics never became ready: {client.diagnostics.get(uri)}")


def position_of(text: str, needle: str, after: int = 0) -> types.Position:
    """The position ``after`` characters into the first ``needle`` (ASCII text)."""
    offset = text.index(needle) + after
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


@pytest.mark.asyncio
async def test_completion_offers_keys_with_author_year_and_entry(
    client: LanguageClient, workspace: Path
) -> None:
    text = "---\ncsl: apa\n---\nAs argued [@raim"
    uri = open_document(client, workspace / "paper.md", text, "markdown")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(uri), position_of(text, "@raim", after=len("@raim"))
        )
    )
    assert isinstance(result, types.CompletionList)
    keys = library(workspace).keys()
    assert [item.label for item in result.items] == sorted(k for k in keys if k.startswith("raim"))
    lib = library(workspace)
    item = next(item for item in result.items if item.label == KNOWN)
    record = lib[KNOWN]
    issued = record.date("issued")
    assert issued is not None
    assert item.detail == f"{record.names('author')[0].family} {issued.year}"
    assert item.label_details is not None and item.label_details.description
    resolved = await client.completion_item_resolve_async(item)
    assert isinstance(resolved.documentation, types.MarkupContent)
    expected = citekit.bibliography(lib, "apa", keys=[KNOWN], output="markdown")
    assert resolved.documentation.value == str(expected[0])


def rendered_alone(workspace: Path, cite: str, style: str) -> str:
    """What ``citekit render`` prints for a document holding ``cite`` alone."""
    document = workspace / "alone.md"
    document.write_text(f"{cite}\n", encoding="utf-8")
    bib = str(workspace / "references.bib")
    result = CliRunner().invoke(main, ["render", str(document), "--csl", style, "-b", bib])
    assert result.exit_code == 0, result.output
    return result.output.split("\n\n")[0].strip()


@pytest.mark.asyncio
async def test_hover_shows_the_cite_as_the_document_prints_it(
    client: LanguageClient, workspace: Path
) -> None:
    """Locator, prefix, suffix, ``-@`` and author-in-text are in the hover's citation."""
    cites = [  # (as written in the document, the hovered key's cite alone)
        (f"[see @{KNOWN}, p. 33, emphasis added]", f"[see @{KNOWN}, p. 33, emphasis added]"),
        # emphasis of its own: it was nested in the hover's "**...**" and broke the Markdown
        (f"[*see* @{KNOWN}, p. 3, **bold** text]", f"[*see* @{KNOWN}, p. 3, **bold** text]"),
        (f"[-@{KNOWN}, chap. 2]", f"[-@{KNOWN}, chap. 2]"),
        (f"@{KNOWN} [p. 12]", f"@{KNOWN} [p. 12]"),
        (f"[@tillerson2017patience; @{KNOWN}, pp. 4-5]", f"[@{KNOWN}, pp. 4-5]"),
        ("[@tillerson2017patience]", "[@tillerson2017patience]"),
    ]
    text = "---\ncsl: apa\n---\n" + "\n\n".join(f"As argued {written}." for written, _ in cites)
    uri = open_document(client, workspace / "paper.md", text, "markdown")
    lib = library(workspace)
    for written, alone in cites:
        key = KNOWN if KNOWN in written else "tillerson2017patience"
        at = text.index(written) + written.index(f"@{key}") + 2
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, text[at:], 0))
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        shown = hover.contents.value
        assert shown.startswith(f"> {rendered_alone(workspace, alone, 'apa')}\n"), written
        assert str(citekit.bibliography(lib, "apa", keys=[key], output="markdown")[0]) in shown
    tex = rf"\parencite[see][p.~33]{{{KNOWN}}}" + "\n"  # pandoc's default style
    tex_uri = open_document(client, workspace / "paper.tex", tex, "latex")
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(tex_uri), position_of(tex, KNOWN, 2))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    expected = rendered_alone(workspace, f"[see @{KNOWN}, p. 33]", "chicago-author-date")
    assert hover.contents.value.startswith(f"> {expected}\n")


@pytest.mark.asyncio
async def test_unknown_key_is_reported_and_fixed_by_the_code_action(
    client: LanguageClient, workspace: Path
) -> None:
    text = f"See [@{TYPO}] and [@{KNOWN}] and [@nothinglikeit].\n"
    uri = open_document(client, workspace / "paper.md", text, "markdown")
    found = await diagnostics(client, uri, lambda d: len(d) == 2)
    typo = next(d for d in found if TYPO in d.message)
    assert f"did you mean '{KNOWN}'" in typo.message
    assert typo.severity == types.DiagnosticSeverity.Error
    assert typo.range.start == position_of(text, TYPO)
    assert not any(KNOWN in d.message and TYPO not in d.message for d in found)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), typo.range, types.CodeActionContext([typo])
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.edit is not None
    assert action.edit.changes is not None
    (edit,) = action.edit.changes[uri]
    assert (edit.range, edit.new_text) == (typo.range, KNOWN)


@pytest.mark.asyncio
async def test_entries_citekit_check_flags_are_reported(
    client: LanguageClient, workspace: Path
) -> None:
    bib = workspace / "references.bib"
    with bib.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n@article{broken2020,\n  title = {No Journal Here},\n  date = {2020-13-45}\n}\n"
        )
    expected = {
        d.code
        for d in citekit.check(citekit.read(bib).library)
        if d.key == "broken2020" and d.severity.value in ("error", "warning")
    }
    assert expected, "the fixture entry should have problems citekit check reports"
    uri = open_document(client, workspace / "paper.md", "See [@broken2020].\n", "markdown")
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert {d.code for d in found} >= expected
    assert all("broken2020" in d.message for d in found)


@pytest.mark.asyncio
async def test_definition_goes_to_the_bib_entry(client: LanguageClient, workspace: Path) -> None:
    text = rf"\parencite[p.~3]{{{KNOWN}}}" + "\n"
    uri = open_document(client, workspace / "paper.tex", text, "latex")
    location = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), position_of(text, KNOWN, 3))
    )
    assert isinstance(location, types.Location)
    bib = workspace / "references.bib"
    assert Path(str(to_fs_path(location.uri))).resolve() == bib.resolve()
    assert location.range.start.line == citekit.read(bib).lines[KNOWN] - 1
    line = bib.read_text(encoding="utf-8").splitlines()[location.range.start.line]
    start, end = location.range.start.character, location.range.end.character
    assert line.startswith("@") and line[start:end] == KNOWN


@pytest.mark.asyncio
async def test_latex_and_rst_keys_are_checked_and_completed(
    client: LanguageClient, workspace: Path
) -> None:
    tex = rf"\parencite[p.~3]{{{KNOWN},{TYPO}}} and \textcite{{raim"
    tex_uri = open_document(client, workspace / "paper.tex", tex, "latex")
    found = await diagnostics(client, tex_uri, lambda d: len(d) > 0)
    assert [d.range.start for d in found] == [position_of(tex, TYPO)]
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(tex_uri), position_of(tex, "{raim", after=5)
        )
    )
    assert isinstance(result, types.CompletionList) and KNOWN in [i.label for i in result.items]
    rst = f"As :cite:`@{KNOWN}, p. 33` says, and :cite:`@{TYPO}`.\n"
    rst_uri = open_document(client, workspace / "paper.rst", rst, "restructuredtext")
    found = await diagnostics(client, rst_uri, lambda d: len(d) > 0)
    assert [d.range.start for d in found] == [position_of(rst, TYPO)]


@pytest.mark.asyncio
async def test_a_changed_bib_updates_the_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_document(client, workspace / "paper.md", "See [@newcomer2024].\n", "markdown")
    await diagnostics(client, uri, lambda d: any("newcomer2024" in x.message for x in d))
    bib = workspace / "references.bib"
    with bib.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n@book{newcomer2024,\n  author = {Newcomer, Nina},\n  title = {Arrivals},\n"
            "  publisher = {Press},\n  date = {2024}\n}\n"
        )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(str(from_fs_path(str(bib))), types.FileChangeType.Changed)]
        )
    )
    found = await diagnostics(client, uri, lambda d: not any("unknown" in x.message for x in d))
    assert not any(x.code == "unknown-key" for x in found)


# -- reading a large library off the event loop ---------------------------------------
#: Entries in the generated library: enough that reading it takes about a second.
LARGE = 5000


@pytest.fixture
def large(tmp_path: Path) -> Path:
    """A workspace whose references.bib holds :data:`LARGE` generated books."""
    entries = (
        f"@book{{gen{n:05d},\n  author = {{Author{n % 97}, Given and Other{n % 31}, Second}},\n"
        f"  title = {{A Generated Work Number {n}}},\n  publisher = {{Press {n % 13}}},\n"
        f"  address = {{City}},\n  year = {{{1950 + n % 70}}}\n}}\n"
        for n in range(LARGE)
    )
    (tmp_path / "references.bib").write_text("".join(entries), encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]
async def reading(lsp_client: LanguageClient, large: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=str(from_fs_path(str(large)))
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_messages_are_answered_while_the_library_is_read(
    reading: LanguageClient, large: Path
) -> None:
    """A request needing the library waits for it; a light one and a cancel do not."""
    text = "Prose first.\nSee [@gen00042] and [@gen0004"
    uri = open_document(reading, large / "paper.md", text, "markdown")
    ident = types.TextDocumentIdentifier(uri)
    end = position_of(text, "[@gen0004", after=len("[@gen0004"))
    needing = asyncio.ensure_future(
        reading.text_document_completion_async(types.CompletionParams(ident, end))
    )
    hover_id = "hover-while-reading"
    cancelled = asyncio.ensure_future(
        reading.protocol.send_request_async(  # type: ignore[no-untyped-call]
            types.TEXT_DOCUMENT_HOVER,
            types.HoverParams(ident, position_of(text, "gen00042", 2)),
            msg_id=hover_id,
        )
    )
    await asyncio.sleep(0)  # both requests are sent (each task's first step sends it)
    reading.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=hover_id))
    light = await reading.text_document_completion_async(
        types.CompletionParams(ident, types.Position(0, 0))  # no key goes there
    )
    assert light is None
    assert not needing.done(), "the light request waited for the library to be read"
    with pytest.raises(JsonRpcException) as raised:
        await cancelled
    assert raised.value.code == types.LSPErrorCodes.RequestCancelled
    result = await needing
    assert isinstance(result, types.CompletionList)
    keys = sorted(citekit.read(large / "references.bib").library.keys())
    assert [item.label for item in result.items] == [k for k in keys if k.startswith("gen0004")]


# -- configuration --------------------------------------------------------------------
@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A workspace with no .bib at its root: the library sits in a subfolder."""
    (tmp_path / "library").mkdir()
    shutil.copy(ROOT / "references.bib", tmp_path / "library" / "works.bib")
    return tmp_path


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]
async def configured(lsp_client: LanguageClient, elsewhere: Path) -> AsyncIterator[None]:
    """Bibliography from the initialization options, style from the workspace configuration."""
    lsp_client.set_configuration({"style": "apa"}, section="citekit")
    registered: list[types.Registration] = []
    setattr(lsp_client, "registered", registered)  # noqa: B010 (read back by the test)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)  # type: ignore[untyped-decorator]
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            ),
        )
    )
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=str(from_fs_path(str(elsewhere))),
            initialization_options={"citekit": {"bibliography": ["library/works.bib"]}},
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_settings_name_the_bibliography_and_the_style(
    configured: LanguageClient, elsewhere: Path
) -> None:
    text = f"Plain text citing [@{KNOWN}] and [@{TYPO}].\n"
    uri = open_document(configured, elsewhere / "notes.txt", text, "plaintext")
    found = await diagnostics(configured, uri, lambda d: len(d) == 1)
    assert f"did you mean '{KNOWN}'" in found[0].message
    lib = citekit.read(elsewhere / "library" / "works.bib").library
    expected = str(citekit.cite(lib, KNOWN, "apa", output="markdown"))
    shown = ""
    for _ in range(100):  # the configuration answer arrives after the document opened
        hover = await configured.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, KNOWN, 1))
        )
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        shown = hover.contents.value
        if expected in shown:
            break
        await asyncio.sleep(0.05)
    assert expected in shown
    registered: list[types.Registration] = getattr(configured, "registered")  # noqa: B009
    watched = [r for r in registered if r.method == "workspace/didChangeWatchedFiles"]
    assert len(watched) == 1


@pytest.mark.asyncio
async def test_a_missing_bibliography_is_reported(client: LanguageClient, workspace: Path) -> None:
    text = f"---\nbibliography: missing.bib\n---\n[@{KNOWN}]\n"
    uri = open_document(client, workspace / "paper.md", text, "markdown")
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert "bibliography-unreadable" in {d.code for d in found}
    assert any("missing.bib" in d.message for d in found)


@pytest.mark.asyncio
async def test_an_edit_is_rechecked(client: LanguageClient, workspace: Path) -> None:
    text = f"See [@{KNOWN}].\n"
    uri = open_document(client, workspace / "paper.md", text, "markdown")
    await diagnostics(client, uri, lambda d: len(d) == 0)
    last = position_of(text, KNOWN, len(KNOWN) - 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [
                types.TextDocumentContentChangePartial(
                    types.Range(last, types.Position(last.line, last.character + 1)), "i"
                )
            ],
        )
    )
    found = await diagnostics(client, uri, lambda d: len(d) == 1)
    assert f"unknown citation key '{TYPO}'" in found[0].message
