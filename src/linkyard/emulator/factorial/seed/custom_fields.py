"""Custom fields: the extra profile fields a company defines (a T-shirt size, a car plate), their options and the
values its people have for them."""

from __future__ import annotations

from .seeding import Seeding

# (label, type, slug, options): the company's custom employee fields.
_FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("T-shirt size", "single_choice", "t_shirt_size", ("XS", "S", "M", "L", "XL")),
    ("Dietary requirements", "long_text", "dietary_requirements", ()),
    ("Car plate", "text", "car_plate", ()),
    ("Remote work since", "date", "remote_work_since", ()),
    ("Has a company car", "checkbox", "company_car", ()),
    ("Languages spoken", "multiple_choice", "languages_spoken", ("English", "Spanish", "French", "German")),
)


def seed_custom_fields(seeding: Seeding) -> None:
    """The fields, their options, and values for about half of the active staff."""
    rng, time, today = seeding.rng, seeding.time, seeding.time.today
    legal_entity = seeding.sites[0].legal_entity
    fields = []
    for position, (label, kind, slug, choices) in enumerate(_FIELDS):
        field = seeding.insert(
            "custom_fields/fields",
            {
                "label_text": label,
                "field_type": kind,
                "slug": slug,
                "position": position,
                "required": False,
                "min_value": None,
                "max_value": None,
                "legal_entity_id": legal_entity["id"],
                "legal_entity_name": legal_entity["legal_name"],
            },
        )
        options = [
            seeding.insert(
                "custom_fields/options",
                {"label": choice, "value": choice.lower(), "is_active": True, "field_id": field["id"]},
            )
            for choice in choices
        ]
        fields.append((field, options))
    for person in seeding.people:
        if not person.row["active"] or rng.random() >= 0.5:
            continue
        for field, options in fields:
            if rng.random() >= 0.6:
                continue
            kind = field["field_type"]
            value: dict[str, object] = {
                "value": None,
                "long_text_value": None,
                "date_value": None,
                "single_choice_value": None,
                "cents_value": None,
            }
            if kind in ("single_choice", "multiple_choice"):
                value["single_choice_value"] = value["value"] = rng.choice(options)["value"]
            elif kind == "long_text":
                value["long_text_value"] = value["value"] = rng.choice(("Vegetarian", "No gluten", "None"))
            elif kind == "date":
                value["date_value"] = value["value"] = time.day(today - rng.randint(30, 900))
            elif kind == "checkbox":
                value["value"] = rng.choice(("true", "false"))
            else:
                value["value"] = f"{rng.randint(1000, 9999)} {rng.choice(('BCD', 'KLM', 'XYZ'))}"
            seeding.insert(
                "custom_fields/values",
                {
                    "custom_field_identifier": field["slug"],
                    "valuable_id": person.row["id"],
                    "valuable_type": "Employee",
                    "field_id": field["id"],
                    **value,
                    "label": field["label_text"],
                    "required": field["required"],
                    "usage_group_id": None,
                    "usage_group_slug": None,
                    "updated_at": time.stamp(
                        time.start_of(today - rng.randint(1, 300)) + rng.randrange(0, 86400)
                    ),
                },
            )
