"""URL parts in shapes the generator never writes, with the personal values planted in them.

Shared by the transform truth tables and the pipeline test (issue 13 item 5). Each entry is
``(raw, planted)``: ``planted`` lists the personal values as a person would read them; a test
checks that neither they nor their encoded forms survive. What the allowlists keep of them is
common in the committed sample (`utm_source=baidu&utm_medium=cpc`, `baidu.com`, ...), so that a
release that counts every column still has these values held by several people.
"""

from __future__ import annotations

from urllib.parse import quote

EMAIL = "zhang.wei@qq.com"
NAME_CN = "张伟"
PHONE = "13812345678"
RESIDENT_ID = "110101199003078515"
LAT, LNG = "31.230416", "121.473701"
SERIAL = "SN8F3A2B1C9D"
FULL_WIDTH_PHONE = "１３８１２３４５６７８"

QUERIES: list[tuple[str, list[str]]] = [
    # double-encoded e-mail: %2540
    (f"email={quote(quote(EMAIL, safe=''), safe='')}&utm_source=baidu&utm_medium=cpc", [EMAIL]),
    (f"name={quote(NAME_CN)}&utm_source=baidu&utm_medium=cpc", [NAME_CN]),  # encoded Chinese
    (f"mobile={PHONE}&utm_medium=cpc&utm_source=baidu", [PHONE]),
    (f"idNo={RESIDENT_ID}", [RESIDENT_ID]),  # 18-digit resident ID
    (f"lat={LAT}&lng={LNG}&utm_campaign=spring&utm_source=wechat", [LAT, LNG]),
    (f"location={LNG},{LAT}", [LAT, LNG]),
    (f"sn={SERIAL}&page=2", [SERIAL]),
    (f"utm_source={PHONE}", [PHONE]),  # allowlisted name, identifying value
    (f"utm_campaign={quote(EMAIL)}", [EMAIL]),
    (f"utm_content={quote(NAME_CN)}", [NAME_CN]),
    (f"utm_term={NAME_CN}", [NAME_CN]),  # search words: not allowlisted by default
    (f"q={quote(FULL_WIDTH_PHONE)}", [PHONE, FULL_WIDTH_PHONE]),
    ("name=Zhang+Wei&utm_source=Zhang+Wei", ["Zhang Wei", "Zhang+Wei"]),  # `+` spaces
    ("utm_source=wechat&tel=%2B86+138+1234+5678&utm_campaign=spring", ["138 1234 5678", PHONE]),
    (f"UTM_SOURCE={RESIDENT_ID[:9]}x", [RESIDENT_ID[:9]]),  # digits inside an allowlisted value
]

PATHS: list[tuple[str, list[str]]] = [
    (f"/unsubscribe/{EMAIL}", [EMAIL]),
    (f"/unsubscribe/{quote(EMAIL, safe='')}", [EMAIL]),
    (f"/unsubscribe/{quote(quote(EMAIL, safe=''), safe='')}", [EMAIL]),
    (f"/api/v1/users/{PHONE}/appliances", [PHONE]),
    (f"/api/v1/users/{quote(FULL_WIDTH_PHONE)}/appliances", [PHONE, FULL_WIDTH_PHONE]),
    (f"/api/v1/users/{FULL_WIDTH_PHONE}/appliances", [PHONE, FULL_WIDTH_PHONE]),
    (f"/profile/{quote(NAME_CN)}", [NAME_CN]),
    (f"/verify/{RESIDENT_ID}", [RESIDENT_ID]),
    (f"/map/{LAT},{LNG}", [LAT, LNG]),
    (f"/devices/{SERIAL}/manual.pdf", [SERIAL]),
    ("/call/+86-138-1234-5678", ["138-1234-5678", PHONE]),
]

REFERRERS: list[tuple[str, list[str]]] = [
    (f"https://www.google.com/url?email={quote(quote(EMAIL, safe=''), safe='')}", [EMAIL]),
    (f"https://www.baidu.com/s?wd={quote(NAME_CN)}", [NAME_CN]),
    (f"https://www.bing.com/maps?lat={LAT}&lng={LNG}", [LAT, LNG]),
    (f"https://{PHONE}.sogou.com/", [PHONE]),  # an identifier as a subdomain
    (f"https://{RESIDENT_ID}.m.baidu.com/", [RESIDENT_ID]),
    (f"https://www.example-corp.com/u/{PHONE}?idNo={RESIDENT_ID}", [PHONE, RESIDENT_ID]),
]


def variants(value: str) -> set[str]:
    """Return the forms a planted value could take in an output: raw, encoded once and twice."""
    once = quote(value, safe="")
    return {value, once, quote(once, safe=""), quote(value)}
