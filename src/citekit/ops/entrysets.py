"""biblatex ``@set`` records: which works a set stands for.

Its own module because rendering asks it for every record it cites, and
loading it must not load the whole of :mod:`citekit.ops.check`, where the
rules about sets (:func:`~citekit.ops.check.set_problems`) live.
"""

from __future__ import annotations

from collections.abc import Mapping

from citekit.model.records import Record


def entry_set_members(record: Record) -> tuple[str, ...] | None:
    """The member keys of a biblatex ``@set`` record, in order; None for any other record.

    CSL has no set type: the BibTeX reader keeps a set as a ``document``
    with ``custom.biblatex`` holding ``"@type": "set"`` and the raw
    ``entryset`` list, and the renderer cites a set as its members
    (docs/bibtex-import.md, "Entry sets").  A set with an empty
    ``entryset`` gives an empty tuple, which
    :func:`~citekit.ops.check.set_problems` reports.
    """
    raw = record.custom.get("biblatex")
    if not isinstance(raw, Mapping) or str(raw.get("@type", "")).lower() != "set":
        return None
    members = raw.get("entryset", "")
    if not isinstance(members, str):
        return ()
    return tuple(dict.fromkeys(m.strip() for m in members.split(",") if m.strip()))


__all__ = ["entry_set_members"]
