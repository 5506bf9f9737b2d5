"""``python -m citekit`` runs the command line."""

from citekit.cli import run

if __name__ == "__main__":
    run()
