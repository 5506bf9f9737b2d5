"""citekit's own CSL 1.0.2 processor.

:class:`citekit.render.csl.engine.CslEngine` implements the ``Engine``
protocol of :mod:`citekit.render.types`.  The pipeline, one module per
concern:

- ``style``: CSL XML parsed once into frozen nodes; ``locale``: merged terms
  and date formats; ``data``: CSL-JSON items normalised once (names with
  particles, dates, note-field variables).
- ``evaluator`` (with ``names``/``names_eval``, ``dates``, ``numbers``,
  ``textcase``, ``markup``): one item in one context -> an output tree
  (``output.Box``).
- ``sorting``, ``disambiguation`` (buckets of colliding renders),
  ``clusters`` (positions, collapsing), ``bibliography``: the document-level
  steps, driven by ``processor.Processor``.
- ``output.to_rich``: punctuation, quotes and flip-flop fixed once, producing
  :mod:`citekit.render.richtext`.
- ``suite``: runs CSL test-suite fixtures (the lower-level API for tests and
  benchmarks); ``bundled``: locale loaders (citekit's own CSL locale files, or a folder of them).
"""
