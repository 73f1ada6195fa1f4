# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytz

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

# Column of sale_order_review the database keeps equal to its order's stage.
ORDER_STAGE_COLUMN = "order_governance_stage"


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    hours_taken = fields.Float(
        string="Hours Taken (Working Hours)",
        compute="_compute_hours_taken",
        store=True,
        readonly=True,
        aggregator="avg",
        help="Working hours of the company's calendar between the request and "
        "the decision, fixed when the review is decided.",
    )

    # Dimensions of the review analysis (sale.review.report) kept on the
    # review, so that a pivot over millions of reviews reads one table with
    # the day and the order stage as plain columns (their statistics let
    # PostgreSQL size the groups, see benchmarks/README.md, P5b).
    request_date = fields.Date(
        compute="_compute_request_date",
        store=True,
        readonly=True,
        help="Day the review was asked, in the time zone of the company's "
        "working calendar.",
    )

    def _auto_init(self):
        # Reviews already there (upgrade): the analysis columns are filled by
        # one statement, not by recomputing every review through the ORM.
        cr = self.env.cr
        if table_exists(cr, self._table) and not column_exists(
            cr, self._table, "request_date"
        ):
            create_column(cr, self._table, "request_date", "date")
            create_column(cr, self._table, ORDER_STAGE_COLUMN, "varchar")
            cr.execute(
                SQL(
                    """
                    UPDATE sale_order_review r
                       SET request_date = (r.requested_at AT TIME ZONE 'UTC'
                                           AT TIME ZONE COALESCE(zone.tz, 'UTC'))::date,
                           order_governance_stage = o.governance_stage
                      FROM sale_order o,
                           (SELECT c.id AS company_id, cal.tz
                              FROM res_company c
                              LEFT JOIN resource_calendar cal
                                ON cal.id = c.resource_calendar_id) zone
                     WHERE o.id = r.order_id AND zone.company_id = r.company_id
                    """
                )
            )
        return super()._auto_init()

    def init(self):
        res = super().init()
        # The stage of the reviewed order, copied on the review by the
        # database when the review is inserted and when the order's stage
        # changes. A stored related field would make the ORM look for the
        # reviews of an order each time anything its stage depends on changes
        # (114 queries when confirming a 20-line order); the trigger runs
        # when the stage itself changes. Read by sale.review.report only.
        self.env.cr.execute(
            SQL(
                f"""
                ALTER TABLE sale_order_review
                    ADD COLUMN IF NOT EXISTS {ORDER_STAGE_COLUMN} varchar;
                CREATE OR REPLACE FUNCTION sale_order_review_order_stage()
                RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                    IF TG_TABLE_NAME = 'sale_order' THEN
                        UPDATE sale_order_review
                           SET {ORDER_STAGE_COLUMN} = NEW.governance_stage
                         WHERE order_id = NEW.id;
                        RETURN NULL;
                    END IF;
                    NEW.{ORDER_STAGE_COLUMN} := (
                        SELECT governance_stage FROM sale_order
                         WHERE id = NEW.order_id);
                    RETURN NEW;
                END
                $body$;
                DROP TRIGGER IF EXISTS sale_order_review_order_stage ON sale_order;
                CREATE TRIGGER sale_order_review_order_stage
                    AFTER UPDATE OF governance_stage ON sale_order FOR EACH ROW
                    WHEN (OLD.governance_stage IS DISTINCT FROM NEW.governance_stage)
                    EXECUTE FUNCTION sale_order_review_order_stage();
                DROP TRIGGER IF EXISTS sale_order_review_order_stage
                    ON sale_order_review;
                CREATE TRIGGER sale_order_review_order_stage
                    BEFORE INSERT OR UPDATE OF order_id ON sale_order_review
                    FOR EACH ROW EXECUTE FUNCTION sale_order_review_order_stage();
                """
            )
        )
        return res

    @api.depends("requested_at")
    def _compute_request_date(self):
        for review in self:
            if not review.requested_at:
                review.request_date = False
                continue
            tz = pytz.timezone(review.company_id.resource_calendar_id.tz or "UTC")
            review.request_date = (
                pytz.utc.localize(review.requested_at).astimezone(tz).date()
            )

    # A stored compute is written by the ORM's flush, not through write():
    # the guard refusing writes on decided reviews does not apply to it.
    @api.depends("requested_at", "decided_at")
    def _compute_hours_taken(self):
        for review in self:
            start, end = review.requested_at, review.decided_at
            if not (start and end) or end <= start:
                review.hours_taken = 0.0
                continue
            calendar = review.company_id.resource_calendar_id
            review.hours_taken = (
                calendar.get_work_hours_count(start, end, compute_leaves=True)
                if calendar
                else (end - start).total_seconds() / 3600
            )
