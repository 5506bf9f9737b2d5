"""Which files a document makes the language server read (lsp_config.resolve)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citekit.integrations.lsp_config import DEFAULT_STYLE, Settings, resolve


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".git").mkdir()  # the project's top: confine() stops here
    (folder / "references.bib").write_text("@book{a, title={A}}\n", encoding="utf-8")
    (tmp_path / "private.bib").write_text("@book{secret, title={S}}\n", encoding="utf-8")
    return folder


def test_a_document_cannot_name_files_outside_its_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document may come from anyone: its front matter made the server read any file and
    show it in hovers, while ``citekit render`` refuses the same front matter."""
    monkeypatch.delenv("CITEKIT_ALLOW", raising=False)
    outside = project.parent / "private.bib"
    for named in (str(outside), "../private.bib"):
        text = f"---\nbibliography: {named}\ncsl: ../house.csl\n---\n[@secret]\n"
        sources = resolve(text, "markdown", project / "paper.md", Settings(), [project])
        assert sources.bibliography == ()  # nothing read, not even the workspace's own file
        assert sources.style == DEFAULT_STYLE  # the refused style falls back to the default
        assert len(sources.refused) == 2
        assert "outside the project folder" in sources.refused[0]
        assert "CITEKIT_ALLOW" in sources.refused[0]


def test_files_inside_the_project_an_allowed_folder_or_the_settings_are_read(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "---\nbibliography: references.bib\n---\n"
    inside = resolve(text, "markdown", project / "paper.md", Settings(), [project])
    assert inside.bibliography == ((project / "references.bib").resolve(),)
    assert inside.refused == ()
    outside = project.parent / "private.bib"
    monkeypatch.setenv("CITEKIT_ALLOW", str(project.parent))
    allowed = resolve(
        f"---\nbibliography: {outside}\n---\n", "markdown", project / "p.md", Settings(), []
    )
    assert allowed.bibliography == (outside.resolve(),) and allowed.refused == ()
    monkeypatch.delenv("CITEKIT_ALLOW")
    # the editor's settings are the user's own choice, as a command-line option is
    configured = resolve("", "markdown", project / "p.md", Settings((str(outside),)), [project])
    assert configured.bibliography == (outside.resolve(),) and configured.refused == ()
