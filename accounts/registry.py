"""What other apps hold about an account, and what they do when it is deleted.

`accounts` imports no other app: an app that keeps rows about users registers one
`AccountData` from its `AppConfig.ready()`, and the export and the deletion in
`accounts.data` go through every registered part in turn.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class AccountData:
    """One app's part of an account.

    - `export(user)` returns that app's rows about `user`, as {section name: rows}, each
      section read with a fixed number of queries however many rows there are.
    - `deletion_refusal(user)` returns why the account cannot be deleted now (something in
      progress that other people rely on), or None.
    - `on_delete(user, former_name)` runs inside the deletion's transaction, after the
      account's name is replaced and before it is deactivated: it winds up what the user had
      under way (with the usual notices), removes what only the user could see, and replaces
      `former_name` where the app had written it into records it keeps. It raises
      `AccountDeletionRefused` if something stands in the way after all.
    """

    app_label: str
    export: Callable[[Any], dict[str, Rows]]
    deletion_refusal: Callable[[Any], str | None]
    on_delete: Callable[[Any, str], None]


class AccountDeletionRefused(Exception):
    """The account cannot be deleted now; the message says why and what to do."""


_parts: dict[str, AccountData] = {}


def register(part: AccountData) -> None:
    """Add (or replace) one app's part; call it from the app's `AppConfig.ready()`."""
    _parts[part.app_label] = part


def registered() -> list[AccountData]:
    """Return the registered parts, in the order they were registered."""
    return list(_parts.values())


@dataclass(frozen=True)
class ProfileData:
    """One app's part of a public profile page.

    - `annotations()` returns the annotations the profile's user row is read with (one query
      for the row and all its figures).
    - `context(user, request)` returns what the page shows besides, for the template.
    """

    app_label: str
    annotations: Callable[[], dict[str, Any]]
    context: Callable[[Any, Any], dict[str, Any]]


_profile_parts: dict[str, ProfileData] = {}


def register_profile(part: ProfileData) -> None:
    """Add (or replace) one app's part of the public profile; call it from `ready()`."""
    _profile_parts[part.app_label] = part


def profile_parts() -> list[ProfileData]:
    """Return the registered profile parts, in the order they were registered."""
    return list(_profile_parts.values())
