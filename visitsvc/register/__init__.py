"""The register (台账): people, areas, workers and absences, the ledger import and export, retention."""
