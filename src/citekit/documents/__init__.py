"""The documents layer: Markdown documents with pandoc citations, read and written.

Everything between a writer's Markdown file and citekit's engine lives here:
reading the Markdown (CommonMark plus the pandoc extensions documents use),
finding the citations in it, and writing the result as Markdown, HTML, text,
LaTeX or DOCX.  The modules that predate this package (``citekit.documents.rendering``,
``citekit.documents.scan``) move here with the restructure of issue 14.
"""
