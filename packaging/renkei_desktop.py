"""PyInstaller entry point of the bundled desktop client (``renkei-desktop``)."""

import sys

from client.app import main

if __name__ == "__main__":
    sys.exit(main())
