"""The Sphinx extension's documented name: ``extensions = ["citekit.sphinx"]``.

The implementation lives in :mod:`citekit.integrations.sphinx`; this module
only gives Sphinx the ``setup`` it looks for under the short name.
"""

from citekit.integrations.sphinx import setup

__all__ = ["setup"]
