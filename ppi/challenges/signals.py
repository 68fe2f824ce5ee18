"""Hooks for the domains built on challenges (which challenges must not import).

`public_change_audience` is sent when a published challenge changes in public; each receiver returns the
users it adds to the followers who are told (the proposals domain: companies with a proposal in draft).
`status_changed` is sent after every move of a challenge, with `target` (the matching domain tells the companies
invited before publication, and reads the proposals of a decided challenge again).
"""
from blinker import Namespace

signals = Namespace()
public_change_audience = signals.signal("challenge-public-change-audience")
status_changed = signals.signal("challenge-status-changed")
