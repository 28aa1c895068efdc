"""The web edition: a resolved document as one accessible, self-contained HTML page (WCAG 2.1
AA, as DOS-lagen asks of a municipality's published documents), and an index page linking
every document of an organisation in every format.

Reads only the tree (`snplan.tree`), draws charts with the shared SVG renderer, and takes
its look from the organisation's Word style reference. The build decides where the bytes go.
"""

from __future__ import annotations

from .index import IndexEntry, index
from .style import WebStyle, style_from_reference
from .writer import write

__all__ = ["IndexEntry", "WebStyle", "index", "style_from_reference", "write"]
