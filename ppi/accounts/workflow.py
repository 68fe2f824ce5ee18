"""The organisation verification and cluster membership state machines (pure Python)."""
from enum import StrEnum

from ppi.core.workflow import StateMachine


class VerificationStatus(StrEnum):
    """A platform administrator checks a new organisation before it may act (no impersonation)."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


V = VerificationStatus
VERIFICATION = StateMachine(
    {
        V.PENDING: {V.VERIFIED, V.REJECTED},
        V.REJECTED: {V.PENDING},  # the organisation corrects its profile and asks again
        V.VERIFIED: {V.SUSPENDED, V.PENDING},  # PENDING: it changed its name, number, country or type
        V.SUSPENDED: {V.VERIFIED},
    }
)


class MembershipStatus(StrEnum):
    """A company asks to join a cluster; the cluster's admin decides; either side may end it."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENDED = "ended"


M = MembershipStatus
MEMBERSHIP = StateMachine(
    {
        M.REQUESTED: {M.ACCEPTED, M.DECLINED, M.ENDED},  # ENDED: the company withdraws its request
        M.ACCEPTED: {M.ENDED},
        M.DECLINED: {M.REQUESTED},
        M.ENDED: {M.REQUESTED},
    }
)
