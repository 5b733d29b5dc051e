"""Make analytics/geo/ca_counties.geojson: California's 58 counties from us-atlas 3.0.1
`counties-10m.json` (the Census Bureau's cartographic boundary files, 2017 edition, as
TopoJSON; analytics/geo/README.md), decoded to GeoJSON with 4 decimals.

    npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
    python scripts/ca_counties_geojson.py package/counties-10m.json \
        analytics/geo/ca_counties.geojson
"""

import json
import sys
from pathlib import Path

topo = json.loads(Path(sys.argv[1]).read_text())
sx, sy = topo["transform"]["scale"]
tx, ty = topo["transform"]["translate"]
arcs = []
for arc in topo["arcs"]:
    x = y = 0
    pts = []
    for dx, dy in arc:
        x += dx
        y += dy
        pts.append([round(x * sx + tx, 4), round(y * sy + ty, 4)])
    arcs.append(pts)


def ring(indices):
    pts = []
    for i in indices:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


features = []
for g in topo["objects"]["counties"]["geometries"]:
    if not str(g["id"]).startswith("06"):
        continue
    if g["type"] == "Polygon":
        coords = [ring(r) for r in g["arcs"]]
    else:
        coords = [[ring(r) for r in poly] for poly in g["arcs"]]
    features.append(
        {
            "type": "Feature",
            "id": g["id"],
            "properties": {"fips": g["id"], "name": g["properties"]["name"]},
            "geometry": {"type": g["type"], "coordinates": coords},
        }
    )
features.sort(key=lambda f: f["id"])
Path(sys.argv[2]).write_text(
    json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
)
sys.stdout.write(f"{len(features)} counties\n")
