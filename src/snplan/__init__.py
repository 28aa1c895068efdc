"""snplan: a social welfare committee's plans and reports, from YAML data to documents."""

import os

__version__ = "0.1.0"

# pydantic looks for plugins among every installed package's entry points when its first
# model is built (a fifth of a second's start-up on some machines); snplan uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
