"""Registry and base class: registration checks, unknown names and params list the valid ones."""

import pyarrow as pa
import pytest

from deidflow.errors import ConfigError
from deidflow.transform import TRANSFORMS, build_transform, get_transform, register
from deidflow.transform.base import Transform, TransformContext, TransformParams

BUILT_IN = {
    "drop", "email_domain", "generalize", "geo_coarsen", "imei_tac", "ip_truncate", "keep",
    "mac_oui", "phone_country", "pseudonymize", "query_allowlist", "referrer_domain",
    "route_template", "suppress", "text_scrub", "time_bucket", "url_scrub", "user_agent_parse",
}  # fmt: skip


def test_every_built_in_transform_is_registered():
    assert BUILT_IN <= set(TRANSFORMS)
    for name in BUILT_IN:
        assert get_transform(name).name == name


def test_unknown_transform_lists_valid_names():
    with pytest.raises(ConfigError) as info:
        get_transform("hash_it")
    message = str(info.value)
    assert "`hash_it`" in message
    for name in ("pseudonymize", "ip_truncate", "drop"):
        assert f"`{name}`" in message


def test_unknown_param_names_it_and_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        build_transform("ip_truncate", {"ipv4_bits": 16})
    message = str(info.value)
    assert "ip_truncate.ipv4_bits" in message
    assert "`ipv4_prefix`" in message and "`ipv6_prefix`" in message


@pytest.mark.parametrize(
    ("name", "params", "option"),
    [
        ("ip_truncate", {"ipv4_prefix": 33}, "ip_truncate.ipv4_prefix"),  # out of range
        ("ip_truncate", {"ipv4_prefix": 32}, "ip_truncate.ipv4_prefix"),  # would be identity
        ("time_bucket", {"unit": "minute"}, "time_bucket.unit"),  # not allowed
        ("url_scrub", {"placeholder": "[X]"}, "url_scrub.placeholder"),  # no {entity}
        ("geo_coarsen", {"precision_km": 0}, "geo_coarsen.precision_km"),
        ("generalize", {}, "generalize.mapping"),  # required
    ],
)
def test_invalid_param_values_raise_config_error(name, params, option):
    with pytest.raises(ConfigError) as info:
        build_transform(name, params)
    assert info.value.option == option


def test_valid_params_are_kept():
    transform = build_transform("ip_truncate", {"ipv4_prefix": 16})
    assert transform.params.ipv4_prefix == 16 and transform.params.ipv6_prefix == 48


def test_register_rejects_non_transforms_and_unnamed_classes():
    with pytest.raises(TypeError):
        register(int)  # type: ignore[type-var]

    class Unnamed(Transform[TransformParams]):
        def apply(self, values, ctx):
            return {}

    with pytest.raises(TypeError, match="name"):
        register(Unnamed)


def test_register_rejects_abstract_and_duplicate_names():
    class Abstract(Transform[TransformParams]):
        name = "abstract_test"

    with pytest.raises(TypeError, match="apply"):
        register(Abstract)

    class Other(Transform[TransformParams]):
        name = "drop"

        def apply(self, values, ctx):
            return {}

    with pytest.raises(TypeError, match="already registered"):
        register(Other)


def test_a_new_transform_registers_and_runs():
    @register
    class Upper(Transform[TransformParams]):
        name = "upper_test"

        def apply(self, values, ctx):
            return {"": pa.compute.utf8_upper(values)}

    try:
        out = build_transform("upper_test").apply(pa.array(["a", None]), TransformContext())
        assert out[""].to_pylist() == ["A", None]
    finally:
        TRANSFORMS.pop("upper_test")


def test_a_new_span_scrubber_declares_itself_and_the_engine_needs_no_change():
    """The engine asks the transform (`scans_text`, `output_role`), never for its name."""
    from deidflow.entities import Role
    from deidflow.policy import ColumnPlan
    from deidflow.transform.engine import Engine

    seen = []

    @register
    class Redact(Transform[TransformParams]):
        name = "redact_test"
        output_role = Role.FREE_TEXT
        scans_text = True

        def apply(self, values, ctx):
            seen.append(ctx.spans)
            return {"": values}

    def finder(texts, entities=None):
        return pa.table(
            {"row": [0], "start": [0], "end": [1], "entity": ["PERSON"], "score": [1.0]}
        )

    try:
        plan = ColumnPlan(
            column="note", role=Role.QUASI, entity=None, transform="redact_test",
            params={}, reason="test", quasi_identifier=False,
        )  # fmt: skip
        result = Engine([plan], None, "internal", find_spans=finder).apply(
            pa.RecordBatch.from_pydict({"note": ["x y"]})
        )
        assert seen[0] is not None and seen[0].num_rows == 1
        assert result.detections == {"PERSON": 1}
        assert result.batch.schema.field("note").metadata[b"deidflow.role"] == b"free_text"
    finally:
        TRANSFORMS.pop("redact_test")
