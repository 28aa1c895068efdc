"""What the data becomes: the documents as Markdown and Word (`build`, `docx`, `layout`,
`package`, `reference`), the workbooks (`workbooks`, `xlsx`), charts, PDF (`pdf` with its
LibreOffice worker and watchdog), files written atomically and never through a link (`files`),
and the build manifest for incremental builds (`manifest`).

Importing this package pulls in nothing; its modules pull in lxml, openpyxl and
Jinja as they need them, and `snplan validate` never does.
"""
