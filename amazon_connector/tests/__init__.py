from . import test_account
from . import test_fulfillment
from . import test_import
from . import test_security
from . import test_reliability
from . import test_product_export
from . import test_product_export_flow
from . import test_product_export_tour
