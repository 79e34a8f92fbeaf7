"""Format readers: each turns files of one format into pool records."""
