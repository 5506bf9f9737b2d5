"""``citekit lsp``: a language server for citations in Markdown, LaTeX, reST and plain text.

Built on pygls and lsprotocol.  For every open document it finds the
citation keys (:mod:`~citekit.integrations.lsp_scan`), decides which
bibliography and style apply (:mod:`~citekit.integrations.lsp_config`),
and answers from an indexed library (:mod:`~citekit.integrations.lsp_library`):

* completion of keys after ``@``, inside ``\\cite{`` and ``:cite:``` (with
  "Author Year", the title, and the formatted entry on resolve);
* hover: the citation and bibliography entry in the document's style;
* diagnostics: unknown keys ("did you mean …"), entries ``citekit check``
  flags, bibliography files that cannot be read;
* go to definition: the ``@type{key,`` line in the ``.bib`` file;
* a quick fix replacing a near-miss key with the suggestion;
* reload when a bibliography changes: on ``workspace/didChangeWatchedFiles``
  and, as a fallback for clients that do not watch files, by checking the
  files' size and time on every request.

The user-facing page is docs/lsp.md.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
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
        self._states: dict[str, tuple[Settings, DocumentState]] = {}
        self._rechecks: dict[str, asyncio.TimerHandle] = {}

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

    def index_for(self, sources: Sources) -> LibraryIndex:
        """The library of ``sources``, read on first use, re-read when a file changed."""
        index = self.indexes.get(sources.bibliography)
        if index is None:
            index = LibraryIndex.open(sources.bibliography)
            self.indexes[sources.bibliography] = index
        else:
            index.refresh()
        return index

    def state(self, uri: str) -> DocumentState:
        """The analysed document, recomputed only when its text or the settings changed."""
        document = self.workspace.get_text_document(uri)
        text = document.source
        cached = self._states.get(uri)
        if cached is not None and cached[0] is self.settings and cached[1].text == text:
            cached[1].index.refresh()
            return cached[1]
        language = language_of(document.language_id, uri)
        path = to_fs_path(uri)
        sources = resolve(
            text, language, Path(path).resolve() if path else None, self.settings, self.roots()
        )
        state = DocumentState(
            uri,
            text,
            language,
            find_keys(text, language),
            sources,
            self.index_for(sources),
            features.TextMap.of(text, self.encoding),
        )
        self._states[uri] = (self.settings, state)
        return state

    def offset(self, uri: str, position: types.Position) -> int:
        """A client position as an offset into the document's text."""
        document: TextDocument = self.workspace.get_text_document(uri)
        return document.offset_at_position(position)

    # -- notifications to the client -----------------------------------------------
    def publish(self, uri: str) -> None:
        """Send the document's diagnostics."""
        state = self.state(uri)
        found = features.diagnostics(state.refs, state.index, state.sources, state.where)
        version = self.workspace.get_text_document(uri).version
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
            self.publish(uri)
            return
        self._rechecks[uri] = loop.call_later(RECHECK_DELAY, self._recheck, uri)

    def _recheck(self, uri: str) -> None:
        self._rechecks.pop(uri, None)
        if uri in self.workspace.text_documents:
            self.publish(uri)

    def publish_all(self) -> None:
        """Re-send diagnostics for every open document (after a library or settings change)."""
        for uri in list(self.workspace.text_documents):
            self.publish(str(uri))

    def forget(self, uri: str) -> None:
        """Drop a closed document and clear its diagnostics."""
        pending = self._rechecks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._states.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def files_changed(self, paths: set[Path]) -> None:
        """Reload the libraries that read any of ``paths``, then re-check open documents."""
        for files, index in self.indexes.items():
            if paths & set(files):
                index.load()
            else:
                index.refresh()
        self._states.clear()  # a new or deleted .bib may change what discovery finds
        self.publish_all()


server = CitekitLanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: CitekitLanguageServer, params: types.InitializeParams) -> None:
    """Take ``citekit.*`` settings from the initialization options."""
    ls.settings = Settings.from_client(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: CitekitLanguageServer, params: types.InitializedParams) -> None:
    """Ask for the workspace configuration and to watch bibliography files, when supported."""
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
        ls.publish_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def configuration_changed(
    ls: CitekitLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    """New settings: pushed in the notification, or pulled when it carries none."""
    pushed: Any = params.settings
    if isinstance(pushed, dict) and "citekit" in pushed:
        ls.settings = ls.settings.updated(Settings.from_client(pushed))
        ls.publish_all()
    elif (
        ls.client_capabilities.workspace is not None
        and ls.client_capabilities.workspace.configuration
    ):
        await pull_configuration(ls)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: CitekitLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: CitekitLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.publish_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: CitekitLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: CitekitLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files_changed(
    ls: CitekitLanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    paths = {Path(path).resolve() for change in params.changes if (path := to_fs_path(change.uri))}
    ls.files_changed(paths)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["@", "{", ",", "`"], resolve_provider=True),
)
def completion(
    ls: CitekitLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Keys completing what is typed where a key goes; nothing elsewhere."""
    uri = params.text_document.uri
    state = ls.state(uri)
    cursor = ls.offset(uri, params.position)
    line_start = state.text.rfind("\n", 0, cursor) + 1
    prefix = completion_prefix(state.language, state.text[line_start:cursor])
    if prefix is None:
        return None
    return features.completion(state.index, state.sources, prefix, state.where, cursor, uri)


@server.feature(types.COMPLETION_ITEM_RESOLVE)
def completion_resolve(
    ls: CitekitLanguageServer, item: types.CompletionItem
) -> types.CompletionItem:
    """Add the formatted bibliography entry to an item the client is about to show."""
    data = item.data if isinstance(item.data, dict) else {}
    uri, key = data.get("uri"), data.get("key")
    if item.documentation is None and isinstance(uri, str) and isinstance(key, str):
        state = ls.state(uri)
        if key in state.index:
            item.documentation = features.documentation(state.index, state.sources, key)
    return item


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: CitekitLanguageServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    state = ls.state(uri)
    ref = features.key_at(state.refs, ls.offset(uri, params.position))
    if ref is None or not state.sources.bibliography:
        return None
    return features.hover(ref, state.index, state.sources, state.where)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: CitekitLanguageServer, params: types.DefinitionParams) -> types.Location | None:
    uri = params.text_document.uri
    state = ls.state(uri)
    ref = features.key_at(state.refs, ls.offset(uri, params.position))
    return features.definition(ref, state.index, ls.encoding) if ref is not None else None


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(
    ls: CitekitLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    uri = params.text_document.uri
    state = ls.state(uri)
    start = ls.offset(uri, params.range.start)
    end = ls.offset(uri, params.range.end)
    return features.quick_fixes(
        state.refs, state.index, state.where, start, end, uri, list(params.context.diagnostics)
    )


def serve_stdio() -> None:
    """Run the server on stdin and stdout until the client says exit."""
    server.start_io()


__all__ = ["CitekitLanguageServer", "DocumentState", "serve_stdio", "server"]
