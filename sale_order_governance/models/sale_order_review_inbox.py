# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a reviewer sees in "My Reviews" and what follows a decision."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

REVIEW_TYPES = [
    ("order", "Order"),
    ("change", "Change Request"),
    ("cancel", "Cancel Request"),
]
TYPE_OF_MODEL = {
    "sale.order": "order",
    "sale.order.change.request": "change",
    "sale.order.cancel.request": "cancel",
}


class _PostBuffer:
    """The notes of one decision, posted as one chatter entry per record."""

    def __init__(self):
        self.bodies = defaultdict(list)


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    review_type = fields.Selection(
        REVIEW_TYPES,
        string="Type",
        compute="_compute_review_type",
        store=True,
        index=True,
        help="What is reviewed: the order itself, a change or a cancellation "
        "requested on it.",
    )
    res_name = fields.Char(
        string="Document",
        compute="_compute_res_name",
        compute_sudo=True,
        help="The order or the request reviewed.",
    )
    review_summary = fields.Char(
        string="Summary",
        compute="_compute_res_name",
        compute_sudo=True,
        help="What the request asks, in the words of the salesperson.",
    )
    currency_id = fields.Many2one(related="order_id.currency_id", string="Currency")
    amount_total = fields.Monetary(
        related="order_id.amount_total",
        string="Order Total",
        currency_field="currency_id",
    )

    def init(self):
        res = super().init()
        # Requests for changes decided before they had a state of their own.
        self.env.cr.execute(
            "UPDATE sale_order_review SET state = 'changes' "
            "WHERE state = 'cancelled' AND changes_requested"
        )
        return res

    @api.depends("res_model")
    def _compute_review_type(self):
        for review in self:
            review.review_type = TYPE_OF_MODEL.get(review.res_model, "order")

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for review in self:
            record = review._get_record() if review.res_id else None
            review.res_name = record.display_name if record else False
            review.review_summary = record and record._review_summary() or False

    @api.depends("order_id", "stage_id", "review_type")
    def _compute_display_name(self):
        types = dict(self._fields["review_type"]._description_selection(self.env))
        for review in self:
            if review.review_type in ("change", "cancel") and review.res_id:
                # sudo: the name of the request reviewed, for its reviewers.
                review.display_name = self.env._(
                    "%(type)s %(record)s / %(stage)s",
                    type=types[review.review_type],
                    record=review.sudo()._get_record().display_name,
                    stage=review.stage_id.name,
                )
            else:
                review.display_name = f"{review.order_id.name} / {review.stage_id.name}"

    # ------------------------------------------------------------
    # ACTIVITIES: named after what is reviewed
    # ------------------------------------------------------------

    def _activity_type(self):
        self.ensure_one()
        xmlid = (
            "sale_order_governance.mail_activity_type_review"
            if self.review_type == "order"
            else "sale_order_governance.mail_activity_type_request_review"
        )
        return self.env.ref(xmlid, raise_if_not_found=False) or self.env.ref(
            "sale_order_governance.mail_activity_type_review"
        )

    def _activity_summary(self):
        self.ensure_one()
        if self.review_type == "order":
            return super()._activity_summary()
        return self.env._(
            "Review %(stage)s of request %(record)s",
            stage=self.stage_id.name,
            record=self._get_record().display_name,
        )

    def _close_activities(self, decision, comment):
        """A decision leaves one chatter entry, its own: the activities it
        answers are removed, not marked done with a message of their own."""
        if decision in ("approved", "rejected", "changes"):
            self.sudo().activity_ids.exists().unlink()
            return
        super()._close_activities(decision, comment)

    # ------------------------------------------------------------
    # DECISIONS
    # ------------------------------------------------------------

    def _decide(self, decision, comment, on_behalf=None, attachment_ids=None):
        if isinstance(self.env.context.get("governance_post_buffer"), _PostBuffer):
            return super()._decide(decision, comment, on_behalf, attachment_ids)
        buffer = _PostBuffer()
        reviews = self.with_context(governance_post_buffer=buffer)
        res = super(SaleOrderReview, reviews)._decide(
            decision, comment, on_behalf, attachment_ids
        )
        for (model, res_id), bodies in buffer.bodies.items():
            self.env[model].browse(res_id)._review_post(Markup(" ").join(bodies))
        return res

    def _decision_label(self, decision):
        return {
            "approved": self.env._("approved"),
            "rejected": self.env._("rejected"),
            "changes": self.env._("sent back for changes"),
        }[decision]

    def _decision_done_action(self, decision, from_list=False, in_dialog=False):
        """A notification of the decision, then the next review one click away:
        the next review to decide, or the list of those left."""
        left = self.search([("can_decide", "=", True)])
        if len(self) == 1:
            message = self.env._(
                "%(review)s %(decision)s.",
                review=self.display_name,
                decision=self._decision_label(decision),
            )
        else:
            message = self.env._(
                "%(count)s reviews %(decision)s.",
                count=len(self),
                decision=self._decision_label(decision),
            )
        message = " ".join(
            [
                message,
                self.env._("%(count)s review(s) left to decide.", count=len(left))
                if left
                else self.env._("Nothing else waits for your decision."),
            ]
        )
        if from_list:
            # Back to the list, where the reviews left are.
            next_action = (
                {"type": "ir.actions.act_window_close"}
                if in_dialog
                else {"type": "ir.actions.client", "tag": "soft_reload"}
            )
        elif left:
            next_action = left[:1]._action_open_review()
        else:
            next_action = self.env["ir.actions.act_window"]._for_xml_id(
                "sale_order_governance.sale_order_review_action_mine"
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Decision recorded"),
                "message": message,
                "type": "success",
                "next": next_action,
            },
        }

    def _action_open_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_decide_approve(self):
        """Approve from "My Reviews" or the review, then go on to the next."""
        self.action_approve()
        return self._decision_done_action(
            "approved", self.env.context.get("governance_from_list")
        )

    def action_next_review(self):
        """The next review waiting for the current user, or the list."""
        left = self.search([("can_decide", "=", True), ("id", "not in", self.ids)])
        if left:
            return left[:1]._action_open_review()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_order_review_action_mine"
        )

    def action_open_record(self):
        action = super().action_open_record()
        record = self._get_record()
        if not record.has_access("write"):
            # Reviewers who may only read the record open it read-only.
            action["flags"] = {"mode": "readonly"}
        return action


class SaleGovernanceReviewMixin(models.AbstractModel):
    _inherit = "sale.governance.review.mixin"  # pylint: disable=consider-merging-classes-inherited

    # The engine's own notes say what happened: no tracking note besides them.
    review_state = fields.Selection(tracking=False)
    governance_review_current_ids = fields.Many2many(
        "sale.order.review",
        string="Current Round",
        compute="_compute_governance_review_rounds",
        help="The reviews of the latest submission, step by step.",
    )
    governance_review_earlier_ids = fields.Many2many(
        "sale.order.review",
        string="Earlier Rounds",
        compute="_compute_governance_review_rounds",
        help="The reviews of the earlier submissions, kept as history.",
    )

    @api.depends("review_state", "governance_review_round")
    def _compute_governance_review_rounds(self):
        reviews = self.env["sale.order.review"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            order="round desc, sequence, id",
        )
        for record in self:
            mine = reviews.filtered(lambda review, rid=record.id: review.res_id == rid)
            current = mine.filtered(
                lambda review, r=record.governance_review_round: review.round == r
            )
            record.governance_review_current_ids = current
            record.governance_review_earlier_ids = mine - current

    def _review_summary(self):
        """One line saying what is asked, for "My Reviews"."""
        return False

    def _review_post(self, body, partners=None):
        buffer = self.env.context.get("governance_post_buffer")
        if isinstance(buffer, _PostBuffer) and not partners and len(self) == 1:
            # Posted once the decision is complete (see SaleOrderReview._decide).
            buffer.bodies[self._name, self.id].append(body)
            return
        super()._review_post(body, partners)


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    def _review_summary(self):
        self.ensure_one()
        lines = (self.reason or "").strip().splitlines()
        return lines[0] if lines else False


class SaleOrderCancelRequest(models.Model):
    _inherit = "sale.order.cancel.request"

    def _review_summary(self):
        self.ensure_one()
        note = (self.note or "").strip().splitlines()
        return " – ".join(filter(None, [self.reason_id.name, note and note[0]]))
