"""Paths named by data stay inside the project: citekit.base.paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citekit.base.paths import ALLOW_ENV, UnsafePathError, configured_folders, confine, project_root


@pytest.fixture(autouse=True)
def _no_allowed_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_ENV, raising=False)


def test_relative_paths_inside_the_project_are_kept_as_written(tmp_path: Path) -> None:
    assert confine("refs.bib", tmp_path) == tmp_path / "refs.bib"
    assert confine("sub/../refs.bib", tmp_path) == tmp_path / "sub/../refs.bib"
    assert confine(tmp_path / "a" / "b.bib", tmp_path) == tmp_path / "a" / "b.bib"


@pytest.mark.parametrize(
    "raw", ["../secret.bib", "/etc/passwd", "sub/../../secret.bib", "/dev/zero", "~/refs.bib"]
)
def test_paths_leaving_the_project_are_refused_by_name(tmp_path: Path, raw: str) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    with pytest.raises(UnsafePathError) as caught:
        confine(raw, project, what="library file")
    message = str(caught.value)
    assert f"library file '{raw}' is outside the project folder {project}" in message
    assert ALLOW_ENV in message and caught.value.path == raw


def test_a_link_pointing_outside_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret.bib").write_text("@misc{s, title={S}}\n", encoding="utf-8")
    (project / "refs.bib").symlink_to(tmp_path / "secret.bib")
    with pytest.raises(UnsafePathError, match="resolves to"):
        confine("refs.bib", project)


def test_allowed_folders_come_from_the_caller_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, shared, other = tmp_path / "project", tmp_path / "shared", tmp_path / "other"
    for folder in (project, shared, other):
        folder.mkdir()
    assert confine("../shared/a.bib", project, allow=[shared]) == project / "../shared/a.bib"
    with pytest.raises(UnsafePathError):
        confine(other / "a.bib", project, allow=[shared])
    monkeypatch.setenv(ALLOW_ENV, os.pathsep.join([str(shared), "", str(other)]))
    assert configured_folders() == [shared.resolve(), other.resolve()]
    assert confine(other / "a.bib", project) == other / "a.bib"


def test_the_project_widens_to_its_git_work_tree_but_never_to_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "chapters").mkdir()
    assert project_root(repo / "chapters") == repo.resolve()
    assert confine("../refs.bib", repo / "chapters") == repo / "chapters" / "../refs.bib"
    with pytest.raises(UnsafePathError):
        confine("../../refs.bib", repo / "chapters")
    # a ~/.git does not make the whole home folder one project
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)
    (home / "Downloads").mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert project_root(home / "Downloads") == (home / "Downloads").resolve()
    with pytest.raises(UnsafePathError):
        confine("../.ssh/id.bib", home / "Downloads")
