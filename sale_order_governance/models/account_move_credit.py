# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL
from odoo.tools.sql import create_index


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # Draft customer invoices of one customer, for its credit exposure.
        create_index(
            self.env.cr,
            "account_move_governance_credit_draft_idx",
            self._table,
            ["commercial_partner_id", "company_id"],
            where="state = 'draft'"
            " AND move_type IN ('out_invoice', 'out_refund', 'out_receipt')",
        )
        return res


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # The open receivables are in the running totals of the credit
        # exposure (sale_credit_exposure_totals.py): the covering indexes the
        # exposure used to scan are gone.
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS account_move_line_governance_credit_open_idx;"
                " DROP INDEX IF EXISTS"
                " account_move_line_governance_credit_residual_idx"
            )
        )
        return res
