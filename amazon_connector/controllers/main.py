"""The products' images at stable public URLs, for Amazon to download when a new
product is listed: ``/amazon/image/<product id>/<token>.jpg``. The token is derived
from the database secret and the image itself, so that a URL changes when the image
changes (Amazon downloads it again) and cannot be guessed for another product."""

import base64
import hmac

from odoo import http
from odoo.http import request

from ..models.amazon_listing_profile_publish import image_token


class AmazonImageController(http.Controller):
    @http.route(
        "/amazon/image/<int:product_id>/<string:token>.jpg",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
    )
    def amazon_image(self, product_id, token):
        product = request.env["product.product"].sudo().browse(product_id).exists()
        if not product or not product.image_1920:
            raise request.not_found()
        if not hmac.compare_digest(image_token(request.env, product), token):
            raise request.not_found()
        data = base64.b64decode(product.image_1920)
        return request.make_response(
            data,
            headers=[
                ("Content-Type", _mimetype(data)),
                ("Cache-Control", "public, max-age=86400"),
            ],
        )


def _mimetype(data):
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
