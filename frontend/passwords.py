"""What makes a password acceptable, after NIST SP 800-63B: length, not the e-mail, not a common one.

No rules about kinds of characters and no expiry: long passphrases are welcome.
The common passwords are the list zxcvbn ships (ranked by how often they were
seen in breaches), read from the installed package, never fetched.
"""
from __future__ import annotations

import functools
import unicodedata

MIN_LENGTH = 8
# Long enough for any passphrase; the bound only stops a megabyte "password" costing argon2 time.
MAX_LENGTH = 1024
COMMON_COUNT = 10_000


class PasswordRefused(ValueError):
    """A password we won't accept; the message says why, kindly."""


@functools.cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def check(password: str, email: str = "") -> None:
    """Raise PasswordRefused if this password would be too easy to guess."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"Please choose a password of at least {MIN_LENGTH} characters. "
                              "A few words strung together work well.")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"That's longer than we can take; please keep it under {MAX_LENGTH} characters.")
    plain = _normal(password)
    email = _normal(email or "")
    if email and (plain == email or plain == email.split("@")[0]):
        raise PasswordRefused("Your password can't be your e-mail address; please pick something else.")
    if plain in common_passwords():
        raise PasswordRefused("That password is one of the most common ones, so it's easy to guess. "
                              "Please pick something more your own.")

