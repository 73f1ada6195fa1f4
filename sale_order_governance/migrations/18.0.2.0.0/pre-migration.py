# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.0.0: fields added to Odoo's models carry the ``governance_`` prefix.

Renamed before the registry loads, so that stored values are kept and no
column is dropped and recreated.  Record rules (``noupdate``) that name the
old fields are rewritten in the same step.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column

MIXIN_FIELDS = [
    "review_submitted_at",
    "review_round",
    "review_base_round",
    "review_changes_requested",
    "review_fingerprint",
    "review_can_decide",
    "review_overdue",
    "review_ids",
]
RENAMES = {
    "sale.order": MIXIN_FIELDS
    + ["review_count", "request_review_ids", "change_request_count"]
    + ["cancel_request_count"],
    "sale.order.change.request": MIXIN_FIELDS,
    "sale.order.cancel.request": MIXIN_FIELDS,
    "res.users": ["review_substitute_id"],
    "sale.report": ["late_risk"],
}
# SQL views rebuilt by the upgrade itself: nothing to rename in the database.
VIEWS = {"sale.report"}
RULE_DOMAIN_RENAMES = [
    ("'review_ids.", "'governance_review_ids."),
    (".review_ids.", ".governance_review_ids."),
    ("'request_review_ids.", "'governance_request_review_ids."),
    (".request_review_ids.", ".governance_request_review_ids."),
]


def migrate(cr, version):
    if not version:
        return
    for model, names in RENAMES.items():
        table = model.replace(".", "_")
        for old in names:
            new = f"governance_{old}"
            if (
                model not in VIEWS
                and column_exists(cr, table, old)
                and not column_exists(cr, table, new)
            ):
                rename_column(cr, table, old, new)
            cr.execute(
                SQL(
                    "UPDATE ir_model_fields SET name = %s"
                    " WHERE model = %s AND name = %s",
                    new,
                    model,
                    old,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE ir_model_data SET name = %s"
                    " WHERE module = 'sale_order_governance'"
                    " AND model = 'ir.model.fields'"
                    " AND name = %s",
                    f"field_{table}__{new}",
                    f"field_{table}__{old}",
                )
            )
    for old, new in RULE_DOMAIN_RENAMES:
        cr.execute(
            SQL(
                "UPDATE ir_rule SET domain_force = replace(domain_force, %s, %s)"
                " WHERE id IN (SELECT res_id FROM ir_model_data"
                " WHERE module = 'sale_order_governance' AND model = 'ir.rule')",
                old,
                new,
            )
        )
