"""Where the TrueType fonts come from: Debian's fonts-dejavu-core (installed with the
browser by scripts/ensure-chromium.sh). DejaVu covers every Vietnamese letter with its
marks, which the PDF core fonts do not. The package holds the regular and bold faces
only, so nothing is set in italics. KETNAP_FONT_DIR points elsewhere if needed."""

from __future__ import annotations

from engine.settings import Settings

STYLES = {"": "", "B": "-Bold"}


def add_family(pdf, family: str) -> str:
    """Register ``family``'s (DejaVuSerif, DejaVuSans) faces with an fpdf2 document."""
    folder = Settings.from_env().font_dir
    for style, suffix in STYLES.items():
        path = folder / f"{family}{suffix}.ttf"
        if not path.is_file():
            raise FileNotFoundError(f"font {path} is missing: apt-get install fonts-dejavu-core")
        pdf.add_font(family, style, str(path))
    return family
