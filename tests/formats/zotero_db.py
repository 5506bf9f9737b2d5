"""Build Zotero databases for the tests, from Zotero's published schema.

No binary is committed: every test makes its ``zotero.sqlite`` here.  The
DDL is a subset of Zotero's ``resource/schema/userdata.sql`` (public
zotero/zotero repository), re-typed with only the tables and columns the
reader uses plus the ones that make the file look like Zotero's (the
``...Combined`` tables of Zotero 5.0.78+, ``itemTypeFields``, ``libraries``,
``deletedCollections``).  :data:`ITEM_TYPES` is re-typed from the global
``schema.json`` (zotero/zotero-schema, version 41): each type's fields in
order, ``field:baseField`` where the type maps its own field to a base
field, and its creator types, the primary one starred.  The Better BibTeX
table is its ``citationkey`` table (retorquere/zotero-better-bibtex).

:func:`build_sample` makes the library the fixtures in
``tests/formats/data/zotero/`` describe.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

DDL = """
CREATE TABLE itemTypes (
    itemTypeID INTEGER PRIMARY KEY, typeName TEXT, templateItemTypeID INT,
    display INT DEFAULT 1);
CREATE TABLE itemTypesCombined (
    itemTypeID INT NOT NULL, typeName TEXT NOT NULL, display INT DEFAULT 1 NOT NULL,
    custom INT NOT NULL, PRIMARY KEY (itemTypeID));
CREATE TABLE fields (
    fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
CREATE TABLE fieldsCombined (
    fieldID INT NOT NULL, fieldName TEXT NOT NULL, label TEXT, fieldFormatID INT,
    custom INT NOT NULL, PRIMARY KEY (fieldID));
CREATE TABLE itemTypeFields (
    itemTypeID INT, fieldID INT, hide INT, orderIndex INT,
    PRIMARY KEY (itemTypeID, orderIndex), UNIQUE (itemTypeID, fieldID));
CREATE TABLE baseFieldMappings (
    itemTypeID INT, baseFieldID INT, fieldID INT,
    PRIMARY KEY (itemTypeID, baseFieldID, fieldID));
CREATE TABLE baseFieldMappingsCombined (
    itemTypeID INT, baseFieldID INT, fieldID INT,
    PRIMARY KEY (itemTypeID, baseFieldID, fieldID));
CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
CREATE TABLE itemTypeCreatorTypes (
    itemTypeID INT, creatorTypeID INT, primaryField INT,
    PRIMARY KEY (itemTypeID, creatorTypeID));
CREATE TABLE libraries (
    libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL, editable INT NOT NULL,
    filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0,
    clientVersion INT NOT NULL DEFAULT 0, storageVersion INT NOT NULL DEFAULT 0,
    lastSync INT NOT NULL DEFAULT 0, archived INT NOT NULL DEFAULT 0);
CREATE TABLE items (
    itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key),
    FOREIGN KEY (libraryID) REFERENCES libraries(libraryID) ON DELETE CASCADE);
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
CREATE TABLE itemData (
    itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (valueID) REFERENCES itemDataValues(valueID));
CREATE TABLE itemNotes (
    itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT, title TEXT,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE);
CREATE TABLE itemAttachments (
    itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT, contentType TEXT,
    charsetID INT, path TEXT, syncState INT DEFAULT 0,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE);
CREATE TABLE creators (
    creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT, fieldMode INT,
    UNIQUE (lastName, firstName, fieldMode));
CREATE TABLE itemCreators (
    itemID INT NOT NULL, creatorID INT NOT NULL, creatorTypeID INT NOT NULL DEFAULT 1,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex), UNIQUE (itemID, orderIndex),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (creatorID) REFERENCES creators(creatorID) ON DELETE CASCADE);
CREATE TABLE collections (
    collectionID INTEGER PRIMARY KEY, collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key),
    FOREIGN KEY (parentCollectionID) REFERENCES collections(collectionID) ON DELETE CASCADE);
CREATE TABLE collectionItems (
    collectionID INT NOT NULL, itemID INT NOT NULL, orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (collectionID, itemID));
CREATE TABLE deletedCollections (
    collectionID INTEGER PRIMARY KEY, dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE TABLE deletedItems (
    itemID INTEGER PRIMARY KEY, dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL);
"""

#: Better BibTeX's key table (its ``better-bibtex.sqlite``).
BBT_DDL = """
CREATE TABLE citationkey (
    itemID NOT NULL PRIMARY KEY, itemKey NOT NULL, libraryID NOT NULL,
    citationKey NOT NULL CHECK (citationKey <> ''), pinned CHECK (pinned in (0, 1)),
    UNIQUE (libraryID, itemKey));
"""

#: (item type, "field field:baseField ...", "creatorType* creatorType ...").
ITEM_TYPES: list[tuple[str, str, str]] = [
    (
        "journalArticle",
        "title abstractNote publicationTitle publisher place date volume issue section "
        "partNumber partTitle pages series seriesTitle seriesText journalAbbreviation DOI "
        "citationKey url accessDate PMID PMCID ISSN archive archiveLocation shortTitle "
        "language libraryCatalog callNumber rights extra",
        "author* contributor editor translator reviewedAuthor",
    ),
    (
        "book",
        "title abstractNote series seriesNumber volume numberOfVolumes edition date "
        "publisher place originalDate originalPublisher originalPlace format:medium "
        "numPages ISBN DOI citationKey url accessDate ISSN archive archiveLocation "
        "shortTitle language libraryCatalog callNumber rights extra",
        "author* contributor editor translator seriesEditor",
    ),
    (
        "bookSection",
        "title abstractNote bookTitle:publicationTitle series seriesNumber volume "
        "numberOfVolumes edition date publisher place originalDate originalPublisher "
        "originalPlace format:medium pages ISBN DOI citationKey url accessDate ISSN "
        "archive archiveLocation shortTitle language libraryCatalog callNumber rights "
        "extra",
        "author* contributor editor bookAuthor translator seriesEditor",
    ),
    (
        "conferencePaper",
        "title abstractNote proceedingsTitle:publicationTitle conferenceName publisher "
        "place date eventPlace volume issue numberOfVolumes pages series seriesNumber DOI "
        "ISBN citationKey url accessDate ISSN archive archiveLocation shortTitle language "
        "libraryCatalog callNumber rights extra",
        "author* contributor editor translator seriesEditor",
    ),
    (
        "thesis",
        "title abstractNote thesisType:type university:publisher place date series "
        "seriesNumber numPages DOI ISBN citationKey url accessDate ISSN archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
        "author* contributor",
    ),
    (
        "report",
        "title abstractNote reportNumber:number reportType:type institution:publisher "
        "place date seriesTitle seriesNumber pages DOI ISBN citationKey url accessDate "
        "ISSN archive archiveLocation shortTitle language libraryCatalog callNumber "
        "rights extra",
        "author* editor contributor translator seriesEditor",
    ),
    (
        "webpage",
        "title abstractNote websiteTitle:publicationTitle websiteType:type date publisher "
        "place DOI citationKey url accessDate shortTitle language rights extra",
        "author* contributor translator",
    ),
    (
        "newspaperArticle",
        "title abstractNote publicationTitle publisher place date volume issue edition "
        "section pages ISSN DOI citationKey url accessDate archive archiveLocation "
        "shortTitle language libraryCatalog callNumber rights extra",
        "author* contributor translator reviewedAuthor",
    ),
    (
        "magazineArticle",
        "title abstractNote publicationTitle publisher place date volume issue pages ISSN "
        "DOI citationKey url accessDate archive archiveLocation shortTitle language "
        "libraryCatalog callNumber rights extra",
        "author* contributor translator reviewedAuthor",
    ),
    (
        "document",
        "title abstractNote type date publisher place DOI citationKey url accessDate "
        "archive archiveLocation shortTitle language libraryCatalog callNumber rights "
        "extra",
        "author* contributor editor translator reviewedAuthor",
    ),
    (
        "letter",
        "title abstractNote letterType:type date eventPlace DOI citationKey url "
        "accessDate archive archiveLocation shortTitle language libraryCatalog callNumber "
        "rights extra",
        "author* recipient contributor translator",
    ),
    (
        "interview",
        "title abstractNote interviewMedium:medium date publisher place DOI citationKey "
        "url accessDate archive archiveLocation shortTitle language libraryCatalog "
        "callNumber rights extra",
        "interviewee* contributor interviewer translator",
    ),
    (
        "film",
        "title abstractNote distributor:publisher place date genre:type "
        "videoRecordingFormat:medium runningTime DOI citationKey url accessDate archive "
        "archiveLocation shortTitle language libraryCatalog callNumber rights extra",
        "director* producer scriptwriter castMember host guest narrator translator contributor",
    ),
    (
        "patent",
        "title abstractNote place country assignee issuingAuthority:authority "
        "patentNumber:number filingDate pages applicationNumber priorityNumbers "
        "issueDate:date priorityDate:originalDate references legalStatus:status DOI "
        "citationKey url accessDate shortTitle language rights extra",
        "inventor* attorneyAgent contributor",
    ),
    (
        "case",
        "caseName:title abstractNote court:authority dateDecided:date docketNumber:number "
        "reporter reporterVolume:volume firstPage:pages history DOI citationKey url "
        "accessDate shortTitle language rights extra",
        "author* counsel contributor",
    ),
    (
        "statute",
        "nameOfAct:title abstractNote code codeNumber publicLawNumber:number "
        "dateEnacted:date pages section session history DOI citationKey url accessDate "
        "shortTitle language rights extra",
        "author* contributor",
    ),
    ("note", "", ""),
    ("attachment", "title accessDate url", ""),
    ("annotation", "", ""),
]


@dataclass
class Creator:
    """One row of ``creators`` and its ``itemCreators`` role (fieldMode 1: one field)."""

    kind: str
    last: str
    first: str = ""
    mode: int = 0


@dataclass
class Item:
    """An item to store: its 8-character key, type, fields by Zotero name, creators."""

    key: str
    type: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[Creator] = field(default_factory=list)
    library: int = 1
    parent: str | None = None
    note: str | None = None
    deleted: bool = False


class ZoteroDB:
    """A Zotero database under construction, with the schema's types, fields and creators."""

    def __init__(self, path: Path, *, combined: bool = True) -> None:
        self.path = path
        self.connection = sqlite3.connect(path)
        self.connection.executescript(DDL)
        self.combined = combined
        self.type_ids: dict[str, int] = {}
        self.field_ids: dict[str, int] = {}
        self.creator_ids: dict[str, int] = {}
        self.item_ids: dict[str, int] = {}
        self.collection_ids: dict[str, int] = {}
        self._schema()
        self.library(1, "user")

    def _id(self, table: dict[str, int], name: str) -> int:
        return table.setdefault(name, len(table) + 1)

    def _schema(self) -> None:
        """Fill the type, field and creator-type tables from :data:`ITEM_TYPES`."""
        run = self.connection.execute
        for type_name, fields, creators in ITEM_TYPES:
            type_id = self._id(self.type_ids, type_name)
            run("INSERT INTO itemTypes VALUES (?, ?, NULL, 1)", (type_id, type_name))
            for order, spec in enumerate(fields.split()):
                name, _, base = spec.partition(":")
                field_id = self._field(name)
                run("INSERT INTO itemTypeFields VALUES (?, ?, 0, ?)", (type_id, field_id, order))
                if base:
                    run(
                        "INSERT INTO baseFieldMappings VALUES (?, ?, ?)",
                        (type_id, self._field(base), field_id),
                    )
            for spec in creators.split():
                name = spec.rstrip("*")
                creator_id = self._id(self.creator_ids, name)
                run("INSERT OR IGNORE INTO creatorTypes VALUES (?, ?)", (creator_id, name))
                run(
                    "INSERT INTO itemTypeCreatorTypes VALUES (?, ?, ?)",
                    (type_id, creator_id, int(spec.endswith("*"))),
                )
        if self.combined:
            run(
                "INSERT INTO itemTypesCombined SELECT itemTypeID, typeName, display, 0 "
                "FROM itemTypes"
            )
            run(
                "INSERT INTO fieldsCombined SELECT fieldID, fieldName, NULL, fieldFormatID, 0 "
                "FROM fields"
            )
            run("INSERT INTO baseFieldMappingsCombined SELECT * FROM baseFieldMappings")
        else:
            for table in ("itemTypesCombined", "fieldsCombined", "baseFieldMappingsCombined"):
                run(f"DROP TABLE {table}")

    def _field(self, name: str) -> int:
        if name not in self.field_ids:
            field_id = self._id(self.field_ids, name)
            self.connection.execute("INSERT INTO fields VALUES (?, ?, NULL)", (field_id, name))
        return self.field_ids[name]

    def library(self, library_id: int, kind: str) -> None:
        self.connection.execute(
            "INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (?, ?, 1, 1)",
            (library_id, kind),
        )

    def add(self, item: Item) -> int:
        """Store an item with its fields, creators, and note/attachment/trash rows."""
        run = self.connection.execute
        cursor = run(
            "INSERT INTO items (itemTypeID, libraryID, key) VALUES (?, ?, ?)",
            (self.type_ids[item.type], item.library, item.key),
        )
        item_id = int(cursor.lastrowid or 0)
        self.item_ids[item.key] = item_id
        for name, value in item.fields.items():
            run("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)", (value,))
            (value_id,) = run(
                "SELECT valueID FROM itemDataValues WHERE value = ?", (value,)
            ).fetchone()
            run("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, self._field(name), value_id))
        for order, creator in enumerate(item.creators):
            run(
                "INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, ?)",
                (creator.first, creator.last, creator.mode),
            )
            (creator_id,) = run(
                "SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ? "
                "AND fieldMode = ?",
                (creator.first, creator.last, creator.mode),
            ).fetchone()
            run(
                "INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                (item_id, creator_id, self.creator_ids[creator.kind], order),
            )
        parent = self.item_ids.get(item.parent) if item.parent else None
        if item.type == "note":
            run(
                "INSERT INTO itemNotes VALUES (?, ?, ?, ?)",
                (item_id, parent, item.note or "", (item.note or "")[:40]),
            )
        if item.type == "attachment":
            run(
                "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) "
                "VALUES (?, ?, 0, 'application/pdf', 'storage:paper.pdf')",
                (item_id, parent),
            )
        if item.deleted:
            run("INSERT INTO deletedItems (itemID) VALUES (?)", (item_id,))
        return item_id

    def collection(
        self,
        key: str,
        name: str,
        parent: str | None = None,
        *,
        items: tuple[str, ...] = (),
        library: int = 1,
        deleted: bool = False,
    ) -> None:
        """A collection (under ``parent``, a collection key) holding items by key."""
        cursor = self.connection.execute(
            "INSERT INTO collections (collectionName, parentCollectionID, libraryID, key) "
            "VALUES (?, ?, ?, ?)",
            (name, self.collection_ids.get(parent or ""), library, key),
        )
        collection_id = int(cursor.lastrowid or 0)
        self.collection_ids[key] = collection_id
        for order, item_key in enumerate(items):
            self.connection.execute(
                "INSERT INTO collectionItems VALUES (?, ?, ?)",
                (collection_id, self.item_ids[item_key], order),
            )
        if deleted:
            self.connection.execute(
                "INSERT INTO deletedCollections (collectionID) VALUES (?)", (collection_id,)
            )

    def close(self) -> Path:
        self.connection.commit()
        self.connection.close()
        return self.path


def write_bbt(path: Path, keys: list[tuple[int, str, int, str]]) -> Path:
    """Better BibTeX's database: rows of (itemID, itemKey, libraryID, citationKey)."""
    connection = sqlite3.connect(path)
    connection.executescript(BBT_DDL)
    connection.executemany("INSERT INTO citationkey VALUES (?, ?, ?, ?, 0)", keys)
    connection.commit()
    connection.close()
    return path


def _people(*specs: str) -> list[Creator]:
    """``"kind:Last|First"`` (two fields) or ``"kind:=Name"`` (one field)."""
    found: list[Creator] = []
    for spec in specs:
        kind, _, name = spec.partition(":")
        if name.startswith("="):
            found.append(Creator(kind, name[1:], "", 1))
        else:
            last, _, first = name.partition("|")
            found.append(Creator(kind, last, first))
    return found


#: The sample library: one item of every common type, with creators of every kind.
SAMPLE: list[Item] = [
    Item(
        "JA2B4C6D",
        "journalArticle",
        {
            "title": "Sanctions and bargaining on the Korean peninsula",
            "abstractNote": "We study sanctions.",
            "publicationTitle": "Journal of Peace Research",
            "journalAbbreviation": "J. Peace Res.",
            "volume": "56",
            "issue": "2",
            "pages": "123-145",
            "date": "2019-03-15 March 15, 2019",
            "series": "Old series",
            "seriesTitle": "Special issue on Asia",
            "seriesText": "Guest edited",
            "DOI": "10.1177/0022343318812345",
            "ISSN": "0022-3433",
            "url": "https://example.org/jpr/56/2",
            "accessDate": "2020-01-05 12:34:56",
            "language": "en",
            "libraryCatalog": "SAGE Journals",
            "shortTitle": "Sanctions and bargaining",
            "citationKey": "vanderberg2019native",
            "extra": "Read for week 1",
            "PMID": "31234567",
        },
        _people(
            "author:van der Berg|Anna",
            "author:Smith|John, Jr.",
            "editor:Beethoven|Ludwig van",
            "translator:Müller|Jörg",
            "reviewedAuthor:Kim|Min-jun",
            "contributor:=Korea Institute",
        ),
    ),
    Item(
        "BK3C5D7F",
        "book",
        {
            "title": "Global health report",
            "date": "2001-00-00 2001",
            "publisher": "WHO Press",
            "place": "Geneva",
            "edition": "2",
            "numPages": "312",
            "ISBN": "978-0-19-953556-9 0199535566",
            "series": "Health reports",
            "seriesNumber": "7",
            "volume": "3",
            "numberOfVolumes": "5",
            "originalDate": "1867-00-00 1867",
            "originalPublisher": "Old Press",
            "originalPlace": "London",
            "format": "Paperback",
            "callNumber": "RA441 .G56",
            "rights": "CC BY 4.0",
            "archive": "WHO Archives",
            "archiveLocation": "Box 12",
        },
        _people(
            "author:=World Health Organization",
            "editor:Chan|Margaret",
            "seriesEditor:Brundtland|Gro Harlem",
            "translator:Dupont|Jean",
        ),
    ),
    Item(
        "BS4D6F8G",
        "bookSection",
        {
            "title": "Alliances in Northeast Asia",
            "bookTitle": "Handbook of Asian security",
            "pages": "45-67",
            "date": "2010-00-00 2010",
            "publisher": "Routledge",
            "place": "London",
            "citationKey": "cha2010alliances",
        },
        _people("author:Cha|Victor", "bookAuthor:Katzenstein|Peter J.", "editor:Pempel|T. J."),
    ),
    Item(
        "CP5F7G9H",
        "conferencePaper",
        {
            "title": "Signals in crisis bargaining",
            "proceedingsTitle": "Proceedings of ISA 2018",
            "conferenceName": "ISA Annual Convention",
            "eventPlace": "San Francisco",
            "place": "New York",
            "publisher": "ISA",
            "date": "2018-06-00 June 2018",
            "pages": "1-20",
            "DOI": "10.1000/isa.2018.1",
        },
        _people("author:Fearon|James D.", "editor:Lake|David"),
    ),
    Item(
        "TH6G8H2J",
        "thesis",
        {
            "title": "Nuclear latency and diplomacy",
            "thesisType": "PhD dissertation",
            "university": "University of Oxford",
            "place": "Oxford",
            "date": "2015-09-30 30 September 2015",
            "numPages": "289",
        },
        _people("author:Lee|Sung-Yoon"),
    ),
    Item(
        "RP7H9J3K",
        "report",
        {
            "title": "North Korea's economy",
            "reportNumber": "R-2019-4",
            "reportType": "Working paper",
            "institution": "Brookings Institution",
            "place": "Washington, DC",
            "date": "2019-00-00 Spring 2019",
            "seriesTitle": "Asia working papers",
            "pages": "30",
        },
        _people("author:=Brookings Asia Team", "editor:Pollack|Jonathan D."),
    ),
    Item(
        "WP8J2K4L",
        "webpage",
        {
            "title": "Timeline of talks",
            "websiteTitle": "Arms Control Association",
            "websiteType": "Fact sheet",
            "url": "https://example.org/timeline",
            "date": "2021-07-04 2021-07-04",
            "accessDate": "2022-02-01 08:00:00",
        },
        _people("author:Davenport|Kelsey"),
    ),
    Item(
        "NA9K3L5M",
        "newspaperArticle",
        {
            "title": "Summit ends without deal",
            "publicationTitle": "The New York Times",
            "edition": "Late edition",
            "section": "A",
            "pages": "A1",
            "date": "2019-02-28 February 28, 2019",
            "place": "New York",
        },
        _people("author:Sanger|David E.", "author:Choe|Sang-Hun"),
    ),
    Item(
        "MA2L4M6N",
        "magazineArticle",
        {
            "title": '"The hermit kingdom opens"',
            "publicationTitle": "The Atlantic",
            "volume": "321",
            "issue": "4",
            "pages": "50-58",
            "date": "2018-05-00 May 2018",
        },
        _people("author:Fifield|Anna"),
    ),
    Item(
        "DC3M5N7P",
        "document",
        {
            "title": "Memorandum on talks",
            "publisher": "State Department",
            "date": "0000-00-00 n.d.",
        },
        _people("author:=Office of the Historian", "reviewedAuthor:Kissinger|Henry"),
    ),
    Item(
        "LT4N6P8Q",
        "letter",
        {
            "title": "Letter to the chairman",
            "letterType": "Personal letter",
            "date": "1994-10-21 21 October 1994",
        },
        _people("author:Carter|Jimmy", "recipient:Kim|Il-sung"),
    ),
    Item(
        "IV5P7Q9R",
        "interview",
        {
            "title": "On the Agreed Framework",
            "interviewMedium": "Radio",
            "date": "1995-01-10 January 10, 1995",
        },
        _people("interviewee:Gallucci|Robert", "interviewer:Gross|Terry"),
    ),
    Item(
        "FM6Q8R2S",
        "film",
        {
            "title": "The propaganda game",
            "distributor": "Netflix",
            "genre": "Documentary",
            "videoRecordingFormat": "Streaming",
            "runningTime": "90 min",
            "date": "2015-00-00 2015",
        },
        _people(
            "director:Cuenca|Álvaro Longoria",
            "producer:Bardem|Javier",
            "scriptwriter:Longoria|Álvaro",
            "castMember:Cao de Benós|Alejandro",
        ),
    ),
    Item(
        "PT7R9S3T",
        "patent",
        {
            "title": "Seismic detection of underground tests",
            "patentNumber": "US 9,999,999",
            "issueDate": "2018-06-26 2018-06-26",
            "filingDate": "2016-01-12 2016-01-12",
            "priorityDate": "2015-01-12 2015-01-12",
            "applicationNumber": "14/123,456",
            "priorityNumbers": "US 62/101,112",
            "country": "United States",
            "assignee": "Example Labs",
            "issuingAuthority": "USPTO",
            "legalStatus": "Granted",
            "references": "US 8,000,000",
        },
        _people("inventor:Richards|Paul G.", "attorneyAgent:Doe|Jane"),
    ),
    Item(
        "CS8S2T4V",
        "case",
        {
            "caseName": "United States v. Kim",
            "court": "2d Cir.",
            "dateDecided": "2004-03-02 March 2, 2004",
            "docketNumber": "No. 03-1234",
            "reporter": "F.3d",
            "reporterVolume": "360",
            "firstPage": "112",
            "history": "aff'd, 543 U.S. 1",
        },
        _people("counsel:Roe|Richard"),
    ),
    Item(
        "ST9T3V5W",
        "statute",
        {
            "nameOfAct": "North Korean Human Rights Act of 2004",
            "code": "U.S.C.",
            "codeNumber": "22",
            "publicLawNumber": "Pub. L. 108-333",
            "dateEnacted": "2004-10-18 October 18, 2004",
            "pages": "7801",
            "section": "7801",
            "session": "108th Congress",
        },
        [],
    ),
    Item("NT2V4W6X", "note", note="<p>Discuss in seminar</p>"),
    Item("NT3W5X7Y", "note", parent="JA2B4C6D", note="<p>Key argument on p. 130</p>"),
    Item("AT4X6Y8Z", "attachment", {"title": "Full text PDF"}, parent="JA2B4C6D"),
    Item("AT5Y7Z9A", "attachment", {"title": "Standalone scan"}),
    Item(
        "DL6Z8A2B",
        "journalArticle",
        {"title": "A deleted article", "date": "2000-00-00 2000"},
        _people("author:Gone|Ghost"),
        deleted=True,
    ),
]

#: Better BibTeX keys: (item key, citation key).  The journal article has a
#: native key too; Better BibTeX's wins.
BBT_KEYS: list[tuple[str, str]] = [
    ("JA2B4C6D", "berg2019sanctions"),
    ("FM6Q8R2S", "cuenca2015propaganda"),
]

#: Collections: (key, name, parent key, item keys).
COLLECTIONS: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("CLPOL240", "POL 240", None, ("TH6G8H2J",)),
    ("CLWEEK01", "Week 1", "CLPOL240", ("JA2B4C6D", "BK3C5D7F", "NT2V4W6X")),
    ("CLEXTRA1", "Extra readings", "CLWEEK01", ("BS4D6F8G",)),
    ("CLWEEK02", "Week 2", "CLPOL240", ("RP7H9J3K", "WP8J2K4L", "DL6Z8A2B")),
    ("CLMETHOD", "Methods", None, ("FM6Q8R2S", "AT5Y7Z9A")),
]


def build_sample(folder: Path, *, bbt: bool = True, combined: bool = True) -> Path:
    """Write ``zotero.sqlite`` (and ``better-bibtex.sqlite``) with the sample library."""
    database = ZoteroDB(folder / "zotero.sqlite", combined=combined)
    for item in SAMPLE:
        database.add(item)
    for key, name, parent, items in COLLECTIONS:
        database.collection(key, name, parent, items=items)
    database.collection("CLTRASH1", "Old drafts", None, items=("CS8S2T4V",), deleted=True)
    if bbt:
        write_bbt(
            folder / "better-bibtex.sqlite",
            [(database.item_ids[key], key, 1, cite) for key, cite in BBT_KEYS],
        )
    return database.close()
