# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged

from .common import GovernanceCase

MON = "2026-03-02"


@tagged("post_install", "-at_install")
class TestGovernanceReports(GovernanceCase):
    """KPI figures of a small data set, computed by hand.

    Working hours: Monday to Friday, 8-12 and 13-17 UTC. Every order is
    received on Monday 2 March 2026 at 08:00 (first week of March 2026).

    ====  ===========  =====  =========================================
    A     salesperson  2 x100 submitted Mon 10:00, approved Mon 15:00,
                              confirmed, delivered Wed 10:00 (due Thu),
                              invoiced and paid Fri 12:00; 1 change request
    B     salesperson  3 x100 submitted Tue 09:00, rejected Tue 10:00,
                              resubmitted Tue 11:00, approved Thu 12:00,
                              confirmed, delivered Mon 9 10:00 (due Fri),
                              invoiced Mon 9, unpaid (due 8 April)
    C     seller two   4 x100 submitted Mon 09:00, never decided
    D     seller two   1 x100 no review (small), confirmed Mon 09:00,
                              due Tue 3, never delivered
    E     salesperson  1 x100 no review (small), cancelled
    ====  ===========  =====  =========================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id = cls._utc_office_calendar()
        cls.company.write(
            {"governance_entry_check_hours": 4.0, "governance_shipment_days": 3.0}
        )
        # Only orders above 150 are reviewed.
        cls.stage = cls._create_stage(
            "Sales Manager",
            cls.sales_manager,
            10,
            sla_hours=24,
            sla_mode="working_hours",
            domain="[('amount_untaxed', '>', 150)]",
        )
        cls.seller_two = new_test_user(
            cls.env,
            login="gov_seller_two",
            groups="sales_team.group_sale_salesman",
            name="Simon Seller",
        )
        cls.manager = new_test_user(
            cls.env,
            login="gov_report_manager",
            groups="sales_team.group_sale_manager",
            name="Rita Reports",
        )
        cls.team_domestic = cls.env["crm.team"].create(
            {"name": "Domestic", "member_ids": [Command.set(cls.salesperson.ids)]}
        )
        cls.team_export = cls.env["crm.team"].create(
            {"name": "Export", "member_ids": [Command.set(cls.seller_two.ids)]}
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, warehouse.lot_stock_id, 100.0
        )
        cls._build_data_set()

    # ------------------------------------------------------------
    # Data set
    # ------------------------------------------------------------

    @classmethod
    def _order(cls, user, team, qty, commitment):
        order = cls._create_order(
            lines=[(cls.product, qty, 100.0)],
            user=user,
            team_id=team.id,
            commitment_date=commitment,
            date_order=f"{MON} 08:00:00",
            # The customer's order was received on Monday 08:00.
            governance_received_date=f"{MON} 08:00:00",
        )
        return order

    @classmethod
    def _deliver(cls, order):
        picking = order.picking_ids
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict):
            Form.from_action(cls.env, result).save().process()
        return picking

    @classmethod
    def _approve(cls, order):
        reviews = order.governance_review_ids.filtered(
            lambda review: review.state == "pending"
        )
        reviews.with_user(cls.sales_manager).action_approve()

    @classmethod
    def _build_data_set(cls):
        seller, two = cls.salesperson, cls.seller_two
        domestic, export = cls.team_domestic, cls.team_export
        cls.order_a = a = cls._order(seller, domestic, 2, "2026-03-05 12:00:00")
        cls.order_b = b = cls._order(seller, domestic, 3, "2026-03-06 12:00:00")
        cls.order_c = c = cls._order(two, export, 4, "2026-03-20 12:00:00")
        cls.order_d = d = cls._order(two, export, 1, "2026-03-03 12:00:00")
        cls.order_e = e = cls._order(seller, domestic, 1, "2026-03-20 12:00:00")

        with freeze_time(f"{MON} 09:00:00"):
            c.with_user(two).action_submit_for_review()
            d.with_user(two).action_confirm()
            e.with_user(seller).action_cancel()
        with freeze_time(f"{MON} 10:00:00"):
            a.with_user(seller).action_submit_for_review()
        with freeze_time(f"{MON} 15:00:00"):
            cls._approve(a)
            a.with_user(seller).action_confirm()
        with freeze_time("2026-03-03 09:00:00"):
            b.with_user(seller).action_submit_for_review()
        with freeze_time("2026-03-03 10:00:00"):
            b.governance_review_ids.with_user(cls.sales_manager).action_reject(
                "Wrong price"
            )
        with freeze_time("2026-03-03 11:00:00"):
            b.with_user(seller).action_submit_for_review()
        with freeze_time("2026-03-04 10:00:00"):
            cls._deliver(a)
        with freeze_time("2026-03-05 12:00:00"):
            cls._approve(b)
            b.with_user(seller).action_confirm()
        with freeze_time("2026-03-06 12:00:00"):
            invoice = a._create_invoices()
            invoice.action_post()
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
            # The payment date is taken when the order is found paid.
            a.flush_recordset(["paid_date"])
        with freeze_time("2026-03-09 10:00:00"):
            cls._deliver(b)
            b._create_invoices().action_post()
        if "sale.order.change.request" in cls.env:
            cls.env["sale.order.change.request"].create(
                {
                    "order_id": a.id,
                    "reason": "The customer asks for one more",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": a.order_line.id, "new_qty": 3.0}
                        )
                    ],
                }
            )
        cls.orders = a | b | c | d | e
        cls.env.flush_all()

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _kpis(self, model, fields, groupby=(), user=None):
        report = self.env[model]
        if user:
            report = report.with_user(user)
        domain = [("order_id", "in", self.orders.ids)]
        return report.read_group(domain, fields, list(groupby), lazy=False)

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_walk_produced_the_expected_records(self):
        a, b, c, d, e = (
            self.order_a,
            self.order_b,
            self.order_c,
            self.order_d,
            self.order_e,
        )
        self.assertRecordValues(
            a | b | c | d | e,
            [
                {"governance_stage": "shipped", "governance_review_round": 1},
                {"governance_stage": "shipped", "governance_review_round": 2},
                {"governance_stage": "in_review", "governance_review_round": 1},
                {"governance_stage": "to_ship", "governance_review_round": 0},
                {"governance_stage": "cancel", "governance_review_round": 0},
            ],
        )
        self.assertEqual(a.governance_entry_hours, 2.0)
        self.assertEqual(b.governance_entry_hours, 9.0)
        self.assertEqual(c.governance_entry_hours, 1.0)
        # Shipment counts from the receipt: Mon 08:00 -> Wed 10:00, Mon 9 10:00.
        self.assertEqual(a.governance_shipment_days, 2.25)
        self.assertEqual(b.governance_shipment_days, 5.25)
        self.assertEqual(a.submitted_date, datetime(2026, 3, 2, 10, 0))
        self.assertEqual(b.submitted_date, datetime(2026, 3, 3, 9, 0))  # the first
        self.assertEqual(b.approved_date, datetime(2026, 3, 5, 12, 0))
        self.assertEqual(d.approved_date, datetime(2026, 3, 2, 9, 0))  # confirmed
        self.assertEqual(a.delivered_date, datetime(2026, 3, 4, 10, 0))
        self.assertEqual(a.paid_date, datetime(2026, 3, 6, 12, 0))
        self.assertFalse(b.paid_date)
        self.assertEqual(
            b.governance_payment_due_date, fields.Date.to_date("2026-04-08")
        )

    def test_review_hours_taken_in_working_hours(self):
        reviews = (self.order_a | self.order_b | self.order_c).governance_review_ids
        self.assertEqual(len(reviews), 4)
        taken = {
            (review.order_id, review.round, review.state): review.hours_taken
            for review in reviews
        }
        self.assertEqual(
            taken,
            {
                (self.order_a, 1, "approved"): 4.0,  # Mon 10-12, 13-15
                (self.order_b, 1, "rejected"): 1.0,  # Tue 9-10
                (self.order_b, 2, "approved"): 17.0,  # Tue 11-17, Wed, Thu 8-12
                (self.order_c, 1, "pending"): 0.0,
            },
        )

    def test_order_kpis(self):
        [row] = self._kpis(
            "sale.governance.report",
            [
                "amount_untaxed:sum",
                "margin:sum",
                "overdue_count:sum",
                "on_time_rate:avg",
                "shipment_days:avg",
                "shipment_in_time_rate:avg",
                "entry_hours:avg",
                "entry_in_time_rate:avg",
                "review_hours:avg",
                "delivery_days:avg",
                "payment_days:avg",
                "cycle_days:avg",
                "first_pass_rate:avg",
                "change_rate:avg",
                "cancel_rate:avg",
                "payment_overdue_rate:avg",
            ],
        )
        self.assertEqual(row["__count"], 5)
        # The totals are the orders' own figures.
        self.assertAlmostEqual(row["amount_untaxed"], 1100.0)
        self.assertAlmostEqual(
            row["amount_untaxed"], sum(self.orders.mapped("amount_untaxed"))
        )
        self.assertAlmostEqual(row["margin"], sum(self.orders.mapped("margin")))
        self.assertEqual(row["overdue_count"], 1)  # D: due Tue 3, not shipped
        self.assertAlmostEqual(row["on_time_rate"], 50.0)  # A on time, B late
        self.assertAlmostEqual(row["shipment_days"], (2.25 + 5.25) / 2)
        self.assertAlmostEqual(row["shipment_in_time_rate"], 50.0)  # B: 5.25 > 3
        self.assertAlmostEqual(row["entry_hours"], (2 + 9 + 1) / 3)
        self.assertAlmostEqual(row["entry_in_time_rate"], 200 / 3)  # B: 9 h > 4 h
        # Submitted -> approved, in hours: A 5 h, B Tue 09:00 -> Thu 12:00.
        self.assertAlmostEqual(row["review_hours"], (5 + 51) / 2)
        # Approved -> delivered, in days: A 43 h, B 94 h (D not delivered).
        self.assertAlmostEqual(row["delivery_days"], (43 + 94) / 2 / 24)
        self.assertAlmostEqual(row["payment_days"], 50 / 24)  # A only
        self.assertAlmostEqual(row["cycle_days"], 100 / 24)  # A: Mon 08 -> Fri 12
        self.assertAlmostEqual(row["first_pass_rate"], 50.0)  # A yes, B no
        # A's change request is a draft: only submitted requests count.
        self.assertAlmostEqual(row["change_rate"], 0.0)
        # E was cancelled as a quotation: of A, B, D confirmed, none cancelled.
        self.assertAlmostEqual(row["cancel_rate"], 0.0)
        self.assertAlmostEqual(row["payment_overdue_rate"], 50.0)  # B of A, B

    def test_new_orders_per_day_salesperson_team_and_stage(self):
        per_day = {
            row["date:day"]: row["__count"]
            for row in self._kpis("sale.governance.report", [], ["date:day"])
        }
        # Quotations are dated when entered, orders when confirmed.
        self.assertEqual(per_day, {"02 Mar 2026": 4, "05 Mar 2026": 1})
        per_user = {
            row["user_id"][0]: row["__count"]
            for row in self._kpis("sale.governance.report", [], ["user_id"])
        }
        self.assertEqual(per_user, {self.salesperson.id: 3, self.seller_two.id: 2})
        per_team = {
            row["team_id"][1]: row["amount_untaxed"]
            for row in self._kpis(
                "sale.governance.report", ["amount_untaxed:sum"], ["team_id"]
            )
        }
        self.assertEqual(per_team, {"Domestic": 600.0, "Export": 500.0})
        per_stage = {
            row["governance_stage"]: row["__count"]
            for row in self._kpis("sale.governance.report", [], ["governance_stage"])
        }
        self.assertEqual(
            per_stage, {"shipped": 2, "in_review": 1, "to_ship": 1, "cancel": 1}
        )
        overdue = self.env["sale.governance.report"].search(
            [("order_id", "in", self.orders.ids), ("is_overdue", "=", True)]
        )
        self.assertEqual(overdue.order_id, self.order_d)

    def test_review_kpis_per_department_and_reviewer(self):
        [row] = self._kpis(
            "sale.review.report",
            [
                "hours_taken:avg",
                "on_time_rate:avg",
                "first_pass_rate:avg",
                "decided_count:sum",
                "pending_count:sum",
                "late_count:sum",
            ],
            ["department"],
        )
        self.assertEqual(row["department"], "sales")
        self.assertEqual(row["__count"], 4)
        self.assertEqual((row["decided_count"], row["pending_count"]), (3, 1))
        self.assertAlmostEqual(row["hours_taken"], (4 + 1 + 17) / 3)
        self.assertAlmostEqual(row["on_time_rate"], 100.0)
        self.assertAlmostEqual(row["first_pass_rate"], 100 / 3)
        # C's review is still pending, past its deadline (Thu 5 March 09:00).
        self.assertEqual(row["late_count"], 1)
        late = self.env["sale.review.report"].search(
            [("order_id", "in", self.orders.ids), ("is_late", "=", True)]
        )
        self.assertEqual(late.order_id, self.order_c)
        self.assertEqual(late.deadline, datetime(2026, 3, 5, 9, 0))
        self.assertGreater(late.delay_days, 0)
        self.assertAlmostEqual(late.delay_score, late.delay_days)
        self.company.governance_review_delay_points = 2.5
        self.env["sale.review.report"].invalidate_model()
        self.env.flush_all()
        self.assertAlmostEqual(late.delay_score, late.delay_days * 2.5, places=3)
        per_reviewer = {
            row["reviewer_id"] and row["reviewer_id"][0]: row["__count"]
            for row in self._kpis("sale.review.report", [], ["reviewer_id"])
        }
        self.assertEqual(per_reviewer, {self.sales_manager.id: 3, False: 1})

    def test_review_report_day_and_order_stage_follow_the_orders(self):
        """Kept on the reviews for the pivots, they follow the orders."""
        per_stage = {
            row["governance_stage"]: row["__count"]
            for row in self._kpis("sale.review.report", [], ["governance_stage"])
        }
        self.assertEqual(per_stage, {"shipped": 3, "in_review": 1})
        per_month = {
            row["request_date:month"]: row["__count"]
            for row in self._kpis("sale.review.report", [], ["request_date:month"])
        }
        self.assertEqual(per_month, {"March 2026": 4})
        review = self.order_c.governance_review_ids
        self.assertEqual(review.request_date, fields.Date.to_date("2026-03-02"))
        # The order moves on: the stage kept on its review follows (the
        # cancelled review of a cancelled order leaves the analysis).
        self.order_c._action_cancel()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT order_governance_stage FROM sale_order_review WHERE id = %s",
            [review.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], "cancel")
        # The pivots turn PostgreSQL's JIT compilation off for themselves only.
        self.env.cr.execute("SHOW jit")
        before = self.env.cr.fetchone()[0]
        self.env["sale.review.report"].read_group([], [], ["department"])
        self.env.cr.execute("SHOW jit")
        self.assertEqual(self.env.cr.fetchone()[0], before)

    def test_review_request_day_in_the_company_time_zone(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        order = self._create_order()
        with freeze_time("2026-03-02 20:00:00"):  # Tuesday 04:00 in Shanghai
            order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(
            order.governance_review_ids.request_date,
            fields.Date.to_date("2026-03-03"),
        )

    def test_product_analysis_by_stage_in_sales_analysis(self):
        rows = self.env["sale.report"].read_group(
            [("order_reference", "in", [f"sale.order,{i}" for i in self.orders.ids])],
            ["product_uom_qty:sum"],
            ["governance_stage"],
        )
        self.assertEqual(
            {row["governance_stage"]: row["product_uom_qty"] for row in rows},
            {"shipped": 5.0, "in_review": 4.0, "to_ship": 1.0, "cancel": 1.0},
        )

    def test_salesperson_sees_own_figures_manager_own_company(self):
        rows = self._kpis("sale.governance.report", [], user=self.salesperson)
        self.assertEqual(rows[0]["__count"], 3)  # A, B, E
        rows = self._kpis("sale.review.report", [], user=self.seller_two)
        self.assertEqual(rows[0]["__count"], 1)  # C
        rows = self._kpis("sale.governance.report", [], user=self.manager)
        self.assertEqual(rows[0]["__count"], 5)

        other = self.env["res.company"].create({"name": "Other Governance Co"})
        self.manager.company_ids = [Command.link(other.id)]
        foreign = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "company_id": other.id}
        )
        domain = [("order_id", "in", (self.orders | foreign).ids)]
        report = self.env["sale.governance.report"].with_user(self.manager)
        self.assertEqual(
            report.with_context(allowed_company_ids=[self.company.id]).search_count(
                domain
            ),
            5,
        )
        self.assertEqual(
            report.with_context(
                allowed_company_ids=[self.company.id, other.id]
            ).search_count(domain),
            6,
        )
