# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Turn OCA tier definitions of sales orders into review stages.

``tier.definition`` belongs to OCA's ``base_tier_validation``, which this
add-on does not depend on: it is read only when installed. The proposal is
editable and nothing is created until a governance manager confirms it.
"""

from ast import literal_eval

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.sale_review_stage import DEPARTMENTS

MANAGER_GROUP = "sale_order_governance.group_governance_manager"


class SaleReviewStageImportTier(models.TransientModel):
    _name = "sale.review.stage.import.tier"
    _description = "Import Tier Definitions as Review Stages"

    line_ids = fields.One2many(
        "sale.review.stage.import.tier.line",
        "import_id",
        string="Proposed Stages",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        self._check_manager()
        res = super().default_get(fields_list)
        if "line_ids" in fields_list:
            res["line_ids"] = [
                Command.create(vals) for vals in self._prepare_line_vals_list()
            ]
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        return super().create(vals_list)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_import(self):
        """Create a review stage from every proposal kept by the manager."""
        self.ensure_one()
        self._check_manager()
        lines = self.line_ids.filtered("selected")
        if not lines:
            raise UserError(
                self.env._("Tick at least one proposed stage to create it.")
            )
        unreviewed = lines.filtered(
            lambda line: not line.reviewer_user_ids and not line.reviewer_group_id
        )
        if unreviewed:
            raise UserError(
                self.env._(
                    "Choose reviewers or a reviewer group for: %(stages)s.",
                    stages=", ".join(unreviewed.mapped("name")),
                )
            )
        stages = self.env["sale.review.stage"].create(
            [line._prepare_stage_vals() for line in lines]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_review_stage_action"
        )
        action["domain"] = [("id", "in", stages.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only governance managers may turn tier definitions into "
                    "review stages."
                )
            )

    @api.model
    def _tier_definitions(self):
        """Active OCA tier definitions of sales orders, in OCA's review order.

        OCA numbers the reviews of a record from the definition with the
        highest sequence down: that one is reviewed first.
        """
        if "tier.definition" not in self.env:
            return None
        # sudo: governance managers need not be tier-validation users; the
        # definitions are only read to propose stages (after _check_manager).
        return (
            self.env["tier.definition"]
            .sudo()
            .search([("model", "=", "sale.order")], order="sequence desc, id")
        )

    @api.model
    def _prepare_line_vals_list(self):
        """One proposed stage per tier definition.

        Tiers decided in any order form the first step (reviewed in
        parallel); tiers approved by sequence follow, one step each, in the
        order OCA asks for them.
        """
        definitions = self._tier_definitions()
        if not definitions:
            return []
        existing = set(
            self.env["sale.review.stage"]
            .sudo()
            .search([("applies_to", "=", "order")])
            .mapped("name")
        )
        parallel = definitions.filtered(lambda tier: not tier.approve_sequence)
        step = 20 if parallel else 10
        vals_list = []
        for definition in definitions:
            if definition.approve_sequence:
                sequence, step = step, step + 10
            else:
                sequence = 10
            vals_list.append(self._prepare_line_vals(definition, sequence, existing))
        return sorted(vals_list, key=lambda vals: vals["sequence"])

    @api.model
    def _prepare_line_vals(self, definition, sequence, existing_names):
        notes = []
        users = self.env["res.users"]
        group = self.env["res.groups"]
        if definition.review_type == "individual":
            users = definition.reviewer_id
        elif definition.review_type == "group":
            group = definition.reviewer_group_id
        else:
            notes.append(
                self.env._(
                    "OCA takes the reviewer from the order's field %(field)s: "
                    "choose the reviewers of the stage.",
                    field=definition.reviewer_field_id.field_description or "-",
                )
            )
        domain, problem = self._convert_domain(definition.definition_domain)
        if problem:
            notes.append(problem)
        if definition.approve_sequence:
            notes.append(self.env._("Approved by sequence in OCA: a step of its own."))
        if definition.name in existing_names:
            notes.append(self.env._("A review stage of this name already exists."))
        return {
            "selected": bool(users or group)
            and not problem
            and definition.name not in existing_names,
            "name": definition.name,
            "sequence": sequence,
            "department": self._guess_department(group),
            "reviewer_user_ids": [Command.set(users.ids)],
            "reviewer_group_id": group.id,
            "domain": domain,
            "company_id": definition.company_id.id,
            "note": "\n".join(notes) or False,
        }

    @api.model
    def _convert_domain(self, text):
        """``(domain, problem)``: the tier's filter as a review-stage filter.

        OCA evaluates ``definition_domain`` as a Python literal on the order,
        as a stage evaluates its filter: the literal is kept, normalised, once
        it proves to be a valid search domain on sales orders.
        """
        if not text or not text.strip():
            return False, False
        try:
            domain = literal_eval(text.strip())
            with self.env.cr.savepoint():
                self.env["sale.order"].sudo().search_count(domain, limit=1)
        except (ValueError, TypeError, SyntaxError, KeyError, psycopg2.Error) as error:
            return text, self.env._(
                "The tier's filter is not a valid filter of sales orders "
                "(%(error)s): correct it before creating the stage.",
                error=error,
            )
        return (repr(domain) if domain else False), False

    @api.model
    def _guess_department(self, group):
        """The department of one of this add-on's reviewer groups, or Other."""
        for department, _label in DEPARTMENTS:
            reviewer_group = self.env.ref(
                f"sale_order_governance.group_reviewer_{department}",
                raise_if_not_found=False,
            )
            if group and group == reviewer_group:
                return department
        return "other"


class SaleReviewStageImportTierLine(models.TransientModel):
    _name = "sale.review.stage.import.tier.line"
    _description = "Proposed Review Stage"
    _order = "sequence, id"

    import_id = fields.Many2one(
        "sale.review.stage.import.tier", required=True, ondelete="cascade"
    )
    selected = fields.Boolean(
        string="Create",
        default=True,
        help="Create a review stage from this proposal.",
    )
    name = fields.Char(required=True)
    sequence = fields.Integer(
        default=10,
        help="Stages with a lower sequence are reviewed first. Stages with the "
        "same sequence form one step and are reviewed in parallel.",
    )
    department = fields.Selection(DEPARTMENTS, required=True, default="other")
    reviewer_user_ids = fields.Many2many(
        "res.users",
        "sale_review_stage_import_tier_user_rel",
        "line_id",
        "user_id",
        string="Reviewers",
        domain=[("share", "=", False)],
    )
    reviewer_group_id = fields.Many2one("res.groups")
    domain = fields.Char(string="Applies When")
    model_name = fields.Char(default="sale.order", readonly=True)
    company_id = fields.Many2one("res.company")
    sla_hours = fields.Float(
        string="Answer Within (Hours)",
        default=lambda self: self.env.company.governance_review_sla_hours or 24.0,
        help="Counted as the created stage's deadline mode says (by default the "
        "same time on the next working day per 24 hours).",
    )
    note = fields.Text(readonly=True)

    def _prepare_stage_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "sequence": self.sequence,
            "department": self.department,
            "applies_to": "order",
            "reviewer_user_ids": [Command.set(self.reviewer_user_ids.ids)],
            "reviewer_group_id": self.reviewer_group_id.id,
            "domain": self.domain or False,
            "company_id": self.company_id.id,
            "sla_hours": self.sla_hours,
        }
