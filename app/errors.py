"""The error every use case raises: an HTTP status and a translation key (app.i18n).

Kept apart from the services so that the layers below them (rate limits, the
socket handlers, the broadcast point) can raise or catch it without importing
the use cases."""
from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, status: int, key: str, params: dict | None = None, *, fields: dict | None = None,
                 current: dict | None = None, entity: str | None = None):
        super().__init__(key)
        self.status, self.key, self.params = status, key, params or {}
        self.fields = fields or {}
        self.current = current
        self.entity = entity
