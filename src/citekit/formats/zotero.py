"""Read a Zotero library straight from Zotero's SQLite database (read-only).

``citekit convert ~/Zotero/zotero.sqlite -t csljson`` and
``citekit.read("zotero.sqlite")`` come here: the registry hands this module
the path (the format is ``binary``), since a database is not text.

The database is opened with SQLite's ``immutable=1``, which reads without
taking Zotero's lock (Zotero holds it while it runs) and never writes; where
that cannot open the file, a temporary copy is read instead.  Items become
CSL-JSON as Zotero's own CSL export makes them (:mod:`.zoteromap` holds the
table).  Notes, attachments and annotations are not records: they are left
out and counted in an INFO diagnostic; items in the trash (``deletedItems``)
and feed libraries are left out.  Fields with no CSL variable are kept in
``custom.zotero`` (an INFO ``unmapped-fields`` diagnostic per item).

Citation keys: Better BibTeX's ``better-bibtex.sqlite`` beside the database
(table ``citationkey``: ``itemID``, ``itemKey``, ``libraryID``,
``citationKey``, ``pinned``) when present, otherwise Zotero 7's native
``citationKey`` field, otherwise keys generated with the project's rules
(:func:`citekit.model.keys.new_keys`).

Collections are paths of names (``POL 240/Week 1``): ``collection=`` keeps
the items of one and of its sub-collections, and :func:`list_collections`
gives every collection with the keys of its own items, for reading lists
that use collections as sections.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.errors import DataError, Diagnostic, Severity, UsageError
from citekit.formats import ReadResult
from citekit.formats import zoteromap as zmap
from citekit.model.keys import new_keys
from citekit.model.records import Library, Record

#: The tables a file must have to be read as a Zotero database.
REQUIRED_TABLES = frozenset(
    {"items", "itemData", "itemDataValues", "creators", "itemCreators", "creatorTypes"}
)
#: Better BibTeX's key database, looked for beside ``zotero.sqlite``.
BBT_DATABASE = "better-bibtex.sqlite"
#: The ``custom`` entry that keeps what CSL has no variable for.
CUSTOM_FIELDS = "zotero"


@dataclass(frozen=True)
class ZoteroCollection:
    """A collection: its path of names, Zotero key and the citation keys of its items.

    ``keys`` are the collection's own items (not its sub-collections'), in
    the order Zotero stores them, named by the ids :func:`read_path` gives.
    """

    path: str
    key: str
    keys: tuple[str, ...]
    parent: str | None = None


@dataclass
class _Item:
    """A row of Zotero's items table with its fields and their base fields."""

    item_id: int
    library_id: int
    key: str
    item_type: str
    fields: dict[str, str] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    """Base field name -> the item's type-specific field that stands for it."""
    creators: list[tuple[str, str | None, str | None, int | None]] = field(default_factory=list)


@dataclass
class _Collection:
    """A Zotero collection: its name, parent and the items in it."""

    collection_id: int
    name: str
    parent_id: int | None
    key: str
    item_ids: list[int] = field(default_factory=list)


@dataclass
class _Snapshot:
    """What one read of the database gives, before filtering."""

    items: list[_Item]
    collections: dict[int, _Collection]
    skipped: dict[str, int]
    deleted: int
    primary: dict[str, str]


# Opening ---------------------------------------------------------------------


def _immutable_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?immutable=1"


@contextmanager
def open_database(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that neither waits for nor takes Zotero's lock.

    ``immutable=1`` first; where the file system refuses that (some network
    mounts), a copy in a temporary directory.  A missing file raises
    FileNotFoundError (the CLI's "cannot read"), a file that is not SQLite
    a DataError naming it.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    try:
        connection: sqlite3.Connection | None = _connect(source)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DataError(f"{path}: not an SQLite database ({exc})") from exc
        connection = None
    if connection is not None:
        with closing(connection):
            yield connection
        return
    with tempfile.TemporaryDirectory(prefix="citekit-zotero-") as folder:
        copy = Path(folder) / source.name
        shutil.copyfile(source, copy)
        try:
            connection = _connect(copy)
        except sqlite3.DatabaseError as exc:
            raise DataError(f"{path}: cannot open the database ({exc})") from exc
        with closing(connection):
            yield connection


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(_immutable_uri(path), uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(name) for (name,) in rows}


def _check_zotero(tables: set[str], path: str) -> None:
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        raise DataError(f"{path}: not a Zotero database (no table {', '.join(missing)})")


def _combined(tables: set[str], name: str) -> str:
    """Zotero 5.0.78+ keeps built-in and custom types/fields in ``...Combined``."""
    return f"{name}Combined" if f"{name}Combined" in tables else name


# Loading ---------------------------------------------------------------------


def _type_names(connection: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    table = _combined(tables, "itemTypes")
    return {
        int(i): str(n) for i, n in connection.execute(f"SELECT itemTypeID, typeName FROM {table}")
    }


def _field_names(connection: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    table = _combined(tables, "fields")
    return {
        int(i): str(n) for i, n in connection.execute(f"SELECT fieldID, fieldName FROM {table}")
    }


def _base_fields(connection: sqlite3.Connection, tables: set[str]) -> dict[tuple[int, int], int]:
    """(item type, type-specific field) -> its base field."""
    table = _combined(tables, "baseFieldMappings")
    if table not in tables:
        return {}
    return {
        (int(t), int(f)): int(b)
        for t, b, f in connection.execute(f"SELECT itemTypeID, baseFieldID, fieldID FROM {table}")
    }


def _primary_creators(
    connection: sqlite3.Connection, tables: set[str], types: dict[int, str]
) -> dict[str, str]:
    """Item type -> its primary creator type (``director`` for a film)."""
    if "itemTypeCreatorTypes" not in tables:
        return {}
    rows = connection.execute(
        "SELECT itc.itemTypeID, ct.creatorType FROM itemTypeCreatorTypes itc "
        "JOIN creatorTypes ct USING (creatorTypeID) WHERE itc.primaryField = 1"
    )
    return {types.get(int(t), ""): str(c) for t, c in rows}


def _excluded_libraries(connection: sqlite3.Connection, tables: set[str]) -> set[int]:
    """Feed libraries hold RSS items, not the user's references."""
    if "libraries" not in tables:
        return set()
    return {
        int(i) for (i,) in connection.execute("SELECT libraryID FROM libraries WHERE type = 'feed'")
    }


def _deleted(connection: sqlite3.Connection, tables: set[str], table: str, column: str) -> set[int]:
    if table not in tables:
        return set()
    return {int(i) for (i,) in connection.execute(f"SELECT {column} FROM {table}")}


def _load_items(
    connection: sqlite3.Connection, tables: set[str], types: dict[int, str]
) -> tuple[dict[int, _Item], dict[str, int], int]:
    """The items that are records, the count of those that are not, and of deleted ones."""
    feeds = _excluded_libraries(connection, tables)
    trashed = _deleted(connection, tables, "deletedItems", "itemID")
    items: dict[int, _Item] = {}
    skipped: dict[str, int] = {}
    deleted = 0
    rows = connection.execute(
        "SELECT itemID, itemTypeID, libraryID, key FROM items ORDER BY libraryID, itemID"
    )
    for item_id, type_id, library_id, key in rows:
        if int(library_id) in feeds:
            continue
        item_type = types.get(int(type_id), "")
        if int(item_id) in trashed:
            deleted += 1
        elif item_type in zmap.NOT_RECORDS:
            skipped[item_type] = skipped.get(item_type, 0) + 1
        else:
            items[int(item_id)] = _Item(int(item_id), int(library_id), str(key), item_type)
    return items, skipped, deleted


def _load_fields(
    connection: sqlite3.Connection,
    tables: set[str],
    items: dict[int, _Item],
    type_ids: dict[str, int],
) -> None:
    names = _field_names(connection, tables)
    bases = _base_fields(connection, tables)
    rows = connection.execute(
        "SELECT d.itemID, d.fieldID, v.value FROM itemData d JOIN itemDataValues v USING (valueID)"
    )
    for item_id, field_id, value in rows:
        item = items.get(int(item_id))
        if item is None or value is None or str(value) == "":
            continue
        name = names.get(int(field_id), f"field{field_id}")
        item.fields[name] = str(value)
        base_id = bases.get((type_ids.get(item.item_type, -1), int(field_id)))
        if base_id is not None and base_id in names:
            item.bases[names[base_id]] = name


def _load_creators(connection: sqlite3.Connection, items: dict[int, _Item]) -> None:
    rows = connection.execute(
        "SELECT ic.itemID, ct.creatorType, c.firstName, c.lastName, c.fieldMode "
        "FROM itemCreators ic JOIN creators c USING (creatorID) "
        "JOIN creatorTypes ct USING (creatorTypeID) ORDER BY ic.itemID, ic.orderIndex"
    )
    for item_id, creator_type, first, last, mode in rows:
        item = items.get(int(item_id))
        if item is not None:
            item.creators.append(
                (str(creator_type), first, last, None if mode is None else int(mode))
            )


def _load_collections(connection: sqlite3.Connection, tables: set[str]) -> dict[int, _Collection]:
    if "collections" not in tables:
        return {}
    trashed = _deleted(connection, tables, "deletedCollections", "collectionID")
    found: dict[int, _Collection] = {}
    for cid, name, parent, key in connection.execute(
        "SELECT collectionID, collectionName, parentCollectionID, key FROM collections "
        "ORDER BY collectionID"
    ):
        if int(cid) not in trashed:
            found[int(cid)] = _Collection(
                int(cid), str(name), None if parent is None else int(parent), str(key)
            )
    if "collectionItems" in tables:
        for cid, item_id in connection.execute(
            "SELECT collectionID, itemID FROM collectionItems ORDER BY orderIndex, itemID"
        ):
            if int(cid) in found:
                found[int(cid)].item_ids.append(int(item_id))
    return found


def _snapshot(path: str | Path) -> _Snapshot:
    """Everything the reader needs, read in one connection; DataError if unreadable."""
    try:
        return _read_snapshot(path)
    except sqlite3.Error as exc:
        raise DataError(f"{path}: cannot read the Zotero database: {exc}") from exc


def _read_snapshot(path: str | Path) -> _Snapshot:
    with open_database(path) as connection:
        tables = _tables(connection)
        _check_zotero(tables, str(path))
        types = _type_names(connection, tables)
        items, skipped, deleted = _load_items(connection, tables, types)
        _load_fields(connection, tables, items, {n: i for i, n in types.items()})
        _load_creators(connection, items)
        collections = _load_collections(connection, tables)
        primary = _primary_creators(connection, tables, types)
    return _Snapshot(list(items.values()), collections, skipped, deleted, primary)


# Mapping ---------------------------------------------------------------------


def _value(item: _Item, base: str) -> tuple[str, str] | None:
    """(field name, value) of a base field: the field itself or the type's own for it."""
    name = base if base in item.fields else item.bases.get(base)
    if name is None or not item.fields.get(name):
        return None
    return name, item.fields[name]


def _text_value(base: str, value: str) -> str:
    if base == "ISBN":
        value = zmap.first_isbn(value)
    return zmap.strip_enclosing_quotes(value)


def _item_json(item: _Item, primary: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CSL-JSON of an item (without id) and its fields no CSL variable took."""
    data: dict[str, Any] = {"type": zmap.CSL_TYPES.get(item.item_type, "document")}
    used: set[str] = set()
    for variable in zmap.CSL_TEXT:
        for base in zmap.text_fields(item.item_type, variable):
            found = _value(item, base)
            if found is not None:
                used.add(found[0])
                data[variable] = _text_value(base, found[1])
                break
    for variable, base in zmap.CSL_DATES.items():
        found = _value(item, base)
        if found is not None:
            used.add(found[0])
            convert = zmap.access_date if base == "accessDate" else zmap.multipart_date
            data[variable] = convert(found[1])
    for creator_type, first, last, mode in item.creators:
        role = zmap.name_variable(creator_type, primary.get(item.item_type))
        name = zmap.creator_name(first, last, mode)
        if role is not None and any(name.values()):
            data.setdefault(role, []).append(name)
    unmapped: dict[str, Any] = {n: v for n, v in item.fields.items() if n not in used}
    dropped = [
        {"creatorType": c[0], **zmap.creator_name(c[1], c[2], c[3])}
        for c in item.creators
        if zmap.name_variable(c[0], primary.get(item.item_type)) is None
    ]
    if dropped:  # counsel, attorneyAgent...: no CSL name variable
        unmapped["creators"] = dropped
    return data, unmapped


# Keys ------------------------------------------------------------------------


def _bbt_keys(path: Path) -> tuple[dict[tuple[int, str], str], dict[int, str]]:
    """Better BibTeX's keys by (library, item key) and by item id, if its database is there."""
    database = path.parent / BBT_DATABASE
    if not database.is_file():
        return {}, {}
    with open_database(database) as connection:
        tables = _tables(connection)
        if "citationkey" not in tables:
            return {}, {}
        columns = {str(row[1]) for row in connection.execute("PRAGMA table_info(citationkey)")}
        by_key: dict[tuple[int, str], str] = {}
        by_id: dict[int, str] = {}
        if {"libraryID", "itemKey"} <= columns:
            for lib, key, cite in connection.execute(
                "SELECT libraryID, itemKey, citationKey FROM citationkey"
            ):
                if cite:
                    by_key[(int(lib), str(key))] = str(cite)
        if "itemID" in columns:
            for item_id, cite in connection.execute("SELECT itemID, citationKey FROM citationkey"):
                if cite:
                    by_id[int(item_id)] = str(cite)
    return by_key, by_id


def _placeholder(item: _Item) -> str:
    return f"zotero-{item.library_id}-{item.key}"


def _assign_keys(
    records: list[tuple[_Item, dict[str, Any]]],
    path: Path,
    filename: str,
    diagnostics: list[Diagnostic],
) -> Library:
    """Ids: Better BibTeX's key, Zotero's ``citationKey``, else a generated one.

    A Better BibTeX key also becomes the record's ``citation-key`` (as in
    Better BibTeX's own CSL export); a different native key is kept in
    ``custom.zotero.citationKey``.  A key an earlier item already has is
    reported and replaced by a generated one.
    """
    by_key, by_id = _bbt_keys(path)
    fixed: set[str] = set()
    library = Library()
    for item, data in records:
        bbt = by_key.get((item.library_id, item.key)) if by_key else by_id.get(item.item_id)
        if bbt and bbt.strip():
            _prefer_bbt(data, bbt.strip())
        wanted = str(data.get("citation-key") or "").strip()
        key = _placeholder(item)
        if wanted and wanted in fixed:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "duplicate-key",
                    f"Zotero item {item.key} has the citation key '{wanted}' of an "
                    "earlier item; it gets a generated key",
                    file=filename,
                    key=wanted,
                )
            )
        elif wanted:
            key = wanted
            fixed.add(key)
        library.add(Record.from_json({"id": key, **data}))
    return _keyed(library, new_keys(library, keep=lambda r: r.key in fixed))


def _keyed(library: Library, renamed: dict[str, str]) -> Library:
    """The library with the generated keys in place of the placeholders.

    Only placeholder ids (``zotero-1-ABCD1234``) are renamed, and no field
    names one, so no ``crossref``/``xref`` pointer has to follow them.
    """
    keyed = Library()
    for record in library:
        if record.key in renamed:
            record = record.copy()
            record.id = renamed[record.key]
        keyed.add(record)
    return keyed


def _prefer_bbt(data: dict[str, Any], bbt: str) -> None:
    native = data.get("citation-key")
    if native and native != bbt:
        data.setdefault("custom", {}).setdefault(CUSTOM_FIELDS, {})["citationKey"] = native
    data["citation-key"] = bbt


# Collections -----------------------------------------------------------------


def _paths(collections: dict[int, _Collection]) -> dict[int, str]:
    """Each collection's path of names, ``Parent/Child`` (cycles cut)."""
    paths: dict[int, str] = {}
    for cid, collection in collections.items():
        names = [collection.name]
        seen = {cid}
        parent = collection.parent_id
        while parent is not None and parent in collections and parent not in seen:
            seen.add(parent)
            names.insert(0, collections[parent].name)
            parent = collections[parent].parent_id
        paths[cid] = "/".join(names)
    return paths


def _normal_path(path: str) -> str:
    return "/".join(part.strip() for part in path.strip().strip("/").split("/"))


def _with_descendants(start: set[int], collections: dict[int, _Collection]) -> set[int]:
    found = set(start)
    grew = True
    while grew:
        more = {
            c.collection_id
            for c in collections.values()
            if c.parent_id in found and c.collection_id not in found
        }
        found |= more
        grew = bool(more)
    return found


def _collection_items(wanted: str, collections: dict[int, _Collection], filename: str) -> set[int]:
    """The item ids of a collection path and its sub-collections; UsageError if none matches."""
    paths = _paths(collections)
    target = _normal_path(wanted)
    matches = {cid for cid, p in paths.items() if p == target}
    if not matches:
        matches = {cid for cid, p in paths.items() if p.casefold() == target.casefold()}
    if not matches:
        known = sorted(paths.values())
        close = [p for p in known if target.casefold() in p.casefold()][:5]
        listing = ", ".join(known[:20]) or "none"
        raise UsageError(
            f"no collection '{wanted}' in {filename} (collections: {listing})", suggestions=close
        )
    chosen = _with_descendants(matches, collections)
    return {item_id for cid in chosen for item_id in collections[cid].item_ids}


# Public ----------------------------------------------------------------------


def _records(
    snapshot: _Snapshot, path: Path, filename: str, diagnostics: list[Diagnostic]
) -> tuple[Library, dict[int, str]]:
    """The keyed library of every item, and each item id's key."""
    pairs: list[tuple[_Item, dict[str, Any]]] = []
    for item in snapshot.items:
        data, unmapped = _item_json(item, snapshot.primary)
        if item.item_type not in zmap.CSL_TYPES:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    "unknown-type",
                    f"Zotero item type '{item.item_type}' has no CSL type; read as 'document'",
                    file=filename,
                    key=item.key,
                )
            )
        if unmapped:
            data["custom"] = {CUSTOM_FIELDS: unmapped}
        pairs.append((item, data))
    library = _assign_keys(pairs, path, filename, diagnostics)
    for record in library:
        kept = record.custom.get(CUSTOM_FIELDS)
        if kept:
            diagnostics.append(
                Diagnostic(
                    Severity.INFO,
                    "unmapped-fields",
                    f"Zotero fields without a CSL variable kept in custom.{CUSTOM_FIELDS}: "
                    + ", ".join(sorted(kept)),
                    file=filename,
                    key=record.key,
                )
            )
    keys = {item.item_id: record.key for (item, _), record in zip(pairs, library, strict=True)}
    return library, keys


def _left_out(snapshot: _Snapshot, filename: str) -> list[Diagnostic]:
    """INFO counts of what is not a record: notes, attachments, annotations, the trash."""
    counts = [f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in sorted(snapshot.skipped.items())]
    if snapshot.deleted:
        counts.append(f"{snapshot.deleted} item{'' if snapshot.deleted == 1 else 's'} in the trash")
    if not counts:
        return []
    return [
        Diagnostic(
            Severity.INFO,
            "left-out",
            f"left out {', '.join(counts)}: not references",
            file=filename,
        )
    ]


def read_path(
    path: str | Path, *, filename: str | None = None, collection: str | None = None
) -> ReadResult:
    """Read a Zotero database (``zotero.sqlite``) into a library, read-only.

    ``collection`` (``"POL 240/Week 1"``) keeps only the items of that
    collection and its sub-collections; keys are given over the whole
    library first, so an item has the same key with or without the filter.
    """
    name = filename or str(path)
    snapshot = _snapshot(path)
    diagnostics = _left_out(snapshot, name)
    library, keys = _records(snapshot, Path(path), name, diagnostics)
    if collection is not None:
        wanted = {
            keys[i] for i in _collection_items(collection, snapshot.collections, name) if i in keys
        }
        library = Library(r for r in library if r.key in wanted)
        diagnostics = [d for d in diagnostics if d.key is None or d.key in wanted]
    if not len(library):
        diagnostics.append(
            Diagnostic(
                Severity.WARNING,
                "no-entries",
                "no references found in the Zotero database"
                + (f" collection '{collection}'" if collection else ""),
                file=name,
            )
        )
    return ReadResult(library, diagnostics)


def list_collections(path: str | Path) -> list[ZoteroCollection]:
    """Every collection of a Zotero database with the keys of its own items.

    The keys are the ids :func:`read_path` gives the same items, so a
    reading list can take a collection as a section.  Collections in the
    trash are left out, as are notes and attachments filed in a collection.
    """
    snapshot = _snapshot(path)
    _, keys = _records(snapshot, Path(path), str(path), [])
    paths = _paths(snapshot.collections)
    found: list[ZoteroCollection] = []
    for cid, collection in snapshot.collections.items():
        parent = paths.get(collection.parent_id) if collection.parent_id is not None else None
        found.append(
            ZoteroCollection(
                paths[cid],
                collection.key,
                tuple(keys[i] for i in collection.item_ids if i in keys),
                parent,
            )
        )
    return sorted(found, key=lambda c: c.path.casefold())


def read(text: str, *, filename: str | None = None) -> ReadResult:
    """A Zotero database is a file, not text: read it with :func:`read_path`."""
    raise UsageError(
        f"{filename or 'the input'}: a Zotero database is read from its file "
        "(citekit.read('zotero.sqlite'), citekit convert zotero.sqlite), not as text"
    )


def write(library: Library, **options: Any) -> str:
    """citekit reads Zotero's database but never writes it (Zotero owns it)."""
    raise UsageError(
        "citekit cannot write a Zotero database; write CSL-JSON, BibTeX or RIS "
        "and import that into Zotero"
    )


__all__ = ["ZoteroCollection", "list_collections", "open_database", "read", "read_path", "write"]
