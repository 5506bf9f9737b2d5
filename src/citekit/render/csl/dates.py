"""Rendering ``cs:date``: localized forms, parts, seasons, eras and ranges."""

from __future__ import annotations

from dataclasses import replace

from citekit.render.csl.boxes import Box
from citekit.render.csl.data import DateData
from citekit.render.csl.decor import apply_decor, superscripts
from citekit.render.csl.locale import Locale
from citekit.render.csl.numbers import ordinal_suffix
from citekit.render.csl.style import PLAIN, DateNode, DatePartNode, Decor

_LEVEL = {"year": 0, "month": 1, "day": 2}
_PARTS_FILTER = {
    "year-month-day": ("year", "month", "day"),
    "year-month": ("year", "month"),
    "year": ("year",),
}


def resolve_parts(node: DateNode, locale: Locale) -> tuple[tuple[DatePartNode, ...], str, Decor]:
    """The date parts to render, merging a localized format with the style's overrides."""
    if node.form:
        base = locale.date_formats.get(node.form)
        if base is None:
            return node.parts, node.delimiter, PLAIN
        overrides = {part.name: part for part in node.parts}
        wanted = _PARTS_FILTER.get(node.parts_attr, ("year", "month", "day"))
        parts = []
        for part in base.parts:
            if part.name not in wanted:
                continue
            over = overrides.get(part.name)
            if over is not None:
                decor = part.decor
                od = over.decor
                decor = replace(
                    decor,
                    fmt=od.fmt or decor.fmt,
                    text_case=od.text_case or decor.text_case,
                    strip_periods=od.strip_periods or decor.strip_periods,
                    prefix=od.prefix or decor.prefix,
                    suffix=od.suffix or decor.suffix,
                )
                part = DatePartNode(
                    part.name,
                    over.form or part.form,
                    over.range_delimiter or part.range_delimiter,
                    decor,
                )
            parts.append(part)
        return tuple(parts), base.delimiter, base.decor
    return node.parts, node.delimiter, PLAIN


def _year(year: int, form: str | None, locale: Locale) -> str:
    if year < 0:
        return f"{-year}{locale.term('bc')}"
    if form == "short":
        return f"{year % 100:02d}"
    if 0 < year < 1000:
        return f"{year}{locale.term('ad')}"
    return str(year)


def _part_text(part: DatePartNode, ymd: tuple[int, int, int], season: int, locale: Locale) -> str:
    year, month, day = ymd
    name = part.name
    form = part.form
    if name == "year":
        return _year(year, form, locale) if year else ""
    if name == "month":
        if not month:
            if season and 1 <= season <= 4:
                return locale.term(f"season-{season:02d}", "short" if form == "short" else "long")
            return ""
        if not 1 <= month <= 12:
            return ""
        if form == "numeric":
            return str(month)
        if form == "numeric-leading-zeros":
            return f"{month:02d}"
        text = locale.term(f"month-{month:02d}", "short" if form == "short" else "long")
        if part.decor.strip_periods:
            text = text.replace(".", "")
        return text
    if name == "day":
        if not day or not month:
            return ""
        if form == "numeric-leading-zeros":
            return f"{day:02d}"
        if form == "ordinal":
            if locale.limit_day_ordinals and day != 1:
                return str(day)
            gender = locale.genders.get(f"month-{month:02d}", "")
            return f"{day}{ordinal_suffix(day, locale, gender)}"
        return str(day)
    return ""


def _render_parts(
    parts: tuple[DatePartNode, ...],
    ymd: tuple[int, int, int],
    season: int,
    locale: Locale,
    delimiter: str,
    drop_first_prefix: bool = False,
    drop_last_suffix: bool = False,
) -> list[str | Box]:
    rendered: list[tuple[DatePartNode, str]] = []
    for part in parts:
        text = _part_text(part, ymd, season, locale)
        if text:
            rendered.append((part, text))
    out: list[str | Box] = []
    last = len(rendered) - 1
    for index, (part, text) in enumerate(rendered):
        decor = part.decor
        if (index == 0 and drop_first_prefix) or (index == last and drop_last_suffix):
            decor = replace(
                decor,
                prefix="" if index == 0 and drop_first_prefix else decor.prefix,
                suffix="" if index == last and drop_last_suffix else decor.suffix,
            )
        if index and delimiter:
            out.append(delimiter)
        if part.name == "year":
            content: str | Box = Box([text], tag="year")
        elif part.name == "day":
            content = superscripts(text)
        else:
            content = text
        if decor.strip_periods:  # stripped from the term already (and decor only reads it)
            decor = replace(decor, strip_periods=False)
        out.append(apply_decor(content, decor))
    return out


def render_date(node: DateNode, date: DateData, locale: Locale) -> Box | None:
    """The date as an output box (without the node's own decor)."""
    parts, delimiter, _ = resolve_parts(node, locale)
    if date.literal and not date.parts[0]:
        return Box([date.literal], tag="date")
    start = date.parts
    end = date.end
    if end is None:
        kids = _render_parts(parts, start, date.season, locale, delimiter)
        return Box(kids, tag="date") if kids else None
    if end == (0, 0, 0):  # open range: "1987–"
        kids = _render_parts(parts, start, date.season, locale, delimiter)
        year = next((p for p in parts if p.name == "year"), None)
        dash = year.range_delimiter if year is not None and year.range_delimiter else "\u2013"
        return Box([*kids, dash], tag="date") if kids else None
    # Ranges: find the largest part that differs.
    names = [p.name for p in parts]
    if start[0] != end[0]:
        diff = "year"
    elif start[1] != end[1] or date.season != date.end_season:
        diff = "month"
    else:
        diff = "day"
    level = _LEVEL[diff]
    span = [i for i, name in enumerate(names) if _LEVEL.get(name, 0) >= level]
    if not span:
        kids = _render_parts(parts, start, date.season, locale, delimiter)
        return Box(kids, tag="date") if kids else None
    lo, hi = span[0], span[-1]
    range_part = next((p for p in parts if p.name == diff), None)
    range_delimiter = (
        range_part.range_delimiter if range_part and range_part.range_delimiter else "\u2013"
    )
    before = _render_parts(parts[:lo], start, date.season, locale, delimiter)
    first = _render_parts(
        parts[lo : hi + 1], start, date.season, locale, delimiter, drop_last_suffix=True
    )
    second = _render_parts(
        parts[lo : hi + 1], end, date.end_season, locale, delimiter, drop_first_prefix=True
    )
    after = _render_parts(parts[hi + 1 :], start, date.season, locale, delimiter)
    joined: list[str | Box] = []
    for chunk in (before, [Box([*first, range_delimiter, *second])], after):
        if not chunk:
            continue
        if joined and delimiter:
            joined.append(delimiter)
        joined.extend(chunk)
    return Box(joined, tag="date")
