/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// These tours rely on data created by tests/test_ui.py (TestReviewerTours).

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

const row = (name) => `.o_list_view .o_data_row:has(td[name='res_name']:contains('${name}'))`;

tours.add("sale_order_governance_review_next_tour", {
    steps: () => [
        {
            content: "My Reviews says what is reviewed, for whom and how much",
            trigger: `${row("GOV-NEXT-1")} td[name='review_type'] .badge:contains('Order')`,
        },
        {
            trigger: `${row("GOV-NEXT-1")} td[name='partner_id']:contains('Governance Customer')`,
        },
        {
            trigger: `${row("GOV-NEXT-1")} td[name='amount_total']:contains('.00')`,
        },
        {
            content: "Approve the first order from the list",
            trigger: `${row("GOV-NEXT-1")} button[name='action_decide_approve']`,
            run: "click",
        },
        {
            content: "The decision is confirmed by a notification",
            trigger: ".o_notification:contains('approved')",
        },
        {
            content: "The approved review leaves the list",
            trigger: `.o_list_view:not(:has(td[name='res_name']:contains('GOV-NEXT-1')))`,
        },
        {
            content: "Open the next order to review",
            trigger: `${row("GOV-NEXT-2")} td[name='res_name']`,
            run: "click",
        },
        {
            content: "Approve it from the review",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_decide_approve']",
            run: "click",
        },
        {
            content: "The next review opens by itself",
            trigger: ".o_form_view .oe_title:contains('GOV-NEXT-3')",
        },
        {
            content: "Send this one back for changes",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_changes_wizard']",
            run: "click",
        },
        {
            content: "Say what to change",
            trigger: ".modal .o_field_widget[name='comment'] textarea",
            run: "edit Deliver in two lots",
        },
        {
            trigger: ".modal footer button[name='action_confirm_decision']",
            run: "click",
        },
        {
            content: "Nothing is left: back to My Reviews, empty",
            trigger: ".o_view_nocontent:contains('Nothing waits for your decision')",
        },
    ],
});

tours.add("sale_order_governance_changes_resubmit_tour", {
    steps: () => [
        {
            content: "The review status says changes are requested",
            trigger: ".o_field_widget[name='review_state'] .badge:contains('Changes Requested')",
        },
        {
            content: "The banner gives the reviewer's comment",
            trigger: ".alert-warning div[name='governance_blocking_reason']:contains('Deliver in two lots')",
        },
        {
            content: "Submit the order again",
            trigger: ".o_form_view button[name='action_submit_for_review']",
            run: "click",
        },
        {
            content: "The order is in review again",
            trigger: ".o_field_widget[name='review_state'] .badge:contains('In Review')",
        },
        {
            content: "The Reviews page shows the new round, the earlier one folded",
            trigger: ".o_notebook a:contains('Reviews')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='governance_review_current_ids'] .o_data_row .badge:contains('To Review')",
        },
        {
            trigger: "details.o_governance_earlier_rounds summary:contains('Earlier Rounds')",
        },
    ],
});

tours.add("sale_order_governance_reviewer_readonly_tour", {
    steps: () => [
        {
            content: "Open the review waiting for me",
            trigger: `${row("GOV-READ-1")} td[name='res_name']`,
            run: "click",
        },
        {
            content: "Open the order",
            trigger: ".o_form_view button[name='action_open_record']",
            run: "click",
        },
        {
            content: "The order opens read-only, without the salesperson's buttons",
            trigger: ".o_form_view .o_form_readonly:not(:has(button[name='action_confirm'])):not(:has(button[name='action_cancel']))",
        },
        {
            content: "Write to the salesperson in the chatter",
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Can the customer accept two lots?",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is posted",
            trigger: ".o-mail-Message-body:contains('Can the customer accept two lots?')",
        },
    ],
});
