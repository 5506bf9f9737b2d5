"""The foundation every layer stands on: files, paths, YAML, plain text, suggestions.

Nothing here knows about records or citations; it imports only
:mod:`citekit.errors`, so the model, the formats and everything above can
share one rule for writing a file atomically, confining a path, loading
YAML 1.2 and comparing the text a person reads.
"""

#: citekit's version, here so that any layer (the HTTP client's User-Agent) can
#: name it without importing the public API above it.
VERSION = "0.1.0"
