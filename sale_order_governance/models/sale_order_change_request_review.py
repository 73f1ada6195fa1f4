# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What reviewers of a change request see and decide on: the picture of
the order it is based on, the missing items, the fingerprint and evidence."""

from odoo import models
from odoo.tools import format_datetime
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # SNAPSHOT
    # ------------------------------------------------------------

    def _governance_snapshot(self):
        """Record the order as it is now: what the request is based on."""
        self.ensure_one()
        order = self.order_id
        assessment = order._governance_assessment()
        self.write(
            {
                "order_fingerprint": order._governance_change_fingerprint(),
                "order_progress": assessment["progress"],
                "old_commitment_date": order.commitment_date,
            }
        )
        for line in self.line_ids.filtered("sale_line_id"):
            sale_line = line.sale_line_id
            vals = {
                "old_qty": sale_line.product_uom_qty,
                "old_price_unit": sale_line.price_unit,
                "old_discount": sale_line.discount,
            }
            # Values the request leaves unchanged follow the order, so that a
            # line nobody touched never turns into a change.
            if not line._qty_changes():
                vals["new_qty"] = sale_line.product_uom_qty
            if not line._value_changes("new_price_unit", "old_price_unit"):
                vals["new_price_unit"] = sale_line.price_unit
            if not line._value_changes("new_discount", "old_discount"):
                vals["new_discount"] = sale_line.discount
            line.write(vals)

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_missing_items(self):
        self.ensure_one()
        missing = []
        if not (self.reason or "").strip():
            missing.append(self.env._("Reason"))
        changed = self.line_ids.filtered(lambda line: line.change_type != "none")
        if not self._has_changes():
            missing.append(self.env._("At least one change to the order"))
        for line in changed.filtered(lambda line: line.change_type == "add"):
            if not line.product_id:
                missing.append(self.env._("A product on every new line"))
            elif line.new_qty <= 0:
                missing.append(
                    self.env._(
                        "A quantity for the new line %(product)s",
                        product=line.product_id.display_name,
                    )
                )
        for line in changed.filtered(lambda line: line.change_type == "update"):
            if line.new_qty < 0 or line.new_price_unit < 0:
                missing.append(
                    self.env._(
                        "A positive quantity and price for %(product)s",
                        product=line.product_id.display_name,
                    )
                )
        if self.loss_required:
            if not self.loss_borne_by:
                missing.append(
                    self.env._(
                        "Who bears the loss (the order is in production or shipped)"
                    )
                )
            elif (
                self.loss_borne_by != "none"
                and self.currency_id.compare_amounts(self.loss_amount, 0.0) <= 0
            ):
                missing.append(
                    self.env._(
                        "The loss amount (the order is in production or shipped)"
                    )
                )
        problems = self._governance_problems()
        return missing + problems

    def _review_fingerprint_values(self):
        self.ensure_one()
        return (
            self.order_id.id,
            self.order_fingerprint or "",
            self.order_progress or "",
            self.reason,
            str(self.new_commitment_date or ""),
            self.loss_amount,
            self.loss_borne_by or "",
            sorted(line._review_fingerprint_values() for line in self.line_ids),
        )

    def _review_evidence(self, department):
        self.ensure_one()
        # sudo: reviewers read the evidence of what they decide on; only the
        # figures needed for the decision are kept.
        request = self.sudo().with_company(self.company_id)
        currency = request.currency_id
        company_currency = request.company_id.currency_id
        progress = dict(
            request._fields["order_progress"]._description_selection(self.env)
        )
        bearers = dict(
            request._fields["loss_borne_by"]._description_selection(self.env)
        )
        items = [
            ["request", request.name],
            ["order", request.order_id.name],
            ["customer", request.partner_id.display_name],
            ["reason", request.reason or ""],
            ["order_progress", progress.get(request.order_progress, "")],
            ["amount_delta", self._evidence_money(request.amount_delta, currency)],
        ]
        if department in ("finance", "management", "sales"):
            items += [
                [
                    "margin_delta",
                    self._evidence_money(request.margin_delta, currency),
                ],
                [
                    "new_credit_exposure",
                    self._evidence_money(request.new_credit_exposure, company_currency),
                ],
            ]
        if request.touches_date:
            items.append(
                [
                    "new_commitment_date",
                    format_datetime(self.env, request.new_commitment_date),
                ]
            )
        if request.loss_required or request.loss_borne_by:
            items += [
                ["loss_amount", self._evidence_money(request.loss_amount, currency)],
                ["loss_borne_by", bearers.get(request.loss_borne_by, "")],
            ]
        items.append(["pickings", ", ".join(request.picking_ids.mapped("name"))])
        change_types = dict(
            request.line_ids._fields["change_type"]._description_selection(self.env)
        )
        lines = [
            {
                "product": line.product_id.display_name,
                "change": change_types[line.change_type],
                "old_qty": line.old_qty,
                "new_qty": line._effective_new_qty(),
                "old_price": line.old_price_unit,
                "new_price": line.new_price_unit,
                "old_discount": line.old_discount,
                "new_discount": line.new_discount,
                "delivered": line.sale_line_id.qty_delivered,
                "invoiced": line.sale_line_id.qty_invoiced,
            }
            for line in request.line_ids
            if line.change_type != "none"
        ]
        return {"items": items, "lines": lines}

    def _review_approved(self):
        self._review_todo(self.env._("Change approved: apply it to the order"))
