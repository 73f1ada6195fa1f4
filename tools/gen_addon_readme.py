"""Build an add-on's README.rst from its readme/*.md fragments (OCA layout).

The fragments use the subset of Markdown that reads the same in
reStructuredText (paragraphs, bullet and numbered lists, *emphasis* and
**strong**), so they are assembled under OCA's section titles as they are.

    python tools/gen_addon_readme.py sale_order_governance
"""

import ast
import pathlib
import sys

SECTIONS = [
    ("CONTEXT.md", "Context"),
    ("POLICY.md", "Policy map"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("SECURITY.md", "Security"),
    ("ARCHITECTURE.md", "Architecture"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]


def title(text, char):
    return f"{text}\n{char * len(text)}\n"


def build(addon):
    addon = pathlib.Path(addon)
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    readme = addon / "readme"
    name = manifest["name"]
    parts = [
        "=" * len(name) + "\n" + name + "\n" + "=" * len(name) + "\n",
        (
            ".. !! This file is generated from readme/*.md by "
            "tools/gen_addon_readme.py.\n   Edit the fragments, not this file.\n"
        ),
        (
            f"|maturity| |license|\n\n"
            f".. |maturity| image:: https://img.shields.io/badge/maturity-"
            f"{manifest.get('development_status', 'Alpha')}-red.png\n"
            f".. |license| image:: https://img.shields.io/badge/license-"
            f"{manifest['license']}-blue.png\n"
        ),
        (readme / "DESCRIPTION.md").read_text(encoding="utf-8"),
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    for filename, heading in SECTIONS:
        fragment = readme / filename
        if fragment.exists():
            parts.append(title(heading, "="))
            parts.append(fragment.read_text(encoding="utf-8"))
    folder = addon / "static" / "description" / "screenshots"
    shots = sorted(folder.glob("*.png"))
    if shots:
        parts.append(title("Screenshots", "="))
        for shot in shots:
            caption = shot.stem.split("_", 1)[-1].replace("_", " ").capitalize()
            image = shot.relative_to(addon)
            parts.append(f"**{caption}**\n\n.. image:: {image}\n   :width: 720\n")
    # The same screens in another language: screenshots/<lang>/*.png.
    for lang_folder in sorted(path for path in folder.glob("*") if path.is_dir()):
        lang_shots = sorted(lang_folder.glob("*.png"))
        if not lang_shots:
            continue
        parts.append(title(f"Screenshots ({lang_folder.name})", "-"))
        for shot in lang_shots:
            caption = shot.stem.split("_", 1)[-1].replace("_", " ").capitalize()
            image = shot.relative_to(addon)
            parts.append(f"**{caption}**\n\n.. image:: {image}\n   :width: 720\n")
    parts.append(title("Credits", "="))
    parts.append(title("Contributors", "-"))
    parts.append((readme / "CONTRIBUTORS.md").read_text(encoding="utf-8"))
    (addon / "README.rst").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    build(sys.argv[1])
