import { registry } from "@web/core/registry";

// A merchant imports the listings of an account, pairs an offer no product matched with
// a product by hand, and sends its stock to Amazon at once.
registry.category("web_tour.tours").add("amazon_connector_offers_tour", {
    steps: () => [
        {
            content: "Open the sandbox account",
            trigger: ".o_list_view .o_data_cell:contains('Sandbox NA')",
            run: "click",
        },
        {
            content: "Import its listings from Amazon",
            trigger: ".o_form_view button[name=action_import_listings]",
            run: "click",
        },
        {
            content: "Amazon's listings are read",
            trigger: ".o_notification:contains('listings read')",
        },
        {
            content: "Open the offers that no product matched",
            trigger: ".o_form_view button[name=action_view_unpaired_offers]",
            run: "click",
        },
        {
            content: "Choose the product of the kettle's offer",
            trigger: ".o_data_row:contains('KETTLE-9') td.o_data_cell[name=product_id]",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=product_id] input",
            run: "edit Kettle",
        },
        {
            content: "The kettle",
            trigger: ".o-autocomplete--dropdown-item a:contains('Kettle')",
            run: "click",
        },
        {
            content: "Save the pairing",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "Open the offer",
            trigger:
                ".o_data_row:not(.o_selected_row):contains('KETTLE-9') .o_list_record_open_form_view button",
            run: "click",
        },
        {
            content: "Send it to Amazon now",
            trigger: ".o_form_view button[name=action_send_now]",
            run: "click",
        },
        {
            content: "Amazon accepted it",
            trigger: ".o_notification:contains('Amazon accepted the update of KETTLE-9')",
        },
        {
            content: "The offer shows it is sent",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sent to Amazon')",
        },
    ],
});
