# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{\{.*?\}\}")
LANGUAGES = ("zh_CN", "zh_TW")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every term of the add-on, as Odoo exports it now, is translated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, modules=["sale_order_governance"])
        cls.terms = {
            source
            for _module, _type, _name, _res_id, source, _value, _comments in reader
        }
        cls.path = get_module_path("sale_order_governance")

    def test_terms_are_exported(self):
        self.assertIn("Submit for Review", self.terms)
        self.assertGreater(len(self.terms), 100)

    def test_every_term_is_translated(self):
        for lang in LANGUAGES:
            po = polib.pofile(f"{self.path}/i18n/{lang}.po")
            translated = {entry.msgid: entry.msgstr for entry in po if entry.msgstr}
            missing = sorted(self.terms - translated.keys())
            self.assertFalse(
                missing,
                f"{lang}.po lacks {len(missing)} translations (run make i18n), "
                f"e.g. {missing[:5]}",
            )

    def test_placeholders_are_kept(self):
        for lang in LANGUAGES:
            for entry in polib.pofile(f"{self.path}/i18n/{lang}.po"):
                if entry.msgstr:
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                        f"{lang}: {entry.msgid!r}",
                    )
