# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    governance_review_substitute_id = fields.Many2one(
        "res.users",
        string="Review Substitute on Time Off",
        domain=[("share", "=", False)],
        help="While your time off is validated in the Time Off app, this user may "
        "decide your reviews on your behalf.",
    )

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["governance_review_substitute_id"]

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["governance_review_substitute_id"]
