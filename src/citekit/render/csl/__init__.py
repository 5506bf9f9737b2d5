"""citekit's own CSL 1.0.2 processor.

:class:`citekit.render.csl.engine.CslEngine` implements the ``Engine``
protocol of :mod:`citekit.render.types`.  The pipeline, one module per
concern, roughly lowest first; imports run one way (no loops, no
function-local imports), and the engine reads no files (locale XML comes
through the caller's loader):

- ``style``: the frozen nodes of a style; ``substitute_parts``: a pass over
  them; ``style_xml``: CSL XML parsed once into those nodes; ``locale``:
  merged terms and date formats; ``data``: CSL-JSON items normalised once
  (names with particles, dates, note-field variables), with the variable
  table of :mod:`citekit.model.records`.
- ``boxes``: the output tree (``Box``) and ``to_rich``, which fixes
  punctuation, quotes and flip-flop once, producing
  :mod:`citekit.render.richtext`; ``markup``, ``textcase``, ``numbers``;
  ``decor``: wrapping output in a node's decoration; ``names``, ``dates``.
- ``contract``: typed cites (``CiteRequest``, ``Cite``), render state
  (``Context``, ``RenderNotes``, ``DisambiguationState``) and the two
  protocols the helpers render through (``ItemRenderer``, ``NodeEvaluator``).
- ``compiled``: each style turned once into closures (no tree walk, no
  node-type dispatch per item); ``names_eval`` (``cs:names``) and
  ``evaluator``, the face that runs them: one item in one context -> an
  output tree.
- ``parallel``: a long bibliography's entries spread over forked processes.
- ``sorting``, ``disambiguation`` (buckets of colliding renders),
  ``clusters`` (positions, collapsing), ``bibliography``: the document-level
  steps, driven by ``processor.Processor`` through ``ItemRenderer``.
- ``engine``: style and locale caches, and ``CslEngine``.

The CSL test-suite driver is a test tool: ``tests/render/csl/csl_fixtures.py``.
"""
