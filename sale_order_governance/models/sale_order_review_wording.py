# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools.misc import format_datetime


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _governance_audience(self, users, company):
        """``(lang, tz)`` of a message several users read on a record.

        Their language when they share one, else the company's; the time zone
        of the company's working calendar, which the message names (a chatter
        note is the same text for everyone who opens the record).
        """
        langs = set(users.mapped("lang")) - {False}
        lang = langs.pop() if len(langs) == 1 else company.partner_id.lang
        tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"
        return lang or self.env.lang or "en_US", tz

    @api.model
    def _governance_format_time(self, value, lang, tz):
        """A UTC datetime shown in ``tz`` and ``lang``, naming the time zone."""
        return self.with_context(lang=lang).env._(
            "%(time)s (%(tz)s)",
            time=format_datetime(
                self.env, value, tz=tz, dt_format="short", lang_code=lang
            ),
            tz=tz,
        )
