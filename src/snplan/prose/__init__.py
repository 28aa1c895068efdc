"""Prose in the data: the expression language and what it may contain (`rules`), the
sandbox it is evaluated in (`sandbox`, also the template environment), evaluating every text
of a block (`evaluate`), and reading the Markdown of prose into document nodes (`markup`)."""
