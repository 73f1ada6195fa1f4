# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Load: 12 XML-RPC clients against a prefork Odoo (--workers=4).

Creates ``--database`` (a copy of ``--source``, a database where the add-on
is installed, or of the dependency template, then installs the add-on),
builds its data through the ORM and commits it:

* two review stages of one step, Finance and Warehouse, in parallel, that
  apply to every order but those referenced ``BENCH-VANILLA``;
* ``--customers`` customers without credit limit, orders of ``--lines``
  lines (20, as in P1) of storable products in stock (each client its own
  products), spread over the customers and over 3 salespeople:
  ``--orders`` orders submitted for review and as many the stages do not
  apply to (vanilla Odoo);

then starts Odoo's prefork server on it (``--workers=4``, 127.0.0.1, ports
of its own, no cron worker) and runs 12 client threads over XML-RPC:

1. governed: 6 pairs of clients, one per reviewer; for each order both
   clients of the pair approve their review at the same moment (a barrier),
   then one of them confirms the order as its salesperson;
2. vanilla: the same 12 clients confirm the orders no stage applies to.

Before the clock starts, one governed order per pair and one vanilla order
per client go through the same phases, unmeasured: every worker has then run
the approval and confirmation code once, as in a server that has been up.
The measured orders are split in ``--rounds`` rounds, governed and vanilla
phases alternating (G V V G ...): the load of a shared machine weighs on both.

It prints the approve latency (p50, p95), the confirm latencies, the
governed throughput (orders cleared and confirmed per second: 2 approvals
and 1 confirmation each) and the vanilla one, beside their goals; checks
that every order was cleared and confirmed exactly once (its reviews, state,
pickings and messages) and counts the serialization retries and errors in
the server's log. The server is stopped and the database dropped at the end,
also after a failure.

    python benchmarks/bench_load.py --database sog_bench_perf_load \\
        --source sog_bench_perf_run [--orders 96]
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import xmlrpc.client
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common
from bench_install import (
    ADDON,
    database_exists,
    default_template,
    drop_database,
    odoo_command,
)

GOAL_APPROVE_P95_MS = 1000.0
GOAL_THROUGHPUT_RATIO = 0.6
PAIRS = 6
VANILLA_REF = "BENCH-VANILLA"
PASSWORD = "sog-bench-load"
WORKERS = 4
# Orders run before the clock starts: one per pair, one per vanilla client.
WARM_GOVERNED = PAIRS
WARM_VANILLA = 2 * PAIRS


def configure(parser):
    parser.add_argument("--orders", type=int, default=96, help="governed orders")
    parser.add_argument("--customers", type=int, default=3)
    parser.add_argument(
        "--lines", type=int, default=20, help="lines per order (P1's order: 20)"
    )
    parser.add_argument(
        "--source",
        help="database with the add-on installed, to copy (it must be idle); "
        "by default the dependency template is copied and the add-on installed",
    )
    parser.add_argument(
        "--odoo-bin",
        default=os.path.expanduser("~/.cache/sale_order_governance/odoo/odoo-bin"),
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="governed and vanilla phases alternate this many times",
    )
    parser.add_argument("--keep-log", help="copy the server's log to this file")


# ----------------------------------------------------------------------------
# Database and data
# ----------------------------------------------------------------------------


def create_database(args, data_dir):
    if not args.database.startswith("sog_bench"):
        sys.exit("--database must be a benchmark database (sog_bench...)")
    if database_exists(args.database):
        drop_database(args.database, data_dir)
    source = args.source or default_template()
    subprocess.run(["createdb", "-T", source, args.database], check=True)
    filestore = os.path.join(data_dir, "filestore")
    if os.path.isdir(os.path.join(filestore, source)):
        shutil.copytree(
            os.path.join(filestore, source), os.path.join(filestore, args.database)
        )
    if not args.source:
        subprocess.run(odoo_command(args, "-i", ADDON, "--log-level=warn"), check=True)


def build(args):
    """Users, stages, customers, products and orders, committed."""
    from odoo import SUPERUSER_ID, Command, api, fields
    from odoo.modules.registry import Registry

    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env.company
        # The figures assume no credit limit (see the README).
        company.account_use_credit_limit = False
        env["sale.review.stage"].search([]).action_archive()

        def user(key, name, groups):
            created = common.create_user(env, f"load_{key}", name, groups)
            created.write({"password": PASSWORD, "notification_type": "email"})
            return created

        group = "sale_order_governance.group_reviewer_"
        finance = user("finance", "Load Finance", [f"{group}finance"])
        warehouse = user("warehouse", "Load Warehouse", [f"{group}warehouse"])
        sellers = [
            user(f"seller_{i}", f"Load Seller {i}", ["sales_team.group_sale_salesman"])
            for i in range(3)
        ]
        domain = repr([("client_order_ref", "!=", VANILLA_REF)])
        for name, department, reviewer in (
            ("Load Finance", "finance", finance),
            ("Load Warehouse", "warehouse", warehouse),
        ):
            env["sale.review.stage"].create(
                {
                    "name": name,
                    "department": department,
                    "sequence": 10,
                    "domain": domain,
                    "reviewer_user_ids": [Command.set(reviewer.ids)],
                }
            )
        term = env.ref("account.account_payment_term_30days")
        customers = env["res.partner"].create(
            [
                {
                    "name": f"{common.BENCH_CUSTOMER} {i}",
                    "is_company": True,
                    "email": f"load.customer{i}@bench.example.com",
                    "property_payment_term_id": term.id,
                }
                for i in range(args.customers)
            ]
        )
        # Each client reserves its own products: confirmations of different
        # clients never wait for one another on a stock quant (a contention
        # of Odoo's stock, with or without the add-on).
        clients = 2 * PAIRS
        products = common.create_stocked_products(
            env,
            [
                f"Load Product {client}.{i}"
                for client in range(clients)
                for i in range(args.lines)
            ],
        )

        def orders(count, ref, per_client):
            vals_list = []
            for i in range(count):
                seller = sellers[i % len(sellers)]
                client = i % per_client
                lines = products[client * args.lines : (client + 1) * args.lines]
                vals_list.append(
                    {
                        "partner_id": customers[i % len(customers)].id,
                        "user_id": seller.id,
                        "payment_term_id": term.id,
                        "client_order_ref": ref,
                        "commitment_date": fields.Datetime.now() + timedelta(days=10),
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 1 + j}
                            )
                            for j, product in enumerate(lines)
                        ],
                    }
                )
            return env["sale.order"].create(vals_list)

        start = time.perf_counter()
        # Governed orders go to the pairs (order i to pair i % 6), vanilla
        # ones to the clients (order i to client i % 12).
        # The first orders of each kind warm the workers up (see warm_up).
        governed = orders(args.orders + WARM_GOVERNED, "BENCH-LOAD", PAIRS)
        vanilla = orders(args.orders + WARM_VANILLA, VANILLA_REF, clients)
        for order in governed:
            order.with_user(order.user_id).action_submit_for_review()
        cr.commit()
        common.report(
            "orders built and submitted (ORM)", time.perf_counter() - start, "s"
        )
        plan = []
        for order in governed:
            reviews = {
                review.department: review.id for review in order.governance_review_ids
            }
            assert set(reviews) == {"finance", "warehouse"}, reviews
            assert order.review_state == "in_review"
            plan.append(
                (order.id, order.user_id.id, reviews["finance"], reviews["warehouse"])
            )
        users = {
            "finance": finance.id,
            "warehouse": warehouse.id,
        }
        vanilla_plan = [(order.id, order.user_id.id) for order in vanilla]
        assert all(not order._review_applicable_stages() for order in vanilla)
    return registry, plan, vanilla_plan, users


# ----------------------------------------------------------------------------
# Server
# ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, log_path):
    http_port, gevent_port = free_port(), free_port()
    command = [
        *odoo_command(args),
        f"--db-filter=^{args.database}$",
        f"--workers={WORKERS}",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={http_port}",
        f"--gevent-port={gevent_port}",
        "--log-level=info",
    ]
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop_server
    # Its own process group: stopping it stops its workers and gevent child.
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.log = log
    url = f"http://127.0.0.1:{http_port}/xmlrpc/2/common"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (see {log_path})")
        try:
            xmlrpc.client.ServerProxy(url).version()
            return process, http_port
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not answer within 120 s")


def stop_server(process):
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass
    process.log.close()


# ----------------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------------


class Client:
    """One XML-RPC connection (a ServerProxy is not shared between threads).

    ``results`` collects, for every thread, the latencies per kind of call
    and the errors.
    """

    def __init__(self, port, database, results):
        self.database = database
        self.results = results
        self.proxy = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{port}/xmlrpc/2/object", allow_none=True
        )

    def call(self, kind, uid, model, method, record_id):
        start = time.perf_counter()
        try:
            self.proxy.execute_kw(
                self.database, uid, PASSWORD, model, method, [[record_id]]
            )
        except xmlrpc.client.Fault as fault:
            self.results.add(
                "errors", f"{kind} {record_id}: {fault.faultString[-300:]}"
            )
        else:
            self.results.add(kind, (time.perf_counter() - start) * 1000.0)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"approve": [], "confirm": [], "errors": []}

    def add(self, kind, value):
        with self.lock:
            self.values[kind].append(value)


def run_threads(targets):
    """Start the threads together, wait for them; the elapsed seconds."""
    threads = [threading.Thread(target=target, args=args) for target, args in targets]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def run_governed(port, database, plan, users):
    """6 pairs: both reviews of an order approved at once, then confirmed."""
    results = Results()

    def pair(index, side, barrier):
        client = Client(port, database, results)
        for order_id, seller_id, finance_id, warehouse_id in plan[index::PAIRS]:
            review_id = finance_id if side == "finance" else warehouse_id
            barrier.wait()
            client.call(
                "approve", users[side], "sale.order.review", "action_approve", review_id
            )
            barrier.wait()
            if side == "finance":
                client.call(
                    "confirm", seller_id, "sale.order", "action_confirm", order_id
                )

    targets = []
    for index in range(PAIRS):
        barrier = threading.Barrier(2)
        targets += [(pair, (index, side, barrier)) for side in ("finance", "warehouse")]
    return run_threads(targets), results.values


def run_vanilla(port, database, plan):
    """12 clients confirm the orders no stage applies to."""
    results = Results()
    clients = 2 * PAIRS

    def client_loop(index):
        client = Client(port, database, results)
        for order_id, seller_id in plan[index::clients]:
            client.call("confirm", seller_id, "sale.order", "action_confirm", order_id)

    elapsed = run_threads([(client_loop, (index,)) for index in range(clients)])
    return elapsed, results.values


def warm_up(port, database, plan, vanilla_plan, users):
    """Each worker loads its registry and runs the approval and confirmation
    code once (templates compiled, caches filled) before the clock starts,
    as in a server that has been running: the first orders of each kind go
    through the same phases, unmeasured. Returns their errors."""
    client = Client(port, database, Results())
    for _round in range(2 * WORKERS):
        for uid in (*users.values(), plan[0][1]):
            client.proxy.execute_kw(
                database, uid, PASSWORD, "sale.order", "search_count", [[]]
            )
    _seconds, governed = run_governed(port, database, plan, users)
    _seconds, vanilla = run_vanilla(port, database, vanilla_plan)
    return governed["errors"] + vanilla["errors"]


# ----------------------------------------------------------------------------
# Checks and report
# ----------------------------------------------------------------------------


def check(registry, plan, vanilla_plan):
    """Every order cleared and confirmed exactly once."""
    from odoo.tools import SQL

    governed_ids = [row[0] for row in plan]
    vanilla_ids = [row[0] for row in vanilla_plan]
    with registry.cursor() as cr:
        cr.execute(
            SQL(
                """
                SELECT o.id, o.state, o.review_state,
                       (SELECT count(*) FROM sale_order_review r
                         WHERE r.order_id = o.id AND r.res_model = 'sale.order'),
                       (SELECT count(*) FROM sale_order_review r
                         WHERE r.order_id = o.id AND r.state = 'approved'),
                       (SELECT count(*) FROM stock_picking p WHERE p.sale_id = o.id),
                       (SELECT count(*) FROM mail_message m
                         WHERE m.model = 'sale.order' AND m.res_id = o.id
                           AND m.body::text LIKE %s),
                       (SELECT count(*) FROM mail_activity a
                         WHERE a.res_model = 'sale.order' AND a.res_id = o.id
                           AND a.summary = %s)
                  FROM sale_order o WHERE o.id = ANY(%s)
                """,
                "%Every review is approved.%",
                "Reviews approved: confirm the order",
                governed_ids + vanilla_ids,
            )
        )
        rows = {row[0]: row[1:] for row in cr.fetchall()}
    wrong = []
    for order_id in governed_ids:
        state, review_state, reviews, approved, pickings, cleared, to_dos = rows[
            order_id
        ]
        if (state, review_state, reviews, approved, pickings, cleared) != (
            "sale",
            "approved",
            2,
            2,
            1,
            1,
        ) or to_dos > 1:
            wrong.append((order_id, rows[order_id]))
    for order_id in vanilla_ids:
        state, _review_state, reviews, _approved, pickings, _cleared, _to_dos = rows[
            order_id
        ]
        if (state, reviews, pickings) != ("sale", 0, 1):
            wrong.append((order_id, rows[order_id]))
    return wrong


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def log_counts(log_path):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    return {
        "serialization retries (try again)": len(
            re.findall(r"tries left, try again", text)
        ),
        "maximum number of tries reached": text.count(
            "maximum number of tries reached"
        ),
        "could not serialize (logged)": text.count("could not serialize access"),
        "ERROR lines": len(re.findall(r"^\S+ \S+ \d+ ERROR ", text, re.MULTILINE)),
        "gevent process crashes (zope.interface not found)": text.count(
            "The 'zope.interface' distribution was not found"
        ),
    }


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    import odoo

    common.configure_odoo(args)
    data_dir = odoo.tools.config["data_dir"]
    log_path = os.path.join(data_dir, f"{args.database}.log")
    common.section(
        f"Load: {args.orders} governed + {args.orders} vanilla orders, "
        f"{2 * PAIRS} XML-RPC clients, --workers={WORKERS}"
    )
    process = None
    created = False
    try:
        create_database(args, data_dir)
        created = True
        registry, plan, vanilla_plan, users = build(args)
        process, port = start_server(args, log_path)
        warm_plan, plan = plan[:WARM_GOVERNED], plan[WARM_GOVERNED:]
        warm_vanilla, vanilla_plan = (
            vanilla_plan[:WARM_VANILLA],
            vanilla_plan[WARM_VANILLA:],
        )
        warm_errors = warm_up(port, args.database, warm_plan, warm_vanilla, users)
        # Governed and vanilla rounds alternate (G V V G G V ...), so that
        # the load of a shared machine, which comes and goes, weighs on both.
        elapsed = vanilla_elapsed = 0.0
        governed = {"approve": [], "confirm": [], "errors": []}
        vanilla = {"confirm": [], "errors": []}
        rounds = max(1, args.rounds)
        size = -(-len(plan) // rounds)
        for index in range(rounds):
            chunk = slice(index * size, (index + 1) * size)
            phases = [
                (
                    "governed",
                    lambda c=chunk: run_governed(port, args.database, plan[c], users),
                ),
                (
                    "vanilla",
                    lambda c=chunk: run_vanilla(port, args.database, vanilla_plan[c]),
                ),
            ]
            for name, phase in phases if index % 2 == 0 else reversed(phases):
                seconds, values = phase()
                target = governed if name == "governed" else vanilla
                for key, found in values.items():
                    target.setdefault(key, []).extend(found)
                if name == "governed":
                    elapsed += seconds
                else:
                    vanilla_elapsed += seconds
        approvals, confirms = governed["approve"], governed["confirm"]
        vanilla_confirms = vanilla["confirm"]
        errors = warm_errors + governed["errors"] + vanilla["errors"]
        governed_rate = len(plan) / elapsed
        vanilla_rate = len(vanilla_plan) / vanilla_elapsed
        common.section("Load: figures")
        common.report("approve latency p50", statistics.median(approvals), "ms")
        common.report(
            "approve latency p95",
            percentile(approvals, 0.95),
            "ms",
            goal=GOAL_APPROVE_P95_MS,
        )
        common.report("approve latency max", max(approvals), "ms")
        common.report("governed confirm latency p50", statistics.median(confirms), "ms")
        common.report("governed confirm latency p95", percentile(confirms, 0.95), "ms")
        common.report(
            "vanilla confirm latency p50", statistics.median(vanilla_confirms), "ms"
        )
        common.report(
            "vanilla confirm latency p95", percentile(vanilla_confirms, 0.95), "ms"
        )
        common.report(
            "governed throughput (2 approvals + 1 confirm)", governed_rate, "orders/s"
        )
        common.report("vanilla throughput (confirm)", vanilla_rate, "orders/s")
        common.report(
            "ratio governed / vanilla throughput",
            governed_rate / vanilla_rate,
            "x",
            goal=GOAL_THROUGHPUT_RATIO,
            lower_is_better=False,
        )
        common.report("client errors", len(errors), goal=0)
        for error in errors[:5]:
            print("   ", error)
        wrong = check(registry, warm_plan + plan, warm_vanilla + vanilla_plan)
        common.report(
            "orders not cleared and confirmed exactly once", len(wrong), goal=0
        )
        for row in wrong[:5]:
            print("   ", row)
        stop_server(process)
        process = None
        for label, count in log_counts(log_path).items():
            common.report(f"server log: {label}", count)
        if args.keep_log:
            shutil.copy(log_path, args.keep_log)
        if errors or wrong:
            sys.exit("load benchmark: some orders failed")
    finally:
        stop_server(process)
        if created:
            drop_database(args.database, data_dir)
        if os.path.exists(log_path):
            os.remove(log_path)


if __name__ == "__main__":
    main()
