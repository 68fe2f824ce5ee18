"""Hooks for the domains built on proposals: `proposal_selected` is sent for each proposal selected for a
pilot (the pilots domain opens the pilot record)."""
from blinker import Namespace

signals = Namespace()
proposal_selected = signals.signal("proposal-selected")
