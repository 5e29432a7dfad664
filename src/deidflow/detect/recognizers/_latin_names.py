"""Western person names without a model: titles, dictionary names, initials and cue phrases.

Each rule yields `(start, end, score)` for the name only (a title or cue is not scrubbed):

- a title (`Mr.`, `Dr`, `Herr`, `Mme`, `Sra.`, ...) before capitalised names or initials;
- a known given name (Faker's lists) with a capitalised surname, optionally middle initials
  (`Richard M. Nixon`); a given name that is also a word (`Will`, `May`) needs a known surname;
- initials before a capitalised surname (`J. R. R. Tolkien`, `T.S. Eliot`);
- one to three names after a cue phrase (`my name is`, `call me`, `name:`, `regards,`,
  `my wife`, `spoke with`, `me llamo`, `je m'appelle`, `ich heiße`): any capitalised word
  that is not a stop word, a lower-case one only after a self-introduction if it is a known
  name (`my name is dan`); the cue rule runs only where the RE2 `CUE_GATE` matched;
- a known given name alone (`I am Dan`, `Andrew said`), unless it is also an everyday word or
  place (`_name_lists.AMBIGUOUS_GIVEN`, Faker's common English words, US states, countries).
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from deidflow.detect.recognizers._name_lists import LATIN_STOPWORDS, name_lists

Found = tuple[int, int, float]
SCORE_TITLE = 0.8
SCORE_KNOWN_PAIR = 0.85
SCORE_GIVEN_ONLY = 0.6
SCORE_INITIALS = 0.7
SCORE_CUE = 0.7
SCORE_SINGLE = 0.55
MIN_SINGLE = 3  # a two-letter given name alone (`Jo`, `Bo`) is too often something else
_WORD = r"\p{Lu}[\p{L}'’]*\p{Ll}"
_PART = rf"{_WORD}(?:-{_WORD})?"
_INITIAL = r"\p{Lu}\.(?:[ \t]?\p{Lu}\.)*"
_PARTICLE = r"(?:von|van|de|der|den|du|da|di|del|della|dos|zu|le|la|ter|ten|bin|al|el)"
_GAP = r"[ \t]+"
# Abbreviations may end with a dot; whole words may not (`Frau.` ends a sentence).
_ABBREVIATED_TITLES = r"Mr|Mrs|Ms|Mx|Dr|Prof|Mme|Mlle|Sr|Sra|Srta|Dña|Rev|Fr|Capt|Sgt"
_WORD_TITLES = (
    r"Miss|Sir|Madam|Dame|Lady|Lord|Herr|Frau|Monsieur|Madame|Mademoiselle|Señor|Señora"
    r"|Señorita|Doña|Mister|Doctor"
)
_TITLE_WORD = rf"(?:(?:{_ABBREVIATED_TITLES})\.?|(?:{_WORD_TITLES})|M\.)(?![\p{{L}}.])"
_TITLE_ONLY = regex.compile(rf"^{_TITLE_WORD}$")
_TITLE = regex.compile(
    rf"(?<![\p{{L}}.]){_TITLE_WORD}(?:{_GAP}{_TITLE_WORD})*{_GAP}"
    rf"(?P<name>(?:(?:{_INITIAL}|{_PART}|{_PARTICLE}){_GAP}?){{0,3}}(?:{_PART}|\p{{Lu}}{{2,}}))"
    rf"(?![\p{{L}}\d])"
)
_PAIR = regex.compile(
    rf"(?<![\p{{L}}\d])(?P<first>{_PART})"
    rf"(?P<rest>(?:{_GAP}(?:{_PART}|{_INITIAL}|\p{{Lu}}(?![\p{{L}}'’])|{_PARTICLE})){{1,4}})"
    rf"(?![\p{{L}}\d])"
)
_PARTICLES = regex.compile(rf"^{_PARTICLE}$")
_INITIALS = regex.compile(
    rf"(?<![\p{{L}}\d.])(?P<initials>{_INITIAL})[ \t]?(?P<last>{_PART})(?![\p{{L}}\d])"
)
_INTRODUCTIONS = (
    r"my name is|my name's|i'm called|i am called|call me|me llamo|mi nombre es"
    r"|je m'appelle|je m’appelle|mon nom est|ich heiße|ich heisse|mein name ist"
)
_PHRASES = (
    r"(?:my|our|your|the) (?:husband|wife|son|daughter|sister|brother|mother|mom|mum|father"
    r"|dad|friend|colleague|neighbour|neighbor|boss|partner|manager|account manager"
    r"|technician|installer|engineer|driver|courier|delivery guy|agent)"
    r"|reviewed by|approved by|checked by|confirmed by|spoke to|spoke with|talked to"
    r"|talked with|ask for|asked for|assigned to|handled by|reported by"
    r"|submitted by|signed by|written by|attn|attention"
)
_LABELS = (
    r"name|full name|first name|last name|surname|given name|contact|contact person|customer"
    r"|client|applicant|sender|recipient|from|to|cc|attn|signed|nombre|nom|prénom|vorname"
    r"|nachname|ansprechpartner|kontakt|owner|user|agent|technician|reviewer"
    r"|realname|real_name|fullname|full_name|contactname|contact_name|nickname|displayname"
    r"|display_name|username|user_name|customername|customer_name"
)
_SIGN_OFFS = (
    r"regards|best regards|kind regards|warm regards|sincerely|yours sincerely|yours truly"
    r"|yours|best|best wishes|cheers|thanks|thank you|many thanks|mit freundlichen grüßen"
    r"|viele grüße|liebe grüße|grüße|gruß|saludos|un saludo|atentamente|cordialement"
    r"|bien à vous|merci|gracias|danke|signed"
)
_CUE_SEPARATOR = (
    rf"(?P<intro>{_INTRODUCTIONS})[ \t]*[:,]?[ \t]*"
    rf"|(?P<strong>{_PHRASES})[ \t]*[:,]?[ \t]*"
    rf"|(?P<label>{_LABELS})[\"']?[ \t]*[:=：][ \t]*[\"']?"
    rf"|(?P<signoff>{_SIGN_OFFS})[ \t]*(?:[,!.]?[ \t]*\n[ \t]*|,[ \t]*)"
)
# RE2, case-insensitive: every text in which `_CUE_BEFORE` or `_LOWER_INTRO` can match has one
# of these words (the span finder evaluates it for a whole column: `RegionGated`).
CUE_GATE = f"(?i){_INTRODUCTIONS}|{_PHRASES}|{_LABELS}|{_SIGN_OFFS}"
# Matched backwards from a capitalised word: the cue that ends right before it.
_CUE_BEFORE = regex.compile(
    rf"(?<![\p{{L}}])(?:{_CUE_SEPARATOR})", regex.IGNORECASE | regex.REVERSE
)
_CUE_WINDOW = 48
_LOWER_INTRO = regex.compile(
    rf"(?<![\p{{L}}])(?:{_INTRODUCTIONS})[ \t]*[:,]?[ \t]*(?P<name>\p{{Ll}}+)(?![\p{{L}}])",
    regex.IGNORECASE,
)
_NAME_AT = regex.compile(rf"[\p{{L}}'’.\-]+(?:{_GAP}[\p{{L}}'’.\-]+){{0,2}}")
_SIGN_OFF = regex.compile(
    rf"(?:^|\n|[.!?][ \t])[ \t]*[-–—~]+[ \t]*(?P<name>{_PART}(?:{_GAP}{_PART})?)[ \t]*$"
)
_SINGLE = regex.compile(rf"(?<![\p{{L}}\d'’-]){_WORD}(?![\p{{L}}\d'’-])")
_CAPITALISED_WORD = regex.compile(rf"(?<![\p{{L}}\d'’-]){_PART}(?![\p{{L}}'’])")
_NON_SPACE = regex.compile(r"\S+")
_POSSESSIVE = regex.compile(r"['’]s$")
_CAMEL = regex.compile(r"(?P<head>\p{Lu}\p{Ll}+)\p{Lu}")
_NAME_PREFIXES = frozenset("Mc Mac De Di Da Du La Le Van Von Fitz St".split())
_TOKEN = regex.compile(rf"^(?:{_PART}|{_INITIAL})$")
_NOT_INITIALS = frozenset({"U.S.", "U.K.", "E.U.", "P.S.", "N.B.", "A.M.", "P.M.", "U.N.", "D.C."})


# A household's or owner's network or device: `Dubois-Home`, `Wright Family WiFi`,
# `Rossi's iPhone`, `Familie Becker` (issue 14: SSIDs and device names carry names).
_HOUSEHOLD_NOUN = (
    r"Home|Family|Familie|Famille|Familia|House|Household|Haus|Casa|Maison|WiFi|Wi-Fi|Wifi"
    r"|WLAN|Net|Network|Router|iPhone|iPad|Galaxy|Pixel|MacBook|Laptop|PC|TV|Phone|Watch"
    r"|5G|2\.4G|5GHz|2\.4GHz|Ext|EXT|Guest|Mesh"
)
# Nouns that make any capitalised word before them a family name (`Okafor Family WiFi`,
# `Kowalski_5G`): a home network is named after its owner far more often than not.
_FAMILY_NOUNS = frozenset(
    {"Family", "Familie", "Famille", "Familia", "Household", "5G", "2.4G", "5GHz", "2.4GHz"}
    | {"Home", "WiFi", "Wi-Fi", "Wifi", "WLAN", "Net"}
)
# Capitalised words home and public networks are named after that are no person.
_NETWORK_WORDS = frozenset(
    "Xiaomi Huawei Honor Redmi Tenda Netgear Linksys Mercury Fast Tplink Chinanet China Unicom "
    "Mobile Telecom Office Home Guest Staff Cafe Coffee Hotel Free Public Starbucks Airport "
    "Smart My The Our Router Wireless Family House Apple Android Galaxy Samsung Oppo Vivo Meizu "
    "Lenovo Asus Dlink Zte Google Nest Mesh Orbi Eero Phicomm Gigabit Test Lab Work Company "
    "School Library Shop Store Meeting Conference Room Kitchen Living Bedroom Garage Garden "
    "Upstairs Downstairs Main Backup Extender Repeater Internet Network Wifi Hotspot Sweet New "
    "Old Big Little Happy Lucky Best Good Dream Love Sunny".split()
)
_HOUSEHOLD = regex.compile(
    rf"(?<![\p{{L}}\d'’])(?P<name>{_PART})(?:['’]s)?[ \t_\-]*(?P<noun>{_HOUSEHOLD_NOUN})"
    rf"(?![\p{{Ll}}])"
    rf"|(?<![\p{{L}}])(?:Familie|Famille|Familia|Family|Casa|Maison)[ \t]+(?P<after>{_PART})"
)


def _household(text: str) -> Iterator[Found]:
    """Yield a known given or family name that owns a home network or device."""
    lists = name_lists()
    for match in _HOUSEHOLD.finditer(text):
        group = "name" if match["name"] else "after"
        word = _POSSESSIVE.sub("", match[group])
        known = word in lists.family or word in lists.given or match["noun"] in _FAMILY_NOUNS
        if known and word not in LATIN_STOPWORDS and word not in _NETWORK_WORDS:
            yield match.start(group), match.start(group) + len(word), SCORE_CUE


def find_latin_names(text: str, cues: bool = True) -> Iterator[Found]:
    """Yield `(start, end, score)` for each Western name the rules find in `text`.

    Args:
        text: one free-text value.
        cues: False when `CUE_GATE` does not match `text` (the cue rule is skipped).
    """
    yield from _titled(text)
    yield from _pairs(text)
    yield from _initials(text)
    if cues:
        yield from _cued(text)
    yield from _single(text)
    yield from _household(text)
    for match in _SIGN_OFF.finditer(text):
        if _known_given(match["name"].split()[0]):
            yield match.start("name"), match.end("name"), SCORE_CUE


def _titled(text: str) -> Iterator[Found]:
    """Yield the name after a title.

    One word, more only while the earlier ones are given names or initials (`Sir Ian McKellen`,
    `Frau Dr. Weber`, not `Frau Meer Brot`).
    """
    given = name_lists().given
    for match in _TITLE.finditer(text):
        words = match["name"].split()
        if _TITLE_ONLY.match(words[0]) or words[0] in LATIN_STOPWORDS:
            continue
        taken = 1
        while taken < len(words) and (words[taken - 1] in given or words[taken - 1][-1] == "."):
            taken += 1
        if words[taken - 1] not in LATIN_STOPWORDS and not _code(words[taken - 1]):
            start = match.start("name")
            yield start, start + len(" ".join(words[:taken])), SCORE_TITLE


def _pairs(text: str) -> Iterator[Found]:
    """Yield a known given name with a surname, the longest reading first."""
    for match in _PAIR.finditer(text, overlapped=True):
        words = [(w.end(), w.group()) for w in _NON_SPACE.finditer(match["rest"])]
        for cut in range(len(words), 0, -1):
            end, last = words[cut - 1]
            score = _pair_score(match["first"], [w for _, w in words[: cut - 1]], last)
            if score:
                yield match.start(), match.start("rest") + end, score
                break


def _pair_score(first: str, middle: list[str], last: str) -> float:
    """Score `first middle... last` as a name (0: not one)."""
    lists = name_lists()
    if not _TOKEN.match(last) or last[-1] == "." or _code(last):
        return 0.0
    named = [w for w in middle if len(w) > 1 and w[-1] != "." and not _PARTICLES.match(w)]
    if not all(w in lists.given or w in lists.family for w in named):
        return 0.0  # `Martin Luther King`: a middle word is a known name too
    if not all(part in lists.given for part in first.split("-")):
        known = first in lists.romanized_surnames and last in lists.given  # `Zhang Wei`
        return SCORE_KNOWN_PAIR if known else 0.0
    if last in lists.family:
        return SCORE_KNOWN_PAIR
    if first in lists.ambiguous_given or last in LATIN_STOPWORDS:
        return 0.0
    return SCORE_GIVEN_ONLY


def _initials(text: str) -> Iterator[Found]:
    for match in _INITIALS.finditer(text):
        initials = match["initials"].replace(" ", "")
        if initials in _NOT_INITIALS or match["last"] in LATIN_STOPWORDS:
            continue
        if len(initials) > 2 or match["last"] in name_lists().family:  # `A. Introduction`: no
            yield match.start(), match.end(), SCORE_INITIALS


def _single(text: str) -> Iterator[Found]:
    """Yield a known given name standing alone (`Andrew said`, `the driver, Kyle,`)."""
    given = name_lists().given
    for match in _SINGLE.finditer(text):
        word = _POSSESSIVE.sub("", match.group())  # `Megan's Pixel 7`
        if len(word) < MIN_SINGLE or word not in given or word in LATIN_STOPWORDS:
            continue
        if word not in name_lists().ambiguous_given:
            yield match.start(), match.start() + len(word), SCORE_SINGLE


def _cued(text: str) -> Iterator[Found]:
    """Yield names right after a cue: each capitalised word is checked for a cue before it."""
    for word in _CAPITALISED_WORD.finditer(text):
        if not _plausible(word.group()):
            continue  # checked first: cheaper than looking for a cue
        start = word.start()
        cue = _CUE_BEFORE.match(text, max(0, start - _CUE_WINDOW), start)
        if cue is None:
            continue
        name = _NAME_AT.match(text, start)
        assert name is not None  # a capitalised word starts here
        tokens = []
        for token in _NON_SPACE.finditer(name.group()):
            tokens.append((token.start(), token.group().rstrip(".,")))
            if _ENDS_SENTENCE.search(token.group()) and not _TITLE_ONLY.match(token.group()):
                break  # `my name is Sarah. Washer is loud`: the sentence ends the name
        taken = _name_words([w for _, w in tokens])
        if taken:
            last_start, last_word = tokens[taken - 1]
            yield start, start + last_start + len(last_word), SCORE_CUE
    for match in _LOWER_INTRO.finditer(text):  # `my name is dan`: only a known name
        if match["name"].islower() and match["name"].title() in name_lists().given:
            yield match.start("name"), match.end("name"), SCORE_CUE


# A word ending a sentence: two letters or more before the stop (`Sarah.`; not an initial `M.`).
_ENDS_SENTENCE = regex.compile(r"\p{L}{2,}[.!?]$")


def _name_words(words: list[str]) -> int:
    """Return how many leading `words` form a name (0: none)."""
    if not words[0] or not _plausible(words[0]):
        return 0
    taken = 1
    for word in words[1:]:
        if not _plausible(word):
            break
        taken += 1
    return taken


def _plausible(word: str) -> bool:
    """Return whether a word after a cue may be a name: capitalised, no stop word, no code."""
    return _TOKEN.match(word) is not None and word not in LATIN_STOPWORDS and not _code(word)


def _code(word: str) -> bool:
    """Return whether `word` is an identifier in CamelCase (`SurfaceView`), not `McDonald`."""
    camel = _CAMEL.match(word)
    return camel is not None and camel["head"] not in _NAME_PREFIXES


def _known_given(word: str) -> bool:
    lists = name_lists()
    return _plausible(word) and word in lists.given and word not in lists.ambiguous_given
