from . import amazon_account
from . import amazon_marketplace
from . import amazon_offer
from . import product_product
