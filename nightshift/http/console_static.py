"""The console's own files, served by the app (no CDN: the console works offline):
`/console/static/{name}` for each file of `FILES`, one route per file, so there is no path
to guess and nothing else of the package to reach. The same for everyone (public on
purpose), cached for an hour; no page data is in them (a page hands its data in its HTML).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from nightshift.http.auth import public

router = APIRouter(prefix="/console/static", tags=["console"])
# name in the URL: (file under console/, media type, which pages use it)
FILES = {
    "console.css": ("static/console.css", "text/css", "every console page"),
    "live.js": ("static/live.js", "text/javascript", "the inbox and conversation pages"),
    "kpis.css": ("static/kpis.css", "text/css", "the KPI page"),
    "kpis.js": ("static/kpis.js", "text/javascript", "the KPI page"),
    "chart.umd.min.js": ("static/vendor/chart.umd.min.js", "text/javascript", "the KPI page"),
}
HEADERS = {"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"}


def _serve(name: str) -> Callable[[], Response]:
    path, media_type, _ = FILES[name]

    def console_file() -> Response:
        return Response(_read(path), media_type=media_type, headers=HEADERS)

    return console_file


for _name, (_, _type, _used_by) in FILES.items():
    router.add_api_route(
        f"/{_name}",
        _serve(_name),
        methods=["GET"],
        response_class=Response,
        dependencies=[Depends(public("the console's script and style files, the same for all"))],
        summary=f"{_name} ({_used_by})",
    )


@cache
def _read(path: str) -> str:
    return files("console").joinpath(path).read_text(encoding="utf-8")
