# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Create and fill ``sale_order.review_state`` with one SQL statement.

    On a database with millions of orders the ORM would otherwise write the
    default on every row one by one. Orders confirmed before the add-on was
    installed count as approved: they were accepted under the old rules.
    """
    cr = env.cr
    if column_exists(cr, "sale_order", "review_state"):
        return
    create_column(cr, "sale_order", "review_state", "varchar")
    cr.execute(
        SQL(
            "UPDATE sale_order SET review_state = CASE WHEN state IN ('sale', 'done')"
            " THEN 'approved' ELSE 'not_submitted' END"
        )
    )
