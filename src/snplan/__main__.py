"""`python -m snplan`: the same as the `snplan` command."""

from .cli import main

main()
