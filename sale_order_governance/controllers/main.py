# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools.misc import consteq

DECISIONS = ("approve", "reject")


class ReviewDecisionController(http.Controller):
    """Decisions from the review notice e-mail.

    A link is signed for one review, one user, one action and the review's
    reviewers, expires at the review's deadline and always needs that user's
    own logged-in session. Opening a link changes nothing: it shows a page
    that asks to confirm, and only that form, posted with the session's CSRF
    token, decides.
    """

    @http.route(
        "/sale_governance/review/<int:review_id>/<string:action>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        csrf=True,
        website=False,
    )
    def review_decision(self, review_id, action, token="", comment=None, **kwargs):
        env = request.env
        if action not in (*DECISIONS, "open"):
            return self._page(env._("This link is not a review link."), status=404)
        review_sudo = env["sale.order.review"].sudo().browse(review_id).exists()
        if (
            env.user.share
            or not review_sudo
            or not isinstance(token, str)
            or not consteq(review_sudo._decision_token(env.user, action), token)
        ):
            # Nothing about the review is shown: the link is not this user's.
            return self._page(
                env._(
                    "This link is not valid for you: it was sent to another user, "
                    "or the review was reassigned since. Log in as the reviewer "
                    "it was sent to, or open the review from Odoo."
                ),
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
                status=403,
            )
        comment = comment.strip() if isinstance(comment, str) else ""
        if request.httprequest.method != "POST" or (action == "reject" and not comment):
            return self._form(
                review_sudo,
                action,
                token,
                error=request.httprequest.method == "POST",
            )
        review = review_sudo.sudo(False)
        try:
            if action == "approve":
                review.action_approve(comment or None)
                message = env._("You approved %(review)s.", review=review.display_name)
            else:
                review.action_reject(comment)
                message = env._("You rejected %(review)s.", review=review.display_name)
        except (UserError, AccessError) as error:
            request.env.cr.rollback()
            return self._page(str(error), review_sudo, status=403)
        return self._page(message, review_sudo)

    def _form(self, review, action, token, error=False):
        """The page that asks to confirm the decision; it changes nothing."""
        return request.render(
            "sale_order_governance.review_decision_form",
            {
                "review": review,
                "record": review._get_record(),
                "action": action,
                "token": token,
                "error": error,
            },
        )

    def _page(self, message, review=None, status=200):
        response = request.render(
            "sale_order_governance.review_decision_page",
            {"message": message, "review": review},
        )
        response.status_code = status
        return response
