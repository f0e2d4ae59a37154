"""What a supervisor sees and decides for their own area: coverage tables, the missed list, queues,
the monthly report."""
