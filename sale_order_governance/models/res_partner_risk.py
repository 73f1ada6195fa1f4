# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# The credit risk grades a credit controller gives (信用风险等级); ``high``
# makes the customer's quotations go to finance first.
CREDIT_RISK_GRADES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # Part of the credit policy: written by credit controllers only (see
    # CREDIT_POLICY_FIELDS).
    credit_risk_grade = fields.Selection(
        CREDIT_RISK_GRADES,
        company_dependent=True,
        help="The credit risk grade the credit controller gives the customer in "
        "this company. High: its quotations are flagged as high-risk and go to "
        "finance for a credit evaluation first.",
    )
