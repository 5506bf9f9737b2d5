"""Styles and locales: finding CSL styles by name or path, and locale files and tags.

The engines receive a style's XML and a locale loader from here and never
read a file themselves.
"""

from citekit.styles.catalog import (
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    Style,
    StyleInfo,
    find_style,
    list_styles,
    load_style,
)

__all__ = [
    "DEFAULT_LOCALE",
    "DEFAULT_STYLE",
    "Style",
    "StyleInfo",
    "find_style",
    "list_styles",
    "load_style",
]
