import { registry } from "@web/core/registry";

// A merchant creates a listing profile for a category of products, finds its Amazon
// product type, maps the attributes Amazon requires, publishes the two products and
// sees that Amazon refused one, and why.
registry.category("web_tour.tours").add("amazon_connector_product_export_tour", {
    steps: () => [
        {
            content: "Create a listing profile",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Travel",
        },
        {
            content: "For the sandbox account",
            trigger: ".o_form_view .o_field_widget[name=account_id] input",
            run: "edit Sandbox NA",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains('Sandbox NA')",
            run: "click",
        },
        {
            content: "Amazon.com is proposed",
            trigger: ".o_field_widget[name=marketplace_ids] .o_tag:contains('Amazon.com')",
        },
        {
            content: "New products on Amazon",
            trigger: ".o_field_widget[name=mode] label:contains('New Product')",
            run: "click",
        },
        {
            content: "The products of a category",
            trigger: ".o_field_widget[name=categ_ids] input",
            run: "edit Travel Cases",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains('Travel Cases')",
            run: "click",
        },
        {
            content: "Search Amazon's product types",
            trigger: ".o_form_view button[name=action_search_product_type]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=keywords] input",
            run: "edit suitcase",
        },
        {
            trigger: ".modal button[name=action_search]",
            run: "click",
        },
        {
            content: "Amazon answers Luggage",
            trigger: ".modal .o_data_row:contains('LUGGAGE') button[name=action_choose]",
            run: "click",
        },
        {
            content: "The product type is set and its required attributes are loaded",
            trigger: ".o_form_view .o_field_widget[name=product_type]:contains('LUGGAGE'), .o_form_view .o_field_widget[name=product_type] input:value(LUGGAGE)",
        },
        {
            content: "The profile says what is missing",
            trigger: ".o_form_view .alert-warning:contains('Brand Name')",
        },
        {
            content: "Open the mapping",
            trigger: ".o_notebook .nav-link:contains('Attribute Mapping')",
            run: "click",
        },
        {
            content: "The brand comes from the products' Brand attribute",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('brand') td[name=source]",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=source] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Product Attribute')",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=product_attribute_id] input",
            run: "edit Brand",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains('Brand')",
            run: "click",
        },
        {
            content: "The bullet points come from the sales description",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('bullet_point') td[name=source]",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=source] .o_select_menu_toggler",
            run: "click",
        },
        {
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Product Field')",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=field_id] input",
            run: "edit Sales Description",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains('Sales Description')",
            run: "click",
        },
        {
            content: "This Odoo is not reachable from the internet: the profile says so",
            trigger: ".o_form_view .alert-warning:contains('Amazon cannot reach')",
        },
        {
            content: "Send no images then",
            trigger: ".o_form_view .o_field_widget[name=send_images] input",
            run: "click",
        },
        {
            content: "Save the profile",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Nothing is missing any more: publish",
            trigger: ".o_form_view:not(:has(.alert-warning:visible)) button[name=action_publish]",
            run: "click",
        },
        {
            content: "One accepted, one refused",
            trigger: ".o_notification:contains('2 listings sent in 1 feeds: 1 accepted, 1 refused')",
        },
        {
            content: "Open the profile's offers",
            trigger: ".o_form_view button[name=action_view_offers]",
            run: "click",
        },
        {
            content: "The refused one says why, and names the attribute",
            trigger: ".o_data_row:contains('GATED-1'):contains('You need approval to list products of brand'):contains('(brand)')",
        },
        {
            content: "The other is listed",
            trigger: ".o_data_row:contains('CARRY-1'):contains('Listed')",
        },
    ],
});
