"""Printable pages of the notices, and the state diagrams as SVG.

A notice's page is built from the domain's own Chinese text (`render_text`,
`render_decision_text`): its title, its numbered sections and their lines, escaped, on
an A4 page that prints as it reads. The diagrams are drawn once per process, on first
request, from the machine classes.
"""

from __future__ import annotations

import html
import re
import threading

from litestar import Router, get
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from msgspec import Struct

from entrypoints import diagrams
from entrypoints.api.problems import PUBLIC_RESPONSES
from entrypoints.api.services import Injected

_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_STYLE = """
@page { size: A4; margin: 20mm; }
body { font-family: "Noto Serif CJK SC", "Songti SC", SimSun, serif; line-height: 1.7;
       max-width: 170mm; margin: 0 auto; color: #000; }
h1 { font-size: 1.4em; text-align: center; margin-bottom: 0.2em; }
h2 { font-size: 1.1em; margin: 1em 0 0.3em; }
p { margin: 0.2em 0; }
p.meta { text-align: center; color: #333; }
.indent { padding-left: 2em; }
"""


def printable(title: str, text: str) -> str:
    """A notice's plain text as a printable Chinese HTML page."""
    lines = text.rstrip("\n").split("\n")
    body = [f"<h1>{html.escape(lines[0])}</h1>"]
    in_sections = False
    for line in lines[1:]:
        if not line.strip():
            continue
        if _SECTION.match(line):
            in_sections = True
            body.append(f"<h2>{html.escape(line)}</h2>")
        elif line.startswith("  "):
            body.append(f'<p class="indent">{html.escape(line.strip())}</p>')
        elif not in_sections:
            body.append(f'<p class="meta">{html.escape(line)}</p>')
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


class DiagramCache:
    """Each diagram's SVG, drawn once on first request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._drawn: dict[str, str] = {}

    def svg(self, name: str) -> str | None:
        with self._lock:
            if name in self._drawn:
                return self._drawn[name]
        dot = diagrams.dot_of(name)
        if dot is None:
            return None
        drawn = diagrams.svg(dot)
        with self._lock:
            self._drawn[name] = drawn
        return drawn


class DiagramList(Struct, kw_only=True):
    names: list[str]


@get("/diagrams", sync_to_thread=False, summary="状态图目录", responses=PUBLIC_RESPONSES)
def list_diagrams() -> DiagramList:
    return DiagramList(names=list(diagrams.diagram_names()))


@get(
    "/diagrams/{name:str}",
    sync_to_thread=True,
    media_type="image/svg+xml",
    summary="各类案件与联办的状态图（SVG，由状态机生成）",
    responses=PUBLIC_RESPONSES,
)
def diagram(name: FromPath[str], drawings: Injected[DiagramCache]) -> str:
    drawn = drawings.svg(name.removesuffix(".svg"))
    if drawn is None:
        raise NotFoundException()
    return drawn


def router(drawings: Injected[DiagramCache]) -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[list_diagrams, diagram],
        dependencies={"drawings": Provide(lambda: drawings, sync_to_thread=False)},
        tags=["公开信息"],
        security=[],
    )
