# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.osv import expression

from .sale_review_stage import eval_domain

OPERATOR_WORDS = {
    "=": "=",
    "!=": "≠",
    ">": ">",
    ">=": "≥",
    "<": "<",
    "<=": "≤",
}


class SaleReviewStage(models.Model):
    """Review stages as a consultant reads them: steps, rules in words, and
    a history of who changed reviewers, rules and deadlines."""

    _name = "sale.review.stage"
    _inherit = ["sale.review.stage", "mail.thread"]

    name = fields.Char(tracking=True)
    active = fields.Boolean(tracking=True)
    sequence = fields.Integer(tracking=True)
    department = fields.Selection(tracking=True)
    domain = fields.Char(tracking=True)
    reviewer_group_id = fields.Many2one(tracking=True)
    reviewer_user_ids = fields.Many2many(tracking=True)
    escalation_user_ids = fields.Many2many(tracking=True)
    # An answer deadline summed over stages means nothing.
    sla_hours = fields.Float(tracking=True, aggregator=None)
    sla_mode = fields.Selection(tracking=True)
    step = fields.Integer(
        related="sequence",
        store=True,
        tracking=False,
        string="Step",
        help="Stages of the same kind with the same sequence form one step and "
        "are reviewed in parallel.",
    )
    parallel_stage_names = fields.Char(
        string="In Parallel With",
        compute="_compute_parallel_stage_names",
        help="The other active stages of the same step: reviewed at the same "
        "time as this one.",
    )
    domain_description = fields.Char(
        string="Condition",
        compute="_compute_domain_description",
        help="The filter of the stage in words.",
    )

    @api.depends("sequence", "applies_to", "company_id", "active")
    def _compute_parallel_stage_names(self):
        stages = self.search(
            [("applies_to", "in", list(set(self.mapped("applies_to"))))]
        )
        for stage in self:
            others = stages.filtered(
                lambda other, stage=stage: (
                    other != stage
                    and other.applies_to == stage.applies_to
                    and other.sequence == stage.sequence
                    and (
                        not other.company_id
                        or not stage.company_id
                        or other.company_id == stage.company_id
                    )
                )
            )
            stage.parallel_stage_names = ", ".join(others.mapped("name")) or False

    @api.depends("domain", "applies_to")
    def _compute_domain_description(self):
        for stage in self:
            stage.domain_description = stage._describe_domain()

    def _describe_domain(self):
        """The stage's filter in words ("Total > 100,000 and Customer is
        Azure Interior"), in the reader's language."""
        self.ensure_one()
        if not self.domain or self.model_name not in self.env:
            return self.env._("Every record")
        try:
            domain = expression.normalize_domain(eval_domain(self.env, self.domain))
        except Exception:  # noqa: BLE001 - shown as typed when it cannot be read
            return self.domain
        model = self.env[self.model_name]
        try:
            text, _rest = self._describe_node(model, domain)
        except Exception:  # noqa: BLE001 - an unusual domain is shown as typed
            return self.domain
        return text

    def _describe_node(self, model, domain):
        """``(text, rest)``: the first node of a prefix-notation domain."""
        head, rest = domain[0], domain[1:]
        if head in ("&", "|"):
            left, rest = self._describe_node(model, rest)
            right, rest = self._describe_node(model, rest)
            word = self.env._(" and ") if head == "&" else self.env._(" or ")
            return f"({left}{word}{right})", rest
        if head == "!":
            inner, rest = self._describe_node(model, rest)
            return self.env._("not %(condition)s", condition=inner), rest
        if head in (expression.TRUE_LEAF, tuple(expression.TRUE_LEAF)):
            return self.env._("always"), rest
        if head in (expression.FALSE_LEAF, tuple(expression.FALSE_LEAF)):
            return self.env._("never"), rest
        return self._describe_leaf(model, head), rest

    def _describe_leaf(self, model, leaf):
        path, operator, value = leaf
        labels = []
        field = None
        current = model
        for name in str(path).split("."):
            field = current._fields[name]
            labels.append(field._description_string(self.env))
            if field.relational:
                current = self.env[field.comodel_name]
        label = " › ".join(labels)
        if operator in ("=", "!=") and value is False and field.type != "boolean":
            return (
                self.env._("%(field)s is not set", field=label)
                if operator == "="
                else self.env._("%(field)s is set", field=label)
            )
        shown = self._describe_value(field, value)
        several = isinstance(value, list | tuple) and len(value) > 1
        if operator in ("=", "in") and not several:
            return self.env._("%(field)s is %(value)s", field=label, value=shown)
        if operator in ("!=", "not in") and not several:
            return self.env._("%(field)s is not %(value)s", field=label, value=shown)
        words = {
            "in": self.env._("is one of"),
            "not in": self.env._("is none of"),
            "ilike": self.env._("contains"),
            "not ilike": self.env._("does not contain"),
            "like": self.env._("contains"),
            "not like": self.env._("does not contain"),
            "=like": self.env._("matches"),
            "=ilike": self.env._("matches"),
            "child_of": self.env._("is within"),
            "parent_of": self.env._("is above"),
        }
        word = OPERATOR_WORDS.get(operator) or words.get(operator, operator)
        return f"{label} {word} {shown}"

    def _describe_value(self, field, value):
        values = list(value) if isinstance(value, list | tuple) else [value]
        if field.type == "boolean":
            texts = [self.env._("Yes") if item else self.env._("No") for item in values]
        elif field.type == "selection":
            labels = dict(field._description_selection(self.env))
            texts = [str(labels.get(item, item)) for item in values]
        elif field.relational and all(isinstance(item, int) for item in values):
            records = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .browse(values)
                .exists()
            )
            texts = records.mapped("display_name") or [str(item) for item in values]
        else:
            texts = [str(item) for item in values]
        return ", ".join(texts)
