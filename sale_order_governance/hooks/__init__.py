# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Install-time SQL: the add-on's big columns created and filled before the
ORM sees their fields, and what the uninstall removes.

On a database with millions of orders the ORM would otherwise write a default
or recompute a stored field row by row. ``fill_tracking_columns`` is the SQL
twin of the order's progress and KPI computes (``sale_order_progress.py``,
``sale_order_kpi_dates.py``, ``sale_order_late_risk.py``,
``sale_order_closing.py``); the tests check that both agree.
"""

from odoo import fields
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

from ..models.sale_credit_exposure_totals import drop_totals
from ..models.sale_order_abnormal import FLAG_FIELDS
from ..models.sale_order_late_risk import late_risk_sql
from ..models.sale_order_progress import (
    LATE_RISK_DEFAULT_DAYS,
    MO_STARTED_STATES,
    PAID_STATES,
    UNPAID_STATES,
)

from .tracking import POLICY_FILL, fill_tracking_columns, kpi_history_sql

# Columns the install hook creates and fills with SQL (stored computes).
TRACKING_COLUMNS = {
    "governance_stage": "varchar",
    "late_risk": "boolean",
    "governance_late_risk_notified_at": "timestamp",
    "closed_date": "timestamp",
    "submitted_date": "timestamp",
    "approved_date": "timestamp",
    "delivered_date": "timestamp",
    "paid_date": "timestamp",
    "governance_payment_due_date": "date",
    "governance_entry_hours": "double precision",
    "governance_shipment_days": "double precision",
}
# The dates the KPIs count from (``sale_order_kpi.py``).
KPI_COLUMNS = ("governance_confirmed_date", "governance_promised_date")
# Columns created (and filled where history has a value) before the ORM sees
# the fields: on millions of orders it would compute them row by row.
POLICY_COLUMNS = {
    "governance_received_date": "timestamp",
    "governance_amount_company": "numeric",
    "governance_flags_checked_at": "timestamp",
    "governance_forward_deadline": "timestamp",
    "governance_forward_late": "boolean",
    "governance_review_deadline": "timestamp",
    **dict.fromkeys(FLAG_FIELDS, "boolean"),
}


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
        # The KPI and policy columns in the same UPDATE.
        fill_tracking_columns(
            cr,
            fields.Datetime.now(),
            history=True,
            review_state=review_state,
            kpi=bool(create_kpi_columns(cr, fill=False)),
            policy=bool(create_policy_columns(cr, fill=False)),
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


def create_policy_columns(cr, fill=True):
    """Create the policy columns of ``sale_order``; fill the received date
    (the creation) and the company-currency total (at the order's own rate),
    unless ``fill`` is false (the install hook fills them with the tracking
    columns, in the same UPDATE)."""
    created = []
    for name, column_type in POLICY_COLUMNS.items():
        if not column_exists(cr, "sale_order", name):
            create_column(cr, "sale_order", name, column_type)
            created.append(name)
    if fill and {"governance_received_date", "governance_amount_company"} & set(
        created
    ):
        cr.execute(
            SQL(
                "UPDATE sale_order so SET %s FROM res_company c JOIN res_currency cur"
                " ON cur.id = c.currency_id WHERE c.id = so.company_id",
                POLICY_FILL,
            )
        )
    return created


def create_tracking_columns(cr):
    """Create the tracking columns missing on ``sale_order`` and ``stock_picking``."""
    created = []
    for name, column_type in TRACKING_COLUMNS.items():
        if not column_exists(cr, "sale_order", name):
            create_column(cr, "sale_order", name, column_type)
            created.append(name)
    if not column_exists(cr, "stock_picking", "governance_received_date"):
        create_column(cr, "stock_picking", "governance_received_date", "timestamp")
    return created


def create_kpi_columns(cr, fill=True):
    """Create the KPI columns of ``sale_order``; fill them in one UPDATE
    unless ``fill`` is false (the install hook fills them with the tracking
    columns, in the same UPDATE: see ``kpi_history_sql``)."""
    created = []
    for name in KPI_COLUMNS:
        if not column_exists(cr, "sale_order", name):
            create_column(cr, "sale_order", name, "timestamp")
            created.append(name)
    if not created or not fill:
        return created
    cr.execute(
        SQL(
            """
            UPDATE sale_order so
               SET governance_confirmed_date = so.date_order,
                   governance_promised_date = so.commitment_date
             WHERE %(confirmed)s
            """,
            confirmed=kpi_history_sql(cr),
        )
    )
    return created


def create_accountability_columns(cr):
    """``cancelled_at`` of ``sale_order_review``, filled for the reviews
    already cancelled without a decision by their last change."""
    if table_exists(cr, "sale_order_review") and not column_exists(
        cr, "sale_order_review", "cancelled_at"
    ):
        create_column(cr, "sale_order_review", "cancelled_at", "timestamp")
        cr.execute(
            SQL(
                "UPDATE sale_order_review SET cancelled_at = write_date "
                "WHERE state = 'cancelled' AND decided_at IS NULL"
            )
        )
