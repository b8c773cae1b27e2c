"""The words of the product's vocabularies and the service's fixed refusals, marked for the
console's catalogues: templates show them with `_(value)`.

Listed by value because the catalogue's msgids are texts; a test checks that every value of
these vocabularies is here, so a new status or level cannot appear untranslated.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a text for the catalogue without translating it here."""
    return text


ROLES = (N_("allocator"), N_("reviewer"), N_("analyst"), N_("auditor"), N_("admin"))
RUN_STATUSES = (N_("solved"), N_("committed"))
TRANSFER_STATUSES = (
    N_("evaluated"),
    N_("awaiting-approval"),
    N_("granted"),
    N_("denied"),
    N_("wait-listed"),
)
BENCHMARK_STATUSES = (N_("queued"), N_("running"), N_("done"), N_("failed"))
OBJECTIVES = (N_("min-distance"), N_("home-first"))
DISTANCES = (N_("great-circle"), N_("rail"))
SECURITY_LEVELS = (
    N_("minimum"),
    N_("medium"),
    N_("maximum"),
    N_("extreme"),
    N_("complete"),
    N_("mixed"),
)
UNPLACED_REASONS = (
    N_("no-eligible-facility"),
    N_("eligible-facilities-full"),
    N_("co-defendant-separation"),
)
GROUNDS = (
    N_("home-region"),
    N_("family"),
    N_("health"),
    N_("safety"),
    N_("reorganisation"),
    N_("operational-need"),
    N_("keeping-order"),
)
VERDICTS = (N_("grant"), N_("grant-with-swap"), N_("deny"), N_("wait-list"))
APPLICANTS = (N_("convict"), N_("relative"), N_("lawyer"), N_("ombudsman"))
BENCHMARK_MODES = (N_("steady-state"), N_("flow"), N_("both"))
REFUSALS = (
    N_("The waiting list is offered only when the home region's lawful facilities are full"),
    N_("A transfer for operational need needs the convict's consent"),
    N_("Transfer request has no decision to appeal"),
    N_("Notice not found"),
    N_("Run not found"),
    N_("Placement not found"),
    N_("Run already committed"),
    N_("Occupancy changed since the run was solved"),
    N_("Occupancy changed meanwhile"),
    N_("Occupancy changed since the request was evaluated"),
    N_("A convict of the run already serves in a facility"),
    N_("Facility not found"),
    N_("Benchmark not found"),
    N_("Transfer request not found"),
    N_("Convict not found"),
    N_("Region not found"),
    N_("User not found"),
    N_("Token not found"),
    N_("A decision against the recommendation needs a written reason"),
    N_("The approval must come from a second reviewer, not the one who decided"),
    N_("The transfer is not lawful and cannot be granted"),
    N_("No swap makes room for this transfer"),
    N_("Every lawful facility of the target is full; only a swap can make room"),
    N_("Transfer request already decided"),
    N_("Transfer request is awaiting approval"),
    N_("Transfer request is not awaiting approval"),
    N_("Not permitted for this role"),
)
