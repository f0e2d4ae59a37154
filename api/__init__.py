"""HTTP entry point: schemas, auth and error mapping over visitsvc's services."""
