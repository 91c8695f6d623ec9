"""What a closed ballot publishes: a public ballot, who voted what; a secret ballot, each
option's weight, or, where its instance says ``secret_results = "outcome"``, only the
outcome (with the quorum and the turnout, which presence and participation make public).

The result message, the chart, its caption and the minutes all ask here, so that none of
them gives away a figure another one keeps back.
"""

from __future__ import annotations

from config.models import GovernanceLookupError, Groupement
from voting.ballot import Ballot


def outcome_only(groupement: Groupement, ballot: Ballot) -> bool:
    """Whether ``ballot`` publishes its outcome and no figure of any option."""
    if not ballot.secret:
        return False
    try:
        return groupement.instance(ballot.draft.instance_id).outcome_only
    except GovernanceLookupError:
        # An instance gone from the configuration: the shipped default, option weights.
        return False
