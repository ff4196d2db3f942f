"""Back Coach: an Alexa skill that coaches back-strengthening exercises, hands free."""

import os

# Pydantic looks for plugins in every installed distribution's entry points at its first
# schema build (20-40 ms of a cold start, in a venv with the dev tools); Back Coach uses none.
# An explicit setting is kept.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
