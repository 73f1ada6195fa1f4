# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pending reviews in the activity menu, counted whatever their deadline."""

from odoo import api, fields, models, modules


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_activity_groups(self):
        """One "Reviews" group for every review waiting for the user.

        The review activities stay on the orders and requests (their chatter,
        the activity view), but the menu counts them once, in this group, and
        every pending review counts, also those due on a later day.
        """
        groups = super()._get_activity_groups()
        Review = self.env["sale.order.review"]
        if not Review.has_access("read"):
            return groups
        reviews = Review.search([("can_decide", "=", True)])
        review_types = {
            self.env.ref(xmlid, raise_if_not_found=False)
            for xmlid in (
                "sale_order_governance.mail_activity_type_review",
                "sale_order_governance.mail_activity_type_request_review",
            )
        } - {None}
        mine = self.env["mail.activity"].search(
            [
                ("user_id", "=", self.env.uid),
                ("activity_type_id", "in", [act.id for act in review_types]),
            ]
        )
        for group in groups:
            counted = mine.filtered(lambda act, g=group: act.res_model == g["model"])
            for activity in counted:
                group[f"{activity.state}_count"] -= 1
                if activity.state in ("today", "overdue"):
                    group["total_count"] -= 1
        groups = [
            group
            for group in groups
            if group.get("type") != "activity"
            or group["model"] == "mail.activity"
            or any(
                group.get(key)
                for key in ("today_count", "overdue_count", "planned_count")
            )
        ]
        if not reviews:
            return groups
        today = fields.Date.context_today(self)
        counts = {"overdue": 0, "today": 0, "planned": 0}
        for review in reviews:
            deadline = (
                fields.Datetime.context_timestamp(self, review.deadline).date()
                if review.deadline
                else today
            )
            state = (
                "overdue"
                if deadline < today
                else "today"
                if deadline == today
                else "planned"
            )
            counts[state] += 1
        groups.append(
            {
                "id": self.env["ir.model"]._get_id(Review._name),
                "name": self.env._("Reviews to Decide"),
                "model": Review._name,
                "type": "activity",
                "icon": modules.module.get_module_icon("sale"),
                "total_count": len(reviews),
                "today_count": counts["today"],
                "overdue_count": counts["overdue"],
                "planned_count": counts["planned"],
                "view_type": "list",
                "governance_reviews": True,
            }
        )
        return groups
