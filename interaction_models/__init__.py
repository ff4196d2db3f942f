"""The Alexa interaction models: the ASK-facing copy, shipped in the package as package data."""
