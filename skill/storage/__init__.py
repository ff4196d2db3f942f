"""Where people's progress is kept: one module per store behind ASK's persistence adapter."""
