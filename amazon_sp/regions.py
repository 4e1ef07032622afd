"""The three SP-API regions and their endpoints.

Amazon serves every marketplace from one of three regional hosts; the Login with Amazon
(LWA) token endpoint is the same for all of them. Source: Amazon's "SP-API Endpoints"
page and the "Connecting to the Selling Partner API" guide.
"""

from dataclasses import dataclass

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class Region:
    """An SP-API region.

    :param str code: ``NA``, ``EU`` or ``FE``.
    :param str name: a human-readable name.
    :param str endpoint: the production SP-API base URL.
    :param str sandbox_endpoint: Amazon's static sandbox base URL.
    :param str aws_region: the AWS region Amazon hosts the endpoint in.
    :param str token_url: the LWA token endpoint.
    """

    code: str
    name: str
    endpoint: str
    sandbox_endpoint: str
    aws_region: str
    token_url: str = LWA_TOKEN_URL


REGIONS = {
    region.code: region
    for region in (
        Region(
            "NA",
            "North America",
            "https://sellingpartnerapi-na.amazon.com",
            "https://sandbox.sellingpartnerapi-na.amazon.com",
            "us-east-1",
        ),
        Region(
            "EU",
            "Europe",
            "https://sellingpartnerapi-eu.amazon.com",
            "https://sandbox.sellingpartnerapi-eu.amazon.com",
            "eu-west-1",
        ),
        Region(
            "FE",
            "Far East",
            "https://sellingpartnerapi-fe.amazon.com",
            "https://sandbox.sellingpartnerapi-fe.amazon.com",
            "us-west-2",
        ),
    )
}


def get_region(code):
    """Return the region of the given code.

    :param str code: ``NA``, ``EU`` or ``FE`` (case-insensitive).
    :return: the region.
    :rtype: Region
    :raise ValueError: if the code is unknown.
    """
    try:
        return REGIONS[(code or "").upper()]
    except KeyError:
        raise ValueError(
            f"Unknown SP-API region {code!r}; expected one of {', '.join(REGIONS)}."
        ) from None
