"""citekit inside writing tools: the Sphinx extension, the MkDocs plugin and the language server."""
