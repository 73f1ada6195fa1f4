# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .models.sale_order_received import create_policy_columns
from .models.sale_order_tracking import create_tracking_columns, fill_tracking_columns


def pre_init_hook(env):
    """Create and fill the add-on's big columns with SQL before the ORM does.

    On a database with millions of orders the ORM would otherwise write the
    default or recompute the stored fields on every row one by one.
    """
    _init_review_state(env)
    _init_tracking(env)
    create_policy_columns(env.cr)


def _init_review_state(env):
    """Create and fill ``sale_order.review_state`` with one SQL statement.

    Orders confirmed before the add-on was installed count as approved: they
    were accepted under the old rules.
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


def _init_tracking(env):
    """Create and fill the tracking columns (stage, late risk, KPI dates).

    The same rules as the stored computes of ``sale.order``, in one UPDATE
    (see ``fill_tracking_columns``); orders already delivered, invoiced and
    paid are closed.
    """
    cr = env.cr
    created = create_tracking_columns(cr)
    if "governance_stage" in created:
        fill_tracking_columns(cr, fields.Datetime.now(), history=True)
