"""How often anyone may try to sign in to the console: per client IP and per e-mail.

Asking for a link, trying a password and redeeming a link all count against the client's IP;
the first two also against the e-mail they name, so one address cannot be flooded with links
or have its password guessed from many addresses at once. Over a limit the caller gets 429
with `Retry-After`. The counters are the app's limiter machinery (`nightshift.infra.
rate_limits`): shared through Redis when `REDIS_URL` is set, else kept in this process.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.limits import Limiter
from nightshift.infra.rate_limits import LocalLimiter, RedisLimiter
from nightshift.settings import Settings

WINDOW = 15 * 60.0  # seconds
PER_CLIENT = 30  # a front desk signing a team in from one address
PER_EMAIL = 5  # a person who mistyped a password or lost a link mail, twice


class TooManyAttempts(Exception):
    """Over a sign-in limit: 429, try again in `wait` seconds."""

    def __init__(self, what: str, wait: float) -> None:
        super().__init__(f"too many sign-in attempts {what}; try again later")
        self.wait = wait


@dataclass(frozen=True, slots=True)
class SignInLimits:
    by_client: Limiter
    by_email: Limiter

    def count(self, client: str, email: str | None = None) -> None:
        """Count one attempt; `TooManyAttempts` when the client or the e-mail is over."""
        wait = self.by_client.hit(f"ip:{client}")
        if wait:
            raise TooManyAttempts("from this address", wait)
        if email is not None:
            wait = self.by_email.hit(f"email:{email.strip().lower()}")
            if wait:
                raise TooManyAttempts("for this e-mail", wait)


def build_sign_in_limits(settings: Settings) -> SignInLimits:
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url)
        prefix = "nightshift:sign-in:"
        return SignInLimits(
            RedisLimiter(client, PER_CLIENT, WINDOW, prefix=prefix),
            RedisLimiter(client, PER_EMAIL, WINDOW, prefix=prefix),
        )
    return SignInLimits(LocalLimiter(PER_CLIENT, WINDOW), LocalLimiter(PER_EMAIL, WINDOW))
