"""Rights information for people thinking of coming home: what happens on return, country by country.

The pages are Markdown files with a short front matter. A starting set ships in `content/`; an
organisation adds or replaces pages in `DATA/rights/` (same names: `{country}.{language}.md`).
"""

from safeconduct.rights.pages import RightsError, RightsPage, Shelf, load_shelf

__all__ = ["RightsError", "RightsPage", "Shelf", "load_shelf"]
