"""The test cast: a fixed set of users with fixed roles for permission tests (see
docs/CONTRACTS.md). Filled in by the access-layer work."""
