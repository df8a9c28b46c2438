"""A GeoReport v2 session as the PyPI client `georeport` makes it, in one format.

georeport covers the spec's reads (service list, definition, one request, the list); it has no POST
and no token lookup, so those two calls (and the heating complaint's POST with its attributes) are made with `requests` and `xmltodict` (its own
dependencies) exactly as the spec writes them: a form-encoded POST and GET /tokens/<token>.
Prints one JSON document of what the client saw, for the test to check.
"""
import json
import os
import sys

import requests
import xmltodict
from georeport import GeoReport

root = os.environ["OPEN311_ROOT"]
fmt = os.environ["OPEN311_FORMAT"]
jurisdiction = os.environ["OPEN311_JURISDICTION"]
client = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)


def parse(response):
    response.raise_for_status()
    if fmt == "json":
        return response.json()
    return xmltodict.parse(response.content, force_list=("request", "error"))


services = client.get_service_list()
definition = client.get_service_definition("event.01.02")


def post_request(fields):
    """POST /requests as the spec writes it (form fields); the created request, in either format."""
    data = {
        "jurisdiction_id": jurisdiction,
        "lat": os.environ["OPEN311_LAT"],
        "long": os.environ["OPEN311_LONG"],
        **fields,
    }
    posted = parse(requests.post(f"{root}/requests.{fmt}", data=data))
    return posted[0] if fmt == "json" else posted["service_requests"]["request"][0]


created = post_request(
    {
        "service_code": "event.01.02",
        "address_string": "解放区民主路 12 号",
        "description": f"垃圾满溢 ({fmt})",
        "media_url": f"https://photos.example.org/georeport-{fmt}.jpg",
    }
)
request_id = created["service_request_id"]

token = parse(requests.get(f"{root}/tokens/{created['token']}.{fmt}", params={"jurisdiction_id": jurisdiction}))
by_token = token[0] if fmt == "json" else token["service_requests"]["request"][0]

# A household's heating complaint: its definition asks for the flat, and the POST names it in
# attribute[...] as the spec writes attributes.
heating_definition = client.get_service_definition("event.06.01")
heating_created = post_request(
    {
        "service_code": "event.06.01",
        "description": f"暖气不热 ({fmt})",
        "attribute[compound]": "jz-hongxing",
        "attribute[building]": "9",
        "attribute[unit]": "1",
        "attribute[room]": f"60{1 if fmt == 'xml' else 2}",
    }
)

one = client.get_service_request(request_id)
if isinstance(one, list):  # georeport hands XML's repeated element back as a list
    one = one[0]
listed = client.get_service_requests(service_request_id=request_id)
if isinstance(listed, dict):  # ... and a single one as a dict
    listed = [listed]

json.dump(
    {
        "service_codes": [s["service_code"] for s in services],
        "definition": {"service_code": definition["service_code"], "attributes": definition["attributes"]},
        "created": {"service_request_id": request_id, "token": created["token"]},
        "by_token": by_token,
        "one": one,
        "listed_ids": [r["service_request_id"] for r in listed],
        "heating_definition": heating_definition["attributes"],
        "heating_request_id": heating_created["service_request_id"],
    },
    sys.stdout,
    ensure_ascii=False,
)
