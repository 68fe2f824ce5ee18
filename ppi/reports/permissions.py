"""Who sees which indicators: pure predicates over the user and the audience.

The public page shows aggregates of public data to everyone. An authority's and a cluster's verified
members see the figures of their own challenges (in every state); the platform admin sees everything.
"""
from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified, is_platform_admin
from ppi.reports.catalogue import Audience
from ppi.reports.indicators import Scope

_KIND_OF_AUDIENCE = {Audience.AUTHORITY: OrganisationKind.PUBLIC_AUTHORITY, Audience.CLUSTER: OrganisationKind.CLUSTER}


def can_view(user, audience: Audience) -> bool:
    if audience == Audience.PUBLIC:
        return True
    if audience == Audience.PLATFORM:
        return is_platform_admin(user)
    return acts_for_verified(user, _KIND_OF_AUDIENCE[audience])


def own_audience(user) -> Audience | None:
    """The non-public dashboard the user may open, if any (for links)."""
    for audience in (Audience.PLATFORM, Audience.AUTHORITY, Audience.CLUSTER):
        if can_view(user, audience):
            return audience
    return None


def scope_for(user, audience: Audience) -> Scope:
    """The scope of the audience's figures for a user who may view it."""
    if audience in _KIND_OF_AUDIENCE:
        return Scope(audience, user.organisation_id)
    return Scope(audience)
