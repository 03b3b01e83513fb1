"""Browser libraries served from node_modules (installed from npm at set-up time).

Only the files listed here are reachable: the vendor route is not a window onto the
whole node_modules folder.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
ALLOWED = {
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
}

vendor = Blueprint("vendor", __name__)


@vendor.get("/vendor/<name>")
def asset(name: str):
    relative = ALLOWED.get(name)
    if relative is None or not (NODE_MODULES / relative).is_file():
        abort(404)
    path = NODE_MODULES / relative
    return send_from_directory(path.parent, path.name, max_age=86400)
