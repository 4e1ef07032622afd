from . import amazon_cancel_request_wizard
from . import amazon_import_orders_wizard
from . import amazon_order_cancel_wizard
from . import amazon_recover_order_wizard
from . import amazon_first_import_wizard
from . import amazon_setup_tax_wizard
from . import amazon_refund_wizard
from . import amazon_refund_wizard_line
