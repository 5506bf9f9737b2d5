"""``python -m citekit`` runs the command line."""

from citekit.cli import main

if __name__ == "__main__":
    main()
