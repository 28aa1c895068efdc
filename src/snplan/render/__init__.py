"""Renderers: Markdown to Word, figures to Excel, monthly series to charts.

Importing this package pulls in python-docx, openpyxl and Jinja; `snplan validate` never does.
"""
