# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    governance_fulfilment_delay_points = fields.Float(
        string="Fulfilment Delay Points per Day",
        default=1.0,
        help="Points a department loses per day a delivery (warehouse) or a "
        "manufacturing order (production) finishes after the promised date "
        "(每拖延一天扣1分).",
    )
    governance_bad_debt_days = fields.Integer(
        string="Bad Debt After (Days Overdue)",
        default=180,
        help="An invoice unpaid this many days after its due date counts as "
        "bad debt in the KPIs, as do receivables written off.",
    )
    governance_bad_debt_account_ids = fields.Many2many(
        "account.account",
        "res_company_governance_bad_debt_account_rel",
        "company_id",
        "account_id",
        string="Bad-Debt Accounts",
        help="Accounts receivables are written off to (bad-debt expense, "
        "allowance). An invoice settled by an entry on one of them - a payment "
        "with a write-off, a credit note or a journal entry reconciled with "
        "it - counts as written off.",
    )
    governance_monthly_summary = fields.Boolean(
        string="Monthly Governance Summary by E-mail",
        default=True,
        help="On the first day of each month, the governance managers of the "
        "company receive last month's governance summary in their language.",
    )
