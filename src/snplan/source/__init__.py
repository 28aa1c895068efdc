"""Reading the data: safe YAML with the line of every value (`yamlsource`), finding and
validating the data files into models (`load`), and the one walker of a model's values
(`walk`).

Nothing here imports Jinja, python-docx or openpyxl, so `snplan validate` stays light.
"""
