"""The `visitsvc` command: one module per command group, each a thin call of one service."""
