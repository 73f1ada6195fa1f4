/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// These tours rely on data created by tests/test_ui.py (TestChangeRequestTours).

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

const WIDGET_ROW =
    ".o_field_widget[name='line_ids'] .o_data_row:has(td[name='product_id']:contains('Governed Widget'))";

tours.add("sale_order_governance_change_request_tour", {
    steps: () => [
        {
            content: "Request a change of the confirmed order",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_request_change']",
            run: "click",
        },
        {
            content: "The request lists the lines of the order",
            trigger: `${WIDGET_ROW} td[name='old_qty']:contains('2.00')`,
        },
        {
            content: "Edit the quantity of the line",
            trigger: `${WIDGET_ROW} td[name='new_qty']`,
            run: "click",
        },
        {
            content: "The customer needs five",
            trigger: ".o_data_row.o_selected_row .o_field_widget[name='new_qty'] input",
            run: "edit 5",
        },
        {
            content: "Say why",
            trigger: ".o_form_view .o_field_widget[name='reason'] textarea",
            run: "edit The customer needs five",
        },
        {
            content: "The line is a change",
            trigger: `${WIDGET_ROW}:not(.o_selected_row) td[name='change_type'] .badge:contains('Change'):not(:contains('No'))`,
        },
        {
            content: "Submit the request for review",
            trigger: ".o_form_view button[name='action_submit']",
            run: "click",
        },
        {
            content: "The request is in review",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Review')",
        },
        {
            content: "The Reviews page lists the stages the change touches",
            trigger: ".o_notebook a:contains('Reviews')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='governance_review_current_ids'] .o_data_row:contains('Production (changes)') .badge:contains('To Review')",
        },
    ],
});

tours.add("sale_order_governance_change_approve_tour", {
    steps: () => [
        {
            content: "The change of quantity is shown",
            trigger: `${WIDGET_ROW} td[name='new_qty']:contains('5.00')`,
        },
        {
            content: "Approve the change",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_review_approve']",
            run: "click",
        },
        {
            content: "Nothing is left for me to decide",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_review_approve']))",
        },
    ],
});

tours.add("sale_order_governance_change_apply_tour", {
    steps: () => [
        {
            content: "The request is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            content: "Apply it to the order",
            trigger: ".o_form_view button[name='action_apply']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal:not(.o_inactive_modal) .modal-footer button.btn-primary:contains('Ok')",
            run: "click",
        },
        {
            content: "The request is applied",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Applied')",
        },
        {
            content: "Open the order",
            trigger: ".o_form_view button[name='action_open_order']",
            run: "click",
        },
        {
            content: "The order line has the new quantity",
            trigger: ".o_field_widget[name='order_line'] .o_data_row td[name='product_uom_qty']:contains('5.00')",
        },
    ],
});
