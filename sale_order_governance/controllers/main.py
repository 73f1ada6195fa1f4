# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools.misc import consteq


class ReviewDecisionController(http.Controller):
    """One-click decisions from the review notice e-mail.

    A link is signed for one review, one user and one action, expires at the
    review's deadline and always needs that user's own logged-in session.
    """

    @http.route(
        "/sale_governance/review/<int:review_id>/<string:action>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=False,
    )
    def review_decision(self, review_id, action, token="", comment=None, **kwargs):
        env = request.env
        review_sudo = env["sale.order.review"].sudo().browse(review_id).exists()
        if action not in ("approve", "reject", "open") or not review_sudo:
            return self._page(env._("This review does not exist."), status=404)
        if not consteq(review_sudo._decision_token(env.user, action), token or ""):
            return self._page(
                env._(
                    "This link was sent to another user. Log in as the reviewer it "
                    "was sent to, or open the review from Odoo."
                ),
                review_sudo,
                status=403,
            )
        if action == "open":
            return request.redirect(
                f"/odoo/action-sale_order_governance.sale_order_review_action/{review_id}"
            )
        if review_sudo.state != "pending":
            return self._page(
                env._(
                    "This review was already decided or closed; nothing was changed."
                ),
                review_sudo,
            )
        if review_sudo.deadline and fields.Datetime.now() > review_sudo.deadline:
            return self._page(
                env._(
                    "This link expired at the review's deadline. Open the review "
                    "in Odoo to decide it."
                ),
                review_sudo,
            )
        review = review_sudo.sudo(False)
        if action == "reject" and (
            request.httprequest.method != "POST" or not (comment or "").strip()
        ):
            return request.render(
                "sale_order_governance.review_decision_reject_form",
                {"review": review_sudo, "token": token, "error": comment is not None},
            )
        try:
            if action == "approve":
                review.action_approve()
                message = env._("You approved %(review)s.", review=review.display_name)
            else:
                review.action_reject(comment)
                message = env._("You rejected %(review)s.", review=review.display_name)
        except (UserError, AccessError) as error:
            request.env.cr.rollback()
            return self._page(str(error), review_sudo, status=403)
        return self._page(message, review_sudo)

    def _page(self, message, review=None, status=200):
        response = request.render(
            "sale_order_governance.review_decision_page",
            {"message": message, "review": review},
        )
        response.status_code = status
        return response
