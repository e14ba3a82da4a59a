"""Made-up official numbers per country: tax ids, personal ids, bank accounts, social security numbers."""

from __future__ import annotations

from .countries import Country
from .seeded_random import SeededRandom

_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_IBAN_LENGTHS = {"es": 20, "fr": 23, "de": 18, "pt": 21}
_IBAN_COUNTRY_DIGITS = {code: "".join(str(ord(ch) - 55) for ch in code.upper()) for code in _IBAN_LENGTHS}


def tax_number(rng: SeededRandom, country: Country, siren: str | None) -> str:
    if country.code == "es":
        return f"B{rng.digits(8)}"
    if country.code == "fr":
        return f"FR{rng.randrange(10, 100)}{siren}"
    if country.code == "pt":
        return f"5{rng.digits(8)}"
    return f"{country.code.upper()}{rng.digits(9)}"


def personal_identifier(rng: SeededRandom, country: Country, nationality: str) -> tuple[str, str]:
    """An identity document as (type, number): a DNI or NIE in Spain, a NIF for Portuguese, else a passport."""
    if country.code == "es":
        number = rng.randrange(10**7, 10**8)
        if nationality != "ES":
            prefix = rng.randrange(3)
            digits = number % 10**7
            return "nie", f"{'XYZ'[prefix]}{digits:07d}{_DNI_LETTERS[(prefix * 10**7 + digits) % 23]}"
        return "dni", f"{number}{_DNI_LETTERS[number % 23]}"
    if country.code == "pt" and nationality == "PT":
        return "nif", f"{rng.randint(1, 2)}{rng.digits(8)}"
    return "passport", f"{nationality}{rng.digits(7)}"


def bank_account(rng: SeededRandom, country: Country) -> tuple[str, str, str | None]:
    """(bank number format, bank number, SWIFT/BIC)."""
    if country.code == "gb":
        return (
            "sort_code_and_account_number",
            f"{rng.digits(2)}-{rng.digits(2)}-{rng.digits(2)} {rng.digits(8)}",
            rng.choice(country.swift_codes),
        )
    return "iban", _iban(rng, country.code), rng.choice(country.swift_codes)


def _iban(rng: SeededRandom, country: str) -> str:
    """A random IBAN with valid check digits."""
    bban = rng.digits(_IBAN_LENGTHS[country])
    check = 98 - int(f"{bban}{_IBAN_COUNTRY_DIGITS[country]}00") % 97
    return f"{country.upper()}{check:02d}{bban}"


def social_security_number(rng: SeededRandom, country: Country) -> str:
    if country.code == "es":
        return rng.digits(12)
    if country.code == "fr":
        return f"{rng.randint(1, 2)}{rng.digits(14)}"
    if country.code == "de":
        return f"{rng.digits(8)}{chr(65 + rng.randrange(26))}{rng.digits(3)}"
    if country.code == "pt":
        return rng.digits(11)
    letters = "ABCEGHJKLMNPRSTWXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}{rng.digits(6)}{rng.choice('ABCD')}"
