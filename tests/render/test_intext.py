"""The pieces shared by every place that prints pandoc's author-in-text form or a lone note."""

from __future__ import annotations

from citekit.model.citations import CiteItem, Cluster
from citekit.render.intext import (
    capitalise_note,
    suppress_in_text_author,
    without_closing_period,
)
from citekit.render.richtext import Span, Text, plain
from citekit.styles.catalog import find_style


def test_a_note_in_running_text_loses_its_stop_but_not_its_closing_tags_or_quotes() -> None:
    assert without_closing_period("Raimondo, Enemy, 33.") == "Raimondo, Enemy, 33"
    assert without_closing_period("“Trump Should Meet.”") == "“Trump Should Meet”"
    assert without_closing_period("<i>Enemy</i>, 33.</span>") == "<i>Enemy</i>, 33</span>"
    assert without_closing_period("no stop") == "no stop"


def test_a_note_starts_with_a_capital_unless_protected() -> None:
    assert plain(capitalise_note(Span((Text("“ibid.,” 33"),)))) == "“Ibid.,” 33"
    assert plain(capitalise_note(Span((Span((Text("van Gogh"),), nocase=True),)))) == "van Gogh"
    assert plain(capitalise_note(Text("2000, 33"))) == "2000, 33"  # no letter starts it


def test_only_the_first_cite_of_an_author_in_text_cluster_loses_its_author() -> None:
    cluster = Cluster((CiteItem("a", locator="3"), CiteItem("b")))
    narrated = suppress_in_text_author(cluster, find_style("apa"))
    assert [i.suppress_author for i in narrated.items] == [True, False]
    # a numeric style prints the number alone, as pandoc does: nothing to suppress
    assert suppress_in_text_author(cluster, find_style("ieee")) == cluster
