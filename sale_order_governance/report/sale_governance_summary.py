# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

MANAGER_GROUP = "sale_order_governance.group_governance_manager"


def _previous_month():
    return fields.Date.today().replace(day=1) - relativedelta(months=1)


class SaleGovernanceSummary(models.TransientModel):
    """The monthly governance summary: printed, or e-mailed to the managers.

    Every figure is read from the analysis views in a few grouped queries
    (no loop over orders). Orders count in the month they were first
    confirmed, deliveries in the month they were delivered, lines,
    manufacturing orders and reviews in the month they were due; receivables
    (overdue and bad debt) are as of the day the summary is made.
    """

    _name = "sale.governance.summary"
    _description = "Monthly Governance Summary"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="Month",
        required=True,
        default=lambda self: _previous_month(),
        help="Any day of the month to summarise.",
    )

    # ------------------------------------------------------------
    # FIGURES
    # ------------------------------------------------------------

    def _bounds(self):
        self.ensure_one()
        start = self.date_from.replace(day=1)
        return (
            datetime.combine(start, time.min),
            datetime.combine(start + relativedelta(months=1), time.min),
        )

    def _in_month(self, field):
        start, end = self._bounds()
        return [
            ("company_id", "=", self.company_id.id),
            (field, ">=", start),
            (field, "<", end),
        ]

    def _aggregate(self, model, domain, aggregates):
        [row] = self.env[model]._read_group(domain, [], aggregates)
        return dict(zip(aggregates, row, strict=True))

    def _summary_figures(self):
        """The figures of the month, as numbers (False: nothing to measure)."""
        self.ensure_one()
        orders = self._aggregate(
            "sale.governance.report",
            self._in_month("confirmed_date"),
            [
                "__count",
                "cancel_rate:avg",
                "change_rate:avg",
                "submitted_change_count:sum",
            ],
        )
        deliveries = self._aggregate(
            "sale.governance.report",
            self._in_month("delivered_date"),
            [
                "__count",
                "on_time_rate:avg",
                "shipping_accuracy_rate:avg",
                "order_accuracy_rate:avg",
                "return_count:sum",
            ],
        )
        lines = self._aggregate(
            "sale.governance.line.report",
            self._in_month("promised_date"),
            ["__count", "on_time_rate:avg", "accuracy_rate:avg"],
        )
        receivables = self._aggregate(
            "sale.governance.report",
            [("company_id", "=", self.company_id.id)],
            ["payment_overdue_rate:avg", "bad_debt_rate:avg"],
        )
        reviews = self._aggregate(
            "sale.review.report",
            self._in_month("requested_at"),
            ["__count", "on_time_rate:avg", "late_count:sum"],
        )
        delays = [
            {"user": user, "count": count, "days": days, "points": points}
            for user, count, days, points in self.env[
                "sale.review.delay.report"
            ]._read_group(
                self._in_month("deadline"),
                ["reviewer_id"],
                ["__count", "delay_days:sum", "delay_score:sum"],
                order="delay_score:sum desc",
                limit=10,
            )
        ]
        selection = dict(
            self.env["sale.fulfilment.report"]
            ._fields["department"]
            ._description_selection(self.env)
        )
        fulfilment = [
            {
                "department": selection.get(department, department),
                "count": count,
                "on_time": on_time,
                "days": days,
                "points": points,
            }
            for department, count, on_time, days, points in self.env[
                "sale.fulfilment.report"
            ]._read_group(
                self._in_month("promised_date"),
                ["department"],
                ["__count", "on_time_rate:avg", "late_days:sum", "delay_score:sum"],
            )
        ]
        return {
            "orders": orders,
            "deliveries": deliveries,
            "lines": lines,
            "receivables": receivables,
            "reviews": reviews,
            "delays": delays,
            "fulfilment": fulfilment,
        }

    def _month_label(self):
        self.ensure_one()
        return format_date(
            self.env, self.date_from.replace(day=1), date_format="MMMM y"
        )

    @api.model
    def _fmt_rate(self, value):
        return "-" if value is None or value is False else f"{value:.1f} %"

    @api.model
    def _fmt_number(self, value):
        return "-" if value is None or value is False else f"{value:.1f}"

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_print(self):
        return self.env.ref(
            "sale_order_governance.action_report_governance_summary"
        ).report_action(self)

    def action_send(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a governance manager can send the governance summary.")
            )
        for summary in self:
            summary._send()
        return True

    def _recipients(self):
        self.ensure_one()
        return (
            self.env.ref(MANAGER_GROUP)
            .sudo()
            .users.filtered(
                lambda user: (
                    not user.share
                    and user.email
                    and self.company_id in user.company_ids
                )
            )
        )

    def _send(self):
        """One e-mail per language to the company's governance managers."""
        self.ensure_one()
        users = self._recipients()
        mails = self.env["mail.mail"]
        for lang in set(users.mapped("lang")):
            readers = users.filtered(lambda user, lang=lang: user.lang == lang)
            # sudo: the summary is made for the managers, who see every figure
            # of their company.
            summary = self.with_context(lang=lang).sudo()
            body = self.env["ir.qweb"]._render(
                "sale_order_governance.governance_summary_body",
                {"doc": summary, "figures": summary._summary_figures()},
                lang=lang,
            )
            subject = summary.env._(
                "Governance summary of %(company)s, %(month)s",
                company=self.company_id.name,
                month=summary._month_label(),
            )
            mails |= (
                self.env["mail.mail"]
                .sudo()
                .create(
                    {
                        "subject": subject,
                        "body_html": body,
                        "recipient_ids": [fields.Command.set(readers.partner_id.ids)],
                        "email_from": self.company_id.email_formatted
                        or self.env.user.email_formatted,
                        "auto_delete": False,
                    }
                )
            )
        return mails

    @api.model
    def _cron_send_monthly_summary(self):
        """Last month's summary to the managers of each company that asks."""
        companies = self.env["res.company"].search(
            [("governance_monthly_summary", "=", True)]
        )
        month = _previous_month()
        for company in companies:
            self.sudo().create({"company_id": company.id, "date_from": month})._send()
