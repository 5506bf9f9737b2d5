"""Finding styles and locales: names, paths, folders, dependents, the whole repository."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from citekit.base.paths import UnsafePathError
from citekit.errors import StyleError, UnknownLocaleError, UnknownStyleError, UsageError
from citekit.styles import catalog as styles

MINIMAL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="{cls}" version="1.0"{locale}>
  <info>
    <title>{title}</title>
    <id>http://example.org/styles/{id}</id>
    <category citation-format="author-date"/>
    <category field="history"/>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""

DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="de-DE">
  <info>
    <title>{title}</title>
    <id>http://example.org/styles/{id}</id>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
    <category field="history"/>
  </info>
</style>
"""


def write_style(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_styles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "mystyles"
    folder.mkdir()
    monkeypatch.setenv("CITEKIT_STYLES", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return folder


# -- by name -----------------------------------------------------------------


def test_find_repository_style_by_name() -> None:
    style = styles.find_style("apa")
    assert style.id == "apa"
    assert style.title.startswith("APA")
    assert style.style_class == "in-text"
    assert b"<citation" in style.xml
    assert style.parent is None


def test_note_style_class() -> None:
    style = styles.find_style("chicago-notes-bibliography")
    assert style.style_class == "note"
    assert style.is_note


def test_style_uri_and_former_name_resolve() -> None:
    assert styles.find_style("http://www.zotero.org/styles/apa").id == "apa"
    # renamed-styles.json of the repository maps old names to current ones
    assert styles.find_style("chicago-fullnote-bibliography").id == "chicago-notes-bibliography"


def test_dependent_style_resolves_to_parent_but_keeps_its_identity() -> None:
    info = styles.find_style_info("2d-materials")
    assert info.is_dependent
    style = styles.find_style("2d-materials")
    parent = styles.find_style(info.parent or "")
    assert style.title == "2D Materials"
    assert style.parent == parent.id
    assert style.xml == parent.xml
    assert style.default_locale == "en-US"


def test_unknown_style_suggests_the_closest_names() -> None:
    with pytest.raises(UnknownStyleError) as caught:
        styles.find_style("chicgo-author-date")
    assert "chicago-author-date" in caught.value.suggestions
    assert len(caught.value.suggestions) <= 3
    assert caught.value.exit_code == 2


def test_missing_style_file_is_unknown() -> None:
    with pytest.raises(UnknownStyleError, match="no such style file"):
        styles.find_style("does/not/exist.csl")


# -- by path and from folders --------------------------------------------------


def test_style_by_path(tmp_path: Path) -> None:
    path = write_style(
        tmp_path, "mine", MINIMAL.format(cls="note", locale="", title="Mine", id="mine")
    )
    style = styles.find_style(str(path))
    assert (style.id, style.title, style.style_class) == ("mine", "Mine", "note")
    assert style.citation_format == "author-date"
    assert style.fields == ("history",)


def test_user_folder_styles_come_first_and_are_listed(user_styles: Path) -> None:
    write_style(
        user_styles, "apa", MINIMAL.format(cls="in-text", locale="", title="My APA", id="apa")
    )
    write_style(
        user_styles,
        "zz-custom",
        MINIMAL.format(cls="in-text", locale="", title="Custom", id="zz-custom"),
    )
    assert styles.find_style("apa").title == "My APA"
    found = styles.list_styles("zz-custom")
    assert [s.id for s in found] == ["zz-custom"]
    assert found[0].source == "user"


def test_xdg_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITEKIT_STYLES", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    write_style(
        tmp_path / "citekit" / "styles",
        "xdg-style",
        MINIMAL.format(cls="in-text", locale="", title="XDG", id="xdg-style"),
    )
    assert styles.find_style("xdg-style").title == "XDG"


def test_user_dependent_style_keeps_title_and_locale(user_styles: Path) -> None:
    write_style(
        user_styles,
        "my-journal",
        DEPENDENT.format(title="My Journal", id="my-journal", parent="apa"),
    )
    style = styles.find_style("my-journal")
    assert style.title == "My Journal"
    assert style.default_locale == "de-DE"
    assert style.parent == "apa"
    assert style.xml == styles.find_style("apa").xml


def test_dependent_with_missing_parent_names_both(user_styles: Path) -> None:
    write_style(
        user_styles,
        "orphan",
        DEPENDENT.format(title="Orphan", id="orphan", parent="no-such-parent"),
    )
    with pytest.raises(StyleError, match=r"orphan.*no-such-parent"):
        styles.find_style("orphan")


def test_broken_style_names_the_file(user_styles: Path) -> None:
    path = write_style(user_styles, "broken", "<style xmlns='http://purl.org/net/xbiblio/csl'>")
    with pytest.raises(StyleError, match="broken"):
        styles.find_style(str(path))
    # the index keeps going: other styles still list
    assert styles.list_styles("apa")


def test_independent_style_without_citation_is_rejected(tmp_path: Path) -> None:
    text = MINIMAL.format(cls="in-text", locale="", title="No cite", id="nocite").replace(
        '<citation><layout><text variable="title"/></layout></citation>', ""
    )
    path = write_style(tmp_path, "nocite", text)
    with pytest.raises(StyleError, match="no <citation>"):
        styles.find_style(str(path))


def test_style_from_xml_string() -> None:
    style = styles.Style.from_xml(
        MINIMAL.format(cls="in-text", locale=' default-locale="fr-FR"', title="Inline", id="inline")
    )
    assert style.title == "Inline"
    assert style.default_locale == "fr-FR"


# -- listing -------------------------------------------------------------------


def test_list_styles_query_matches_every_word() -> None:
    found = styles.list_styles("chicago author-date")
    assert "chicago-author-date" in {s.id for s in found}
    assert all("chicago" in (s.id + s.title).lower() for s in found)
    assert styles.list_styles("zzz-no-style-like-this") == []


@pytest.mark.slow
def test_every_repository_style_loads() -> None:
    """Parse, read metadata and resolve the parent of every installed style."""
    loaded = 0
    failures: list[str] = []
    independent = 0
    for name, outcome in styles.iter_all_styles():
        if isinstance(outcome, StyleError):
            # every failure must name the style and say what is wrong
            assert name in str(outcome)
            failures.append(str(outcome))
            continue
        loaded += 1
        independent += outcome.parent is None
        assert outcome.xml.lstrip().startswith(b"<")
        assert outcome.title
    assert failures == []
    assert independent > 2800
    assert loaded > 10000


# -- locales ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("de-AT", "de-AT"),
        ("de", "de-DE"),
        ("de-XX", "de-DE"),
        ("en_gb", "en-GB"),
        ("pt", "pt-PT"),
        ("xx", "en-US"),
    ],
)
def test_locale_fallbacks(asked: str, expected: str) -> None:
    assert styles.resolve_locale(asked) == expected


def test_locale_loader_never_answers_with_english() -> None:
    assert styles.locale_loader("xx") is None
    xml = styles.locale_loader("de-AT")
    assert xml is not None and b'xml:lang="de-AT"' in xml
    assert b'xml:lang="en-US"' in (styles.load_locale_xml("xx") or b"")


def test_check_locale_rejects_unknown_languages() -> None:
    assert styles.check_locale("fr") == "fr-FR"
    with pytest.raises(UnknownLocaleError):
        styles.check_locale("klingon")


def test_unknown_locales_suggest_by_language() -> None:
    assert "de-DE" in styles.suggest_locales("deu")
    assert styles.suggest_locales("fre")[0] == "fr-FR"
    assert styles.suggest_locales("ess")[0] == "es-ES"  # the primary dialect, not es-MX
    assert styles.suggest_locales("klingon") == []
    with pytest.raises(UnknownLocaleError) as caught:
        styles.check_locale("fre")
    assert caught.value.suggestions == ("fr-FR",)


def test_available_locales_cover_the_bundled_files() -> None:
    tags = styles.available_locales()
    assert {"en-US", "de-DE", "fr-FR", "ja-JP"} <= set(tags)
    assert len(tags) > 50


# -- styles named by data --------------------------------------------------------


def _plant(folder: Path) -> None:
    """An independent ``x.csl`` whose title gives it away if it is ever loaded."""
    write_style(folder, "x", MINIMAL.format(cls="in-text", locale="", title="PLANTED", id="x"))


def test_a_parent_link_ending_in_csl_never_reads_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the parent ``.../styles/x.csl`` loaded ``./x.csl`` from the cwd."""
    _plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    child = write_style(
        tmp_path / "dep", "child", DEPENDENT.format(title="Child", id="child", parent="x.csl")
    )
    with pytest.raises(StyleError, match=r"child.*independent parent 'x\.csl' is not installed"):
        styles.find_style(str(child))
    with pytest.raises(StyleError, match="not installed"):
        styles.Style.from_xml(child.read_text(encoding="utf-8"))


def test_a_parent_link_ending_in_csl_names_the_installed_style(tmp_path: Path) -> None:
    child = write_style(
        tmp_path, "child", DEPENDENT.format(title="Child", id="child", parent="apa.csl")
    )
    style = styles.find_style(str(child))
    assert style.parent == "apa" and style.xml == styles.find_style("apa").xml


def test_installed_style_info_takes_names_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert styles.installed_style_info("apa.csl").id == "apa"
    for name in ("x", "x.csl", "./x.csl", str(tmp_path / "x.csl"), "../x"):
        with pytest.raises(UnknownStyleError):
            styles.installed_style_info(name)


def test_style_from_data_confines_paths_to_the_project(tmp_path: Path, user_styles: Path) -> None:
    project = tmp_path / "project"
    write_style(
        project / "csl",
        "house",
        MINIMAL.format(cls="in-text", locale="", title="House", id="house"),
    )
    assert styles.style_from_data("apa", project) == "apa"
    assert (
        styles.style_from_data("http://www.zotero.org/styles/apa", project)
        == "http://www.zotero.org/styles/apa"
    )
    assert styles.style_from_data("csl/house.csl", project) == str(project / "csl/house.csl")
    assert styles.style_from_data("ieee.csl", project) == "ieee"  # not beside: installed
    mine = write_style(
        user_styles, "mine", MINIMAL.format(cls="in-text", locale="", title="Mine", id="mine")
    )
    assert styles.style_from_data(str(mine), project) == str(mine)  # a style folder
    _plant(tmp_path)
    for raw in ("../x.csl", str(tmp_path / "x.csl"), "/etc/passwd"):
        with pytest.raises(UnsafePathError, match="outside the project"):
            styles.style_from_data(raw, project)


def test_a_fifo_among_the_styles_is_an_error_not_a_hang(user_styles: Path) -> None:
    fifo = user_styles / "stuck.csl"
    os.mkfifo(fifo)
    signal.alarm(20)  # a blocked open would otherwise hang the suite
    try:
        with pytest.raises((StyleError, UsageError), match="FIFO"):
            styles.find_style(str(fifo))
        assert styles.find_style("apa").id == "apa"
        assert "stuck" not in styles.style_index()
    finally:
        signal.alarm(0)


@pytest.mark.parametrize("name", ["x" * 300, "x" * 300 + ".csl", "a\x00b"])
def test_a_name_no_file_system_can_look_up_is_an_unknown_style(name: str) -> None:
    """A fuzz find: pathlib raised OSError (name too long) from the style lookup."""
    with pytest.raises(UnknownStyleError):
        styles.find_style(name)


# -- the checked tree handed to the engine ---------------------------------------


def test_the_checked_tree_is_handed_over_once(tmp_path: Path) -> None:
    """Loading an independent style checks it by parsing it; the engine takes that
    tree (instead of parsing the bytes again), once."""
    text = MINIMAL.format(cls="in-text", locale="", title="Handed", id="handed")
    style = styles.find_style(str(write_style(tmp_path, "handed", text)))
    tree = styles.take_checked_tree(style.xml)
    assert tree is not None
    assert tree.tag == "{http://purl.org/net/xbiblio/csl}style"
    assert tree.find("{http://purl.org/net/xbiblio/csl}citation") is not None
    assert styles.take_checked_tree(style.xml) is None


def test_no_tree_is_kept_for_a_style_that_fails_the_check(tmp_path: Path) -> None:
    text = MINIMAL.format(cls="in-text", locale="", title="No cite", id="nocite2").replace(
        '<citation><layout><text variable="title"/></layout></citation>', ""
    )
    path = write_style(tmp_path, "nocite2", text)
    with pytest.raises(StyleError):
        styles.find_style(str(path))
    assert styles.take_checked_tree(path.read_bytes()) is None
