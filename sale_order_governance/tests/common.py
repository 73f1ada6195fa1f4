# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class GovernanceCase(TransactionCase):
    """Users of every role, a customer, products and helpers to build orders.

    The stages shipped as data are archived: each test creates the stages it
    exercises, so that it does not depend on what a consultant configured.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.env["sale.review.stage"].search([]).action_archive()
        cls.salesperson = new_test_user(
            cls.env,
            login="gov_salesperson",
            groups="sales_team.group_sale_salesman",
            name="Sally Sales",
        )
        cls.sales_manager = cls._create_reviewer(
            "gov_sales_manager",
            "sales",
            "Sam Manager",
            groups=("sales_team.group_sale_salesman",),
        )
        cls.finance_user = cls._create_reviewer(
            "gov_finance", "finance", "Fiona Finance"
        )
        cls.warehouse_user = cls._create_reviewer(
            "gov_warehouse", "warehouse", "Walter Warehouse"
        )
        cls.general_manager = cls._create_reviewer(
            "gov_gm", "management", "Grace General"
        )
        cls.governance_manager = new_test_user(
            cls.env,
            login="gov_manager",
            groups="sale_order_governance.group_governance_manager",
            name="Gabriel Governance",
        )
        cls.payment_term = cls.env.ref("account.account_payment_term_30days")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Governance Customer",
                "property_payment_term_id": cls.payment_term.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Governed Widget",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 60.0,
            }
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Governed Service", "type": "service", "list_price": 50.0}
        )

    @classmethod
    def _create_reviewer(cls, login, department, name, groups=()):
        """A user of the reviewer group of ``department`` (and of ``groups``)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=",".join(
                [*groups, f"sale_order_governance.group_reviewer_{department}"]
            ),
            name=name,
        )

    @classmethod
    def _create_stage(cls, name, users, sequence=10, department="sales", **vals):
        return cls.env["sale.review.stage"].create(
            {
                "name": name,
                "sequence": sequence,
                "department": department,
                "reviewer_user_ids": [Command.set(users.ids)],
                **vals,
            }
        )

    @classmethod
    def _utc_office_calendar(cls):
        """Monday to Friday, 8-12 and 13-17 UTC: 8 working hours a day."""
        attendances = [
            Command.create(
                {
                    "name": f"{day} {start}",
                    "dayofweek": str(day),
                    "hour_from": start,
                    "hour_to": end,
                    "day_period": "morning" if start < 12 else "afternoon",
                }
            )
            for day in range(5)
            for start, end in ((8, 12), (13, 17))
        ]
        return cls.env["resource.calendar"].create(
            {
                "name": "Office hours (UTC)",
                "tz": "UTC",
                "attendance_ids": [Command.clear(), *attendances],
            }
        )

    @classmethod
    def _create_order(cls, lines=None, user=None, **vals):
        """A complete quotation of ``user`` (the salesperson by default)."""
        user = user or cls.salesperson
        lines = lines or [(cls.product, 2, 100.0)]
        order_vals = {
            "partner_id": cls.customer.id,
            "user_id": user.id,
            "payment_term_id": cls.payment_term.id,
            "commitment_date": fields.Datetime.now() + timedelta(days=10),
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                    }
                )
                for product, qty, price in lines
            ],
            **vals,
        }
        return (
            cls.env["sale.order"].with_user(user).create(order_vals).with_env(cls.env)
        )

    def _approve_pending(self, order, user, comment=None):
        reviews = order.governance_review_ids.filtered(
            lambda review: (
                review.state == "pending" and user in review.reviewer_user_ids
            )
        )
        self.assertTrue(reviews, f"{user.name} has nothing to approve on {order.name}")
        reviews.with_user(user).action_approve(comment)
        return reviews
