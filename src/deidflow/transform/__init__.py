"""Transforms: keyed pseudonyms and generalisations applied to whole Arrow columns.

Importing this package registers every built-in transform in ``TRANSFORMS``; the policy engine
calls ``build_transform(name, params).apply(column, TransformContext(...))``.
"""

from deidflow.transform import (  # noqa: F401  (imported to register the transforms)
    date_generalize,
    drop,
    email_domain,
    generalize,
    geo_coarsen,
    imei_tac,
    ip_truncate,
    keep,
    mac_oui,
    phone_country,
    pseudonymize,
    query_allowlist,
    referrer_domain,
    route_template,
    suppress,
    text_scrub,
    time_bucket,
    url_scrub,
    user_agent_parse,
)
from deidflow.transform.base import Transform, TransformContext, TransformParams
from deidflow.transform.keys import Keyring, Tier
from deidflow.transform.registry import TRANSFORMS, build_transform, get_transform, register

__all__ = [
    "TRANSFORMS",
    "Keyring",
    "Tier",
    "Transform",
    "TransformContext",
    "TransformParams",
    "build_transform",
    "get_transform",
    "register",
]
