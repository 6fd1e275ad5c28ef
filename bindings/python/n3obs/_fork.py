"""Fork handling (os.register_at_fork); filled in after the fork experiments."""
