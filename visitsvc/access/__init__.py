"""The one access rule (Scope, Caller, require_*) and the login throttle's rule; below the repositories that
apply it."""
