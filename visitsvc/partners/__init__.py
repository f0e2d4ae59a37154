"""Partners (issue 19): the organisations whose staff visit, the contracts an office buys visits under, and
pairings (结对帮扶) of a person with a visitor or an organisation."""
