"""Rights information pages: readable before writing to us and after, with JavaScript off.

The pages are read from disk on every request (a handful of small files), so an organisation's edit in
`DATA/rights/` shows at once without a restart.
"""

from __future__ import annotations

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from safeconduct.errors import NotFound
from safeconduct.rights import RightsPage, Shelf, load_shelf
from safeconduct.web.deps import runtime
from safeconduct.web.i18n import LANGUAGES, choose_language
from safeconduct.web.render import render

router = APIRouter(include_in_schema=False)

#: Shown on every page, whatever the page's own text says.
NOT_ADVICE = ("General information, not legal advice. Every situation is different: a lawyer can tell you what "
              "applies to you.")


def _shelf(request: Request) -> Shelf:
    return load_shelf(runtime(request).settings.data_dir, tuple(LANGUAGES))


def _reviewed(page: RightsPage, lang: str) -> str:
    return format_date(page.reviewed, format="long", locale=lang)


@router.get("/rights", response_class=HTMLResponse)
@router.get("/rights/", response_class=HTMLResponse)
def rights_index(request: Request) -> Response:
    lang = choose_language(request)
    shelf = _shelf(request)
    pages = [page for country in shelf.countries() if (page := shelf.find(country, lang)) is not None]
    pages.sort(key=lambda page: page.country_name)
    return render(request, "contact/rights_index.html", {
        "pages": [(page, _reviewed(page, lang)) for page in pages], "not_advice": NOT_ADVICE})


@router.get("/rights/{country}", response_class=HTMLResponse)
def rights_page(request: Request, country: str) -> Response:
    lang = choose_language(request)
    page = _shelf(request).find(country.lower(), lang) if len(country) == 2 else None
    if page is None:
        raise NotFound("There is no information page for this country yet.")
    return render(request, "contact/rights_page.html", {
        "page": page, "reviewed": _reviewed(page, lang), "other_language": page.language != lang,
        "page_language_name": LANGUAGES.get(page.language, page.language), "not_advice": NOT_ADVICE})
