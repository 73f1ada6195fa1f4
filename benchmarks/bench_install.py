# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P6: install and upgrade the add-on on a database holding 1M orders (<= 2 min).

Creates ``--database`` from the template database of the add-on's
dependencies (``--template``, by default the one ``make test`` uses), then
fills it with SQL, committed and vacuumed, as a company running Odoo for
years before installing the add-on would be:

* 1M sales orders over 24 months: 15 % quotations, 10 % cancelled, 75 %
  confirmed, one line each;
* for 1 in 3 confirmed orders a transfer to the customer with its move,
  done (4 in 5) or reserved, the others without a transfer.

The ``pre_init_hook`` is first timed alone, in a transaction rolled back
(it is part of the install figure).

Then it times, with the virtualenv's Odoo, as separate processes:

1. ``odoo-bin -i sale_order_governance --stop-after-init`` (install: the
   ``pre_init_hook`` creates and fills the big columns with SQL);
2. ``odoo-bin -u sale_order_governance --stop-after-init`` (upgrade).

and checks that every order got its stage.  The database is the benchmark's
own: it is dropped and recreated with ``--recreate``, never otherwise, and
dropped at the end with ``--drop`` (also after a failure; this process's
own connections are closed first, then any other is ended).

    python benchmarks/bench_install.py --database sog_bench_install --recreate
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common

ADDON = "sale_order_governance"
GOAL_S = 120.0
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.expanduser("~/.cache/sale_order_governance")


def configure(parser):
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument(
        "--template",
        help="database to copy (default: the add-on's dependency template)",
    )
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="drop --database first if it exists (it must be the benchmark's)",
    )
    parser.add_argument("--drop", action="store_true", help="drop it at the end")
    parser.add_argument(
        "--odoo-bin",
        default=os.path.join(VENV, "odoo", "odoo-bin"),
        help="Odoo's launcher (default: %(default)s)",
    )


def default_template():
    depends = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "manifest_depends.py"), ADDON],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    # The optional modules ``make test`` adds to its template (Makefile).
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as makefile:
        optional = next(
            line.split(":=")[1].split()
            for line in makefile
            if line.startswith("OPTIONAL_MODULES")
        )
    checksum = subprocess.run(
        ["cksum"],
        input=" ".join(depends + optional) + "\n",
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[0]
    return f"sog_template_{checksum}"


def psql(database, sql):
    return subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-d", database, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_exists(name):
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")


def create_database(args, data_dir):
    template = args.template or default_template()
    if database_exists(args.database):
        if not args.recreate:
            sys.exit(
                f"{args.database} exists: give --recreate to drop it (only a "
                "database of this benchmark)"
            )
        drop_database(args.database, data_dir)
    subprocess.run(["createdb", "-T", template, args.database], check=True)
    source = os.path.join(data_dir, "filestore", template)
    if os.path.isdir(source):
        shutil.copytree(source, os.path.join(data_dir, "filestore", args.database))
    return template


def generate(args):
    """Customer, product and salesperson by the ORM; the volume by SQL."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import SQL

    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "sale.order.review" in env:
            sys.exit(f"{ADDON} is already installed in {args.database}")
        partner = env["res.partner"].create({"name": common.BENCH_CUSTOMER})
        product = env["product.product"].create(
            {"name": "SOG Install Product", "type": "consu", "is_storable": True}
        )
        user = env.ref("base.user_admin")
        company = env.company
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        out_type = warehouse.out_type_id
        env.flush_all()
        seconds = int(24 * 30.4 * 86400 / args.orders)
        params = {
            "count": args.orders,
            "seconds": seconds,
            "company": company.id,
            "partner": partner.id,
            "user": user.id,
            "team": env["crm.team"].search([], limit=1).id,
            "currency": company.currency_id.id,
            "product": product.id,
            "uom": product.uom_id.id,
            "stock": warehouse.lot_stock_id.id,
            "customer": env.ref("stock.stock_location_customers").id,
            "out_type": out_type.id,
            "pattern": "INSTALL/%",
        }
        cr.execute("SET LOCAL session_replication_role = replica")
        start = time.perf_counter()
        cr.execute(
            SQL(
                """
                WITH src AS (
                    SELECT g, mod(g::bigint * 2654435761, 1000)::int AS h,
                           (now() AT TIME ZONE 'UTC')
                               - make_interval(secs => g * %(seconds)s) AS day
                      FROM generate_series(1, %(count)s) AS g
                )
                INSERT INTO sale_order (
                    name, company_id, partner_id, partner_invoice_id,
                    partner_shipping_id, user_id, team_id, currency_id,
                    date_order, commitment_date, picking_policy, state, locked,
                    amount_untaxed, amount_tax, amount_total, margin,
                    currency_rate, invoice_status,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'INSTALL/' || lpad(g::text, 8, '0'), %(company)s,
                       %(partner)s, %(partner)s, %(partner)s, %(user)s, %(team)s,
                       %(currency)s, day, day + interval '5 days', 'direct',
                       CASE WHEN h < 150 THEN 'draft' WHEN h < 250 THEN 'cancel'
                            ELSE 'sale' END,
                       FALSE, 100 + h, 0, 100 + h, 20, 1.0,
                       CASE WHEN h < 250 THEN 'no' ELSE 'to invoice' END,
                       %(user)s, %(user)s, day, day
                  FROM src
                """,
                **params,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO sale_order_line (
                    order_id, name, sequence, product_id, product_uom,
                    product_uom_qty, price_unit, customer_lead, discount,
                    price_subtotal, price_tax, price_total, margin,
                    qty_delivered, qty_invoiced, qty_to_invoice,
                    qty_delivered_method, invoice_status, state, company_id,
                    currency_id, order_partner_id, salesman_id,
                    create_uid, write_uid, create_date, write_date)
                SELECT o.id, 'Line', 10, %(product)s, %(uom)s, 1, o.amount_untaxed,
                       0, 0, o.amount_untaxed, 0, o.amount_untaxed, 20,
                       0, 0, 0, 'stock_move', 'no', o.state, o.company_id,
                       o.currency_id, o.partner_id, o.user_id,
                       o.create_uid, o.create_uid, o.create_date, o.write_date
                  FROM sale_order o
                 WHERE o.name LIKE %(pattern)s
                """,
                **params,
            )
        )
        # A transfer for a quarter of the confirmed orders: done (4 in 5)
        # or reserved.
        cr.execute(
            SQL(
                """
                WITH src AS (
                    SELECT o.id AS order_id, o.date_order, o.name,
                           CASE WHEN mod(o.id, 5) = 0 THEN 'assigned'
                                ELSE 'done' END AS state
                      FROM sale_order o
                     WHERE o.name LIKE %(pattern)s AND o.state = 'sale'
                       AND mod(o.id, 3) = 0
                ), picking AS (
                    INSERT INTO stock_picking (
                        name, origin, sale_id, partner_id, company_id,
                        picking_type_id, location_id, location_dest_id,
                        move_type, state, scheduled_date, date_done,
                        create_uid, write_uid, create_date, write_date)
                    SELECT 'WH/OUT/' || src.order_id, src.name, src.order_id,
                           %(partner)s, %(company)s, %(out_type)s, %(stock)s,
                           %(customer)s, 'direct', src.state, src.date_order,
                           CASE WHEN src.state = 'done'
                                THEN src.date_order + interval '2 days' END,
                           %(user)s, %(user)s, src.date_order, src.date_order
                      FROM src
                 RETURNING id, sale_id, state, scheduled_date
                )
                INSERT INTO stock_move (
                    name, picking_id, product_id, product_uom, product_uom_qty,
                    quantity, location_id, location_dest_id, location_final_id,
                    procure_method, company_id, state, date, picking_type_id,
                    sale_line_id, create_uid, write_uid, create_date, write_date)
                SELECT 'Move', picking.id, %(product)s, %(uom)s, 1, 1,
                       %(stock)s, %(customer)s, %(customer)s, 'make_to_stock',
                       %(company)s, picking.state, picking.scheduled_date,
                       %(out_type)s, l.id, %(user)s, %(user)s,
                       picking.scheduled_date, picking.scheduled_date
                  FROM picking
                  JOIN sale_order_line l ON l.order_id = picking.sale_id
                """,
                **params,
            )
        )
        cr.execute(
            """UPDATE sale_order_line l SET qty_delivered = 1
                 FROM stock_move m
                WHERE m.sale_line_id = l.id AND m.state = 'done'"""
        )
        cr.commit()
        common.report(
            "orders, lines and transfers generated", time.perf_counter() - start, "s"
        )
        cr.execute(
            """SELECT (SELECT count(*) FROM sale_order),
                      (SELECT count(*) FROM sale_order_line),
                      (SELECT count(*) FROM stock_picking)"""
        )
        counts = cr.fetchone()
        common.report("sale_order rows", counts[0])
        common.report("sale_order_line rows", counts[1])
        common.report("stock_picking rows", counts[2])
        cr.commit()
        cr._cnx.autocommit = True
        start = time.perf_counter()
        for table in ("sale_order", "sale_order_line", "stock_picking", "stock_move"):
            cr.execute(f"VACUUM ANALYZE {table}")
        cr._cnx.autocommit = False
        common.report("VACUUM ANALYZE", time.perf_counter() - start, "s")
    hook_breakdown(registry)
    close_connections(args.database)


def close_connections(database):
    """Forget the registry and close this process's connections to it."""
    import odoo

    odoo.modules.registry.Registry.delete(database)
    odoo.sql_db.close_db(database)


def drop_database(database, data_dir):
    close_connections(database)
    subprocess.run(["dropdb", "--if-exists", "--force", database], check=True)
    shutil.rmtree(os.path.join(data_dir, "filestore", database), True)


def hook_breakdown(registry):
    """The pre_init_hook alone, timed in a transaction rolled back."""
    from odoo import SUPERUSER_ID, api

    from odoo.addons.sale_order_governance import hooks

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        start = time.perf_counter()
        hooks.pre_init_hook(env)
        common.report(
            "pre_init_hook: review_state and tracking columns (rolled back)",
            time.perf_counter() - start,
            "s",
        )
        cr.rollback()


def odoo_command(args, *options):
    """``odoo-bin`` of the virtualenv on ``args.database`` with ``options``;
    with an option (install, upgrade), it stops once done."""
    command = [
        sys.executable,
        args.odoo_bin,
        "-c",
        args.config,
        "-d",
        args.database,
        *options,
    ]
    if options:
        command += ["--stop-after-init", "--without-demo=all"]
    return command


def run_odoo(args, option, label):
    command = odoo_command(
        args, option, ADDON, "--log-level=warn", "--max-cron-threads=0"
    )
    start = time.perf_counter()
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    errors = [
        line
        for line in result.stderr.splitlines()
        if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
    ]
    if result.returncode or errors:
        print(result.stderr[-4000:])
        sys.exit(f"{label} failed")
    common.report(label, elapsed, "s", goal=GOAL_S)


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    import odoo

    common.configure_odoo(args)
    data_dir = odoo.tools.config["data_dir"]
    common.section(f"P6 install and upgrade: {args.orders} orders in {args.database}")
    template = create_database(args, data_dir)
    try:
        common.report("template database", template)
        generate(args)
        measure(args)
    finally:
        if args.drop:
            drop_database(args.database, data_dir)
            common.report(f"{args.database} dropped", "yes")


def measure(args):
    run_odoo(args, "-i", f"install {ADDON}")
    stages = psql(
        args.database,
        "SELECT string_agg(stage || '=' || n, ' ' ORDER BY stage) FROM ("
        "SELECT COALESCE(governance_stage, 'NULL') AS stage, count(*) AS n "
        "FROM sale_order GROUP BY 1) s",
    )
    common.report("orders per stage after install", stages)
    missing = int(
        psql(
            args.database,
            "SELECT count(*) FROM sale_order WHERE governance_stage IS NULL",
        )
    )
    common.report("orders without a stage", missing, goal=0)
    run_odoo(args, "-u", f"upgrade {ADDON}")


if __name__ == "__main__":
    main()
