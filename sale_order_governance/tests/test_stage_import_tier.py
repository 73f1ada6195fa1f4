# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Importing OCA tier definitions as review stages, without OCA installed.

The conversion of real tier definitions is tested beside OCA's add-ons
(test_oca_coexistence.py); here the wizard's own rules: who may use it, what
it creates, how it reads a tier's filter.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestStageImportTier(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Import = cls.env["sale.review.stage.import.tier"]

    def _stage_count(self):
        return (
            self.env["sale.review.stage"]
            .with_context(active_test=False)
            .search_count([])
        )

    def _proposal(self, *lines):
        return self.Import.with_user(self.governance_manager).create(
            {"line_ids": [Command.create(vals) for vals in lines]}
        )

    def test_proposes_one_stage_per_tier_definition(self):
        Import = self.Import.with_user(self.governance_manager)
        tiers = (
            self.env["tier.definition"].search([("model", "=", "sale.order")])
            if "tier.definition" in self.env
            else []
        )
        wizard = Import.create(Import.default_get(["line_ids"]))
        self.assertEqual(len(wizard.line_ids), len(tiers))

    def test_manager_creates_the_ticked_proposals_only(self):
        before = self._stage_count()
        wizard = self._proposal(
            {
                "name": "Key accounts",
                "sequence": 10,
                "department": "sales",
                "reviewer_user_ids": [Command.set(self.sales_manager.ids)],
                "domain": "[('amount_total', '>', 5000)]",
            },
            {
                "name": "Finance check",
                "sequence": 20,
                "department": "finance",
                "reviewer_group_id": self.env.ref(
                    "sale_order_governance.group_reviewer_finance"
                ).id,
            },
            {"name": "Not wanted", "selected": False},
        )
        action = wizard.action_import()
        stages = self.env["sale.review.stage"].search(action["domain"])
        self.assertEqual(self._stage_count(), before + 2)
        self.assertRecordValues(
            stages.sorted("sequence"),
            [
                {
                    "name": "Key accounts",
                    "sequence": 10,
                    "applies_to": "order",
                    "department": "sales",
                    "reviewer_user_ids": self.sales_manager.ids,
                    "domain": "[('amount_total', '>', 5000)]",
                },
                {
                    "name": "Finance check",
                    "sequence": 20,
                    "applies_to": "order",
                    "department": "finance",
                    "reviewer_user_ids": [],
                    "domain": False,
                },
            ],
        )
        # The stages review real orders at once.
        order = self._create_order(lines=[(self.product, 60, 100.0)])
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.governance_review_ids.stage_id, stages)

    def test_every_stage_without_reviewers_is_listed_and_nothing_created(self):
        before = self._stage_count()
        wizard = self._proposal({"name": "First"}, {"name": "Second"})
        with self.assertRaisesRegex(UserError, "First, Second"):
            wizard.action_import()
        wizard.line_ids.write({"selected": False})
        with self.assertRaisesRegex(UserError, "Tick at least one"):
            wizard.action_import()
        self.assertEqual(self._stage_count(), before)

    def test_salesperson_and_reviewer_refused(self):
        before = self._stage_count()
        wizard = self._proposal(
            {
                "name": "Smuggled stage",
                "reviewer_user_ids": [Command.set(self.salesperson.ids)],
            }
        )
        for user in (self.salesperson, self.finance_user):
            Import = self.Import.with_user(user)
            with self.assertRaises(AccessError):
                Import.default_get(["line_ids"])
            with self.assertRaises(AccessError):
                Import.create({})
            with self.assertRaises(AccessError):
                wizard.with_user(user).action_import()
        self.assertEqual(self._stage_count(), before)

    def test_tier_filters_become_stage_filters(self):
        convert = self.Import._convert_domain
        self.assertEqual(convert(False), (False, False))
        self.assertEqual(convert("[]"), (False, False))
        self.assertEqual(
            convert('[("amount_untaxed", ">", 1000), ("partner_id.vat", "!=", False)]'),
            (
                "[('amount_untaxed', '>', 1000), ('partner_id.vat', '!=', False)]",
                False,
            ),
        )
        for invalid in ("[('no_such_field', '=', 1)]", "[('amount_total', '>'", "uid"):
            text, problem = convert(invalid)
            self.assertEqual(text, invalid)
            self.assertIn("not a valid filter", problem)
