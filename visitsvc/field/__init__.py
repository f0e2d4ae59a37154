"""What a grid worker is shown and records: the day's route, visits recorded exactly once, sync, photos."""
