# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Late risk: confirmed orders whose committed date is near or passed while
the goods are not ready or not shipped, flagged and handed to the salesperson."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_date
from odoo.tools.sql import create_index

from .sale_order_progress import NOT_READY_STAGES, NOT_SHIPPED_STAGES

COMPANY_HORIZON = SQL("COALESCE(c.governance_late_risk_days, 0)")


def late_risk_sql(stage, now, horizon=COMPANY_HORIZON):
    """The late-risk rule in SQL, for the cron and the install hook.

    The twin of ``_governance_is_late_risk`` for order ``so`` of company ``c``
    at stage ``stage`` (an SQL expression): not shipped after the committed
    date, or not ready within the company's horizon before it.
    """
    return SQL(
        """
        so.state = 'sale' AND so.commitment_date IS NOT NULL AND (
            (%(stage)s IN %(not_shipped)s AND so.commitment_date < %(now)s)
            OR (%(stage)s IN %(not_ready)s
                AND so.commitment_date <= %(now)s + make_interval(days => %(horizon)s)))
        """,
        stage=stage,
        not_shipped=NOT_SHIPPED_STAGES,
        not_ready=NOT_READY_STAGES,
        now=now,
        horizon=horizon,
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    late_risk = fields.Boolean(
        compute="_compute_late_risk",
        store=True,
        readonly=True,
        help="The committed date is within the company's late-risk horizon and "
        "the goods are not ready, or the date has passed and the order is not "
        "shipped yet.",
    )
    governance_late_risk_notified_at = fields.Datetime(
        string="Late Risk Notified On",
        copy=False,
        readonly=True,
        help="When the salesperson was given the late-risk activity (once per order).",
    )

    def init(self):
        res = super().init()
        # The late-risk cron reads the confirmed orders not shipped yet.
        create_index(
            self.env.cr,
            "sale_order_governance_late_risk_idx",
            self._table,
            ["commitment_date"],
            where="state = 'sale' AND governance_stage IN "
            "('to_produce', 'in_production', 'to_ship')",
        )
        create_index(
            self.env.cr,
            "sale_order_governance_late_risk_flag_idx",
            self._table,
            ["id"],
            where="late_risk",
        )
        return res

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("state", "governance_stage", "commitment_date")
    def _compute_late_risk(self):
        # Depends on the current time too: the late-risk cron recomputes the
        # orders that time may have put at risk.
        now = fields.Datetime.now()
        for order in self:
            order.late_risk = order._governance_is_late_risk(now)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_is_late_risk(self, now):
        self.ensure_one()
        if self.state != "sale" or not self.commitment_date:
            return False
        if self.governance_stage in NOT_SHIPPED_STAGES and self.commitment_date < now:
            return True
        horizon = now + timedelta(days=self.company_id.governance_late_risk_days)
        return (
            self.governance_stage in NOT_READY_STAGES
            and self.commitment_date <= horizon
        )

    @api.model
    def _cron_governance_late_risk(self, batch_size=500):
        """Flag the orders time put at risk, then tell their salespeople once.

        Only two small sets are read, through partial indexes: confirmed
        orders not shipped whose committed date is within the longest horizon
        and not flagged yet, and flagged orders (a horizon may have been
        shortened).  Their flag is recomputed by the ORM.
        """
        self.flush_model()
        self.env["res.company"].flush_model(["governance_late_risk_days"])
        now = fields.Datetime.now()
        # sudo: the horizons of every company the cron serves.
        [(longest,)] = (
            self.env["res.company"]
            .sudo()
            ._read_group([], [], ["governance_late_risk_days:max"])
        )
        at_risk = late_risk_sql(SQL("so.governance_stage"), now)
        rows = self.env.execute_query(
            SQL(
                """
                (SELECT so.id
                   FROM sale_order so
                   JOIN res_company c ON c.id = so.company_id
                  WHERE so.state = 'sale'
                    AND so.governance_stage IN %(not_shipped)s
                    AND so.commitment_date <= %(limit_date)s
                    AND so.late_risk IS NOT TRUE
                    AND %(at_risk)s
                  ORDER BY so.commitment_date
                  LIMIT %(limit)s)
                UNION ALL
                (SELECT so.id
                   FROM sale_order so
                   JOIN res_company c ON c.id = so.company_id
                  WHERE so.late_risk AND NOT (%(at_risk)s)
                  LIMIT %(limit)s)
                """,
                not_shipped=NOT_SHIPPED_STAGES,
                limit_date=now + timedelta(days=max(longest or 0, 0)),
                at_risk=at_risk,
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        self.env.add_to_compute(self._fields["late_risk"], orders)
        orders.flush_recordset(["late_risk"])
        notified = self._governance_notify_late_risk(batch_size)
        self._governance_close_late_risk_activities()
        if len(rows) >= batch_size or len(notified) == batch_size:
            self.env.ref(
                "sale_order_governance.ir_cron_governance_late_risk"
            )._trigger()
        return orders, notified

    @api.model
    def _governance_notify_late_risk(self, batch_size):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id
                  FROM sale_order so
                 WHERE so.late_risk
                   AND so.governance_late_risk_notified_at IS NULL
                 ORDER BY so.commitment_date, so.id
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        for order in orders:
            user = order.user_id or order.create_uid
            # In the salesperson's language and time zone.
            local = order.with_context(lang=user.lang, tz=user.tz)
            # sudo: the cron schedules on behalf of the company.
            local.sudo().activity_schedule(
                "sale_order_governance.mail_activity_type_late_risk",
                date_deadline=fields.Date.context_today(local),
                summary=local.env._(
                    "Late risk: %(order)s is due on %(date)s",
                    order=order.name,
                    date=format_date(local.env, order.commitment_date),
                ),
                note=local.env._(
                    "The goods of %(order)s are not ready for its committed "
                    "date. Check production and stock, or agree a new date "
                    "with the customer through a change request.",
                    order=order.name,
                ),
                user_id=user.id,
            )
        orders._governance_engine_write(
            {"governance_late_risk_notified_at": fields.Datetime.now()}
        )
        return orders

    @api.model
    def _governance_close_late_risk_activities(self):
        """Mark done the late-risk activities of orders no longer at risk."""
        activity_type = self.env.ref(
            "sale_order_governance.mail_activity_type_late_risk",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        activities = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "sale.order"),
            ]
        )
        if not activities:
            return
        safe = self.browse(activities.mapped("res_id")).filtered(
            lambda order: not order.late_risk
        )
        done = activities.filtered(lambda activity: activity.res_id in safe.ids)
        done.action_feedback(feedback=self.env._("No longer at risk."))
