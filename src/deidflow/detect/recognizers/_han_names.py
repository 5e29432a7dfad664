"""Chinese person names without a model: a surname list, 1-2 given characters and cues.

A bare surname + given sequence inside running text is ambiguous (`王府井`, `张家口`, `高兴`,
`周末`), so a name is taken only where something says it is one:

- after a cue (`我叫`, `名字是`, `姓名：`, `联系人：`, `请联系`, `我是`, `致`, `客户`, ...);
- before a title (`先生`, `女士`, `小姐`, `老师`, `经理`, `师傅`, ...; a surname alone counts:
  `王先生`);
- before `的` and a device or place it owns (`梁志强的HUAWEI`, `梁艳的华为`, `张伟家的WiFi`), or
  before a room (`林萍丽卧室空调`);
- as a run of Han characters standing alone between punctuation, digits or Latin text
  (`，周秀兰`, a signature line), when its given part uses common given-name characters;
- inside running text next to a verb or particle (`昨天张伟给我打电话`), when the given part
  is a whole given name from Faker's list, or opening a clause as surname + two common given
  characters before a verb (`冯志刚和...`).

Every candidate is checked against a stop list of common words that start with a surname
character; names without a cue never start with a surname that is mostly an everyday word
(`于`, `时`, `和`: `_name_lists.HAN_WORDLIKE_SURNAMES`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import regex

from deidflow.detect.recognizers._name_lists import (
    HAN_STOPWORDS,
    HAN_WORDLIKE_SURNAMES,
    name_lists,
)

Found = tuple[int, int, float]
SCORE_CUED = 0.75
SCORE_TITLED = 0.75
SCORE_OWNER = 0.7
SCORE_ALONE = 0.6
SCORE_IN_TEXT = 0.6
_STRONG_CUES = (
    r"我叫|我的名字是|名字是|名字叫|名叫|姓名|联系人|收件人|收货人|寄件人|申请人|投诉人|经办人"
    r"|负责人|签名|署名|落款|本人|业主|户主|持卡人|机主|车主"
)
_WEAK_CUES = r"我是|请联系|联系|致|客户|用户|找|叫|问|转告|告诉|通知|交给|委托|和|跟|同"
_TITLES = (
    r"先生|女士|小姐|老师|经理|总监|总经理|师傅|医生|大夫|律师|主任|阿姨|同学|工程师|教授|博士"
    r"|处长|局长|科长|部长|院长|校长|主管|店长|护士|太太|夫人|叔叔|大哥|大姐|姐姐|哥哥"
    r"|总"
)
_DEVICES = (
    r"[A-Za-z]|华为|荣耀|小米|红米|苹果|三星|魅族|一加|手机|电脑|平板|笔记本|手表|手环|音箱|空调"
    r"|冰箱|洗衣机|电视|热水器|路由器|家|房间|卧室|书房|设备|车|无线|网络|热点"
)
_CUE = regex.compile(
    rf"(?:(?P<strong>{_STRONG_CUES})|(?P<weak>{_WEAK_CUES}))[：:\s]*(?P<run>\p{{Han}}{{1,5}})"
)
# A field named for a person in a query string, form body or JSON: `realName=于秀婷`,
# `"contactName": "王伟"`, `xm=李娜` (姓名's initials, common in Chinese APIs).
_KEY_CUE = regex.compile(
    r"(?i)(?<![a-z])(?:real_?name|full_?name|nick_?name|contact_?name|contact|customer_?name"
    r"|user_?name|display_?name|owner|name|xm)[\"']?[ \t]*[:=：][ \t]*[\"']?"
    r"(?P<run>\p{Han}{1,5})"
)
_TITLE = regex.compile(rf"(?<=\p{{Han}})(?:{_TITLES})")
_ROOMS = r"卧室|客厅|书房|厨房|主卧|次卧|阳台|儿童房"
# A home network or device named after its owner: `任涵平-5G`, `王伟_WiFi`, `李娜家`.
_NETWORKS = r"[-_ ]?(?:5G|2\.4G|5GHz|2\.4GHz|[Ww][Ii]-?[Ff][Ii]|WLAN|[Hh]ome|[Gg]uest)(?![A-Za-z])"
_OWNER = regex.compile(
    rf"(?P<run>\p{{Han}}{{2,6}}?)(?:家?的(?={_DEVICES})|(?={_ROOMS})|(?={_NETWORKS}))"
)
_ALONE = regex.compile(r"(?<!\p{Han})(?P<run>\p{Han}{2,4})(?!\p{Han})")
_HAN = regex.compile(r"\p{Han}")
# Characters that end a name: particles, verbs and title starts that follow names.
_AFTER = frozenset(
    "的是在说了吗呢吧啊们给打来去和跟对把被让也都就还已曾要想能会今昨问告回电手联请您你我他她"
    "先女小老经总师医律主工姨叔哥姐"
)
# Characters that come right before a surname-only name (`请王先生`).
_BEFORE_CHARS = "请找给和跟与是叫位问致谢由让被向对同及好服"
_BEFORE = frozenset(_BEFORE_CHARS)
_CLAUSE = regex.compile(rf"(?:^|(?<=[^\p{{Han}}]|[{_BEFORE_CHARS}]))\p{{Han}}{{4}}")
_IN_TEXT_NEXT = frozenset("是说在给打来去和跟对把被让也都就还已曾要想能会刚问告回发买订报反投")


def find_han_names(text: str) -> Iterator[Found]:
    """Yield `(start, end, score)` for each Chinese name the rules find in `text`."""
    for match in _CUE.finditer(text, overlapped=True):
        weak = match["weak"] is not None
        length = _name_at_start(match["run"], strict=weak, stopwords=weak)
        if weak and length and _wordlike(match["run"][0]):  # `同时一`: `时` is a word
            if not (length == 3 and _uncued_name(match["run"][:3])):
                continue
        if length:
            yield match.start("run"), match.start("run") + length, SCORE_CUED
    for match in _KEY_CUE.finditer(text):
        length = _name_at_start(match["run"], strict=False, stopwords=True)
        if length:
            yield match.start("run"), match.start("run") + length, SCORE_CUED
    for match in _TITLE.finditer(text):
        yield from _ending_at(text, match.start(), SCORE_TITLED, surname_only=True)
    for match in _OWNER.finditer(text, overlapped=True):
        yield from _ending_at(text, match.end("run"), SCORE_OWNER, surname_only=False)
    for match in _ALONE.finditer(text):
        if _uncued_name(match["run"]):
            yield match.start(), match.end(), SCORE_ALONE
    yield from _in_text(text)


def _split(candidate: str) -> tuple[str, str] | None:
    """Split `candidate` into (surname, given) when it starts with a known surname."""
    surnames = name_lists().han_surnames
    for length in (2, 1):
        if candidate[:length] in surnames and len(candidate) - length <= 2:
            return candidate[:length], candidate[length:]
    return None


def _is_name(candidate: str, strict: bool, stopwords: bool = True) -> bool:
    """Return whether `candidate` is surname + 1-2 given characters and no common word."""
    parts = _split(candidate)
    if parts is None or not parts[1] or (stopwords and _is_stopword(candidate)):
        return False
    given = parts[1]
    if given[0] in _AFTER or given[-1] in _AFTER:
        return False
    return not strict or all(c in name_lists().han_given_chars for c in given)


def _is_stopword(candidate: str) -> bool:
    return any(candidate[:n] in HAN_STOPWORDS for n in range(2, len(candidate) + 1))


def _name_at_start(run: str, strict: bool, stopwords: bool) -> int:
    """Return the length of the name that opens `run` (0: none); the longest wins.

    After a strong cue (`姓名：`, `经办人：`) a common word is a name too (`高峰`).
    """
    for length in range(min(len(run), 4), 1, -1):
        if _is_name(run[:length], strict, stopwords):
            return length
    return 0


def _ending_at(text: str, end: int, score: float, surname_only: bool) -> Iterator[Found]:
    """Yield the longest name that ends at `end` (a title or `的` follows)."""
    for length in (4, 3, 2):
        start = end - length
        if start < 0 or not all(_is_han(c) for c in text[start:end]):
            continue
        before = text[start - 1 : start] if start else ""
        strict = score == SCORE_TITLED and _is_han(before) and before not in _BEFORE
        if _is_name(text[start:end], strict):
            yield start, end, score
            return
    surname = text[end - 1 : end]
    before = text[end - 2 : end - 1]
    known = surname in name_lists().han_surnames
    if surname_only and known and (not _is_han(before) or before in _BEFORE):
        yield end - 1, end, score


def _in_text(text: str) -> Iterator[Found]:
    """Yield names inside running text: a whole known given name next to a verb or particle."""
    lists = name_lists()
    for match in _surname_given().finditer(text, overlapped=True):
        start = match.start()
        before = text[start - 1 : start] if start else ""
        for length in (4, 3, 2):
            candidate, end = text[start : start + length], start + length
            if end > len(text):
                continue
            parts = _split(candidate)
            if parts is None or parts[1] not in lists.han_given_names:
                continue
            if _wordlike(parts[0]):
                break
            after = text[end : end + 1]
            if _is_stopword(candidate):
                break
            if after in _IN_TEXT_NEXT or not _is_han(after) or before in _BEFORE:
                yield start, end, SCORE_IN_TEXT
                break
    for match in _CLAUSE.finditer(text):  # `冯志刚和...`: a full name opening a clause
        for length in (4, 3):
            start, end = match.start(), match.start() + length
            if text[end : end + 1] not in _IN_TEXT_NEXT:
                continue  # checked first: cheaper than a dictionary split
            parts = _split(text[start:end])
            if parts is None or len(parts[1]) != 2:
                continue
            if _uncued_name(text[start:end]):
                yield start, end, SCORE_IN_TEXT
                break


def _uncued_name(candidate: str) -> bool:
    """Return whether `candidate` is a name even without a cue (common given characters).

    A surname that is mostly an everyday word (`任`, `于`) needs two given characters, both
    common in names (`任涵平`, `于秀婷`; not `于是`, `任何`).
    """
    parts = _split(candidate)
    if parts is None or not _is_name(candidate, strict=True):
        return False
    return not _wordlike(parts[0]) or len(parts[1]) == 2


def _wordlike(surname: str) -> bool:
    return surname in HAN_WORDLIKE_SURNAMES  # compound surnames never are


@cache
def _surname_given() -> regex.Pattern[str]:
    """Return a regex of a surname's first character before a known given name's first one."""
    lists = name_lists()
    surname_chars = "".join(sorted({s[0] for s in lists.han_surnames}))
    given_chars = "".join(sorted({g[0] for g in lists.han_given_names} | _compound_seconds()))
    return regex.compile(f"[{surname_chars}][{given_chars}]")


def _compound_seconds() -> set[str]:
    return {s[1] for s in name_lists().han_surnames if len(s) == 2}


def _is_han(char: str) -> bool:
    return bool(char) and _HAN.match(char) is not None
