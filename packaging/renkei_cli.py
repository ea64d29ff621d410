"""PyInstaller entry point of the bundled command line (``renkei``)."""

import sys

from client.cli import main

if __name__ == "__main__":
    sys.exit(main())
