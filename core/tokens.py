"""Secret tokens in links and API keys: long random values, of which only a hash is stored.

One home for both halves, so every door (enrolment links, questionnaire invitations,
referrals, calendar feeds, API tokens) makes and checks its tokens the same way.
"""

from __future__ import annotations

import hashlib
import secrets

# 32 random bytes: 43 URL-safe characters, far beyond guessing.
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh random token, to be shown or mailed once and then forgotten."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored and looked up instead of the token itself (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()
