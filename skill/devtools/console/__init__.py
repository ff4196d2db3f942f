"""`backcoach console`: a local web page to talk to the skill, hear it and see its JSON."""
