"""The ASK SDK adapter: handlers, the state store for a request, Reply to Response."""
