"""Storage: one small interface over SQLite (stdlib) and PostgreSQL (psycopg 3).

Storage functions take a :class:`~server.storage.db.Conn` (see ``feed`` and ``blobs``);
``db`` owns connections, transactions and the feed-writer serialisation.
"""
