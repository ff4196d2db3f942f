"""The smallest servers doing a turn's plumbing, to measure the skill against."""
