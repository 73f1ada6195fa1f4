# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# Context key: the partners a notification of an order is being rendered for.
NOTIFIED_PARTNERS_KEY = "sale_order_governance_notified_partner_ids"


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _notify_get_recipients_classify(
        self, message, recipients_data, model_description, msg_vals=None
    ):
        """Prepare the customer's portal link only when the customer is told.

        For every e-mail about an order, Odoo's portal prepares the customer's
        access link and, when anyone may sign up (b2c), a sign-up token, which
        writes the customer (``res.partner.signup_prepare``). The review
        notices and to-dos go to employees only: preparing that link there
        wrote the customer's row at every approval, so that approvals of two
        orders of one customer collided in concurrent transactions. The
        recipients are known here; the customer's link is prepared when the
        customer is one of them, as before.
        """
        notified = tuple(sorted({data["id"] for data in recipients_data}))
        records = self.with_context(**{NOTIFIED_PARTNERS_KEY: notified})
        return super(SaleOrder, records)._notify_get_recipients_classify(
            message, recipients_data, model_description, msg_vals=msg_vals
        )

    def _mail_get_partners(self, introspect_fields=False):
        partners = super()._mail_get_partners(introspect_fields=introspect_fields)
        notified = self.env.context.get(NOTIFIED_PARTNERS_KEY)
        if notified is None:
            return partners
        return {
            record_id: customers.filtered(lambda partner: partner.id in notified)
            for record_id, customers in partners.items()
        }
