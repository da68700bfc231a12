"""The refusal every layer raises: a status and a translation key (no imports, so no cycle)."""
from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, status: int, key: str, params: dict | None = None, *, fields: dict | None = None,
                 current: dict | None = None, entity: str | None = None):
        super().__init__(key)
        self.status, self.key, self.params = status, key, params or {}
        self.fields = fields or {}
        self.current = current
        self.entity = entity
