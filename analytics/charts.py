"""The analytics' charts: Vega-Lite specifications declared with Altair and rendered to SVG on
the server by vl-convert (Vega's own renderer in an embedded engine: no browser, no network,
no script on the page, so the Content-Security-Policy stays closed and the report PDF can embed
the same SVG).

`svg_from_spec(spec, title=..., description=...)` is the one rendering function: any Vega-Lite
specification (a dict, or an Altair chart's `.to_dict()`) becomes an accessible SVG: `role="img"`
with the title and a description read by screen readers, Vega's own ARIA off (the data table
beside each chart is the accessible form of its numbers). With `responsive=True` (the pages)
the width and height give way to the viewBox, so the chart shrinks to a phone's width
(static/css: `.analytics-chart svg`); the report PDF keeps the fixed size.

Colours: USWDS's blue and gold (distinguishable by people with the common colour-vision
deficiencies) and a sequential blue scheme for the map.
"""

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

GEO_FILE = Path(__file__).parent / "geo" / "ca_counties.geojson"
BLUE = "#005ea2"
GOLD = "#e5a000"
GREY = "#dfe1e2"
FONT = "Source Sans Pro, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif"
# Sized for a phone first: readable at 390 px wide, scaled up to the column on a desktop.
WIDTH = 320
HEIGHT = 200

_VEGA_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')

CONFIG: dict[str, Any] = {
    "aria": False,
    "font": FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 160},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "title": {"fontSize": 14, "anchor": "start"},
    "view": {"stroke": None},
    "background": "white",
}


def svg_from_spec(
    spec: dict[str, Any], *, title: str, description: str, responsive: bool = True
) -> str:
    """Render a Vega-Lite specification to an accessible SVG (see the module's text)."""
    spec = {**spec, "config": {**CONFIG, **spec.get("config", {})}}
    # Vega's own ARIA (roles and descriptions on every group) goes: inside role="img" the
    # chart is one image, described by its title and summary; its numbers are in the table.
    svg = _VEGA_ARIA.sub("", vl_convert.vegalite_to_svg(spec))
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    if responsive:
        head = re.sub(r'\s(width|height)="[\d.]+"', "", head, count=2)
    head = head.replace(
        "<svg ",
        f'<svg role="img" aria-label="{html.escape(title)}. {html.escape(description)}" '
        'focusable="false" ',
        1,
    )
    return (
        f"{head}<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
        f"{svg[head_end:]}"
    )


@cache
def california_counties() -> list[dict[str, Any]]:
    """The 58 counties' boundaries (GeoJSON features with `fips` and `name`): analytics/geo."""
    return json.loads(GEO_FILE.read_text())["features"]


def county_map(values: dict[str, float | None], *, legend: str) -> dict[str, Any]:
    """A choropleth of California's counties: `values` by FIPS code (None: no figure, grey)."""
    features = [
        {**feature, "properties": {**feature["properties"], "value": values.get(feature["id"])}}
        for feature in california_counties()
    ]
    data = alt.Data(values=features, format=alt.DataFormat(type="json"))
    base = alt.Chart(data).mark_geoshape(fill=GREY, stroke="white", strokeWidth=0.5)
    shaded = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=legend,
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(gradientLength=WIDTH - 40),
            )
        )
        .transform_filter("isValid(datum.properties.value)")
    )
    chart = (
        alt.layer(base, shaded)
        .project(type="mercator")
        .properties(width=WIDTH, height=int(WIDTH * 1.1))
    )
    return chart.to_dict(validate=False)


def bars(
    rows: list[dict[str, Any]],
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    series: str | None = None,
    percent: bool = False,
) -> dict[str, Any]:
    """Horizontal bars (labels on the left read on a phone), grouped by `series` if given."""
    x = alt.X(
        f"{value}:Q",
        title=value_title,
        scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined,
    )
    y = alt.Y(f"{category}:N", title=category_title, sort=None)
    encoding: dict[str, Any] = {"x": x, "y": y}
    if series:
        encoding["yOffset"] = alt.YOffset(f"{series}:N", sort=None)
        encoding["color"] = alt.Color(
            f"{series}:N", title=None, scale=alt.Scale(range=[BLUE, GOLD]), sort=None
        )
    categories = len({row[category] for row in rows}) or 1
    per_band = 34 if series else 22
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(**encoding)
        .properties(width=WIDTH - 120, height=max(60, categories * per_band))
    )
    return chart.to_dict(validate=False)


def lines(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    temporal: bool = True,
    series: str | None = None,
    percent: bool = False,
) -> dict[str, Any]:
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:{'T' if temporal else 'O'}", title=x_title),
        "y": alt.Y(
            f"{y}:Q",
            title=y_title,
            scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined,
        ),
    }
    if series:
        encoding["color"] = alt.Color(
            f"{series}:N", title=None, scale=alt.Scale(range=[BLUE, GOLD]), sort=None
        )
        encoding["strokeDash"] = alt.StrokeDash(f"{series}:N", title=None, sort=None)
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True, color=BLUE)
        .encode(**encoding)
        .properties(width=WIDTH - 60, height=HEIGHT)
    )
    return chart.to_dict(validate=False)


def columns(
    rows: list[dict[str, Any]], *, x: str, y: str, x_title: str, y_title: str
) -> dict[str, Any]:
    """Vertical bars by month (expirations ahead)."""
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:Q", title=y_title))
        .properties(width=WIDTH - 60, height=HEIGHT)
    )
    return chart.to_dict(validate=False)
