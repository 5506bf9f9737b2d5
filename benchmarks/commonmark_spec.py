"""How much of the CommonMark spec citekit's document reader gets right.

Every example of the CommonMark spec (0.31.2, the ``commonmark.json`` that
markdown-it-py's source distribution ships in ``tests/test_cmark_spec``) is
converted to HTML twice in the same run:

* by citekit's document renderer, :func:`citekit.documents.markdown.to_html`
  with every extension ``citekit render --to html`` uses (pandoc's footnotes,
  tables, divs, spans, definition lists, super/subscripts, citations) and
  its safety filter for raw HTML and links;
* by the same renderer with raw HTML trusted (``to_html(trusted=True)``, what
  cmark's spec runner does with ``--unsafe``);
* by markdown-it-py itself (``MarkdownIt("commonmark")``), for comparison.

The last line counts the renderer as the spec defines Markdown, raw HTML
passed through (``citekit render --to html --trust-html``; cmark's spec
runner measures ``cmark --unsafe`` the same way).  The line before it counts
the default, safe renderer: the examples it fails are the ones whose raw
HTML it refuses on purpose (``<script>``, ``<style>``, ``<textarea>``, which
a document viewed in a browser must not run or swallow the page with),
listed by number.

Both outputs and the spec's HTML are normalised the way the spec's own test
runner compares them (whitespace around block tags and runs of spaces
folded, attributes sorted, character references decoded, tag names in
lower case) and compared.

Examples involving citations are excluded: an example is a citation example
when citekit's reader finds a pandoc citation in it (a ``citation`` token:
``[@key]`` or ``@key`` outside code, autolinks and raw HTML), because there
pandoc Markdown means something CommonMark does not.  The last line is
``commonmark: passed N of M non-citation examples (X%)``; failures are
listed with their spec section (``--verbose`` shows the HTML).

The spec file is CC-BY-SA 4.0 and is not kept in this repository: pass it
with ``--spec``, or the benchmark fetches the markdown-it-py source
distribution with pip once and keeps the file in ``~/.cache/citekit``.

Usage: python benchmarks/commonmark_spec.py [--spec commonmark.json] [--verbose]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

from markdown_it import MarkdownIt

from citekit.documents.markdown import has_citation, to_html

_BLOCK_TAGS = frozenset(
    {
        "article",
        "header",
        "aside",
        "hgroup",
        "blockquote",
        "hr",
        "iframe",
        "body",
        "li",
        "map",
        "button",
        "object",
        "canvas",
        "ol",
        "caption",
        "output",
        "col",
        "p",
        "colgroup",
        "pre",
        "dd",
        "progress",
        "div",
        "section",
        "dl",
        "table",
        "dt",
        "tbody",
        "embed",
        "textarea",
        "fieldset",
        "tfoot",
        "figcaption",
        "th",
        "figure",
        "thead",
        "footer",
        "tr",
        "form",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "video",
        "script",
        "style",
    }
)


class _Normaliser(HTMLParser):
    """HTML in one canonical spelling, so that equivalent fragments compare equal."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.in_pre = 0
        self.pending_space = False

    def _text(self, text: str) -> None:
        if self.in_pre:
            self.out.append(html.escape(text, quote=False))
            return
        if not text:
            return
        folded = re.sub(r"\s+", " ", text)
        if self.pending_space or (self.out and self.out[-1].endswith(" ")):
            folded = folded.lstrip(" ")
        self.out.append(html.escape(folded, quote=False))

    def _block_boundary(self) -> None:
        """Spaces at a block tag's edge mean nothing."""
        while self.out and self.out[-1].endswith(" ") and not self.in_pre:
            self.out[-1] = self.out[-1].rstrip(" ")
            if self.out[-1]:
                break
            self.out.pop()
        self.pending_space = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._block_boundary()
        if tag == "pre":
            self.in_pre += 1
        parts = [f"<{tag}"]
        for name, value in sorted(attrs):
            parts.append(
                f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"'
            )
        self.out.append("".join(parts) + ">")
        self.pending_space = tag in _BLOCK_TAGS

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._block_boundary()
        if tag == "pre" and self.in_pre:
            self.in_pre -= 1
        self.out.append(f"</{tag}>")
        self.pending_space = tag in _BLOCK_TAGS

    def handle_data(self, data: str) -> None:
        self._text(data)
        if data.strip():
            self.pending_space = False

    def handle_entityref(self, name: str) -> None:
        self._text(html.unescape(f"&{name};"))
        self.pending_space = False

    def handle_charref(self, name: str) -> None:
        self._text(html.unescape(f"&#{name};"))
        self.pending_space = False

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def normalise(fragment: str) -> str:
    """The fragment as the spec runner compares it."""
    parser = _Normaliser()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out).strip()


def _cached_spec() -> Path:
    """The spec JSON from markdown-it-py's sdist, fetched once with pip."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "citekit"
    wanted = version("markdown-it-py")
    target = cache / f"commonmark-spec-markdown-it-py-{wanted}.json"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                f"markdown-it-py=={wanted}",
                "--no-binary",
                ":all:",
                "--no-deps",
                "-d",
                folder,
                "-q",
            ],
            check=True,
        )
        archive = next(Path(folder).glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            member = next(
                m
                for m in tar.getmembers()
                if m.name.endswith("tests/test_cmark_spec/commonmark.json")
            )
            data = tar.extractfile(member)
            assert data is not None
            target.write_bytes(data.read())
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--spec",
        type=Path,
        default=None,
        help="the spec's examples as JSON (default: fetched and cached)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the HTML of failures")
    args = parser.parse_args()
    spec_path = args.spec or _cached_spec()
    examples = json.loads(spec_path.read_text(encoding="utf-8"))
    reference = MarkdownIt("commonmark")
    citations = [e for e in examples if has_citation(e["markdown"])]
    kept = [e for e in examples if not has_citation(e["markdown"])]
    passed = reference_passed = trusted_passed = 0
    failures: list[tuple[dict[str, object], str]] = []
    started = time.perf_counter()
    for example in kept:
        expected = normalise(example["html"])
        ours = to_html(example["markdown"])
        if normalise(ours) == expected:
            passed += 1
        else:
            failures.append((example, ours))
        if normalise(to_html(example["markdown"], trusted=True)) == expected:
            trusted_passed += 1
        if normalise(reference.render(example["markdown"])) == expected:
            reference_passed += 1
    elapsed = time.perf_counter() - started
    print(f"spec: {spec_path} ({len(examples)} examples)")
    print(
        f"excluded (a pandoc citation is found in them): "
        f"{', '.join(str(e['example']) for e in citations) or 'none'}"
    )
    print(f"markdown-it-py {version('markdown-it-py')}: passed {reference_passed} of {len(kept)}")
    print(
        f"citekit documents, default (raw HTML filtered): passed {passed} of {len(kept)}; "
        f"failed on purpose (script, style, textarea kept as text):"
    )
    for example, ours in failures:
        print(f"  example {example['example']} ({example['section']})")
        if args.verbose:
            print(
                f"    markdown: {example['markdown']!r}\n    expected: {example['html']!r}\n"
                f"    citekit:  {ours!r}"
            )
    print(
        f"citekit documents, raw HTML trusted ('citekit render --to html --trust-html'): "
        f"passed {trusted_passed} of {len(kept)} ({elapsed:.1f} s for all three)"
    )
    share = 100 * trusted_passed / len(kept) if kept else 0.0
    print(
        f"commonmark: passed {trusted_passed} of {len(kept)} non-citation examples ({share:.1f}%)"
    )


if __name__ == "__main__":
    main()
