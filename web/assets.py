"""Browser libraries served from node_modules (installed from npm at set-up time).

Only the files listed here are reachable: the vendor route is not a window onto the
whole node_modules folder.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
ALLOWED = {
    # bpmn-js for the designer's modeler and the case diagrams; its icon font is served
    # under /vendor/bpmn-font/ so that the stylesheet's relative URLs (../font/...) resolve.
    "bpmn-modeler.js": "bpmn-js/dist/bpmn-modeler.production.min.js",
    "bpmn-navigated-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "bpmn-font/css/bpmn.css": "bpmn-js/dist/assets/bpmn-font/css/bpmn.css",
    "bpmn-font/font/bpmn.woff2": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff2",
    "bpmn-font/font/bpmn.woff": "bpmn-js/dist/assets/bpmn-font/font/bpmn.woff",
    "bpmn-font/font/bpmn.ttf": "bpmn-js/dist/assets/bpmn-font/font/bpmn.ttf",
    "bpmn-font/font/bpmn.eot": "bpmn-js/dist/assets/bpmn-font/font/bpmn.eot",
    "bpmn-font/font/bpmn.svg": "bpmn-js/dist/assets/bpmn-font/font/bpmn.svg",
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "chart.umd.js": "chart.js/dist/chart.umd.js",
}

bp = Blueprint("vendor", __name__)


@bp.get("/vendor/<name>")
def asset(name: str):
    relative = ALLOWED.get(name)
    if relative is None or not (NODE_MODULES / relative).is_file():
        abort(404)
    path = NODE_MODULES / relative
    return send_from_directory(path.parent, path.name, max_age=86400)


@bp.get("/vendor/bpmn-font/<folder>/<name>")
def bpmn_font(folder: str, name: str):
    """bpmn-js's icon font and its stylesheet, at the paths the stylesheet expects."""
    return asset(f"bpmn-font/{folder}/{name}")
