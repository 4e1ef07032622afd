from . import test_account
from . import test_fulfillment
from . import test_import
from . import test_invoice_upload
from . import test_invoicing
from . import test_invoicing_de
from . import test_security
from . import test_reliability
