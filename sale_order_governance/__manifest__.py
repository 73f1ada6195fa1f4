# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Sale Order Governance",
    "summary": "Enforce the sales-order policy: department reviews with SLA, "
    "credit control, countersigned changes and cancellations, KPIs",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sale-order-governance/sale_order_governance",
    "author": "sale_order_governance contributors",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": [
        "account",
        "resource",
        "sale_management",
        "sale_margin",
        "sale_stock",
    ],
    "data": [
        "security/sale_order_governance_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/sale_review_stage_data.xml",
        "data/sale_governance_required_field_data.xml",
        "views/sale_review_stage_views.xml",
        "views/sale_order_review_views.xml",
        "views/sale_governance_required_field_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/review_decision_templates.xml",
        "wizards/sale_order_review_decision_views.xml",
        "views/sale_order_governance_menus.xml",
    ],
    "demo": ["demo/sale_order_governance_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "sale_order_governance/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
}
