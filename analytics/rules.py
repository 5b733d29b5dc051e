"""Pure figures of the statewide analytics (docs/domain.md, "Statewide analytics")."""

PER_MEMBERS = 100_000


def per_100k(count: int, members: int | None) -> float | None:
    """Certified peers per 100,000 Medi-Cal members (certified eligibles), to one decimal;
    None when the members are unknown or zero. State analysts compare counties by this ratio
    (a published state average is about 31 per 100,000: issue 17)."""
    if not members:
        return None
    return round(count * PER_MEMBERS / members, 1)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent, to one decimal; None when there is nothing to divide."""
    if not denominator:
        return None
    return round(100 * numerator / denominator, 1)
