"""Tools for developers and tests: envelopes, NLU, simulator, dialog scripts, skill package."""
