"""``python -m server`` is ``renkei-server``."""

import sys

from server.cli import main

sys.exit(main())
