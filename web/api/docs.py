"""GET /api/v1/docs: the OpenAPI document as a page people read, drawn on the server.

Nothing is loaded from the internet (the usual API explorers fetch their scripts from a
CDN, which the content security policy and an offline deployment both rule out).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, render_template, url_for
from flask_smorest import Api

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1", template_folder="templates")
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: list[Parameter] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)


def type_of(schema: dict) -> str:
    """A short reading of a JSON schema: "integer", "array of Task", "Case or null"."""
    if "$ref" in schema:
        text = schema["$ref"].rsplit("/", 1)[-1]
    elif "oneOf" in schema:
        text = " or ".join(type_of(choice) for choice in schema["oneOf"])
    elif schema.get("type") == "array":
        text = "array of " + type_of(schema.get("items", {}))
    else:
        text = schema.get("type") or "any"
        if schema.get("format"):
            text += f" ({schema['format']})"
    if schema.get("enum"):
        text += ": " + " | ".join(str(v) for v in schema["enum"] if v is not None)
    return text + (" or null" if schema.get("nullable") else "")


def _body(operation: dict) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    return "; ".join(
        f"{kind}: {type_of(media.get('schema', {}))}" for kind, media in content.items()
    )


def _responses(operation: dict, spec: dict) -> list[tuple[str, str, str]]:
    found = []
    for code, response in operation.get("responses", {}).items():
        if "$ref" in response:  # a shared response (the error body)
            response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        media = response.get("content", {}).get("application/json", {})
        found.append(
            (
                code,
                response.get("description", ""),
                type_of(media["schema"]) if "schema" in media else "",
            )
        )
    return found


def operations(spec: dict) -> list[Operation]:
    found = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            params = [
                Parameter(
                    p["name"],
                    p["in"],
                    p.get("required", False),
                    type_of(p.get("schema", {})),
                    p.get("description", ""),
                )
                for p in shared + op.get("parameters", [])
            ]
            found.append(
                Operation(
                    method.upper(),
                    path,
                    op.get("summary", ""),
                    op.get("description", ""),
                    (op.get("tags") or [""])[0],
                    params,
                    _body(op),
                    _responses(op, spec),
                )
            )
    return found


def schemas(spec: dict) -> dict[str, list[Parameter]]:
    """Each component schema's properties, as rows of a table."""
    found = {}
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        found[name] = [
            Parameter(prop, "", prop in required, type_of(sub), sub.get("description", ""))
            for prop, sub in schema.get("properties", {}).items()
        ]
    return found


@bp.get("/docs")
def docs():
    api: Api = current_app.extensions["ketnap_api"]
    spec = api.spec.to_dict()
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations(spec),
        schemas=schemas(spec),
        openapi_url=url_for("api-docs.openapi_json"),
    )
