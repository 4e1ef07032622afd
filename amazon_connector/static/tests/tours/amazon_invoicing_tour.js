import { registry } from "@web/core/registry";

// An accountant opens an Amazon order, sees its posted invoice, then finds the orders
// of the account that could not be invoiced, with the reason.
registry.category("web_tour.tours").add("amazon_connector_invoicing_tour", {
    steps: () => [
        {
            content: "Open the shipped Amazon order",
            trigger: ".o_list_view .o_data_row:contains('111-0000001-0000001') td.o_data_cell",
            run: "click",
        },
        {
            content: "Open its invoice",
            trigger: ".o_form_view button[name=action_view_invoice]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Posted')",
        },
        {
            content: "It carries the Amazon order id",
            trigger: ".o_form_view .o_field_widget[name=amazon_order_ref]:contains('111-0000001-0000001')",
        },
        {
            content: "Back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('S0')",
            run: "click",
        },
        {
            content: "Its Amazon tab",
            trigger: ".o_notebook .nav-link:contains('Amazon')",
            run: "click",
        },
        {
            content: "Open its Amazon account",
            trigger: ".o_form_view .o_field_widget[name=amazon_account_id] a",
            run: "click",
        },
        {
            content: "The account lists its failed invoices",
            trigger: ".o_form_view button[name=action_view_failed_invoices]",
            run: "click",
        },
        {
            content: "The order that could not be invoiced, and why",
            trigger:
                ".o_list_view .o_data_row:contains('111-0000002-0000002'):contains('differs from Amazon')",
        },
    ],
});
