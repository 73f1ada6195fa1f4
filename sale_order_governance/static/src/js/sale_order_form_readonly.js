/** @odoo-module **/
// Copyright 2026 sale_order_governance contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// An order the user may only read (e.g. one they review) opens read-only,
// without the Delete action: the server refuses those changes anyway.

import { useEffect } from "@odoo/owl";
import { FormController } from "@web/views/form/form_controller";
import { patch } from "@web/core/utils/patch";

function readOnlyOrder(controller) {
    const root = controller.model.root;
    return (
        controller.props.resModel === "sale.order" &&
        root &&
        "governance_can_edit" in root.activeFields &&
        root.data.governance_can_edit === false
    );
}

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        useEffect(
            (readOnly) => {
                const root = this.model.root;
                if (readOnly && root.isInEdition && !root.dirty) {
                    root.switchMode("readonly");
                }
            },
            () => [readOnlyOrder(this), this.model.root?.resId]
        );
    },

    getStaticActionMenuItems() {
        const items = super.getStaticActionMenuItems(...arguments);
        if (readOnlyOrder(this) && items.delete) {
            items.delete = { ...items.delete, isAvailable: () => false };
        }
        return items;
    },
});
