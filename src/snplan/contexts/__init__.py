"""One template context per document kind: everything a template lays out, already computed
and formatted, so templates hold no arithmetic and no number formatting."""
