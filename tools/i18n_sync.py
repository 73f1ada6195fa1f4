"""Merge a freshly exported .pot into the add-on's translation files.

    python tools/i18n_sync.py sale_order_governance /tmp/export.pot zh_CN zh_TW

Writes ``i18n/<addon>.pot`` and updates ``i18n/<lang>.po``: existing
translations are kept, new terms are added untranslated, vanished terms are
dropped. Prints how many terms each language still lacks.
"""

import pathlib
import sys

import polib


def sync(addon, exported, langs):
    i18n = pathlib.Path(addon, "i18n")
    i18n.mkdir(exist_ok=True)
    pot = polib.pofile(exported)
    if not len(pot):
        sys.exit(f"{exported} holds no term: the export failed, nothing merged.")
    pot.metadata["Project-Id-Version"] = "Odoo Server 18.0"
    pot.save(str(i18n / f"{addon}.pot"))
    for lang in langs:
        path = i18n / f"{lang}.po"
        po = polib.pofile(str(path)) if path.exists() else polib.POFile()
        po.metadata = dict(pot.metadata, Language=lang)
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        po.merge(pot)
        for entry in po.obsolete_entries():
            po.remove(entry)
        po.save(str(path))
        missing = [entry for entry in po if not entry.msgstr]
        print(f"{lang}: {len(po)} terms, {len(missing)} untranslated")


if __name__ == "__main__":
    sync(sys.argv[1], sys.argv[2], sys.argv[3:])
