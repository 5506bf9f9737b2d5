"""``citekit lsp``: a language server for citations in Markdown, LaTeX, reST and plain text.

Built on pygls and lsprotocol.  For every open document it finds the
citation keys (:mod:`~citekit.integrations.lsp_scan`), decides which
bibliography and style apply (:mod:`~citekit.integrations.lsp_config`),
and answers from an indexed library (:mod:`~citekit.integrations.lsp_library`):

* completion of keys after ``@``, inside ``\\cite{`` and ``:cite:``` (with
  "Author Year", the title, and the formatted entry on resolve);
* hover: the cite under the cursor (its locator, prefix and suffix too) and
  the bibliography entry, in the document's style;
* diagnostics: unknown keys ("did you mean …"), entries ``citekit check``
  flags, bibliography files that cannot be read;
* go to definition: the ``@type{key,`` line in the ``.bib`` file;
* a quick fix replacing a near-miss key with the suggestion;
* reload when a bibliography changes: on ``workspace/didChangeWatchedFiles``
  and, as a fallback for clients that do not watch files, by checking the
  files' size and time on every request.

Reading a library (seconds for 10,000 entries) happens in a worker thread,
never on the event loop: a request that needs the library waits for it
while every other message (``$/cancelRequest``, ``shutdown``, requests on
other documents, completion where no key goes) is answered meanwhile.  The
index is swapped in whole on the loop once read, so the handlers, which all
run on the loop, never see one half loaded.  The read of the workspace's
library starts at ``initialized``, before the first document asks for it.

The user-facing page is docs/lsp.md.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

import citekit
from citekit.integrations import lsp_features as features
from citekit.integrations.lsp_config import Settings, Sources, resolve
from citekit.integrations.lsp_library import LibraryIndex
from citekit.integrations.lsp_scan import (
    KeyRef,
    Language,
    cite_text,
    completion_prefix,
    find_keys,
    language_of,
)

#: Seconds of quiet after an edit before the document is re-checked: a writer
#: typing a key gets completion at once, and "unknown key" only for the key
#: they stopped at, not for every prefix of it on the way.
RECHECK_DELAY = 0.25
#: Files whose change may change a library (bibliographies in the formats citekit reads).
WATCHED = "**/*.{bib,bibtex,json,yaml,yml,ris}"


@dataclass(frozen=True, slots=True)
class DocumentState:
    """One document as last analysed: its text, syntax, keys, sources and library."""

    uri: str
    text: str
    language: Language
    refs: list[KeyRef]
    sources: Sources
    index: LibraryIndex
    where: features.TextMap
    cites: dict[KeyRef, str] = field(default_factory=dict)

    def cite_of(self, ref: KeyRef) -> str:
        """The cite holding ``ref`` as written (:func:`cite_text`), found once per text.

        Finding it scans the document; hovering the same key again does not.
        """
        if ref not in self.cites:
            self.cites[ref] = cite_text(self.text, self.language, ref)
        return self.cites[ref]


class CitekitLanguageServer(LanguageServer):
    """The server, holding the editor's settings and one library index per set of files.

    Documents that name the same bibliography share its index, so a 10,000-entry
    library is read once however many documents are open.
    """

    def __init__(self) -> None:
        super().__init__(
            "citekit",
            citekit.__version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.settings = Settings()
        self.indexes: dict[tuple[Path, ...], LibraryIndex] = {}
        self._reading: dict[tuple[Path, ...], asyncio.Future[LibraryIndex]] = {}
        self._states: dict[str, tuple[Settings, DocumentState]] = {}
        self._rechecks: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    # -- state ---------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        """The position encoding negotiated at initialisation (UTF-16 unless agreed)."""
        try:
            chosen = self.server_capabilities.position_encoding
        except (AttributeError, RuntimeError):
            chosen = None
        return features.encoding_name(chosen)

    def roots(self) -> list[Path]:
        """The workspace folders as paths (the root first)."""
        uris: list[str] = []
        try:
            workspace = self.workspace
        except RuntimeError:  # before initialize
            return []
        if workspace.root_uri:
            uris.append(str(workspace.root_uri))
        uris.extend(str(uri) for uri in workspace.folders)
        paths = [to_fs_path(uri) for uri in dict.fromkeys(uris)]
        return [Path(path).resolve() for path in paths if path]

    async def index_for(self, sources: Sources) -> LibraryIndex:
        """The library of ``sources``, read on first use, re-read when a file changed.

        The read runs in a worker thread (:meth:`read_library`); this waits for
        it without holding up the event loop.
        """
        files = sources.bibliography
        index = self.indexes.get(files)
        if index is not None and files not in self._reading and not index.stale():
            return index
        return await self.read_library(files)

    async def read_library(self, files: tuple[Path, ...], *, again: bool = False) -> LibraryIndex:
        """The index of ``files`` once read: the read under way, or a new one.

        ``again`` starts a new read even when one is under way (a watched file
        changed, so the running read may have seen the old content).  A
        cancelled request stops waiting; the read goes on for the others.
        """
        pending = self._reading.get(files)
        if pending is None or again:
            pending = self._start_reading(files)
        return await asyncio.shield(pending)

    def _start_reading(self, files: tuple[Path, ...]) -> asyncio.Future[LibraryIndex]:
        """Read ``files`` in a daemon thread; the index is installed on the loop when done.

        A daemon thread, not the loop's executor, so ``exit`` during a long
        read ends the process at once instead of waiting for the read.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[LibraryIndex] = loop.create_future()
        self._reading[files] = future
        previous = self.indexes.get(files)

        def current() -> bool:
            """Whether this is still the newest read of ``files`` (then no longer under way)."""
            if self._reading.get(files) is not future:
                return False
            del self._reading[files]
            return True

        def installed(index: LibraryIndex) -> None:
            if current():
                self.indexes[files] = index
            future.set_result(index)

        def failed(error: Exception) -> None:
            current()  # the previous index, if any, stays; the next request tries again
            future.set_exception(error)
            future.exception()  # retrieved: a prefetch nobody waits for logs nothing

        def work() -> None:
            try:
                index = LibraryIndex.read(files, previous)
            except Exception as error:  # reported to every waiter, on the loop
                loop.call_soon_threadsafe(failed, error)
                return
            loop.call_soon_threadsafe(installed, index)

        threading.Thread(target=work, name="citekit-lsp-read", daemon=True).start()
        return future

    def prefetch(self) -> None:
        """Start reading the workspace's library (the one a document naming none uses)."""
        sources = resolve("", "text", None, self.settings, self.roots())
        files = sources.bibliography
        if files and files not in self.indexes and files not in self._reading:
            self._start_reading(files)

    async def state(self, uri: str) -> DocumentState:
        """The analysed document, recomputed only when its text or the settings changed.

        The text is taken before waiting for the library, so the state answers
        for the document as it was when the request came, as its positions do.
        """
        document = self.workspace.get_text_document(uri)
        text = document.source
        settings = self.settings
        cached = self._states.get(uri)
        if cached is not None and cached[0] is settings and cached[1].text == text:
            index = await self.index_for(cached[1].sources)
            if index is cached[1].index:
                return cached[1]
            state = replace(cached[1], index=index)
        else:
            language = language_of(document.language_id, uri)
            path = to_fs_path(uri)
            sources = resolve(
                text, language, Path(path).resolve() if path else None, settings, self.roots()
            )
            refs = find_keys(text, language)
            where = features.TextMap.of(text, self.encoding)
            index = await self.index_for(sources)
            state = DocumentState(uri, text, language, refs, sources, index, where)
        self._states[uri] = (settings, state)
        return state

    def offset(self, uri: str, position: types.Position) -> int:
        """A client position as an offset into the document's text."""
        document: TextDocument = self.workspace.get_text_document(uri)
        return document.offset_at_position(position)

    # -- notifications to the client -----------------------------------------------
    async def publish(self, uri: str) -> None:
        """Send the document's diagnostics."""
        version = self.workspace.get_text_document(uri).version
        state = await self.state(uri)
        found = features.diagnostics(state.refs, state.index, state.sources, state.where)
        if uri not in self.workspace.text_documents:
            return  # closed while its library was read
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version)
        )

    def publish_later(self, uri: str) -> None:
        """Re-check the document once edits pause for :data:`RECHECK_DELAY` seconds."""
        pending = self._rechecks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a direct call): check now
            asyncio.run(self.publish(uri))
            return
        self._rechecks[uri] = loop.call_later(RECHECK_DELAY, self._recheck, uri)

    def _recheck(self, uri: str) -> None:
        self._rechecks.pop(uri, None)
        if uri in self.workspace.text_documents:
            self.in_background(self.publish(uri))

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` as a task, kept referenced until it ends (asyncio holds tasks weakly)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def publish_all(self) -> None:
        """Re-send diagnostics for every open document (after a library or settings change)."""
        for uri in list(self.workspace.text_documents):
            await self.publish(str(uri))

    def forget(self, uri: str) -> None:
        """Drop a closed document and clear its diagnostics."""
        pending = self._rechecks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._states.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    async def files_changed(self, paths: set[Path]) -> None:
        """Reload the libraries that read any of ``paths``, then re-check open documents.

        The others are re-read if their files changed on disk, when a document
        next asks for them (:meth:`index_for`).
        """
        changed = [files for files in self.indexes if paths & set(files)]
        self._states.clear()  # a new or deleted .bib may change what discovery finds
        for files in changed:
            await self.read_library(files, again=True)
        await self.publish_all()


server = CitekitLanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: CitekitLanguageServer, params: types.InitializeParams) -> None:
    """Take ``citekit.*`` settings from the initialization options."""
    ls.settings = Settings.from_client(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: CitekitLanguageServer, params: types.InitializedParams) -> None:
    """Start reading the workspace's library; ask for the configuration and to watch files."""
    ls.prefetch()
    workspace = ls.client_capabilities.workspace
    watching = workspace.did_change_watched_files if workspace is not None else None
    if watching is not None and watching.dynamic_registration:
        watcher = types.FileSystemWatcher(glob_pattern=WATCHED)
        registration = types.Registration(
            id="citekit-bibliographies",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher]),
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except JsonRpcException as error:  # the fallback (re-stat per request) still works
            ls.window_log_message(
                types.LogMessageParams(
                    types.MessageType.Info, f"citekit: not watching bibliography files: {error}"
                )
            )
    if workspace is not None and workspace.configuration:
        await pull_configuration(ls)


async def pull_configuration(ls: CitekitLanguageServer) -> None:
    """Update the settings from the client's ``citekit`` section, if it has one."""
    try:
        answer = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="citekit")])
        )
    except JsonRpcException as error:
        ls.window_log_message(
            types.LogMessageParams(
                types.MessageType.Warning, f"citekit: could not read the configuration: {error}"
            )
        )
        return
    settings = ls.settings.updated(Settings.from_client(answer[0] if answer else None))
    if settings != ls.settings:
        ls.settings = settings
        await ls.publish_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def configuration_changed(
    ls: CitekitLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    """New settings: pushed in the notification, or pulled when it carries none."""
    pushed: Any = params.settings
    if isinstance(pushed, dict) and "citekit" in pushed:
        ls.settings = ls.settings.updated(Settings.from_client(pushed))
        await ls.publish_all()
    elif (
        ls.client_capabilities.workspace is not None
        and ls.client_capabilities.workspace.configuration
    ):
        await pull_configuration(ls)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: CitekitLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    await ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: CitekitLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.publish_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: CitekitLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    await ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: CitekitLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def watched_files_changed(
    ls: CitekitLanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    paths = {Path(path).resolve() for change in params.changes if (path := to_fs_path(change.uri))}
    await ls.files_changed(paths)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["@", "{", ",", "`"], resolve_provider=True),
)
async def completion(
    ls: CitekitLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Keys completing what is typed where a key goes; nothing elsewhere (no library needed)."""
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    cursor = ls.offset(uri, params.position)
    text = document.source
    line_start = text.rfind("\n", 0, cursor) + 1
    language = language_of(document.language_id, uri)
    prefix = completion_prefix(language, text[line_start:cursor])
    if prefix is None:
        return None
    state = await ls.state(uri)
    return features.completion(state.index, state.sources, prefix, state.where, cursor, uri)


@server.feature(types.COMPLETION_ITEM_RESOLVE)
async def completion_resolve(
    ls: CitekitLanguageServer, item: types.CompletionItem
) -> types.CompletionItem:
    """Add the formatted bibliography entry to an item the client is about to show."""
    data = item.data if isinstance(item.data, dict) else {}
    uri, key = data.get("uri"), data.get("key")
    if item.documentation is None and isinstance(uri, str) and isinstance(key, str):
        state = await ls.state(uri)
        if key in state.index:
            item.documentation = features.documentation(state.index, state.sources, key)
    return item


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: CitekitLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """The cite under the cursor as the document's style prints it, and its entry."""
    uri = params.text_document.uri
    cursor = ls.offset(uri, params.position)
    state = await ls.state(uri)
    ref = features.key_at(state.refs, cursor)
    if ref is None or not state.sources.bibliography:
        return None
    return features.hover(ref, state.index, state.sources, state.where, state.cite_of(ref))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(
    ls: CitekitLanguageServer, params: types.DefinitionParams
) -> types.Location | None:
    uri = params.text_document.uri
    cursor = ls.offset(uri, params.position)
    state = await ls.state(uri)
    ref = features.key_at(state.refs, cursor)
    return features.definition(ref, state.index, ls.encoding) if ref is not None else None


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
async def code_action(
    ls: CitekitLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    uri = params.text_document.uri
    start = ls.offset(uri, params.range.start)
    end = ls.offset(uri, params.range.end)
    state = await ls.state(uri)
    return features.quick_fixes(
        state.refs, state.index, state.where, start, end, uri, list(params.context.diagnostics)
    )


def serve_stdio() -> None:
    """Run the server on stdin and stdout until the client says exit."""
    server.start_io()


__all__ = ["CitekitLanguageServer", "DocumentState", "serve_stdio", "server"]
