"""Plain functions and data: validation, statuses, visibility, permissions.

Nothing here touches Flask, SQLite or sockets, so it is all testable alone.
"""
