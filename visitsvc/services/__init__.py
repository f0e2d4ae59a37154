"""Use cases: one function each, taking a unit of work and a Caller; each commits once, last."""
