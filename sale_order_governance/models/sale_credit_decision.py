# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One credit decision per customer at a time, whatever the batch.

Orders confirmed together are judged together (each counts the quotations of
the same customer confirmed before it in the same call), and confirmations of
one customer in one company are serialised across transactions by a row both
update, so that the later one is retried on fresh figures.
"""

from odoo import api, fields, models
from odoo.tools import SQL


def credit_today(record, company):
    """Today in the company's time zone, whatever the client's context says.

    Credit decisions compare dates (override expiry); a time zone sent by an
    RPC client must not move them.
    """
    tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
    return fields.Date.context_today(record.with_context(tz=tz))


class SaleGovernanceCreditLock(models.Model):
    """A row per commercial customer and company, updated by every credit
    decision that depends on the customer's total.

    Under PostgreSQL's REPEATABLE READ a transaction that waited for a lock
    still reads its old snapshot; updating the same row instead makes the
    later of two concurrent transactions fail with a serialization error, and
    Odoo retries it with the other's orders visible.
    """

    _name = "sale.governance.credit.lock"
    _description = "Credit Decision Lock"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "One credit lock per customer and company.",
        ),
    ]

    @api.model
    def _lock(self, partner, company):
        """Take the credit lock of ``partner`` (commercial) in ``company``."""
        self.env.cr.execute(
            SQL(
                "INSERT INTO %(table)s (partner_id, company_id) VALUES (%(partner)s,"
                " %(company)s) ON CONFLICT (partner_id, company_id)"
                " DO UPDATE SET partner_id = EXCLUDED.partner_id",
                table=SQL.identifier(self._table),
                partner=partner.id,
                company=company.id,
            )
        )


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if vals.get("state") == "sale":
            # Orders confirmed by writing their state are judged together too.
            with self._credit_decision_scope():
                return super().write(vals)
        return super().write(vals)

    def _credit_lock(self):
        """Serialise the credit decisions of this order's customer.

        Only when the decision depends on the customer's total (an active
        credit limit); holds, overdue invoices and prepayment do not.
        """
        self.ensure_one()
        # sudo: the gate reads credit figures for every user.
        order = self.sudo()
        partner = order.partner_id.commercial_partner_id
        if partner and order.credit_limit_active:
            self.env["sale.governance.credit.lock"]._lock(
                partner, order.company_id or self.env.company
            )

    def _credit_batch_exposure(self, batch_ids):
        """What the quotations confirmed in the same call before this one add
        to the customer's exposure, in company currency."""
        self.ensure_one()
        if self.id not in batch_ids:
            return 0.0
        # sudo: the gate reads credit figures for every user.
        order = self.sudo()
        partner = order.partner_id.commercial_partner_id
        company = order.company_id
        earlier = (
            order.browse(batch_ids[: batch_ids.index(self.id)])
            .exists()
            .filtered(
                lambda other: (
                    other != order
                    and other.state != "sale"
                    and other.company_id == company
                    and other.partner_id.commercial_partner_id == partner
                )
            )
        )
        earlier._credit_refresh()
        convert = self.env["sale.credit.exposure"]._converter(
            company, fields.Date.context_today(self)
        )
        return sum(
            convert(
                other.currency_id.id,
                self.env["sale.credit.exposure"]._order_open_amount(other),
            )
            if other.state == "cancel"
            else other.credit_exposure_order
            for other in earlier
        )

    def _credit_owner_users(self):
        """Who may not release this order (four-eyes): its salesperson, its
        creator and whoever submitted it for review."""
        self.ensure_one()
        # sudo: reviews are read for the decision, whoever asks.
        order = self.sudo()
        return (
            order.user_id
            | order.create_uid
            | order.governance_review_ids.submitted_by_id
        )
