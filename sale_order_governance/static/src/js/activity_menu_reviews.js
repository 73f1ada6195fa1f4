/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The "Reviews to Decide" group of the activity menu opens "My Reviews".

import { ActivityMenu } from "@mail/core/web/activity_menu";
import { patch } from "@web/core/utils/patch";

patch(ActivityMenu.prototype, {
    openActivityGroup(group, filter = "all") {
        if (!group.governance_reviews) {
            return super.openActivityGroup(...arguments);
        }
        this.dropdown.close();
        const additionalContext = {};
        if (filter === "overdue") {
            additionalContext.search_default_filter_overdue = 1;
        }
        this.action.doAction("sale_order_governance.sale_order_review_action_mine", {
            additionalContext,
            clearBreadcrumbs: true,
        });
    },
});
