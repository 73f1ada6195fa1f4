# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement that reads the credit figures of customers and orders.

Used by the ``sale.credit.exposure`` service only: one statement for every
bucket, Odoo's credit limit and the orders' own amounts (see its
``_read_figures``).
"""

from odoo.tools import SQL

from .sale_credit_exposure_totals import (
    ORDER_AMOUNT,
    ORDER_COLUMNS,
    RECEIVABLE_COLUMNS,
    TOTALS_TABLE,
)

# Customer documents counted as draft invoices (refunds count negatively).
DRAFT_INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")


def figures_query(env, company, member_of, order_ids, today, with_down=True):
    """The statement of ``sale.credit.exposure._read_figures``.

    Rows ``(kind, key, ref, amount, extra, day)``: ``receivable`` (key:
    partner, ref: currency, extra: overdue part, day: oldest overdue due
    date), ``orders`` (key: partner, ref: currency), ``draft`` (key:
    commercial partner, ref: currency), ``limit`` (key: commercial
    partner), ``open`` (key: order, in the order currency) and ``own``
    (key: order, ref: currency, amount: counted with the customer's
    orders, extra: down payments).

    ``with_down=False`` when the customers have no down payment line: the
    statement then joins no table. PostgreSQL plans a join of big tables by
    probing the ends of their indexes, which takes milliseconds when those
    ends hold rows deleted or rolled back and not vacuumed yet.
    """
    members = list(member_of)
    commercial_ids = sorted(set(member_of.values()))
    totals = SQL.identifier(TOTALS_TABLE)
    branches = [
        # Open receivables, per due date first (the overdue part, the
        # oldest overdue date), from the running totals.
        SQL(
            """
            SELECT 'receivable', partner_id, currency_id, SUM(amount),
                   SUM(overdue_basis) FILTER (WHERE day < %(today)s),
                   MIN(day) FILTER (WHERE day < %(today)s AND open_count > 0)
              FROM (SELECT partner_id, currency_id, day, SUM(amount) AS amount,
                           SUM(overdue_basis) AS overdue_basis,
                           SUM(open_count) AS open_count
                      FROM %(totals)s
                     WHERE partner_id = ANY(%(members)s)
                       AND company_id = %(company)s
                       AND kind = 'receivable'
                       AND account_id = ANY(ARRAY(
                               SELECT id FROM account_account
                                WHERE account_type = 'asset_receivable'))
                  GROUP BY partner_id, currency_id, day) per_day
          GROUP BY partner_id, currency_id
            """,
            today=today,
            totals=totals,
            members=members,
            company=company.id,
        ),
        # Confirmed orders still to invoice, from the running totals,
        # minus their down payments.
        SQL(
            """
            SELECT 'orders', partner_id, currency_id, SUM(amount), NULL, NULL
              FROM %(totals)s
             WHERE partner_id = ANY(%(members)s)
               AND company_id = %(company)s
               AND kind = 'orders'
          GROUP BY partner_id, currency_id
            """,
            totals=totals,
            members=members,
            company=company.id,
        ),
        # Draft customer invoices minus draft credit notes.
        SQL(
            """
            SELECT 'draft', move.commercial_partner_id, move.currency_id,
                   SUM(move.amount_total_in_currency_signed), NULL, NULL
              FROM account_move move
             WHERE move.commercial_partner_id = ANY(%s)
               AND move.company_id = %s
               AND move.state = 'draft'
               AND move.move_type IN %s
          GROUP BY move.commercial_partner_id, move.currency_id
            """,
            commercial_ids,
            company.id,
            DRAFT_INVOICE_TYPES,
        ),
    ]
    if company.account_use_credit_limit:
        # sudo: credit_limit is restricted to accountants; the gate needs
        # it for every user, portal and payment flows included. The ORM's
        # own expression of the company-dependent value (default included).
        partner = env["res.partner"].sudo().with_company(company)
        branches.append(
            SQL(
                """
                SELECT 'limit', partner.id, NULL, %s, NULL, NULL
                  FROM res_partner partner
                 WHERE partner.id = ANY(%s)
                """,
                partner._field_to_sql("partner", "credit_limit"),
                commercial_ids,
            )
        )
    if order_ids:
        branches += [
            # What the orders themselves still add, in their currency.
            SQL(
                """
                SELECT 'open', line.order_id, NULL,
                       SUM(CASE WHEN line.display_type IS NULL
                                THEN %s ELSE 0 END),
                       NULL, NULL
                  FROM sale_order_line line
                 WHERE line.order_id = ANY(%s)
              GROUP BY line.order_id
                """,
                SQL(ORDER_AMOUNT.format(l="line")),
                order_ids,
            ),
            # Their share of the customer's orders (what the running
            # totals count for them), their down payments.
            SQL(
                """
                SELECT 'own', line.order_id, line.currency_id,
                       SUM(CASE WHEN line.state = 'sale'
                                 AND line.invoice_status != 'invoiced'
                                THEN %s ELSE 0 END),
                       0, NULL
                  FROM sale_order_line line
                 WHERE line.order_id = ANY(%s)
                   AND line.company_id = %s
              GROUP BY line.order_id, line.currency_id
                """,
                SQL(ORDER_AMOUNT.format(l="line")),
                order_ids,
                company.id,
            ),
        ]
    if not with_down:
        return SQL(" UNION ALL ").join(branches)
    branches.append(
        # The down payments: deducted from the customer's confirmed orders,
        # and from the orders asked for (counted with the customer's orders
        # when the order is confirmed).
        SQL(
            """
            SELECT 'orders', order_partner_id, currency_id, SUM(amount),
                   NULL, NULL
              FROM down
             WHERE is_open AND order_partner_id = ANY(%s)
          GROUP BY order_partner_id, currency_id
            UNION ALL
            SELECT 'own', order_id, currency_id,
                   SUM(amount) FILTER (WHERE is_open), SUM(amount), NULL
              FROM down
             WHERE order_id = ANY(%s)
          GROUP BY order_id, currency_id
            """,
            members,
            order_ids,
        )
    )
    return SQL(
        """
        WITH down AS MATERIALIZED (
            -- Down payments invoiced (not cancelled) on confirmed orders
            -- of the customers and on the orders asked for.
            SELECT line.order_id, line.order_partner_id,
                   line.state = 'sale' AS is_open, move.currency_id,
                   CASE WHEN move.move_type = 'out_refund'
                        THEN aml.price_total ELSE -aml.price_total END AS amount
              FROM sale_order_line line
              JOIN sale_order_line_invoice_rel rel
                ON rel.order_line_id = line.id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE line.is_downpayment
               AND line.company_id = %(company)s
               AND move.state != 'cancel'
               AND ((line.order_partner_id = ANY(%(members)s)
                     AND line.state = 'sale')
                    OR line.order_id = ANY(%(orders)s))
        )
        %(branches)s
        """,
        company=company.id,
        members=members,
        orders=order_ids,
        branches=SQL(" UNION ALL ").join(branches),
    )


def flush_documents(env):
    """Write pending ORM changes of every column the statement reads.

    The running totals follow the lines through triggers: flushing the
    lines brings them up to date.
    """
    env["res.partner"].flush_model(["commercial_partner_id"])
    env["account.account"].flush_model(["account_type"])
    env["account.move"].flush_model(
        [
            "commercial_partner_id",
            "company_id",
            "state",
            "move_type",
            "currency_id",
            "amount_total_in_currency_signed",
        ]
    )
    env["account.move.line"].flush_model(
        [*RECEIVABLE_COLUMNS, "price_total", "move_id"]
    )
    env["sale.order.line"].flush_model(
        [*ORDER_COLUMNS, "order_id", "display_type", "invoice_lines"]
    )
