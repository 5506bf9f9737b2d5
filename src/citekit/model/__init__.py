"""The model: CSL-JSON records, names, dates, the library, and citations.

Every format reads into these types and writes from them; every layer above
speaks them.  The model imports only :mod:`citekit.base` and
:mod:`citekit.errors`.
"""

from citekit.model.citations import CiteItem, Cluster
from citekit.model.records import (
    DATE_VARIABLES,
    ITEM_TYPES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    STRING_VARIABLES,
    CustomFields,
    Date,
    Library,
    Name,
    Record,
    parse_edtf,
    variable_kind,
)

__all__ = [
    "DATE_VARIABLES",
    "ITEM_TYPES",
    "NAME_VARIABLES",
    "NUMBER_VARIABLES",
    "STRING_VARIABLES",
    "CiteItem",
    "Cluster",
    "CustomFields",
    "Date",
    "Library",
    "Name",
    "Record",
    "parse_edtf",
    "variable_kind",
]
