"""Injectable time: whatever in amazon_sp waits or reads the time goes through a clock.

Tests pass a clock whose ``sleep`` moves time forward at once, so that rate limits,
backoff and token expiry are exercised without sleeping for real.
"""

import time
from datetime import datetime, timezone


class SystemClock:
    """The real clock."""

    def monotonic(self):
        """Seconds on a clock that never goes back (for rate limits and budgets)."""
        return time.monotonic()

    def now(self):
        """The current time, as an aware UTC datetime."""
        return datetime.now(timezone.utc)

    def sleep(self, seconds):
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()
