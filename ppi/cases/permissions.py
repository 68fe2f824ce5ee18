"""Who may do what with case summaries: pure predicates.

The parties of a summary are the authority of the pilot or the procurement case and the facilitating cluster (the
pilot's, or that of the case's challenge; a case of its own has only the authority). As for pilots and procurement
cases, every verified member of a party acts for it. A summary is public once published; before (and after a
withdrawal) it exists only for its parties.
"""
from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified
from ppi.cases.models import CaseSummary
from ppi.cases.workflow import Party, SummaryStatus


def party_for(user, authority_id: int, cluster_id: int | None) -> Party | None:
    """The party the user acts for, given the authority and the cluster of a pilot, a case or a summary."""
    if acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY) and user.organisation_id == authority_id:
        return Party.AUTHORITY
    if cluster_id is not None and acts_for_verified(user, OrganisationKind.CLUSTER) and user.organisation_id == cluster_id:
        return Party.CLUSTER
    return None


def party_of(user, summary: CaseSummary) -> Party | None:
    return party_for(user, summary.authority_id, summary.cluster_id)


def is_public(summary: CaseSummary) -> bool:
    return summary.status == SummaryStatus.PUBLISHED


def can_view(user, summary: CaseSummary) -> bool:
    return is_public(summary) or party_of(user, summary) is not None


def can_approve(user, summary: CaseSummary) -> bool:
    party = party_of(user, summary)
    return party is not None and summary.status == SummaryStatus.DRAFT and party not in summary.approvals


def can_withdraw(user, summary: CaseSummary) -> bool:
    return party_of(user, summary) is not None and summary.status == SummaryStatus.PUBLISHED


def can_reopen(user, summary: CaseSummary) -> bool:
    return party_of(user, summary) is not None and summary.status == SummaryStatus.WITHDRAWN


def can_write(user) -> bool:
    """Members of verified authorities and clusters write summaries (of their own pilots and cases)."""
    return acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY) or acts_for_verified(user, OrganisationKind.CLUSTER)
