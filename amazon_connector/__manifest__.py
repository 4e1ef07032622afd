{
    "name": "Amazon Connector",
    "summary": "Import Amazon orders as sales orders; send deliveries, cancellations "
    "and stock back to Amazon (Selling Partner API)",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "amazon_connector contributors",
    "development_status": "Alpha",
    "depends": ["sale_management", "stock_delivery"],
    "external_dependencies": {
        "python": ["amazon-connector", "python-amazon-sp-api>=2.1.35"],
    },
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/amazon_marketplace_data.xml",
        "data/product_data.xml",
        "views/amazon_marketplace_views.xml",
        "views/amazon_offer_views.xml",
        "views/amazon_account_views.xml",
        "views/product_views.xml",
        "views/res_config_settings_views.xml",
        "views/amazon_menus.xml",
    ],
    "installable": True,
    "application": False,
}
