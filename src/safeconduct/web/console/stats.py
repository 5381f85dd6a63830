"""The statistics page, its CSV export and its JSON twin (administrators only).

Charts are inline SVG drawn here on the server: the CSP allows no script and nothing from elsewhere, and
bars drawn with presentation attributes (not ``style``) need neither. A suppressed count ("<5") is drawn
as a pale bar of the threshold's height, so the bar does not give away the number the label hides.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from safeconduct.cases import statistics
from safeconduct.cases.statistics import Cell, Statistics
from safeconduct.cases.workflow import DEFAULT_LABELS
from safeconduct.staff.service import StaffAccess
from safeconduct.web import i18n
from safeconduct.web.deps import admin_access, get_db
from safeconduct.web.render import render, translate

router = APIRouter()

BAR = "#23395b"
PALE = "#b7c3d6"
INK = "#1a1a1a"


def _height(cell: Cell, threshold: int) -> int:
    return threshold if statistics.is_suppressed(cell) else int(cell)


SVG_OPEN = Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {w} {h}" '
                  'width="100%" height="{h}" font-size="{size}" font-family="inherit"><title>{title}</title>')
RECT = Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"><title>{label}: {value}</title></rect>')
TEXT = Markup('<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{fill}">{text}</text>')
# Counts are framed by left-to-right marks (U+200E), so "<5" is not mirrored to "5>" on Arabic pages.
NUMBER = Markup('<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{fill}">\u200e{text}\u200e</text>')
SVG_CLOSE = Markup("</svg>")


def hbar_chart(items: Sequence[tuple[str, Cell]], *, threshold: int, rtl: bool, title: str) -> Markup:
    """Horizontal bars, one per labelled count; mirrored for right-to-left pages.

    Every value goes through ``Markup.format``, which escapes it: labels come from translations and the
    organisation's config, and must not be able to inject markup into the page.
    """
    width, label_w, row, value_w = 560, 170, 24, 44
    span = width - label_w - value_w
    top = max([_height(c, threshold) for _, c in items] + [1])
    height = row * len(items) + 8

    def x(pos: float, w: float = 0) -> float:
        return round(width - pos - w if rtl else pos, 1)

    parts = [SVG_OPEN.format(w=width, h=height, size=13, title=title)]
    for i, (label, cell) in enumerate(items):
        y = 4 + i * row
        w = round(span * _height(cell, threshold) / top, 1)
        fill = PALE if statistics.is_suppressed(cell) else BAR
        parts.append(TEXT.format(x=x(label_w - 8), y=y + 16, anchor="end", fill=INK, text=label))
        parts.append(RECT.format(x=x(label_w, w), y=y + 3, w=w, h=row - 8, fill=fill, label=label, value=cell))
        parts.append(NUMBER.format(x=x(label_w + w + 6), y=y + 16, anchor="start", fill=INK, text=cell))
    parts.append(SVG_CLOSE)
    return Markup("").join(parts)


def column_chart(items: Sequence[tuple[str, Cell]], *, threshold: int, rtl: bool, title: str,
                 height: int = 160) -> Markup:
    """Columns over time (weeks), oldest at the reading start; value above each, week number below."""
    width, foot, head = 560, 20, 18
    slot = width / max(len(items), 1)
    top = max([_height(c, threshold) for _, c in items] + [1])
    plot = height - foot - head

    def x(pos: float, w: float = 0) -> float:
        return round(width - pos - w if rtl else pos, 1)

    parts = [SVG_OPEN.format(w=width, h=height, size=11, title=title)]
    for i, (label, cell) in enumerate(items):
        h = round(plot * _height(cell, threshold) / top, 1)
        w = round(slot * 0.7, 1)
        left = i * slot + (slot - w) / 2
        mid = x(i * slot + slot / 2)
        fill = PALE if statistics.is_suppressed(cell) else BAR
        parts.append(RECT.format(x=x(left, w), y=round(head + plot - h, 1), w=w, h=h, fill=fill, label=label,
                                 value=cell))
        parts.append(NUMBER.format(x=mid, y=round(head + plot - h - 4, 1), anchor="middle", fill=INK, text=cell))
        parts.append(TEXT.format(x=mid, y=height - 6, anchor="middle", fill=INK, text=label.rpartition("-")[2]))
    parts.append(SVG_CLOSE)
    return Markup("").join(parts)


def _state_names(request: Request) -> Callable[[str], str]:
    return lambda state: translate(request, DEFAULT_LABELS.get(state, state))


@router.get("/staff/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(request: Request, staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> Response:
    stats = statistics.compute(db)
    name = _state_names(request)
    rtl = i18n.choose_language(request) in i18n.RTL
    t = stats.threshold
    charts = {
        "current": hbar_chart([(name(s), c) for s, c in stats.current], threshold=t, rtl=rtl,
                              title=translate(request, "Cases per state now")),
        "outcomes": hbar_chart([(name(s), c) for s, c in stats.outcomes], threshold=t, rtl=rtl,
                               title=translate(request, "Outcomes")),
        "opened": column_chart(stats.opened, threshold=t, rtl=rtl,
                               title=translate(request, "Cases opened per week")),
    }
    over_time = []
    for i, state in enumerate(statistics.STATES):
        series = [(week, cells[i][1]) for week, cells in stats.by_week]
        if any(c != 0 for _, c in series):
            over_time.append((name(state), column_chart(series, threshold=t, rtl=rtl, title=name(state),
                                                        height=110)))
    return render(request, "staff/stats.html", {"staff": staff, "stats": stats, "charts": charts,
                                                "over_time": over_time, "state_name": name})


def _csv(stats: Statistics) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "week", "state", "count"])
    writer.writerows(stats.rows())
    return out.getvalue()


@router.get("/staff/stats.csv", include_in_schema=False)
def stats_csv(staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> Response:
    stats = statistics.compute(db)
    return Response(_csv(stats), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="safeconduct-statistics-{stats.today.isoformat()}.csv"'})


@router.get("/api/v1/staff/stats", tags=["staff"])
def stats_json(staff: StaffAccess = Depends(admin_access), db: Session = Depends(get_db)) -> dict[str, object]:
    """Aggregates only; a count below the threshold is the string "<5" rather than a number."""
    stats = statistics.compute(db)
    return {
        "threshold": stats.threshold, "today": stats.today.isoformat(), "weeks": stats.weeks,
        "current": dict(stats.current), "opened": dict(stats.opened),
        "state_by_week": {week: dict(cells) for week, cells in stats.by_week},
        "outcomes": dict(stats.outcomes),
    }
