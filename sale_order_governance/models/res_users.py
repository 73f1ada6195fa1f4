# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    governance_review_substitute_id = fields.Many2one(
        "res.users",
        string="Review Substitute on Time Off",
        domain=[("share", "=", False)],
        help="While your time off is validated in the Time Off app, this user may "
        "decide your reviews on your behalf.",
    )

    # Self-writeable: a user names the substitute of their own reviews only
    # (res.users.write allows it on the user's own record, nobody else's).
    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["governance_review_substitute_id"]

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["governance_review_substitute_id"]

    @api.constrains("governance_review_substitute_id")
    def _check_governance_review_substitute(self):
        for user in self:
            substitute = user.governance_review_substitute_id
            if substitute == user:
                raise ValidationError(
                    self.env._("You cannot be your own review substitute.")
                )
            if substitute.share:
                raise ValidationError(
                    self.env._("A review substitute must be an internal user.")
                )
