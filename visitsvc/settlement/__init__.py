"""Statements for payment (结算): what an organisation delivered under its contracts in a month (ADR 0030)."""
