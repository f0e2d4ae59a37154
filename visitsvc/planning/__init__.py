"""What each person is owed, coverage, the month's routes, re-planning and manual moves."""
