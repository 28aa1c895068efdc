"""The Word writer: a resolved document as a .docx, with the styles of a style reference."""

from .writer import RenderError, write

__all__ = ["RenderError", "write"]
