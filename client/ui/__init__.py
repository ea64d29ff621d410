"""Renkei desktop UI (PySide6).

Layout: ``backend`` is the one module that will talk to ``store`` and ``sync``; ``rules`` holds
the handling rules as pure functions; ``models`` are the Qt item models every view reads
through; the remaining modules are widgets that carry no rules of their own.
"""
