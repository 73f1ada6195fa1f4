/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// These tours rely on data created by tests/test_ui.py.

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

tours.add("sale_order_governance_submit_tour", {
    steps: () => [
        {
            content: "The banner says why the quotation cannot be confirmed",
            trigger: ".alert-warning div[name='governance_blocking_reason']:contains('must be reviewed')",
        },
        {
            content: "Submit the quotation for review",
            trigger: "button[name='action_submit_for_review']",
            run: "click",
        },
        {
            content: "The order is in review",
            trigger: ".o_field_widget[name='review_state'] .badge:contains('In Review')",
        },
        {
            content: "The Reviews page lists the pending stage",
            trigger: ".o_notebook a:contains('Reviews')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='governance_review_current_ids'] .badge:contains('To Review')",
        },
    ],
});

tours.add("sale_order_governance_approve_tour", {
    steps: () => [
        {
            content: "Open the review waiting for me",
            trigger: ".o_list_view .o_data_row td[name='res_name']:contains('GOV-TOUR')",
            run: "click",
        },
        {
            content: "The evidence of my department is shown",
            trigger: ".o_governance_evidence",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name='action_decide_approve']",
            run: "click",
        },
        {
            content: "The review is approved",
            trigger: ".o_notification:contains('approved')",
        },
        {
            content: "Nothing else waits: back to My Reviews",
            trigger: ".o_view_nocontent:contains('Nothing waits for your decision')",
        },
    ],
});

tours.add("sale_order_governance_confirm_tour", {
    steps: () => [
        {
            content: "Reviews approved",
            trigger: ".o_field_widget[name='review_state'] .badge:contains('Approved')",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
