# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P1: confirming a reviewed 20-line order vs vanilla Odoo (goal <= 1.10x).

In one transaction (rolled back at the end) the benchmark configures three
review stages (Sales Manager, then Finance and Warehouse in parallel) that
apply to every order except those referenced ``BENCH-VANILLA``, creates two
identical 20-line quotations of storable products in stock, puts the first
one through its three reviews (all approved) and leaves the second one
untouched (no stage applies to it).  Then it times, as the salesperson, the
Confirm button (``action_confirm``, flush and precommit hooks included) of:

- the approved order (the add-on's gate, all reviews approved);
- the identical order no stage applies to: vanilla Odoo as the add-on lets
  it run when nothing is to be reviewed;
- the same order with every method the add-on overrides bypassed (the
  parent implementation is called): Odoo without the add-on's code.

Each confirmation runs in a savepoint rolled back afterwards; the variants
alternate (A B C A B C ...) so machine noise hits them alike.  Median times,
ratios and SQL query counts are printed.

    python benchmarks/bench_confirm.py --database sog_bench [--repeat 30]
"""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common

from odoo import Command, fields

GOAL_RATIO = 1.10
LINES = 20
VANILLA_REF = "BENCH-VANILLA"


def configure(parser):
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)


def setup(env):
    env["sale.review.stage"].search([]).action_archive()
    group = "sale_order_governance.group_reviewer_"
    salesperson = common.create_user(
        env, "salesperson", "Bench Salesperson", ["sales_team.group_sale_salesman"]
    )
    reviewers = {
        "sales": common.create_user(
            env,
            "sales_manager",
            "Bench Sales Manager",
            ["sales_team.group_sale_salesman", f"{group}sales"],
        ),
        "finance": common.create_user(
            env, "finance", "Bench Finance", [f"{group}finance"]
        ),
        "warehouse": common.create_user(
            env, "warehouse", "Bench Warehouse", [f"{group}warehouse"]
        ),
    }
    domain = repr([("client_order_ref", "!=", VANILLA_REF)])
    for name, department, sequence in (
        ("Bench Sales Manager", "sales", 10),
        ("Bench Finance", "finance", 20),
        ("Bench Warehouse", "warehouse", 20),
    ):
        env["sale.review.stage"].create(
            {
                "name": name,
                "department": department,
                "sequence": sequence,
                "domain": domain,
                "reviewer_user_ids": [Command.set(reviewers[department].ids)],
            }
        )
    payment_term = env.ref("account.account_payment_term_30days")
    customer = common.create_customer(env)
    customer.property_payment_term_id = payment_term
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Product {i:02d}",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0 + i,
                "standard_price": 60.0 + i,
            }
            for i in range(LINES)
        ]
    )
    stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", env.company.id)], limit=1)
        .lot_stock_id
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(product, stock, 1000.0)
    return salesperson, reviewers, customer, payment_term, products


def create_order(env, salesperson, customer, payment_term, products, **vals):
    return (
        env["sale.order"]
        .with_user(salesperson)
        .create(
            {
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "payment_term_id": payment_term.id,
                "commitment_date": fields.Datetime.now() + timedelta(days=10),
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2 + i % 5,
                            "price_unit": product.list_price,
                        }
                    )
                    for i, product in enumerate(products)
                ],
                **vals,
            }
        )
    )


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    with common.odoo_env(args) as env:
        salesperson, reviewers, customer, payment_term, products = setup(env)
        governed = create_order(env, salesperson, customer, payment_term, products)
        vanilla = create_order(
            env,
            salesperson,
            customer,
            payment_term,
            products,
            client_order_ref=VANILLA_REF,
        )
        governed.action_submit_for_review()
        for department in ("sales", "finance", "warehouse"):
            reviews = governed.governance_review_ids.filtered(
                lambda r, d=department: r.state == "pending" and r.department == d
            )
            reviews.with_user(reviewers[department]).action_approve()
        env.flush_all()
        assert governed.review_state == "approved", governed.review_state
        assert len(governed.governance_review_ids) == 3
        assert not vanilla._review_applicable_stages()
        assert vanilla.review_state == "not_submitted"

        def confirm(order):
            def run():
                order.with_user(salesperson).action_confirm()
                assert order.state == "sale"

            return run

        with common.parent_implementation(env) as patched:
            pass  # count the overrides once, for the report
        samples = common.measure_interleaved(
            env,
            {
                "governed": confirm(governed),
                "vanilla": confirm(vanilla),
                "parent": (confirm(vanilla), lambda: common.parent_implementation(env)),
            },
            args.repeat,
            warmup=args.warmup,
        )
        governed_ms = common.median_ms(samples["governed"])
        vanilla_ms = common.median_ms(samples["vanilla"])
        parent_ms = common.median_ms(samples["parent"])
        common.section(
            f"P1 confirm of a {LINES}-line order, median of {args.repeat} warm runs"
        )
        common.report(
            "approved order (3 reviews approved): action_confirm", governed_ms, "ms"
        )
        common.report(
            "vanilla order (no stage applies): action_confirm", vanilla_ms, "ms"
        )
        common.report(
            f"same, add-on overrides bypassed ({len(patched)} methods)", parent_ms, "ms"
        )
        common.report(
            "SQL queries: approved order", common.median_queries(samples["governed"])
        )
        common.report(
            "SQL queries: vanilla order", common.median_queries(samples["vanilla"])
        )
        common.report(
            "SQL queries: add-on overrides bypassed",
            common.median_queries(samples["parent"]),
        )
        common.report(
            "ratio approved / vanilla (no stage applies)",
            governed_ms / vanilla_ms,
            "x",
            goal=GOAL_RATIO,
        )
        common.report(
            "ratio approved / add-on bypassed",
            governed_ms / parent_ms,
            "x",
            goal=GOAL_RATIO,
        )
        common.report(
            "ratio vanilla / add-on bypassed (the add-on's cost when idle)",
            vanilla_ms / parent_ms,
            "x",
        )


if __name__ == "__main__":
    main()
