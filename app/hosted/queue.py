"""python-socketio's Redis manager with a short reconnect backoff.

Its listener waits 1, 2, 4 … 60 s between attempts when Redis is gone; a workshop cannot wait a minute
for its screens after Redis comes back, so ours retries every second at most ``MAX_SLEEP`` apart.
Broadcasts published while Redis was away are lost (python-socketio #1411): the owner's ``beat``
(see :mod:`.remote`) makes every screen notice the gap and resync.
"""
from __future__ import annotations

import logging
import time

import socketio

MAX_SLEEP = 1.0
SKIP_FOR = 1.0
log = logging.getLogger("atelier.hosted")


DISCONNECT = "atelier-disconnect:"


class QueueManager(socketio.RedisManager):
    _skip_until = 0.0

    def _publish(self, data):
        """Publish, reconnecting once; if Redis is still away, drop broadcasts for ``SKIP_FOR`` seconds
        instead of making every write wait for a connection timeout (they are lost either way, and
        the owner's ``beat`` repairs the gap)."""
        if time.monotonic() < self._skip_until:
            return None
        for attempt in (1, 2):
            try:
                if not self.connected:
                    self._redis_connect()
                return self.redis.publish(self.channel, self.json.dumps(data))
            except Exception as exc:
                self.connected = False
                if attempt == 2:
                    log.warning("message queue unreachable (%s): broadcasts dropped for %.0f s", exc, SKIP_FOR)
                    self._skip_until = time.monotonic() + SKIP_FOR
        return None

    def disconnect_room(self, name: str):
        """Disconnect every connection of a room on every process (a revoked device or code may be carried by
        any of them): carried as a ``close_room`` of a marked name, which python-socketio handles here and
        publishes to the others."""
        self.close_room(DISCONNECT + name, "/")

    def _handle_close_room(self, message):
        room = message.get("room") or ""
        if not room.startswith(DISCONNECT):
            return super()._handle_close_room(message)
        try:
            sids = [sid for sid, _ in self.get_participants("/", room[len(DISCONNECT):])]
        except KeyError:  # nobody of that room here
            sids = []
        for sid in sids:
            self.server.disconnect(sid, namespace="/", ignore_queue=True)

    def _redis_listen_with_retries(self):
        subscribed = False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    subscribed = True
                yield from self.pubsub.listen()
            except Exception as exc:  # Redis restarted or unreachable: keep trying, quietly
                log.warning("message queue unreachable (%s), retrying in %.0f s", exc, MAX_SLEEP)
                subscribed = False
                time.sleep(MAX_SLEEP)
