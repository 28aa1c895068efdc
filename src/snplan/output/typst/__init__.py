"""The PDF writer that reads the resolved document and compiles it with Typst.

`write(document)` gives the PDF's bytes: tagged PDF/UA-1 in Swedish, with bookmarks, repeated
table headers, running header and "SID n (N)" footer, charts as vector graphics with their
alternative text; `archive=True` makes it PDF/A-2b as well. The tree reaches Typst as JSON
read by one fixed template (`serialise`, `template.typ`), never as Typst code, and the compiler
sees only that JSON, the template and the fonts `Fonts` names (`setup`), so the data can neither
run code nor make the output depend on the machine.
"""

from .coverage import FontFileError
from .setup import Fonts, PageSetup
from .writer import Compiled, TypstPdfError, build, write

__all__ = ["Compiled", "FontFileError", "Fonts", "PageSetup", "TypstPdfError", "build", "write"]
