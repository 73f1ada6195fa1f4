# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P1, P1b: confirming a reviewed 20-line order vs vanilla Odoo (goal <= 1.05x).

Two databases in one process: ``--database`` (the add-on installed) and
``--vanilla-database``, created from ``--template`` (the same Odoo modules,
without the add-on) and dropped at the end. In each, in one transaction
rolled back at the end, with the native Sales credit limit ON (the company
checks credit limits, every customer has one):

* 20 storable products in stock, a salesperson, a customer;
* a big customer: ``--receivables`` open receivable lines (one posted
  invoice each) and ``--open-orders`` confirmed orders not invoiced yet,
  loaded with SQL (in the add-on's database its running credit totals are
  then computed again, as at install);
* with the add-on: three review stages (Sales Manager, then Finance and
  Warehouse in parallel) applying to every order but those referenced
  ``BENCH-VANILLA``.

Then it times, as the salesperson, the Confirm button (``action_confirm``,
flush and precommit hooks included: picking, 20 moves, reservation) of
identical 20-line quotations, each run in a savepoint rolled back, the
variants interleaved across both databases (each round runs every variant
once, in a random order):

* P1: the order of the customer, its three reviews approved (add-on) vs the
  same order in the vanilla database;
* P1b: the same for the big customer: the credit decision must not grow
  with the customer's history;
* for information: an order no stage applies to, in the add-on's database.

    python benchmarks/bench_confirm.py --database sog_bench \\
        --vanilla-database sog_bench_vanilla --template sog_template_... [--repeat 40]
"""

import contextlib
import os
import random
import subprocess
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common
from bench_credit_exposure import generate_invoices, generate_order_lines
from bench_install import database_exists, default_template, drop_database

GOAL_RATIO = 1.05
LINES = 20
VANILLA_REF = "BENCH-VANILLA"
CREDIT_LIMIT = 1e12


def configure(parser):
    parser.add_argument("--vanilla-database", required=True)
    parser.add_argument(
        "--template",
        help="database the vanilla one is copied from (default: the add-on's "
        "dependency template)",
    )
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--receivables", type=int, default=50_000)
    parser.add_argument("--open-orders", type=int, default=5_000)


# ----------------------------------------------------------------------------
# Data, identical in both databases
# ----------------------------------------------------------------------------


def setup_common(env, args):
    """Credit limit on; salesperson, customers, products; the big history."""
    company = env.company
    company.account_use_credit_limit = True
    salesperson = common.create_user(
        env, "salesperson", "Bench Salesperson", ["sales_team.group_sale_salesman"]
    )
    payment_term = env.ref("account.account_payment_term_30days")
    customer, big = env["res.partner"].create(
        [
            {
                "name": common.BENCH_CUSTOMER,
                "is_company": True,
                "property_payment_term_id": payment_term.id,
            },
            {
                "name": f"{common.BENCH_CUSTOMER} (big)",
                "is_company": True,
                "property_payment_term_id": payment_term.id,
            },
        ]
    )
    for partner in customer | big:
        partner.with_company(company).credit_limit = CREDIT_LIMIT
    products = common.create_stocked_products(
        env,
        [f"Bench Product {i:02d}" for i in range(LINES)],
        taxes_id=False,
    )
    # The big customer's history: open receivables and orders to invoice.
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    env.flush_all()
    with common.fast_bulk_load(env):
        generate_invoices(
            env,
            big.ids,
            args.receivables,
            journal,
            big.property_account_receivable_id,
            journal.default_account_id,
        )
        first = common.generate_orders(env, args.open_orders, big, salesperson, "sale")
        generate_order_lines(env, first, args.open_orders, products[0], False)
    if "sale.credit.exposure" in env:
        env["sale.credit.exposure"]._rebuild_totals(big)
    common.analyze(
        env, "account_move", "account_move_line", "sale_order", "sale_order_line"
    )
    env.invalidate_all()
    return salesperson, customer, big, payment_term, products


def setup_reviews(env):
    """Three stages applying to every order but the ``BENCH-VANILLA`` ones."""
    from odoo import Command

    env["sale.review.stage"].search([]).action_archive()
    group = "sale_order_governance.group_reviewer_"
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
    return reviewers


def create_order(env, salesperson, customer, payment_term, products, **vals):
    from odoo import Command, fields

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


def approve(order, reviewers):
    order.action_submit_for_review()
    for department in ("sales", "finance", "warehouse"):
        reviews = order.governance_review_ids.filtered(
            lambda r, d=department: r.state == "pending" and r.department == d
        )
        reviews.with_user(reviewers[department]).action_approve()
    order.env.flush_all()
    assert order.review_state == "approved", order.review_state
    assert len(order.governance_review_ids) == 3


# ----------------------------------------------------------------------------
# Measure
# ----------------------------------------------------------------------------


def confirm(order, salesperson):
    def run():
        order.with_user(salesperson).action_confirm()
        assert order.state == "sale"

    return run


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    if not args.vanilla_database.startswith("sog_bench"):
        sys.exit("--vanilla-database must be a benchmark database (sog_bench...)")
    import odoo

    common.configure_odoo(args)
    data_dir = odoo.tools.config["data_dir"]
    if database_exists(args.vanilla_database):
        drop_database(args.vanilla_database, data_dir)
    template = args.template or default_template()
    subprocess.run(["createdb", "-T", template, args.vanilla_database], check=True)
    try:
        with contextlib.ExitStack() as stack:
            governed_env = stack.enter_context(common.odoo_env(args))
            vanilla_env = stack.enter_context(
                common.odoo_env(args, args.vanilla_database, governed=False)
            )
            run(args, governed_env, vanilla_env)
    finally:
        drop_database(args.vanilla_database, data_dir)


def run(args, governed_env, vanilla_env):
    common.section(
        f"P1/P1b data: 20-line orders; big customer with {args.receivables} open "
        f"receivable lines and {args.open_orders} orders to invoice"
    )
    orders = {}
    for label, env in (("governed", governed_env), ("vanilla", vanilla_env)):
        data = common.timed(
            f"{label} database: data", lambda env=env: setup_common(env, args)
        )
        salesperson, customer, big, payment_term, products = data
        reviewers = setup_reviews(env) if label == "governed" else None
        for key, partner in (("normal", customer), ("big", big)):
            vals = {} if reviewers else {"client_order_ref": VANILLA_REF}
            order = create_order(
                env, salesperson, partner, payment_term, products, **vals
            )
            if reviewers:
                approve(order, reviewers)
            orders[label, key] = (env, confirm(order, salesperson))
        if reviewers:
            order = create_order(
                env,
                salesperson,
                customer,
                payment_term,
                products,
                client_order_ref=VANILLA_REF,
            )
            assert not order._review_applicable_stages()
            orders[label, "no stage"] = (env, confirm(order, salesperson))
        env.flush_all()

    def variant(key):
        env, func = orders[key]
        return lambda: common.run_once(env, func)

    # Every round runs each variant once, in a new random order (seeded):
    # the load of a shared machine, which comes and goes, hits them alike.
    shuffle = random.Random(20261202).shuffle
    samples = {key: [] for key in orders}
    for _round in range(args.warmup):
        for key in orders:
            variant(key)()
    for _round in range(args.repeat):
        keys = list(orders)
        shuffle(keys)
        for key in keys:
            samples[key].append(variant(key)())

    def ms(key):
        return common.median_ms(samples[key])

    def compare(name, customer):
        governed, vanilla = ("governed", customer), ("vanilla", customer)
        common.report("approved order (3 reviews): action_confirm", ms(governed), "ms")
        common.report("vanilla database: action_confirm", ms(vanilla), "ms")
        common.report(
            "SQL queries: approved / vanilla database",
            f"{common.median_queries(samples[governed])} / "
            f"{common.median_queries(samples[vanilla])}",
        )
        common.report(
            f"{name} ratio approved / vanilla database",
            ms(governed) / ms(vanilla),
            "x",
            goal=GOAL_RATIO,
        )

    common.section(
        f"P1 confirm of a {LINES}-line order, credit limit on, median of "
        f"{args.repeat} warm runs"
    )
    compare("P1", "normal")
    common.report(
        "for information: add-on, no stage applies (queries "
        f"{common.median_queries(samples['governed', 'no stage'])})",
        ms(("governed", "no stage")),
        "ms",
    )
    common.section(
        f"P1b the same order for the big customer ({args.receivables} open "
        f"receivable lines, {args.open_orders} orders to invoice)"
    )
    compare("P1b", "big")


if __name__ == "__main__":
    main()
