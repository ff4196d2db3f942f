"""Pure coaching: the routine, its words, the timed plan, the coach; no ASK, web, SQL or audio."""
