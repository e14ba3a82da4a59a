"""Factorial's custom fields in the emulator, read with the official `factorial-api-client`, unchanged: the fields
a company defines, the options of its choice fields and its people's values."""

from __future__ import annotations

from factorial_api_client import FactorialClient


def test_fields_options_and_values_are_read_and_filtered(sdk: FactorialClient) -> None:
    fields = sdk.custom_fields.fields.list().data
    assert [f.label_text for f in fields][:2] == ["T-shirt size", "Dietary requirements"]
    assert sdk.custom_fields.fields.get(id=fields[2].id).slug == fields[2].slug
    (sizes,) = sdk.custom_fields.fields.list(slug="t_shirt_size").data
    assert sizes.field_type.value == "single_choice"
    options = sdk.custom_fields.options.list(field_ids=[sizes.id]).data
    assert [o.label for o in options] == ["XS", "S", "M", "L", "XL"]
    assert sdk.custom_fields.options.get(id=options[1].id).value == "s"
    values = list(sdk.custom_fields.values.paginate(limit=50))
    assert len(values) > 50
    employee = values[0].valuable_id
    theirs = sdk.custom_fields.values.list(employee_ids=[employee]).data
    assert theirs and all(v.valuable_id == employee for v in theirs)
    assert {v.field_id for v in values} <= {f.id for f in fields}
