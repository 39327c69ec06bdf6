"""The transition tables' machinery: who may do what from which state.

Each stateful model declares `TRANSITIONS`, a mapping of action name to `Transition`, and
`parties(user)`, the roles the user plays on that object. Everything else — the buttons on a
page, the services' guards, the tests — asks the table through `StatefulModel`.
"""

from dataclasses import dataclass

from django.db import models

from tasker.errors import DomainError
from tasker.listing import listing_changed

__all__ = ["DomainError", "Party", "StatefulModel", "Transition", "transition"]


class Party:
    CUSTOMER = "customer"
    TASKER = "tasker"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the action leaves the status as it is
    by: frozenset[str]
    label: str


def transition(sources, target, by, label) -> Transition:
    as_set = lambda x: frozenset([x] if isinstance(x, str) else x)  # noqa: E731
    return Transition(as_set(sources), target, as_set(by), label)


ON_HOLD = (
    "A moderator has hidden this task, so it is on hold: nobody can {action} until a "
    "moderator shows it again."
)


class StatefulModel(models.Model):
    TRANSITIONS: dict[str, Transition] = {}
    # Actions refused while the task concerned is hidden by a moderator (see `on_hold`).
    HELD_WHILE_HIDDEN: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def parties(self, user) -> set[str]:
        """Return the roles `user` plays on this object (customer, tasker)."""
        raise NotImplementedError

    def refusal(self, action: str, user) -> str | None:
        """Return why `user` may not take `action` now, or None if they may."""
        return self.table_refusal(action, user)

    def table_refusal(self, action: str, user) -> str | None:
        """The table's own answer for `action`: parties, source states and holds only,
        without the checks a model adds on top in `refusal`."""
        rule = self.TRANSITIONS[action]
        who = {Party.SYSTEM} if user is None else self.parties(user)
        if not who & rule.by:
            return f"You cannot {rule.label.lower()} here."
        if self.status not in rule.sources:
            return f"You cannot {rule.label.lower()}: it is {self.get_status_display().lower()}."
        if action in self.HELD_WHILE_HIDDEN and self.on_hold():
            return ON_HOLD.format(action=rule.label.lower())
        return None

    def on_hold(self) -> bool:
        """Whether a moderator has hidden the task this object belongs to."""
        return False

    def in_state_for(self, action: str) -> bool:
        """Whether the status is one `action` starts from, whoever asks."""
        return self.status in self.TRANSITIONS[action].sources

    def held(self, action: str) -> bool:
        """Whether `action` would be open in this state but for a moderator's hold."""
        return self.in_state_for(action) and action in self.HELD_WHILE_HIDDEN and self.on_hold()

    def can(self, action: str, user) -> bool:
        return self.refusal(action, user) is None

    def available_actions(self, user) -> list[str]:
        """Return the actions `user` may take now, in table order."""
        return [action for action in self.TRANSITIONS if self.can(action, user)]

    def require(self, action: str, user) -> Transition:
        """Return the transition for `action`, or raise DomainError saying why not."""
        reason = self.refusal(action, user)
        if reason:
            raise DomainError(reason)
        return self.TRANSITIONS[action]

    def apply(self, rule: Transition, **fields) -> str:
        """Apply an already-checked transition; return the old status.

        The update only matches while the row still has the status we read, so of two
        racing requests exactly one wins and the other gets a DomainError.
        """
        old = self.status
        if rule.target is not None:
            fields["status"] = rule.target
        if fields:
            updated = type(self).objects.filter(pk=self.pk, status=old).update(**fields)
            if updated != 1:
                raise DomainError("Someone else changed this a moment ago. Please try again.")
            for name, value in fields.items():
                setattr(self, name, value)
            listing_changed()  # a bulk update sends no post_save
        return old

    apply.alters_data = True

    def move(self, action: str, user, **fields) -> str:
        """Check and apply `action` for `user`; return the old status."""
        return self.apply(self.require(action, user), **fields)

    move.alters_data = True
