"""User-task forms: the form-file format (``format``: reading and checking a JSON form
file) and the marshmallow schemas built from a checked form (``schema``: validating a
submission). The dependency runs one way: the schema builder uses the format, never the
reverse. Import what you need from here."""

from engine.forms.format import (
    DEFAULT_MAX_LENGTH,
    MAX_FORM_BYTES,
    MAX_SAFE_INT,
    MSG,
    TYPES,
    FormError,
)
from engine.forms.schema import build_schema, check_form, load_form, validate_submission

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MAX_FORM_BYTES",
    "MAX_SAFE_INT",
    "MSG",
    "TYPES",
    "FormError",
    "build_schema",
    "check_form",
    "load_form",
    "validate_submission",
]
