/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// These tours rely on data created by tests/test_ui.py (TestCreditTours).

import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

const CREDIT_BANNER = ".o_form_view .alert-danger[name='credit_blocked']";

tours.add("sale_order_governance_credit_blocked_tour", {
    steps: () => [
        {
            content: "The credit banner says why the quotation is blocked",
            trigger: `${CREDIT_BANNER} .o_field_widget[name='credit_blocked_reason']:contains('above its credit limit')`,
        },
        {
            content: "... and what to do next: who releases it, what the customer pays",
            trigger: `${CREDIT_BANNER} .o_field_widget[name='credit_next_step']:contains('Carla Credit')`,
        },
        {
            content: "Odoo's credit-limit warning is not repeated beside the banner",
            trigger: ".o_form_view:not(:has(.o_field_widget[name='partner_credit_warning']:visible))",
        },
        {
            content: "The reason has its own banner, not repeated in the review banner",
            trigger: ".o_form_view:not(:has(div[name='governance_blocking_reason']))",
        },
        {
            content: "Only a credit controller may release the order",
            trigger: `${CREDIT_BANNER}:not(:has(button[name='action_open_credit_release']))`,
        },
        {
            content: "Confirm is not offered while the order is blocked",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_confirm']:visible))",
        },
        {
            content: "Ask the credit controllers to decide",
            trigger: `${CREDIT_BANNER} button[name='action_credit_ask_release']`,
            run: "click",
        },
        {
            content: "They were asked",
            trigger: ".o_notification:contains('credit controllers were asked')",
        },
        {
            content: "The order is still a quotation",
            trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});

tours.add("sale_order_governance_credit_release_tour", {
    steps: () => [
        {
            content: "The credit controller has an activity",
            trigger: ".o_menu_systray .o-mail-ActivityMenu-counter",
        },
        {
            content: "Open the activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            content: "Open the orders to decide on",
            trigger: ".o-mail-ActivityGroup[data-model_name='sale.order']",
            run: "click",
        },
        {
            content: "Open the blocked order",
            trigger: ".o_data_row:contains('GOV-CREDIT-1') td[name='name'], .o_kanban_record:contains('GOV-CREDIT-1')",
            run: "click",
        },
        {
            content: "Release the order blocked by credit control",
            trigger: `${CREDIT_BANNER}:contains('above its credit limit') button[name='action_open_credit_release']`,
            run: "click",
        },
        {
            content: "The release wizard repeats the reason",
            trigger: ".modal .o_field_widget[name='credit_blocked_reason']:contains('above its credit limit')",
        },
        {
            content: "Allow the exposure up to 2,500",
            trigger: ".modal .o_field_widget[name='amount'] input",
            run: "edit 2500",
        },
        {
            content: "Valid for 30 days",
            trigger: ".modal .o_field_widget[name='expiry_date'] input",
            run: `edit ${formatDate(luxon.DateTime.now().plus({ days: 30 }))}`,
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Strategic customer, pays on time",
        },
        {
            content: "Release",
            trigger: ".modal .modal-footer button[name='action_release']",
            run: "click",
        },
        {
            content: "Confirm the decision",
            trigger: ".modal:not(.o_inactive_modal) .modal-footer button.btn-primary:contains('Ok')",
            run: "click",
        },
        {
            content: "The override is on the order",
            trigger: "body:not(:has(.modal)) button[name='action_open_credit_overrides'] .o_stat_value:contains('1')",
        },
        {
            content: "The order is no longer blocked",
            trigger: ".o_form_view:not(:has(.alert-danger[name='credit_blocked']))",
        },
    ],
});

tours.add("sale_order_governance_credit_confirm_tour", {
    steps: () => [
        {
            content: "The credit override is shown on the order",
            trigger: "button[name='action_open_credit_overrides'] .o_stat_value:contains('1')",
        },
        {
            content: "Credit control no longer blocks the order",
            trigger: ".o_form_view:not(:has(.alert-danger[name='credit_blocked']))",
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
