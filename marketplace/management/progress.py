"""A one-line progress indicator for long-running commands, shown only on a terminal."""

import time

from django.core.management.base import OutputWrapper


class Progress:
    """Show `label: done/total (pct%)` on one line of a terminal; stay silent otherwise.

    Cron jobs, pipes and tests get no carriage-return noise: the line is only drawn
    when stdout is a TTY, and redrawn at most a few times a second.
    """

    INTERVAL = 0.2  # seconds between redraws

    def __init__(self, stdout: OutputWrapper, label: str, total: int) -> None:
        self.stdout = stdout
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.enabled = stdout.isatty() and self.total > 0
        self._drawn_at = 0.0

    def __enter__(self) -> "Progress":
        self._draw(force=True)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            # Clear the progress line so the next output starts on a clean line.
            self.stdout.write("\r\033[K", ending="")
            self.stdout.flush()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        self._draw(force=self.done == self.total)

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < self.INTERVAL:
            return
        self._drawn_at = now
        percent = 100 * self.done // self.total
        self.stdout.write(
            f"\r\033[K{self.label}: {self.done:,}/{self.total:,} ({percent}%)", ending=""
        )
        self.stdout.flush()
