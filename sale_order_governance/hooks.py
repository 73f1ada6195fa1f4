# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .models.sale_credit_exposure_totals import drop_totals
from .models.sale_order_kpi import create_kpi_columns
from .models.sale_order_received import create_policy_columns
from .models.sale_order_review_accountability import create_accountability_columns
from .models.sale_order_tracking import create_tracking_columns, fill_tracking_columns


def pre_init_hook(env):
    """Create and fill the add-on's big columns with SQL before the ORM does.

    On a database with millions of orders the ORM would otherwise write the
    default or recompute the stored fields on every row one by one. The
    review state and the tracking columns are written by one UPDATE: each
    UPDATE of ``sale_order`` rewrites its rows and their indexes (about 25).
    """
    cr = env.cr
    review_state = not column_exists(cr, "sale_order", "review_state")
    if review_state:
        create_column(cr, "sale_order", "review_state", "varchar")
    created = create_tracking_columns(cr)
    if "governance_stage" in created:
        # The stage, KPI dates and, if new, review_state in one UPDATE (see
        # ``fill_tracking_columns``); orders already delivered, invoiced and
        # paid are closed.
        fill_tracking_columns(
            cr, fields.Datetime.now(), history=True, review_state=review_state
        )
    elif review_state:
        _fill_review_state(cr)
    create_policy_columns(cr)
    create_kpi_columns(cr)
    create_accountability_columns(cr)


def _fill_review_state(cr):
    """Orders confirmed before the add-on was installed count as approved:
    they were accepted under the old rules."""
    cr.execute(
        SQL(
            "UPDATE sale_order SET review_state = CASE WHEN state IN ('sale', 'done')"
            " THEN 'approved' ELSE 'not_submitted' END"
        )
    )


def uninstall_hook(env):
    """Remove the credit exposure totals, the triggers and their functions."""
    drop_totals(env.cr)
    env.cr.execute(
        SQL("DROP FUNCTION IF EXISTS sale_order_review_order_stage() CASCADE")
    )
