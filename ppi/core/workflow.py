"""A small, pure state-machine helper that every domain's workflow.py builds on."""
from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from ppi.core.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


class StateMachine(Generic[S]):
    """An allowed-transition table: `{from_state: {to_state, …}}`."""

    def __init__(self, transitions: Mapping[S, set[S]]):
        self.transitions = {state: frozenset(targets) for state, targets in transitions.items()}

    def can(self, current: S, target: S) -> bool:
        return target in self.transitions.get(current, frozenset())

    def check(self, current: S, target: S) -> None:
        if not self.can(current, target):
            raise InvalidTransition(current, target)

    def targets(self, current: S) -> frozenset[S]:
        return self.transitions.get(current, frozenset())
