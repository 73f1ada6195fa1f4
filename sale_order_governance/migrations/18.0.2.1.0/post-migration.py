# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.1.0: the shipped General Manager stage compares the total in the
company's currency and accepts abnormal orders.

Only when its filter is still the one shipped before: a filter a consultant
changed is left as it is.
"""

from odoo.tools import SQL

OLD_DOMAIN = '[("amount_total", ">", 100000)]'
NEW_DOMAIN = (
    '["|", ("governance_amount_company", ">", 100000), '
    '("governance_abnormal", "=", True)]'
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE sale_review_stage stage
               SET domain = %(new)s
              FROM ir_model_data data
             WHERE data.module = 'sale_order_governance'
               AND data.name = 'sale_review_stage_management'
               AND data.model = 'sale.review.stage'
               AND data.res_id = stage.id
               AND stage.domain = %(old)s
            """,
            new=NEW_DOMAIN,
            old=OLD_DOMAIN,
        )
    )
