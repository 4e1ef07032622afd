import { registry } from "@web/core/registry";

// The smallest flow: an Amazon administrator opens the Amazon accounts and one of them.
registry.category("web_tour.tours").add("amazon_connector_smoke_tour", {
    steps: () => [
        {
            content: "The accounts list shows the sandbox account",
            trigger: ".o_list_view .o_data_cell:contains('Sandbox NA')",
            run: "click",
        },
        {
            content: "Its form shows its marketplaces",
            trigger: ".o_form_view .o_field_widget[name=active_marketplace_ids] .o_data_cell:contains('Amazon.com')",
        },
    ],
});
