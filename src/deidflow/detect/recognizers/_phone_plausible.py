"""Is a valid phone number the matcher found written like one? Fewer false alarms in machine logs.

`PhoneNumberMatcher` accepts any digit run that is a valid number somewhere: a logcat time and
pid (`39.010  1702  2639` is a Beijing number), an HDFS `081109 203615 148` date and thread id,
a HealthApp `20171223-22` date and hour, an address in `[173.234.31.186]`. Each match must also
look written as a phone number (issue 14 item 7):

- written with `+` or an international prefix `00`: kept;
- glued to other numbers (`16:13:39.010`, `20171223-22:15`) or to an identifier (`part-01648`),
  or dotted like an address or a version (three dots or more): dropped, whatever the words around;
- a phone word nearby (`tel`, `phone`, `电话`, `联系`...): kept;
- digits in groups: kept only if the groups are those of the number's own national or
  international format, or split after its area code (`138-1234-5678`, `(021) 6543 2109`);
- one bare run: kept if it is a mobile number of the primary region or dialled with the trunk
  prefix `0` (`02165432109`), not a 10-digit id read as a North American number (`2147483647`).

Also here: Chinese mobile numbers in blocks phonenumbers does not know yet (`140`, `141`, `144`,
`146`, `148`, `149`: data and IoT numbers), found with the same rules (the outside check saw
them survive).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

from deidflow.detect.recognizers._base import has_context

# Words that say a number nearby is a phone number (lower case; matched as substrings). Not
# `cell`: Android telephony dumps (`CellIdentityLte:{ mCi=2147483647 }`) are full of it.
PHONE_WORDS = (
    "phone",
    "mobile",
    "tel",
    "call",
    "contact",
    "fax",
    "whatsapp",
    "wechat",
    "handy",
    "telefon",
    "rufen",
    "anruf",
    "手机",
    "电话",
    "联系",
    "号码",
    "致电",
    "拨打",
    "回电",
    "微信",
)
CONTEXT_WINDOW = 24
_PREFIX_DIGITS = 5  # longest dialling prefix people split off: trunk + area or mobile code
_INTERNATIONAL = re.compile("^[\\s(\\[\uff08\uff3b]*(?:[+\uff0b]|00)")
_GROUP = re.compile(r"\d+")
_MOBILE_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.PERSONAL_NUMBER,
        PhoneNumberType.VOIP,
    }
)


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def is_embedded(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is glued to a number by `.`/`:` or to a word by `-`/`_`.

    `16:13:39.010`, `20171223-22:15`, `part-01648`, `task_2008110920`, `061092085098.ctinets`:
    time stamps, ids, file and host names, not a number someone wrote down. A `/` (URL path)
    or `=` (query) is no glue.
    """
    before = text[max(0, start - 2) : start].rjust(2)
    after = text[end : end + 2].ljust(2)
    glued_before = (before[1] in "-_" and _ascii_alnum(before[0])) or (
        before[1] in ".:" and _ascii_digit(before[0])
    )
    glued_after = (
        (after[0] in "-_" and _ascii_alnum(after[1]))
        or (after[0] in ".:" and _ascii_digit(after[1]))
        or (after[0] == "." and after[1].isascii() and after[1].isalpha())
    )
    return glued_before or glued_after


def _cuts(groups: list[str]) -> set[int]:
    """Where the digit groups are split, counted in digits from the end."""
    cuts, position = set(), 0
    for group in reversed(groups[1:]):
        position += len(group)
        cuts.add(position)
    return cuts


def glued_to_number(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` continues a number through `.` or `:` (`16:13:39.010`)."""
    before = text[max(0, start - 2) : start].rjust(2)
    after = text[end : end + 2].ljust(2)
    return (before[1] in ".:" and _ascii_digit(before[0])) or (
        after[0] in ".:" and _ascii_digit(after[1])
    )


def grouped_like_number(raw: str, number: PhoneNumber) -> bool:
    """Whether `raw` splits its digits only where the number's own formats split them.

    The national and international formats, the split after the area code, and any single
    split after a prefix of at most five digits (`0151 12345678`, `030 1234567`): a phone is
    written in these groups, a date and thread id (`081109 203615 148`) or a list of counters
    is not.
    """
    groups = _GROUP.findall(raw)
    if len(groups) == 2 and len(groups[0]) <= _PREFIX_DIGITS:
        return True
    allowed: set[int] = set()
    for style in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL):
        allowed |= _cuts(_GROUP.findall(phonenumbers.format_number(number, style)))
    significant = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_national_destination_code(number)
    if area:
        allowed.add(len(significant) - area)
    return _cuts(groups) <= allowed


def _bare_run_is_phone(raw: str, number: PhoneNumber, primary: bool, mobile: bool) -> bool:
    """One digit run: dialled with the trunk prefix `0`, or a mobile of the primary region."""
    if raw.lstrip("([\uff08\uff3b ").startswith("0"):
        return True  # phonenumbers read a `0` national prefix (the matcher's VALID leniency)
    return primary and (mobile or phonenumbers.number_type(number) in _MOBILE_TYPES)


def is_plausible(
    text: str, start: int, end: int, number: PhoneNumber, primary: bool, mobile: bool = False
) -> bool:
    """Whether the valid number `number` at `text[start:end]` is written as a phone number.

    Args:
        text: the (escape-decoded) text the matcher read.
        start: where the matched raw string starts.
        end: where it ends.
        number: the number phonenumbers read there.
        primary: whether it was read in the recognizer's primary region.
        mobile: the caller already knows it is a mobile number.
    """
    raw = text[start:end]
    if _INTERNATIONAL.match(raw):
        return True
    if raw.count(".") >= 3 or glued_to_number(text, start, end):
        return False
    if is_embedded(text, start, end):
        # `user_13812345678`, `13812345678_photo.jpg`: a whole mobile number of the primary
        # region inside an identifier is still that person's number (fail closed); counters
        # and ids (`part-01648`, `task_2008110920`) are not mobiles.
        bare = len(_GROUP.findall(raw)) == 1
        return bare and primary and (mobile or phonenumbers.number_type(number) in _MOBILE_TYPES)
    groups = _GROUP.findall(raw)
    context = has_context(text, start, end, PHONE_WORDS, CONTEXT_WINDOW)
    if len(groups) > 1 and not grouped_like_number(raw, number):
        # near a phone word, short groups of any split are a phone (`030 12 34 56 78`); a
        # date and counter (`build 20171223-22. Call me on ...`) are not
        return context and max(len(g) for g in groups) <= _PREFIX_DIGITS
    if context or len(groups) > 1:
        return True
    return _bare_run_is_phone(raw, number, primary, mobile)


_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
# phonenumbers' own description of valid Chinese mobile numbers (national significant number).
_CN_MOBILE = re.compile(
    (_CN.mobile.national_number_pattern if _CN and _CN.mobile else None) or "(?!)"
)
_CN_MOBILE_LENGTHS = tuple(_CN.mobile.possible_length) if _CN and _CN.mobile else (11,)


def _known_mobile_blocks() -> frozenset[str]:
    """Return the two-digit blocks (`13`...`19`) holding valid Chinese mobiles in phonenumbers."""
    blocks = set()
    for block in range(10, 20):
        if any(_CN_MOBILE.fullmatch(f"{block}{third}12345678") for third in range(10)):
            blocks.add(str(block))
    return frozenset(blocks)


CN_MOBILE_BLOCKS = _known_mobile_blocks()
# An 11-digit number in one of those blocks, bare or grouped 3-4-4, with an optional +86 / 0086.
CN_MOBILE_SHAPE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[0-9]{2}(?:[ -]?[0-9]{4}){2}(?![0-9A-Za-z])"
)
_COUNTRY = re.compile(r"^(?:(?:\+|00)86|86(?=[ -]?1\d{10}$|[ -]?1\d{2}[ -]))")


def unlisted_cn_mobiles(text: str) -> list[tuple[int, int, PhoneNumber]]:
    """Chinese mobile numbers in a known block that phonenumbers does not list as valid.

    phonenumbers (9.0) rejects `140`/`141`/`144`/`146`/`148`/`149` numbers, which Chinese
    carriers issue for data and IoT lines; their shape is a mobile number of the same blocks
    (`1[3-9]x`, 11 digits). Numbers its mobile pattern accepts are left to the matcher. Plain
    string checks: this runs on every text the Chinese gate passes.
    """
    found = []
    for match in CN_MOBILE_SHAPE.finditer(text):
        national = "".join(ch for ch in _COUNTRY.sub("", match.group(0)) if ch.isdigit())
        if (
            len(national) in _CN_MOBILE_LENGTHS
            and national[:2] in CN_MOBILE_BLOCKS
            and not _CN_MOBILE.fullmatch(national)
        ):
            number = PhoneNumber(country_code=86, national_number=int(national))
            found.append((match.start(), match.end(), number))
    return found
