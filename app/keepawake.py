"""Keep the laptop from sleeping while a workshop is served, and let it sleep again after.

A laptop that goes to sleep in the middle of the afternoon stops the event.
wakepy asks the operating system in its own way (SetThreadExecutionState on
Windows, caffeinate on macOS, the desktop's D-Bus inhibitors on Linux); the
screen may still turn off, the machine keeps running. When the system will
not hear of it (a server without a desktop session), we say so and go on.
"""
from __future__ import annotations

import logging

log = logging.getLogger("atelier.keepawake")
logging.getLogger("wakepy").setLevel(logging.WARNING)  # its method-by-method INFO lines are noise here


class KeepAwake:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.mode = None

    @property
    def active(self) -> bool:
        return bool(self.mode is not None and self.mode.active)

    def start(self) -> str:
        """Ask for it; returns the startup message key that tells the organiser what happened."""
        if not self.enabled:
            return "awake_off"
        try:
            from wakepy import keep

            self.mode = keep.running(on_fail="pass")
            self.mode.__enter__()
        except Exception as e:  # any platform quirk: never stop the workshop for it
            log.warning("keep-awake unavailable: %s", e)
            self.mode = None
        return "awake_on" if self.active else "awake_failed"

    def stop(self) -> None:
        if self.mode is not None:
            try:
                self.mode.__exit__(None, None, None)
            except Exception as e:
                log.warning("keep-awake release failed: %s", e)
            self.mode = None
