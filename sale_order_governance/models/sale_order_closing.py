# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Closing: an order fully delivered, invoiced and paid, with no open change
or cancel request, is closed (by hand or by the cron) and stays locked."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .sale_governance_request_mixin import REQUEST_MODELS
from .sale_order_progress import DELIVERED_STAGES


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    closed_date = fields.Datetime(
        string="Closed On",
        copy=False,
        readonly=True,
        tracking=True,
        help="When the order was closed: fully delivered, invoiced and paid, "
        "with no open change or cancel request.",
    )

    def init(self):
        res = super().init()
        # The close cron reads the orders delivered and paid but not closed yet.
        create_index(
            self.env.cr,
            "sale_order_governance_to_close_idx",
            self._table,
            ["id"],
            where="state = 'sale' AND closed_date IS NULL AND paid_date IS NOT NULL",
        )
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_close(self):
        """Close orders fully delivered, invoiced and paid; they get locked."""
        self.check_access("write")
        messages = []
        for order in self:
            reasons = order._governance_close_blockers()
            if reasons:
                messages.append(
                    self.env._(
                        "%(order)s: %(reasons)s",
                        order=order.name,
                        reasons="; ".join(reasons),
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "These orders cannot be closed:\n%(messages)s",
                    messages="\n".join(messages),
                )
            )
        self._action_close()
        return True

    def action_unlock(self):
        closed = self.filtered("closed_date")
        if closed:
            raise UserError(
                self.env._(
                    "%(orders)s are closed: a closed order stays locked. Use a "
                    "return or a credit note for anything that happens after "
                    "closing.",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        return super().action_unlock()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_open_requests(self):
        """Change and cancel requests of the order still open."""
        self.ensure_one()
        # sudo: the closing rule counts every request, not only the ones the
        # current user may read.
        return [
            self.env[model]
            .sudo()
            .search([("order_id", "=", self.id), *self.env[model]._open_domain()])
            for model in REQUEST_MODELS
        ]

    def _governance_close_blockers(self):
        """Why the order cannot be closed now; empty when it can."""
        self.ensure_one()
        if self.closed_date:
            return [self.env._("it is already closed")]
        if self.state != "sale":
            return [self.env._("only confirmed orders are closed")]
        reasons = []
        if self.governance_stage not in DELIVERED_STAGES:
            reasons.append(self.env._("it is not fully delivered"))
        if self.invoice_status != "invoiced":
            reasons.append(self.env._("it is not fully invoiced"))
        if not self.paid_date:
            reasons.append(self.env._("its invoices are not all paid"))
        for requests in self._governance_open_requests():
            for request in requests:
                reasons.append(
                    self.env._(
                        "%(request)s is still open",
                        request=request.display_name,
                    )
                )
        return reasons

    def _action_close(self):
        # sudo: closing is recorded by the add-on, whether a salesperson or
        # the cron closes; rights were checked by the caller.
        self._governance_engine_write({"closed_date": fields.Datetime.now()})
        orders = self.sudo()
        orders.action_lock()
        for order in self:
            order._review_post(
                self.env._(
                    "Order closed: fully delivered, invoiced and paid. Its "
                    "documents stay attached."
                )
            )

    def _governance_check_confirmed(self):
        """A closed order accepts no change or cancel request any more."""
        closed = self.filtered("closed_date")
        if closed:
            raise UserError(
                self.env._(
                    "Order %(order)s is closed: it accepts no change or cancel "
                    "request. Use a return or a credit note instead.",
                    order=closed[0].name,
                )
            )
        return super()._governance_check_confirmed()

    def _governance_open_request_sql(self):
        """SQL condition: order ``so`` has no open change or cancel request
        (``_open_domain`` of the requests)."""
        return SQL(" AND ").join(
            SQL(
                "NOT EXISTS (SELECT 1 FROM %s r WHERE r.order_id = so.id "
                "AND r.outcome IS NULL)",
                SQL.identifier(self.env[model]._table),
            )
            for model in REQUEST_MODELS
        )

    @api.model
    def _cron_governance_close(self, batch_size=200):
        """Close the orders fully delivered, invoiced and paid, a batch at a time.

        Rows another worker holds are skipped (``SKIP LOCKED``); a row closed
        by a transaction committed since this one started raises a
        serialization error and the cron retries later, so no order is closed
        twice.  The cron triggers itself again while full batches are found.
        """
        self.flush_model()
        self.env["res.company"].flush_model(["governance_auto_close"])
        for model in REQUEST_MODELS:
            self.env[model].flush_model(["order_id", "outcome"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id
                  FROM sale_order so
                  JOIN res_company company ON company.id = so.company_id
                 WHERE so.state = 'sale'
                   AND company.governance_auto_close
                   AND so.closed_date IS NULL
                   AND so.paid_date IS NOT NULL
                   AND so.invoice_status = 'invoiced'
                   AND so.governance_stage IN %(stages)s
                   AND %(no_request)s
                 ORDER BY so.id
                 LIMIT %(limit)s
                   FOR UPDATE OF so SKIP LOCKED
                """,
                stages=DELIVERED_STAGES,
                no_request=self._governance_open_request_sql(),
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        closable = orders.filtered(lambda order: not order._governance_close_blockers())
        closable._action_close()
        if closable and len(rows) == batch_size:
            self.env.ref("sale_order_governance.ir_cron_governance_close")._trigger()
        return closable
