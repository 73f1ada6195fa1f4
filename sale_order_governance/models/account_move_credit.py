# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL
from odoo.tools.sql import create_index


class AccountMove(models.Model):
    _inherit = "account.move"

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
    _inherit = "account.move.line"

    def init(self):
        res = super().init()
        # Open items (residual left) of one partner: the receivables of its
        # credit exposure, read from the index alone once the table is
        # vacuumed. Lines of non-reconcilable accounts (income, taxes) have no
        # residual and stay out of this small index. The currency is part of
        # the key: the sums per partner and currency stream out of the index
        # in order, without hashing every open item (this index replaces the
        # former one keyed on the partner and company only).
        self.env.cr.execute(
            SQL(
                "DROP INDEX IF EXISTS account_move_line_governance_credit_open_idx;"
                " CREATE INDEX IF NOT EXISTS"
                " account_move_line_governance_credit_residual_idx"
                " ON account_move_line (partner_id, company_id, currency_id)"
                " INCLUDE (account_id, amount_residual, amount_residual_currency,"
                " date_maturity)"
                " WHERE parent_state = 'posted'"
                " AND (reconciled IS NULL OR reconciled = false"
                " OR reconciled IS NOT true)"
                " AND (amount_residual != 0 OR amount_residual_currency != 0)"
            )
        )
        return res
