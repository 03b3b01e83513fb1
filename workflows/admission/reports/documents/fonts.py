"""Where the TrueType fonts come from, all Debian packages installed by
scripts/ensure-fonts.sh: party documents are set in Liberation Serif (fonts-liberation2,
metric-compatible with Times New Roman, which Hướng dẫn 36-HD/VPTW prescribes; the older
fonts-liberation lacks the Vietnamese letters with two marks), the case history in
DejaVu Sans (fonts-dejavu-core). KETNAP_FONT_DIR is searched first, if another folder
holds them."""

from __future__ import annotations

from pathlib import Path

from engine.settings import Settings

# family -> (Debian package, its folder, the style suffixes it has)
FAMILIES = {
    "LiberationSerif": (
        "fonts-liberation2",
        Path("/usr/share/fonts/truetype/liberation2"),
        {"": "-Regular", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"},
    ),
    "DejaVuSans": (
        "fonts-dejavu-core",
        Path("/usr/share/fonts/truetype/dejavu"),
        {"": "", "B": "-Bold"},
    ),
}


def font_file(family: str, style: str = "") -> Path:
    """The file of ``family`` in ``style``; a clear error naming the package if absent."""
    package, folder, suffixes = FAMILIES[family]
    name = f"{family}{suffixes[style]}.ttf"
    for candidate in (Settings.from_env().font_dir / name, folder / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"font {name} is missing: apt-get install {package} (scripts/ensure-fonts.sh)"
    )


def add_family(pdf, family: str) -> str:
    """Register every face of ``family`` with an fpdf2 document."""
    for style in FAMILIES[family][2]:
        pdf.add_font(family, style, str(font_file(family, style)))
    return family
