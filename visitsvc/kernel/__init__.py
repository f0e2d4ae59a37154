"""Pure values every package may use: errors, clock, month, geo, ID and phone numbers, working days, masking,
crypto."""
