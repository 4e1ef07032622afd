import { registry } from "@web/core/registry";

// The main flows of a merchant's first hour, against the connector's sandbox. When the
// test asks for screenshots (cookie amazon_screenshots=1), the steps named "screenshot"
// ask the test's browser for one and give it time to be taken.

function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

function screenshot(name, trigger) {
    return {
        content: `Screenshot: ${name}`,
        trigger,
        run: async () => {
            if (cookie("amazon_screenshots") !== "1") {
                return;
            }
            // Let the page settle (fonts, notifications) before and after the shot.
            await new Promise((resolve) => setTimeout(resolve, 800));
            console.log(`amazon-screenshot:${name}`);
            await new Promise((resolve) => setTimeout(resolve, 1500));
        },
    };
}

const SANDBOX = {
    clientId: "amzn1.application-oa2-client.sandbox0000000000000000",
    clientSecret: "sandbox-client-secret-not-a-real-one",
    // The refresh token of the tour's seller (each seller of the sandbox has its own).
    refreshToken: "Atzr|sandbox-tour-refresh-token",
};

registry.category("web_tour.tours").add("amazon_connector_first_account_tour", {
    steps: () => [
        // Sales > Configuration > Settings > Amazon Sync > Amazon Accounts
        {
            content: "The Sales settings offer the Amazon accounts",
            trigger: "button:contains('Amazon Accounts')",
            run: "click",
        },
        {
            content: "Create an account",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit My Amazon store",
        },
        {
            trigger: ".o_field_widget[name=seller_id] input",
            run: "edit ATOURSELLER",
        },
        {
            trigger: ".o_field_widget[name=lwa_client_id] input",
            run: `edit ${SANDBOX.clientId}`,
        },
        {
            trigger: ".o_field_widget[name=lwa_client_secret] input",
            run: `edit ${SANDBOX.clientSecret}`,
        },
        {
            trigger: ".o_field_widget[name=refresh_token] input",
            run: `edit ${SANDBOX.refreshToken}`,
        },
        {
            content: "The connector's own sandbox stands in for Amazon",
            trigger: ".o_field_widget[name=environment] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains('Local sandbox')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=local_endpoint] input",
            run: (helpers) => helpers.edit(cookie("amazon_sandbox_url")),
        },
        {
            content: "Save: Odoo asks Amazon for the seller's marketplaces",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The marketplaces are listed",
            trigger:
                ".o_field_widget[name=active_marketplace_ids] .o_data_cell:contains('Amazon.com.mx')",
        },
        {
            content: "The setup check says what is missing",
            trigger: ".o_amazon_setup_check li[name=setup_currencies]",
        },
        screenshot("account-setup-check", ".o_amazon_setup_check li[name=setup_fba]"),
        {
            content: "Activate the currencies of the marketplaces",
            trigger: "button[name=action_amazon_activate_currencies]",
            run: "click",
        },
        {
            content: "MXN has no exchange rate yet",
            trigger: "li[name=setup_rates] button[name=action_amazon_open_currencies]",
            run: "click",
        },
        {
            content: "Add today's rate",
            trigger: ".o_field_widget[name=rate_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=rate_ids] .o_data_row [name=company_rate] input",
            run: "edit 17",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Back to the account",
            trigger: ".breadcrumb-item a:contains('My Amazon store')",
            run: "click",
        },
        {
            trigger: ".o_amazon_setup_check:not(:has(li[name=setup_rates]))",
        },
        {
            content: "Create Mexico's tax: Amazon.com.mx prices include 16 % IVA",
            trigger: "button[name=action_amazon_create_tax]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 16",
        },
        {
            trigger: ".modal button[name=action_create]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_amazon_setup_check:not(:has(li[name=setup_taxes]))",
        },
        {
            content: "Give the default products a tax",
            trigger: "button[name=action_amazon_open_default_products]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Amazon Sale')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=taxes_id] input",
            run: "edit 15%",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('15%')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".breadcrumb-item a:contains('Amazon Default Products')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Amazon Shipping')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=taxes_id] input",
            run: "edit 15%",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('15%')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".breadcrumb-item a:contains('My Amazon store')",
            run: "click",
        },
        {
            content: "Keep the FBA stock in a warehouse of its own",
            trigger: "button[name=action_amazon_create_fba_warehouse]",
            run: "click",
        },
        {
            content: "The setup check is satisfied",
            trigger: ".o_amazon_setup_ok",
        },
        {
            content: "Sync orders",
            trigger: "button[name=action_sync_orders]",
            run: "click",
        },
        {
            content: "Odoo says what it did",
            trigger: ".o_notification:contains('New orders imported')",
        },
        {
            trigger: ".o_notification .o_notification_close",
            run: "click",
        },
        {
            content: "Open the account's orders",
            trigger: "button[name=action_view_orders]",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell[name=amazon_order_ref]",
        },
        screenshot("amazon-orders", ".o_list_view th[data-name=amazon_total_difference]"),
        {
            content: "Open an FBM order",
            trigger: ".o_data_row:has(.o_data_cell[name=amazon_fulfillment]:contains('FBM')) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It is marked as an Amazon order",
            trigger: ".o_form_view .oe_title .badge:contains('Amazon')",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Amazon')",
            run: "click",
        },
        {
            content: "Its Amazon page says where it comes from and Amazon's total",
            trigger: ".o_field_widget[name=amazon_order_total]",
        },
        screenshot("amazon-order", ".o_field_widget[name=amazon_marketplace_id]"),
    ],
});

registry.category("web_tour.tours").add("amazon_connector_ship_tour", {
    steps: () => [
        {
            content: "The order's delivery",
            trigger: "button[name=action_view_delivery]",
            run: "click",
        },
        {
            content: "The items are named by their title and SKU",
            trigger: ".o_field_widget[name=move_ids] .o_data_row .o_data_cell[name=product_id]",
            run() {
                const texts = [this.anchor.textContent];
                for (const area of this.anchor.querySelectorAll("textarea, input")) {
                    texts.push(area.value);
                }
                if (!texts.join(" ").includes("Bamboo Cutting Board (SKU BOARD-1)")) {
                    console.error(`The delivery does not name the item: ${texts.join(" ")}`);
                }
            },
        },
        {
            trigger: ".o_notebook .nav-link:contains('Additional Info')",
            run: "click",
        },
        {
            content: "The carrier",
            trigger: ".o_field_widget[name=carrier_id] input",
            run: "edit UPS",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('UPS Ground')",
            run: "click",
        },
        {
            content: "The tracking number",
            trigger: ".o_field_widget[name=carrier_tracking_ref] input",
            run: "edit 1Z999AA10123456784",
        },
        {
            trigger: "button[name=button_validate]",
            run: "click",
        },
        {
            content: "Validated: Amazon is told within minutes",
            trigger: ".o_field_widget[name=amazon_confirmation_state]:contains('To Send')",
        },
    ],
});

registry.category("web_tour.tours").add("amazon_connector_sent_tour", {
    steps: () => [
        {
            trigger: ".o_notebook .nav-link:contains('Additional Info')",
            run: "click",
        },
        {
            content: "Amazon was told",
            trigger: ".o_field_widget[name=amazon_confirmation_state]:contains('Sent to Amazon')",
        },
        {
            content: "The chatter names what left, by title and SKU",
            trigger: ".o-mail-Message:contains('Sent to Amazon'):contains('(SKU ')",
        },
        screenshot("delivery", ".o_field_widget[name=carrier_tracking_ref]"),
    ],
});

registry.category("web_tour.tours").add("amazon_connector_retry_tour", {
    steps: () => [
        {
            content: "The failed order says why",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=reason]:contains('CAD')",
        },
        {
            content: "Once CAD is active, retry it now",
            trigger: ".o_data_row button[name=action_retry_now]",
            run: "click",
        },
        {
            content: "Odoo says it is imported",
            trigger: ".o_notification:contains('New orders imported: 1')",
        },
        {
            content: "It left the orders to retry",
            trigger: ".o_list_view:not(:has(.o_data_row)), .o_view_nocontent",
        },
    ],
});
