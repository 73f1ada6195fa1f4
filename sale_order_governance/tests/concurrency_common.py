# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import BaseCase
from odoo.tools import SQL


class CommittingCase(BaseCase):
    """Several Odoo workers at once: real cursors that commit.

    The records of these tests are committed (other connections must see
    them) and deleted again when each test ends. The shared review stages
    would apply to the test's company too: they are set aside meanwhile.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tests.common import get_db_name

        cls.registry = Registry(get_db_name())

    def _delete_orders(self, cr, order_ids):
        """Delete the test's committed orders (their lines go with them)."""
        if not order_ids:
            return
        # Reviews and overrides keep their order (ondelete restrict): test
        # data goes explicitly, they first.
        for table in ("sale_order_review", "sale_credit_override"):
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE order_id IN %s",
                    SQL.identifier(table),
                    tuple(order_ids),
                )
            )
        cr.execute(SQL("DELETE FROM sale_order WHERE id IN %s", tuple(order_ids)))

    def _set_shared_stages_aside(self, env):
        shared = env["sale.review.stage"].search([("company_id", "=", False)])
        self.shared_stage_ids = shared.ids
        shared.action_archive()

    def _restore_shared_stages(self, cr):
        if self.shared_stage_ids:
            cr.execute(
                SQL(
                    "UPDATE sale_review_stage SET active = TRUE WHERE id IN %s",
                    tuple(self.shared_stage_ids),
                )
            )
