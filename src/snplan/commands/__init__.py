"""One module per command-line verb: each turns the verb's arguments into library calls and
raises `errors.SnplanError` subclasses, which `cli` prints. Tests call these directly."""
