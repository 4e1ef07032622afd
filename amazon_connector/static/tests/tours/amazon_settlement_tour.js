import { registry } from "@web/core/registry";

// An accountant uploads a settlement file downloaded from Seller Central and sees its
// bank statement reconciled. The test leaves the file as an attachment named
// amazon-settlement-tour.txt; the tour puts it in the upload dialog's file input as a
// person choosing it would.
async function chooseFile(input) {
    const response = await fetch("/web/dataset/call_kw/ir.attachment/search_read", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
            jsonrpc: "2.0",
            method: "call",
            params: {
                model: "ir.attachment",
                method: "search_read",
                args: [[["name", "=", "amazon-settlement-tour.txt"]], ["datas"]],
                kwargs: {},
            },
        }),
    });
    const datas = (await response.json()).result[0].datas;
    const bytes = Uint8Array.from(atob(datas), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], "settlement-tour.txt", { type: "text/plain" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("amazon_connector_settlement_tour", {
    steps: () => [
        {
            content: "Accounting > Amazon",
            trigger: ".o_menu_sections button:contains('Amazon')",
            run: "click",
        },
        {
            content: "Upload a settlement file",
            trigger: ".dropdown-item:contains('Upload a Settlement File')",
            run: "click",
        },
        {
            content: "The Amazon account",
            trigger: ".modal .o_field_widget[name=account_id] input",
            run: "edit Sandbox EU",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Sandbox EU')",
            run: "click",
        },
        {
            content: "Choose the file downloaded from Seller Central",
            trigger: ".modal .o_field_widget[name=file]",
            run: async ({ anchor }) => chooseFile(anchor.querySelector("input[type=file]")),
        },
        {
            content: "The file is chosen",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Import it",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "Amazon's settlement is booked",
            trigger: ".o_notification:contains('booked')",
        },
        {
            content: "Every line is reconciled",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Reconciled')",
        },
        {
            content: "The order's line paid its invoice",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:contains('Amazon order')",
        },
        {
            content: "Open the bank statement",
            trigger: ".o_form_view button[name=action_open_statement]",
            run: "click",
        },
        {
            content: "The statement ends with the payout",
            trigger: ".o_list_view .o_data_row:contains('Amazon payout')",
        },
    ],
});
