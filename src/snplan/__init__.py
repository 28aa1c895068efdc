"""snplan: a social welfare committee's plans and reports, from YAML data to documents."""

__version__ = "0.1.0"
